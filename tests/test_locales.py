"""Every shipped locale: complete catalogs, no fallbacks, subjects within 60 characters."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po
from shipped import MARKETS

from i18nmail import Mailer
from i18nmail.plurals import parse_plural_forms, rule_problem
from i18nmail.render import builtin_catalogs

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
CATALOGS = builtin_catalogs()
TRANSLATED = [c for c in MARKETS if c != "en"]
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def test_every_shipped_language_has_a_catalog() -> None:
    """Twelve translated catalogs ship next to the English source."""
    found = {p.parent.parent.name for p in CATALOGS.glob("*/LC_MESSAGES/messages.po")}
    assert found == set(TRANSLATED), (
        "catalogs/ and MARKETS in tests/shipped.py disagree; a new language is added to both "
        "(see catalogs/README.md, 'Adding a language')")


@pytest.mark.parametrize("catalog", TRANSLATED)
def test_catalog_is_complete_and_not_fuzzy(catalog: str) -> None:
    """Every message of messages.pot is translated, none fuzzy, each plural with as many forms as its sound Plural-Forms."""
    with (CATALOGS / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    with (CATALOGS / catalog / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        po = read_po(fh, locale=catalog)
    assert not po.fuzzy
    wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id}
    have = {}
    for m in po:
        if m.id:
            have[(m.context, m.id if isinstance(m.id, str) else m.id[0])] = m
    assert wanted <= set(have), f"missing: {sorted(wanted - set(have))[:5]}"
    rule = parse_plural_forms(po.plural_forms)
    assert rule_problem(rule) is None, po.plural_forms
    nplurals = rule.nplurals
    for key in wanted:
        message = have[key]
        assert not message.fuzzy, key
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        assert all(forms), f"untranslated: {key}"
        if isinstance(message.id, (list, tuple)):
            assert len(forms) == nplurals, key


@pytest.mark.parametrize("catalog", TRANSLATED)
def test_catalog_passes_msgfmt_check(catalog: str) -> None:
    """GNU msgfmt --check accepts every shipped catalog."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is required (make test installs it)"
    path = CATALOGS / catalog / "LC_MESSAGES" / "messages.po"
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("catalog", list(MARKETS))
def test_every_scenario_renders_without_fallback(mailer: Mailer, catalog: str) -> None:
    """Each locale renders all 14 scenarios fully translated with subjects of at most 60 characters."""
    tag = MARKETS[catalog]
    for scenario in mailer.scenarios():
        email = mailer.render(scenario.id, locale=tag, context=scenario.sample(catalog), now=NOW)
        assert email.locale == tag
        assert email.fallbacks == (), (scenario.id, [str(f) for f in email.fallbacks])
        length = len([g for g in email.subject if not unicodedata.combining(g)])
        assert 0 < length <= 60, (scenario.id, email.subject)
        cased = [c for c in email.subject if c.lower() != c.upper()]
        assert not cased or not all(c.isupper() for c in cased), f"ALL CAPS subject: {email.subject}"
        for part in (email.subject, email.preheader, email.text, email.html):
            assert "%(" not in part and "{'" not in part
        assert not BIDI_CONTROLS.search(email.subject + email.text), scenario.id
        expected_dir = "rtl" if catalog == "ar" else "ltr"
        assert f'<html lang="{tag}" dir="{expected_dir}">' in email.html


def test_arabic_isolates_latin_values(mailer: Mailer) -> None:
    """In Arabic HTML, order numbers and names inside sentences are isolated with <bdi>."""
    scenario = mailer.scenario("refund_approved")
    email = mailer.render("refund_approved", locale="ar-SA", context=scenario.sample("ar"), now=NOW)
    assert email.direction == "rtl"
    assert re.search(r"<bdi>[^<]*\d+[^<]*</bdi>", email.html)


@pytest.mark.parametrize("catalog", ["pl", "ar", "ko", "sv"])
def test_plural_forms_follow_cldr(mailer: Mailer, catalog: str) -> None:
    """Counts pick different sentences where the language has different plural categories."""
    tag = MARKETS[catalog]
    scenario = mailer.scenario("refund_approved")
    seen = {}
    for n in (1, 2, 3, 5, 11, 22, 100):
        sample = dict(scenario.sample(catalog), return_window_days=n)
        text = mailer.render("refund_approved", locale=tag, context=sample, now=NOW).text
        paragraph = next(p for p in text.split("\n\n") if f"{n}" in p and len(p) > 30)
        seen[n] = paragraph.replace(str(n), "N")
    distinct = len(set(seen.values()))
    # Polish "dni" is the same for few and many; Arabic has more categories than wordings here.
    expected = {"pl": 2, "ar": 3, "ko": 1, "sv": 2}[catalog]
    assert distinct >= expected, seen
