"""scripts/review_pack.py: one review file per locale with every scenario (issue 10 item 9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from shipped import MARKETS

ROOT = Path(__file__).resolve().parent.parent


def test_review_pack_writes_every_scenario_for_every_locale(tmp_path: Path) -> None:
    """Each shipped locale gets <tag>.md holding all 14 scenarios with subject, preheader and text, no fallback."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "review_pack.py"), "--out", str(tmp_path),
                             "--now", "2026-12-22T09:00:00+00:00", "--html"],
                            capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    scenarios = sorted(p.stem for p in (ROOT / "templates" / "scenarios").glob("*.toml"))
    assert sorted(p.stem for p in tmp_path.glob("*.md")) == sorted(MARKETS.values())
    for tag in MARKETS.values():
        text = (tmp_path / f"{tag}.md").read_text("utf-8")
        assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == scenarios
        assert text.count("**Subject:**") == len(scenarios) and "**Fallbacks:**" not in text
        assert len(list((tmp_path / tag).glob("*.html"))) == len(scenarios)
    assert "Hi Emma," in (tmp_path / "en-US.md").read_text("utf-8")


def test_review_pack_refuses_a_naive_now(tmp_path: Path) -> None:
    """A --now without UTC offset is a usage error, not a traceback."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "review_pack.py"), "--out", str(tmp_path),
                             "--now", "2026-12-22T09:00:00"], capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "UTC offset" in result.stderr
