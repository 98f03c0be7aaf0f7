"""Findings and the report of one ``i18nmail check`` run.

A :class:`Finding` is one problem at one place (``path:line: code: message``)
with a stable code and a severity; a :class:`CheckReport` holds the findings
of a run and prints them as text, JSON or GitHub annotations. This module
imports nothing beyond the standard library.

>>> Finding("sv.po", 6, "placeholder-missing", ERROR, "placeholder 'name' missing").to_text()
"sv.po:6: placeholder-missing: placeholder 'name' missing"
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

__all__ = ["ERROR", "WARNING", "CheckReport", "Finding", "display_path"]

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place: ``path:line: code: message``.

    ``line`` is 1-based; 0 means the file as a whole. ``msgid`` and
    ``context`` name the message a finding is about, when it is about one.
    """

    path: str
    line: int
    code: str
    severity: str
    message: str
    locale: str | None = None
    msgid: str | None = None
    context: str | None = None

    def to_text(self) -> str:
        """Return the compiler-style one-line form."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.code}: {self.message}"

    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Key that orders findings by file, line, code and text."""
        return (self.path, self.line, self.code, self.msgid or "", self.message)


def _gh_escape(value: str, *, prop: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


@dataclass(frozen=True)
class CheckReport:
    """Everything one :func:`check_paths` run found, sorted by file and line."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Finding]:
        """The findings of severity ``error``."""
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The findings of severity ``warning``."""
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        """Return ``"N errors, M warnings in K files"``."""
        return f"{len(self.errors)} errors, {len(self.warnings)} warnings in {len(self.files)} files"

    def to_text(self) -> str:
        """One ``path:line: code: message`` line per finding, then the summary."""
        lines = [f.to_text() + ("" if f.severity == ERROR else " (warning)") for f in self.findings]
        return "\n".join([*lines, self.summary()]) + "\n"

    def to_json(self) -> str:
        """A stable JSON document: findings, counts and checked files."""
        doc = {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "files": list(self.files),
            "findings": [asdict(f) for f in self.findings],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def to_github(self) -> str:
        """GitHub Actions workflow commands, one annotation per finding."""
        out = []
        for f in self.findings:
            props = [f"file={_gh_escape(f.path, prop=True)}"]
            if f.line:
                props.append(f"line={f.line}")
            props.append(f"title={_gh_escape(f.code, prop=True)}")
            out.append(f"::{f.severity} {','.join(props)}::{_gh_escape(f.message, prop=False)}")
        return "\n".join(out) + ("\n" if out else "")


def display_path(path: str | os.PathLike[str]) -> str:
    """*path* relative to the working directory when it is inside it, else as given."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel
