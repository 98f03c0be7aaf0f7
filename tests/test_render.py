"""Rendering scenarios: complete emails, typed errors, escaping, overlays."""

from __future__ import annotations

import html.parser
import json
import re
import shutil
from datetime import datetime
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path

import babel
import pytest

from i18nmail import ContextError, Mailer, Shop, TemplateError, UnknownScenarioError
from i18nmail.render import builtin_templates
from i18nmail.testing import FIXED_NOW, assert_no_fallbacks

NOW = FIXED_NOW

SCENARIOS = sorted(p.stem for p in (builtin_templates() / "scenarios").glob("*.toml"))
DESIGN_IDS = {
    "order_cancelled_out_of_stock", "order_cancelled_shipping", "order_cancelled_payment",
    "order_cancelled_by_customer", "refund_processed", "refund_approved", "refund_feedback_request",
    "refund_angry_customer", "refund_more_info", "refund_denied", "refund_status",
    "refund_status_casual", "refund_not_received", "support_acknowledgement",
}


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html_text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html_text)
    return parser.tags


def test_all_design_scenarios_exist(mailer: Mailer) -> None:
    """The 14 scenario ids of DESIGN.md are all present."""
    assert {s.id for s in mailer.scenarios()} == DESIGN_IDS


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_renders_a_complete_english_email(mailer: Mailer, scenario: str) -> None:
    """Every scenario renders subject, preheader, greeting, facts, closing and signature."""
    sample = mailer.scenario(scenario).sample("en")
    email = mailer.render(scenario, locale="en-US", context=sample, now=NOW)
    assert 0 < len(email.subject) <= 60
    assert email.subject == email.subject.strip() and not email.subject.isupper()
    assert email.preheader
    assert email.text.startswith(f"Hi {sample['customer_given_name']},")
    assert sample.get("agent_name", "Alex Morgan") in email.text
    assert "support@shop.example" in email.text
    assert_no_fallbacks(email)
    parsed = tags(email.html)
    assert parsed[0][0] == "html" and parsed[0][1] == {"lang": "en-US", "dir": "ltr"}
    assert any(tag == "table" and attrs.get("role") == "presentation" for tag, attrs in parsed)
    assert 'style="' in email.html  # CSS inlined for mail clients that drop <style>
    assert email.preheader in email.html


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_text_and_html_come_from_the_same_sentences(mailer: Mailer, scenario: str) -> None:
    """Each paragraph of the text part also appears in the HTML part."""
    email = mailer.render(scenario, locale="en", context=mailer.scenario(scenario).sample("en"), now=NOW)
    body = email.text.split("\n-- \n")[0]
    paragraphs = [p for p in body.split("\n\n")
                  if len(p) > 40 and ":" not in p and "\n" not in p and p[0].isalpha()]
    assert paragraphs
    for paragraph in paragraphs:
        assert html.escape(paragraph, quote=False) in email.html or paragraph in email.html


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_pseudo_locale_leaves_no_hard_coded_english(mailer: Mailer, scenario: str) -> None:
    """In en-XA every sentence of the body is pseudo-translated (nothing hard-coded in templates)."""
    sample = mailer.scenario(scenario).sample("en")
    email = mailer.render(scenario, locale="en-XA", context=sample, now=NOW)
    assert email.subject.startswith("[") and email.preheader.startswith("[")
    values = [str(v) for v in sample.values() if isinstance(v, str)]
    values += [item["name"] for item in sample.get("items") or []]
    calendar_words = set(babel.Locale("en").months["format"]["wide"].values())
    calendar_words |= set(babel.Locale("en").days["format"]["wide"].values())
    allowed = {"Example", "Shop", "Alex", "Morgan", "PayPal", "Klarna"} | calendar_words
    for line in email.text.splitlines():
        rest = re.sub(r"\[[^\]]*\]|https?://\S+|\S+@\S+", " ", line)
        for value in values:
            rest = rest.replace(value, " ")
        words = [w for w in re.findall(r"[A-Za-z]{4,}", rest) if w not in allowed]
        assert not words, f"untranslated text in {scenario}: {line!r}"


def test_greeting_falls_back_politely_without_a_name(mailer: Mailer) -> None:
    """Without a customer name the greeting is a polite 'Hello,'."""
    sample = mailer.scenario("refund_status").sample("en")
    del sample["customer_given_name"], sample["customer_family_name"]
    email = mailer.render("refund_status", locale="en", context=sample, now=NOW)
    assert email.text.startswith("Hello,\n")


def test_unknown_scenario_suggests_the_closest(mailer: Mailer) -> None:
    """An unknown scenario id raises UnknownScenarioError with a suggestion."""
    with pytest.raises(UnknownScenarioError, match="Did you mean 'refund_approved'"):
        mailer.render("refund_aproved", locale="en", context={}, now=NOW)
    with pytest.raises(LookupError):
        mailer.render("../secrets", locale="en", context={}, now=NOW)


def test_missing_field_names_field_and_scenario(mailer: Mailer) -> None:
    """A missing required field raises ContextError naming the field and the scenario."""
    sample = mailer.scenario("refund_approved").sample("en")
    del sample["order_number"]
    with pytest.raises(ContextError) as info:
        mailer.render("refund_approved", locale="en", context=sample, now=NOW)
    assert info.value.field == "order_number"
    assert "refund_approved" in str(info.value) and "order_number" in str(info.value)


def test_unknown_field_suggests_the_closest(mailer: Mailer) -> None:
    """A misspelled field is rejected with a did-you-mean."""
    sample = mailer.scenario("refund_approved").sample("en")
    sample["order_numbr"] = sample.pop("order_number")
    with pytest.raises(ContextError, match="order_number"):
        mailer.render("refund_approved", locale="en", context=sample, now=NOW)


def test_float_money_is_a_type_error(mailer: Mailer) -> None:
    """A float amount raises TypeError (also a ContextError naming the field)."""
    sample = mailer.scenario("refund_approved").sample("en")
    sample["refund_amount"] = 129.0
    with pytest.raises(TypeError, match="Decimal") as info:
        mailer.render("refund_approved", locale="en", context=sample, now=NOW)
    assert isinstance(info.value, ContextError) and info.value.field == "refund_amount"


def test_unknown_currency_is_a_value_error(mailer: Mailer) -> None:
    """An unknown currency raises ValueError naming the field."""
    sample = mailer.scenario("refund_approved").sample("en")
    sample["currency"] = "XYZ"
    with pytest.raises(ValueError, match="currency"):
        mailer.render("refund_approved", locale="en", context=sample, now=NOW)


@pytest.mark.parametrize(
    ("field", "value"),
    [("refund_amount", "twelve"), ("refund_amount", float("nan")), ("refund_method", "cheque"),
     ("return_window_days", -3), ("return_window_days", "30")],
)
def test_wrongly_typed_values_raise_context_error(mailer: Mailer, field: str, value: object) -> None:
    """Wrongly typed or out-of-range values raise ContextError naming the field."""
    sample = mailer.scenario("refund_approved").sample("en")
    sample[field] = value
    with pytest.raises(ContextError) as info:
        mailer.render("refund_approved", locale="en", context=sample, now=NOW)
    assert info.value.field == field


def test_json_and_python_values_give_the_same_email(mailer: Mailer) -> None:
    """Decimal/date values and their JSON-ready forms render identically."""
    sample = mailer.scenario("order_cancelled_by_customer").sample("en")
    json_ready = json.loads(json.dumps(sample))
    python = dict(json_ready)
    python["refund_amount"] = Decimal(json_ready["refund_amount"])
    as_json = mailer.render("order_cancelled_by_customer", locale="en", context=json_ready, now=NOW)
    as_python = mailer.render("order_cancelled_by_customer", locale="en", context=python, now=NOW)
    assert as_json == as_python
    minor_units = dict(json_ready, refund_amount=int(Decimal(json_ready["refund_amount"]) * 100))
    assert mailer.render("order_cancelled_by_customer", locale="en", context=minor_units, now=NOW) == as_json


def test_customer_html_is_escaped_once_in_html_and_raw_in_text(mailer: Mailer) -> None:
    """HTML in customer values is escaped in the HTML part and left raw in text and subject."""
    sample = mailer.scenario("refund_approved").sample("en")
    sample["product_name"] = '<script>alert(1)</script> & "><img src=x onerror=alert(1)>'
    sample["customer_given_name"] = "Tom & <b>Jerry</b>"
    sample["order_number"] = "<i>10437</i>"
    email = mailer.render("refund_approved", locale="en", context=sample, now=NOW)
    assert "<script>alert(1)</script>" in email.text
    assert "&lt;" not in email.text and "&amp;" not in email.text
    assert email.subject == "Refund approved for order <i>10437</i>"
    # Text content is escaped once (the inliner writes a bare quote, valid outside attributes).
    assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "&gt;&lt;img src=x onerror=alert(1)&gt;' in email.html
    assert "&amp;amp;" not in email.html
    assert not [t for t, a in tags(email.html) if t in {"script", "img", "i", "b"}]
    assert not [a for _, a in tags(email.html) if any(k.startswith("on") for k in a)]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.example/"])
def test_only_web_urls_are_accepted(mailer: Mailer, url: str) -> None:
    """URL fields accept only http(s) URLs (RELIABILITY.md C25)."""
    sample = mailer.scenario("order_cancelled_payment").sample("en")
    url_fields = [n for n, f in mailer.scenario("order_cancelled_payment").fields.items() if f.type == "url"]
    assert url_fields
    sample[url_fields[0]] = url
    with pytest.raises(ContextError):
        mailer.render("order_cancelled_payment", locale="en", context=sample, now=NOW)


def test_long_and_unusual_names(mailer: Mailer) -> None:
    """Very long names, emoji, an RLO prefix and Arabic text render without breaking the layout."""
    sample = mailer.scenario("refund_approved").sample("en")
    sample["customer_given_name"] = "\u202eAlice 👩‍👩‍👧 مريم " + "x" * 5000
    sample["product_name"] = "\u202eRLO product"
    email = mailer.render("refund_approved", locale="en", context=sample, now=NOW)
    assert "<bdi>" in email.html
    assert len(email.subject) <= 60


def test_unsupported_locale_equals_default_rendering(mailer: Mailer) -> None:
    """A well-formed unsupported locale renders byte for byte like the default (RELIABILITY.md A2)."""
    sample = mailer.scenario("refund_status").sample("en")
    default = mailer.render("refund_status", locale="en", context=sample, now=NOW)
    unknown = mailer.render("refund_status", locale="xx", context=sample, now=NOW)
    assert (unknown.subject, unknown.text, unknown.html) == (default.subject, default.text, default.html)
    assert unknown.fallbacks and unknown.fallbacks[0].kind == "locale"


def test_plural_forms_follow_the_count(mailer: Mailer) -> None:
    """Counts pick the plural form through gettext plurals."""
    sample = mailer.scenario("refund_approved").sample("en")
    sample["return_window_days"] = 1
    one = mailer.render("refund_approved", locale="en", context=sample, now=NOW)
    sample["return_window_days"] = 30
    many = mailer.render("refund_approved", locale="en", context=sample, now=NOW)
    assert "within 1 day of purchase" in one.text
    assert "within 30 days of purchase" in many.text


def test_refund_window_is_real_dates(mailer: Mailer) -> None:
    """A card refund from 22 Dec in Sweden is due 29 Dec - 4 Jan (Christmas and New Year skipped)."""
    sample = mailer.scenario("refund_processed").sample("en")
    sample["refund_method"] = "card"
    email = mailer.render("refund_processed", locale="en-SE", context=sample, now=NOW)
    assert "Tue 29 Dec 2026 – Mon 4 Jan 2027" in email.text  # English outside the US: British dates


def test_naive_now_is_refused(mailer: Mailer) -> None:
    """`now` must be an aware datetime."""
    sample = mailer.scenario("refund_status").sample("en")
    with pytest.raises(ValueError, match="aware"):
        mailer.render("refund_status", locale="en", context=sample, now=datetime(2026, 12, 22, 9))


def test_shop_settings_appear_in_the_email() -> None:
    """Shop name, support contact, help centre and brand colour come from Shop."""
    shop = Shop(name="Nordic Home", support_email="hjalp@nordichome.example", support_phone="+46 8 123 45 67",
                help_centre_url="https://nordichome.example/hjalp", brand_colour="#0a7d5a",
                signature_name="Sara Lind")
    mailer = Mailer(shop)
    sample = mailer.scenario("support_acknowledgement").sample("en")
    sample.pop("agent_name", None)
    email = mailer.render("support_acknowledgement", locale="en", context=sample, now=NOW)
    assert "Nordic Home" in email.text and "hjalp@nordichome.example" in email.text
    assert "Sara Lind" in email.text
    assert "#0a7d5a" in email.html and "https://nordichome.example/hjalp" in email.html


@pytest.mark.parametrize(
    "changes",
    [{"name": ""}, {"support_email": "a\nb"}, {"brand_colour": "red; background:url(x)"},
     {"help_centre_url": "javascript:alert(1)"}, {"timezone": "Mars/Base"}],
)
def test_bad_shop_settings_are_value_errors(changes: dict[str, str]) -> None:
    """Invalid Shop settings raise ValueError at construction."""
    with pytest.raises(ValueError):
        Shop(**changes)  # type: ignore[arg-type]


def test_shop_templates_and_catalogs_overlay_the_builtin_ones(tmp_path: Path) -> None:
    """A shop's template folder overrides one scenario; its catalog overrides one sentence."""
    templates = tmp_path / "templates"
    (templates / "scenarios").mkdir(parents=True)
    source = builtin_templates() / "scenarios"
    shutil.copy(source / "refund_status.toml", templates / "scenarios")
    text = (source / "refund_status.j2").read_text("utf-8")
    (templates / "scenarios" / "refund_status.j2").write_text(
        text.replace("{% block body %}", "{% block body %}\n{{ ui.p(_(\"Our own opening line.\")) }}"), "utf-8")
    catalogs = tmp_path / "catalogs" / "en_GB" / "LC_MESSAGES"
    catalogs.mkdir(parents=True)
    (catalogs / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Our own opening line."\nmsgstr "Our very own opening line, British edition."\n', "utf-8")
    mailer = Mailer(templates=templates, catalogs=tmp_path / "catalogs")
    sample = mailer.scenario("refund_status").sample("en")
    gb = mailer.render("refund_status", locale="en-GB", context=sample, now=NOW)
    assert "Our very own opening line, British edition." in gb.text
    us = mailer.render("refund_status", locale="en-US", context=sample, now=NOW)
    assert "Our own opening line." in us.text
    assert mailer.render("refund_approved", locale="en", context=mailer.scenario("refund_approved").sample("en"),
                         now=NOW).subject.startswith("Refund approved")


def test_template_error_is_typed(tmp_path: Path) -> None:
    """A broken shop template raises TemplateError with its path, not a Jinja traceback."""
    templates = tmp_path / "templates"
    (templates / "scenarios").mkdir(parents=True)
    shutil.copy(builtin_templates() / "scenarios" / "refund_status.toml", templates / "scenarios")
    (templates / "scenarios" / "refund_status.j2").write_text("{% extends layout %}\n{% block body %}{{ oops(",
                                                              "utf-8")
    mailer = Mailer(templates=templates)
    with pytest.raises(TemplateError) as info:
        mailer.render("refund_status", locale="en", context=mailer.scenario("refund_status").sample("en"), now=NOW)
    assert "refund_status.j2" in str(info.value)


def test_refund_window_is_computed_once_per_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text and HTML passes share one business-day computation per window."""
    from i18nmail.businessdays import BusinessCalendar

    calls: list[object] = []
    original = BusinessCalendar.window

    def counting(self: BusinessCalendar, *args: object) -> object:
        calls.append(args)
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(BusinessCalendar, "window", counting)
    mailer = Mailer()
    mailer.render("refund_processed", locale="en-SE", context=mailer.scenario("refund_processed").sample("en"),
                  now=NOW)
    assert len(calls) == 1


def test_french_narrow_no_break_spaces_survive_in_subject_and_preheader(mailer: Mailer) -> None:
    """The U+202F a French translator puts before ":" and "?" stays in the subject and preheader (FR-G1)."""
    email = mailer.render("refund_feedback_request", locale="fr-FR",
                          context=mailer.scenario("refund_feedback_request").sample("fr"), now=NOW)
    assert "\u202f?" in email.subject or "\u202f:" in email.subject
    assert " ?" not in email.subject and " :" not in email.subject
    message = email.to_message(sender=("Boutique", "service@boutique.fr"), recipient=("Camille", "c@example.fr"))
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == email.subject
