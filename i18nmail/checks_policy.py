"""What a project wants from ``i18nmail check``: which codes count, what fails, what a catalog is.

A :class:`CheckOptions` comes from ``[tool.i18nmail.check]`` in
``pyproject.toml`` and from the command line (the command line wins), in the
style of ruff::

    [tool.i18nmail.check]
    require-complete = true          # untranslated/fuzzy entries fail the run
    select = ["html", "placeholder"] # only these codes (a prefix selects a family)
    ignore = ["whitespace"]          # never these
    markup = "auto"                  # "html": every message is HTML; "none"/"other": no HTML
    unflagged-format = "text"        # "python-format": unflagged entries are %-formats

Untranslated and fuzzy entries and a fuzzy header are valid gettext (msgfmt
leaves them out and the program shows the source), so by default they are
reported as warnings; ``require_complete`` makes them errors, as this
project's own ``make check`` does.

>>> opts = CheckOptions(ignore=("whitespace",))
>>> opts.wants("whitespace"), opts.wants("html-tags"), CheckOptions(select=("html",)).wants("html-tags")
(False, True, True)
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .findings import ERROR, WARNING, Finding

__all__ = ["INCOMPLETE_CODES", "MARKUP", "UNFLAGGED", "CheckOptions", "load_options"]

#: Findings that mean "work in progress", not "broken".
INCOMPLETE_CODES = frozenset({"untranslated", "fuzzy", "header-fuzzy"})
#: What the messages of a catalog may contain: HTML everywhere, HTML where the source has real
#: markup (``auto``), no markup at all, or another XML vocabulary (``other``: Mallard, DocBook...,
#: which the HTML checks leave alone, like ``none``).
MARKUP = ("html", "auto", "none", "other")
#: How entries without a ``*-format`` flag are read: as plain text (msgfmt's rule; a hint when a
#: translation looks like it adds a directive) or as Python %-formats (i18nmail's own templates).
UNFLAGGED = ("text", "python-format")


@dataclass(frozen=True)
class CheckOptions:
    """The policy of one check run (see the module docstring for the keys)."""

    require_complete: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    markup: str = "auto"
    unflagged_format: str = "text"

    def __post_init__(self) -> None:
        if self.markup not in MARKUP:
            raise ValueError(f"markup must be one of {', '.join(MARKUP)}, not {self.markup!r}")
        if self.unflagged_format not in UNFLAGGED:
            raise ValueError(f"unflagged-format must be one of {', '.join(UNFLAGGED)}, "
                             f"not {self.unflagged_format!r}")

    def wants(self, code: str) -> bool:
        """Whether findings of *code* are reported: selected (all by default) and not ignored.
        A selector matches a code exactly or as a prefix up to a ``-`` (``html`` selects
        ``html-tags``)."""
        def hit(selectors: Sequence[str]) -> bool:
            return any(code == s or code.startswith(s.rstrip("-") + "-") for s in selectors)

        return (not self.select or hit(self.select)) and not hit(self.ignore)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings this policy reports, with the severity it gives them."""
        kept = []
        for finding in findings:
            if not self.wants(finding.code):
                continue
            if finding.code in INCOMPLETE_CODES:
                severity = ERROR if self.require_complete else WARNING
                if finding.severity != severity:
                    finding = replace(finding, severity=severity)
            kept.append(finding)
        return kept

    def merged(self, **changes: Any) -> CheckOptions:
        """A copy with the given fields changed; ``None`` values leave a field as it is."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _codes(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"[tool.i18nmail.check] {key} must be a list of codes")
    return tuple(part.strip() for v in value for part in v.split(",") if part.strip())


def options_from_mapping(table: Mapping[str, Any], base: CheckOptions | None = None) -> CheckOptions:
    """Options from a ``[tool.i18nmail.check]`` table; unknown keys are a ``ValueError``."""
    known = {"require-complete", "select", "ignore", "markup", "unflagged-format"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"[tool.i18nmail.check]: unknown key {unknown[0]!r}; "
                         f"known keys: {', '.join(sorted(known))}")
    changes: dict[str, Any] = {}
    if "require-complete" in table:
        if not isinstance(table["require-complete"], bool):
            raise ValueError("[tool.i18nmail.check] require-complete must be true or false")
        changes["require_complete"] = table["require-complete"]
    for key in ("select", "ignore"):
        if key in table:
            changes[key] = _codes(table[key], key)
    for key, name in (("markup", "markup"), ("unflagged-format", "unflagged_format")):
        if key in table:
            if not isinstance(table[key], str):
                raise ValueError(f"[tool.i18nmail.check] {key} must be a string")
            changes[name] = table[key]
    return (base or CheckOptions()).merged(**changes)


def load_options(path: str | Path = "pyproject.toml") -> CheckOptions:
    """Read ``[tool.i18nmail.check]`` from *path*; no file or no table gives the defaults.

    A file that is not valid TOML, or a table with a wrong key or value, is a
    ``ValueError`` naming the file.
    """
    p = Path(path)
    if not p.is_file():
        return CheckOptions()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{p}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("i18nmail", {}).get("check", {})
    if not isinstance(table, dict):
        raise ValueError(f"{p}: [tool.i18nmail.check] must be a table")  # noqa: TRY004 - bad config value
    try:
        return options_from_mapping(table)
    except ValueError as exc:
        raise ValueError(f"{p}: {exc}") from None
