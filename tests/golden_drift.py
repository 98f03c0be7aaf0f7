"""Golden-file drift under the newest releases (`make test-latest`).

With ``I18NMAIL_GOLDEN=drift`` a difference in a drift-tolerant golden file
(the HTML markup, which a new css-inline may serialise differently) is
recorded here and printed as a report at the end of the run instead of failing
the test. Comparisons that must hold under every release (the text of every
email: its words, dates, times and amounts) ignore this mode.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

DRIFT_MODE = os.environ.get("I18NMAIL_GOLDEN", "strict") == "drift"


@dataclass(frozen=True)
class Drift:
    path: Path
    first_lines: str


RECORDED: list[Drift] = []


def record(path: Path, expected: str, actual: str) -> None:
    """Remember that *path* differs, with its first differing lines."""
    diff = [line for line in difflib.unified_diff(expected.splitlines(), actual.splitlines(), lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@"))]
    RECORDED.append(Drift(path, "\n".join(diff[:4])))


def report() -> list[str]:
    """The drift report: how many files, which locales, the first differing lines."""
    if not RECORDED:
        return ["golden drift report: no golden file differs under these releases"]
    locales = sorted({drift.path.parent.name for drift in RECORDED})
    lines = [f"golden drift report: {len(RECORDED)} golden file(s) differ, locales: {', '.join(locales)}"]
    for drift in RECORDED[:20]:
        lines.append(f"  {drift.path.parent.name}/{drift.path.name}:")
        lines.extend(f"      {line[:160]}" for line in drift.first_lines.splitlines())
    if len(RECORDED) > 20:
        lines.append(f"  ... and {len(RECORDED) - 20} more")
    return lines
