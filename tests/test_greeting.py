"""Greetings: given and family names, each language's own form, decided in its catalog (issue 10 item 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from shipped import MARKETS

from i18nmail import Mailer

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
#: The scenarios that go straight to business after the greeting (Japanese adds its set phrase there).
WITH_OPENING = {"order_cancelled_by_customer", "order_cancelled_out_of_stock", "order_cancelled_payment",
                "order_cancelled_shipping", "refund_status"}
JA_OPENING = "いつもご利用いただき、誠にありがとうございます。"


def first_line(mailer: Mailer, scenario: str, catalog: str, **changes: object) -> str:
    sample = mailer.scenario(scenario).sample(catalog, now=NOW)
    sample.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        del sample[key]
    return mailer.render(scenario, locale=MARKETS[catalog], context=sample, now=NOW).text.split("\n")[0]


@pytest.mark.parametrize(("catalog", "expected"), [
    ("en", "Hi Emma,"),
    ("en_GB", "Hi Olivia,"),
    ("sv", "Hej Anna!"),
    ("nb", "Hei, Ingrid!"),
    ("da", "Hej Mette,"),
    ("fi", "Hei Aino,"),
    ("fr", "Bonjour Camille,"),
    ("es", "Hola, Lucía:"),
    ("de", "Hallo Julia Becker,"),
    ("ja", "佐藤 様"),
    ("ko", "이수빈 고객님, 안녕하세요."),
    ("pl", "Dzień dobry,"),
    ("zh_Hans", "王晓明，您好！"),
])
def test_each_language_greets_as_its_shops_do(mailer: Mailer, catalog: str, expected: str) -> None:
    """Given name in English and Nordic, full name with Sie, family name + 様, 고객님, and a nameless Polish greeting."""
    assert first_line(mailer, "refund_approved", catalog) == expected


def test_casual_email_uses_the_given_name_even_with_sie(mailer: Mailer) -> None:
    """The casual note greets by given name where the formal ones use the full name (German)."""
    assert first_line(mailer, "refund_status_casual", "de") == "Hallo Julia,"


def test_chinese_casual_note_keeps_the_full_name(mailer: Mailer) -> None:
    """A mainland shop does not address a customer by given name alone: the zh casual note uses the full name (review-b L3)."""
    assert first_line(mailer, "refund_status_casual", "zh_Hans") == "王晓明，您好！"


def test_customer_name_alone_still_works(mailer: Mailer) -> None:
    """A context with only customer_name greets with that name as written, as before."""
    line = first_line(mailer, "refund_approved", "en", customer_given_name=None, customer_family_name=None,
                      customer_name="Emma Wilson")
    assert line == "Hi Emma Wilson,"
    assert first_line(mailer, "refund_approved", "ja", customer_given_name=None, customer_family_name=None,
                      customer_name="佐藤 美咲") == "佐藤 美咲 様"


def test_full_name_follows_the_language_order(mailer: Mailer) -> None:
    """Without customer_name, the full name is built in the catalog's order (family name first in Korean)."""
    assert first_line(mailer, "refund_approved", "ko") == "이수빈 고객님, 안녕하세요."
    assert first_line(mailer, "refund_approved", "de", customer_given_name="Julia", customer_family_name=None) \
        == "Hallo Julia,"


def test_polish_never_puts_a_nominative_name_in_the_greeting(mailer: Mailer) -> None:
    """Every Polish email opens with a nameless greeting, whatever names the context has."""
    for scenario in mailer.scenarios():
        line = first_line(mailer, scenario.id, "pl", customer_name="Anna Kowalska")
        expected = "Cześć!" if scenario.id == "refund_status_casual" else "Dzień dobry,"
        assert line == expected, (scenario.id, line)


def test_casual_note_without_a_name_is_friendly(mailer: Mailer) -> None:
    """The casual note's nameless greeting is its own message: "Hi there," in English, "Cześć!" in Polish."""
    assert first_line(mailer, "refund_status_casual", "en", customer_given_name=None,
                      customer_family_name=None) == "Hi there,"
    assert first_line(mailer, "refund_status", "en", customer_given_name=None, customer_family_name=None) == "Hello,"


def test_japanese_opening_line_only_where_the_email_opens_with_business(mailer: Mailer) -> None:
    """The customary Japanese opening line follows the salutation in the five emails without their own thanks."""
    for scenario in mailer.scenarios():
        sample = mailer.scenario(scenario.id).sample("ja", now=NOW)
        text = mailer.render(scenario.id, locale="ja-JP", context=sample, now=NOW).text
        assert text.startswith("佐藤 様\n\n")
        assert (text.split("\n")[2] == JA_OPENING) == (scenario.id in WITH_OPENING), scenario.id
    english = mailer.render("refund_status", locale="en", context=mailer.scenario("refund_status").sample("en"), now=NOW)
    assert "-" not in english.text.split("\n")[2]


GREETING_PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgctxt "greeting form"
msgid "given"
msgstr "full"

{comment}msgctxt "greeting"
msgid "Hi %(name)s,"
msgstr "Goedendag,"
'''


@pytest.mark.parametrize(("comment", "accepted"), [
    ("#. Opening line of every email.\n#. Optional: name\n", True),
    ("#. Opening line of every email.\n", False),
])
def test_optional_placeholder_may_be_left_out(tmp_path: Path, comment: str, accepted: bool) -> None:
    """A translation may drop a placeholder only when the source comment declares it 'Optional:'."""
    folder = tmp_path / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(GREETING_PO.format(comment=comment), "utf-8")
    mailer = Mailer(catalogs=tmp_path)
    sample = mailer.scenario("refund_approved").sample("en", now=NOW)
    email = mailer.render("refund_approved", locale="nl", context=sample, now=NOW)
    greeting = email.text.split("\n")[0]
    assert greeting == ("Goedendag," if accepted else "Hi Emma Wilson,")
    rejected = [f for f in email.fallbacks if f.message == "greeting|Hi %(name)s,"]
    assert bool(rejected) != accepted


def test_unknown_greeting_form_is_recorded_and_uses_the_full_name(tmp_path: Path) -> None:
    """A misspelt greeting-form setting greets with the full name and is recorded as a fallback."""
    folder = tmp_path / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = GREETING_PO.format(comment="").replace('msgstr "full"', 'msgstr "famly"').replace(
        'msgstr "Goedendag,"', 'msgstr "Beste %(name)s,"')
    (folder / "messages.po").write_text(po, "utf-8")
    mailer = Mailer(catalogs=tmp_path)
    sample = mailer.scenario("refund_approved").sample("en", now=NOW)
    email = mailer.render("refund_approved", locale="nl", context=sample, now=NOW)
    assert email.text.startswith("Beste Emma Wilson,")
    assert any("famly" in f.detail and f.message == "greeting form|given" for f in email.fallbacks)

