"""Golden files: every scenario in every locale, rendered with its sample data at a fixed now.

Any change to a translation, template or formatting shows up here as a
readable diff. After an intended change, regenerate and review the diff:

    I18NMAIL_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import golden_drift
import pytest
from shipped import MARKETS, PSEUDO

from i18nmail import Mailer, RenderedEmail

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("I18NMAIL_UPDATE_GOLDEN") == "1"
CASES = [(catalog, tag) for catalog, tag in MARKETS.items()] + [PSEUDO]
SCENARIOS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "templates" / "scenarios").glob("*.toml"))


def text_snapshot(email: RenderedEmail) -> str:
    fallbacks = "".join(f"Fallback: {f}\n" for f in email.fallbacks)
    return (f"Subject: {email.subject}\nPreheader: {email.preheader}\nLocale: {email.locale}\n"
            f"Direction: {email.direction}\n{fallbacks}\n{email.text}")


def compare(path: Path, actual: str, *, drift_ok: bool = False) -> None:
    """Compare with the golden file; under ``I18NMAIL_GOLDEN=drift`` a *drift_ok*
    difference is recorded for the drift report instead of failing."""
    if UPDATE:
        assert os.environ.get("CI") != "true", "golden files are never regenerated in CI"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text("utf-8") != actual:
            path.write_text(actual, "utf-8")
        return
    assert path.exists(), f"{path} is missing: run with I18NMAIL_UPDATE_GOLDEN=1 and review the diff"
    expected = path.read_text("utf-8")
    if expected != actual and drift_ok and golden_drift.DRIFT_MODE:
        golden_drift.record(path, expected, actual)
        return
    if expected != actual:
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(path),
                                            "rendered", n=2))
        pytest.fail(f"rendered email differs from {path.name}:\n{diff[:6000]}")


@pytest.mark.parametrize(("catalog", "tag"), CASES, ids=[tag for _, tag in CASES])
def test_golden_emails(catalog: str, tag: str) -> None:
    """Each scenario in this locale renders exactly as its golden text and HTML files.

    The text golden (subject, preheader, every word, date, time and amount)
    must match under the locked and the newest releases alike; the HTML
    markup may drift under the newest css-inline and is then reported.
    """
    mailer = Mailer(pseudo=True, compiled=False)
    for scenario in SCENARIOS:
        email = mailer.render(scenario, locale=tag, context=mailer.scenario(scenario).sample(catalog, now=NOW), now=NOW)
        compare(GOLDEN / tag / f"{scenario}.txt", text_snapshot(email))
        compare(GOLDEN / tag / f"{scenario}.html", email.html, drift_ok=True)


@pytest.mark.parametrize(("catalog", "tag"), CASES, ids=[tag for _, tag in CASES])
def test_compiled_emails_are_the_golden_emails(catalog: str, tag: str) -> None:
    """The per-locale compiled templates give every golden email byte for byte
    (subject, preheader, text, fallbacks and HTML), and really are compiled."""
    full = Mailer(pseudo=True, compiled=False)
    mailer = Mailer(pseudo=True)
    mailer._compile_after = 1
    mailer._compiled_fallback = False
    for scenario in SCENARIOS:
        context = mailer.scenario(scenario).sample(catalog, now=NOW)
        email = mailer.render(scenario, locale=tag, context=context, now=NOW)
        assert any(key[0] == scenario and entry.compiled is not None
                   for key, entry in mailer._compiled_cache.items()), f"{scenario} in {tag} was not compiled"
        compare(GOLDEN / tag / f"{scenario}.txt", text_snapshot(email))
        reference = full.render(scenario, locale=tag, context=context, now=NOW)
        assert email.html == reference.html, f"compiled HTML of {scenario} in {tag} differs from the full path"
        compare(GOLDEN / tag / f"{scenario}.html", email.html, drift_ok=True)


def test_no_stray_golden_files() -> None:
    """Every golden file belongs to a current scenario and locale."""
    expected = {GOLDEN / tag / f"{s}.{ext}" for _, tag in CASES for s in SCENARIOS for ext in ("txt", "html")}
    present = set(GOLDEN.glob("*/*.*"))
    assert present - expected == set()
