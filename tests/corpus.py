"""Real-world catalogs shipped inside installed packages, checked by i18nmail and by GNU msgfmt.

Used by ``tests/test_checks_corpus.py``; run it as a script to print every
difference between the two tools (the material for the reviewed allow-list
``tests/data/corpus_allowlist.txt``)::

    .venv/bin/python tests/corpus.py
"""

from __future__ import annotations

import bisect
import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from i18nmail.checks import CheckOptions, iter_findings

#: Packages of the test extra that ship gettext catalogs.
PACKAGES = ("django", "wagtail", "sphinx")
ALLOWLIST = Path(__file__).resolve().parent / "data" / "corpus_allowlist.txt"


def package_root(name: str) -> Path:
    """The installed folder of package *name*."""
    module = importlib.import_module(name)
    return Path(module.__file__ or "").resolve().parent


def corpus() -> list[tuple[str, Path]]:
    """Every ``.po`` file of :data:`PACKAGES`, as ``(id, path)``; the id is ``package/relative/path``."""
    found = []
    for name in PACKAGES:
        root = package_root(name)
        found.extend((f"{name}/{p.relative_to(root)}", p) for p in sorted(root.rglob("*.po")))
    return found


_MSGFMT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?:\d+:)? (?P<text>.*)$")


@dataclass(frozen=True)
class Msgfmt:
    """What ``msgfmt --check`` said about one file: exit status and its fatal errors, each with
    every line it names (an error continued by "...but" lines names several)."""

    ok: bool
    errors: tuple[tuple[int, ...], ...]
    text: str


def msgfmt(path: Path) -> Msgfmt:
    """Run ``msgfmt --check`` on *path* (output discarded) and collect its fatal errors."""
    done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True,
                          text=True, errors="replace", check=False)
    errors: list[list[int]] = []
    for raw in done.stderr.splitlines():
        match = _MSGFMT_LINE.match(raw)
        if match is None or match.group("text").startswith("warning:"):
            continue
        if match.group("text").startswith("...") and errors:
            errors[-1].append(int(match.group("line")))
        else:
            errors.append([int(match.group("line"))])
    return Msgfmt(done.returncode == 0, tuple(tuple(e) for e in errors), done.stderr)


def entry_starts(path: Path) -> list[int]:
    """The first line of every entry (its comments included) and of the header, sorted."""
    starts = [1]
    previous_blank = True
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        stripped = line.strip()
        if previous_blank and stripped:
            starts.append(number)
        previous_blank = not stripped
    return sorted(set(starts))


def same_entry(starts: list[int], a: int, b: int) -> bool:
    """Whether lines *a* and *b* lie in the same blank-line separated block."""
    return bisect.bisect_right(starts, a) == bisect.bisect_right(starts, b)


@dataclass(frozen=True)
class Difference:
    """One disagreement: ``missed`` (msgfmt's error not found) or ``extra`` (an i18nmail error)."""

    kind: str
    ident: str
    line: int
    code: str
    text: str

    def key(self) -> str:
        """The allow-list form: ``ident:line: code``."""
        return f"{self.ident}:{self.line}: {self.code}"


def compare(files: list[tuple[str, Path]]) -> Iterator[Difference]:
    """Every difference between i18nmail's errors and msgfmt's fatal errors, file by file."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        references = dict(zip([p for _i, p in files], pool.map(msgfmt, [p for _i, p in files]), strict=True))
    ids = {p: ident for ident, p in files}
    options = CheckOptions()
    for shown, findings in iter_findings([p for _i, p in files], options=options):
        path = Path(shown).resolve()
        ident = ids[path]
        ref = references[path]
        errors = [f for f in findings if f.severity == "error"]
        starts = entry_starts(path)
        for lines in ref.errors:
            if not any(same_entry(starts, f.line, line) for f in errors for line in lines):
                yield Difference("missed", ident, lines[0], "msgfmt", ref.text.strip()[:300])
        theirs = [line for lines in ref.errors for line in lines]
        for finding in errors:
            if not any(same_entry(starts, finding.line, line) for line in theirs):
                yield Difference("extra", ident, finding.line, finding.code, finding.message)


def allowlist() -> dict[str, str]:
    """The reviewed true finds: ``ident:line: code`` -> why it is a true find."""
    allowed = {}
    for raw in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        key, _, reason = raw.partition(" -- ")
        allowed[key.strip()] = reason.strip()
    return allowed


def main() -> int:
    """Print every difference not in the allow-list; exit 1 if there is one."""
    allowed = allowlist() if ALLOWLIST.is_file() else {}
    files = corpus()
    left = [d for d in compare(files) if d.key() not in allowed]
    for diff in left:
        print(f"{diff.kind}: {diff.key()} -- {diff.text}")
    print(f"{len(files)} files, {len(left)} differences not in the allow-list", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main())
