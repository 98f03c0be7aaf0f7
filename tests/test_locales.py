"""Every shipped locale: complete catalogs, no fallbacks, subjects within 60 characters."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from html import unescape as html_unescape

import pytest
from babel.messages.pofile import read_po
from shipped import MARKETS

from i18nmail import Mailer
from i18nmail.plurals import parse_plural_forms, rule_problem
from i18nmail.render import builtin_catalogs
from i18nmail.testing import FIXED_NOW, assert_no_fallbacks

NOW = FIXED_NOW
CATALOGS = builtin_catalogs()
TRANSLATED = [c for c in MARKETS if c != "en"]
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
FSI, PDI = "\u2068", "\u2069"


def balanced_isolates(line: str) -> bool:
    depth = 0
    for ch in line:
        depth += (ch == FSI) - (ch == PDI)
        if depth < 0:
            return False
    return depth == 0


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
        assert_no_fallbacks(email)
        length = len([g for g in email.subject if not unicodedata.combining(g)])
        assert 0 < length <= 60, (scenario.id, email.subject)
        cased = [c for c in email.subject if c.lower() != c.upper()]
        assert not cased or not all(c.isupper() for c in cased), f"ALL CAPS subject: {email.subject}"
        for part in (email.subject, email.preheader, email.text, email.html):
            assert "%(" not in part and "{'" not in part
        assert not BIDI_CONTROLS.search(email.subject + email.preheader), scenario.id
        # The text part carries only the renderer's own isolates (FSI ... PDI), in RTL only, balanced.
        assert not BIDI_CONTROLS.search(email.text.replace(FSI, "").replace(PDI, "")), scenario.id
        if catalog != "ar":
            assert FSI not in email.text and PDI not in email.text
        for line in email.text.split("\n"):
            assert balanced_isolates(line), (scenario.id, line)
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


TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


@pytest.mark.parametrize("catalog", list(MARKETS))
def test_html_title_is_the_plain_subject(mailer: Mailer, catalog: str) -> None:
    """The <title> of every email is the plain subject: no <bdi>, no escaped markup (Arabic AL1)."""
    for scenario in mailer.scenarios():
        email = mailer.render(scenario.id, locale=MARKETS[catalog], context=scenario.sample(catalog, now=NOW), now=NOW)
        [title] = TITLE.findall(email.html)
        assert "<" not in title and "&lt;" not in title and "bdi" not in title, (scenario.id, title)
        assert html_unescape(title) == email.subject


def test_arabic_text_part_isolates_values(mailer: Mailer) -> None:
    """In the Arabic text part every value sits in FSI...PDI, so a name ending in Latin keeps its place (A1)."""
    scenario = mailer.scenario("order_cancelled_out_of_stock")
    sample = scenario.sample("ar", now=NOW)
    email = mailer.render(scenario.id, locale="ar-SA", context=sample, now=NOW)
    assert f"{FSI}{sample['order_number']}{PDI}" in email.text
    item = sample["items"][0]["name"]
    assert item.endswith("M") and f"- {FSI}{item}{PDI} — " in email.text
    assert FSI not in email.subject + email.preheader


def test_bidi_controls_from_customer_data_are_removed_before_isolating(mailer: Mailer) -> None:
    """An RLO or stray isolate in a customer value never reaches the Arabic text part; ours stay balanced."""
    scenario = mailer.scenario("refund_approved")
    sample = dict(scenario.sample("ar", now=NOW), customer_given_name="\u202eسارة\u2069\u2068",
                  order_number="\ue0011043\ue0007")
    email = mailer.render(scenario.id, locale="ar-SA", context=sample, now=NOW)
    assert "\u202e" not in email.text and "\ue000" not in email.text and "\ue001" not in email.text
    assert email.text.startswith("مرحبًا سارة،")
    assert f"{FSI}10437{PDI}" in email.text
    assert all(balanced_isolates(line) for line in email.text.split("\n"))


def first_strong_outside_isolates(line: str) -> str | None:
    depth = 0
    for ch in line:
        depth += (ch == FSI) - (ch == PDI)
        if depth == 0 and unicodedata.bidirectional(ch) in ("L", "R", "AL"):
            return unicodedata.bidirectional(ch)
    return None


def test_arabic_lines_with_isolated_values_read_right_to_left(mailer: Mailer) -> None:
    """Every Arabic text line holding an isolated value starts right-to-left outside the isolates."""
    for scenario in mailer.scenarios():
        email = mailer.render(scenario.id, locale="ar-SA", context=scenario.sample("ar", now=NOW), now=NOW)
        for line in email.text.split("\n"):
            if FSI in line:
                assert first_strong_outside_isolates(line) in ("R", "AL"), (scenario.id, line)


def test_arabic_digits_are_latin_by_explicit_choice(mailer: Mailer) -> None:
    """Arabic emails write amounts, counts and dates in Latin digits (typography.NUMBERING_SYSTEMS)."""
    from i18nmail.typography import NUMBERING_SYSTEMS

    assert NUMBERING_SYSTEMS["ar"] == "latn"
    for scenario in mailer.scenarios():
        email = mailer.render(scenario.id, locale="ar-SA", context=scenario.sample("ar", now=NOW), now=NOW)
        assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", email.text + email.html), scenario.id


@pytest.mark.parametrize(("catalog", "own", "foreign"), [
    ("ja", '"Noto Sans CJK JP"', "CJK KR"),
    ("zh_Hans", '"Noto Sans CJK SC"', "CJK KR"),
    ("ko", '"Noto Sans CJK KR"', "CJK JP"),
    ("ar", '"Noto Sans Arabic"', "CJK"),
    ("sv", "Arial", "CJK"),
])
def test_each_script_names_its_own_fonts(mailer: Mailer, catalog: str, own: str, foreign: str) -> None:
    """The CSS font stack names the script's own fonts and never another script's CJK face (JL3, ZL3)."""
    email = mailer.render("refund_approved", locale=MARKETS[catalog],
                          context=mailer.scenario("refund_approved").sample(catalog, now=NOW), now=NOW)
    assert own in email.html and foreign not in email.html


def test_en_gb_is_british() -> None:
    """The en_GB catalog is complete British English: centre, apologise, cancelled, working days."""
    with (CATALOGS / "en_GB" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    text = " ".join(m.string if isinstance(m.string, str) else " ".join(m.string) for m in catalog if m.id)
    for british in ("help centre", "apologise", "cancelled", "working day", "straight away"):
        assert british in text
    for american in ("help center", "apologize", "canceled", "business day"):
        assert american not in text
