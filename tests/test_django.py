"""i18nmail.django: settings-driven Mailer, to_django(), send() and the start-up check.

Runs with Django's own test machinery (locmem ``mail.outbox``,
``override_settings``); ``make test-django-oldest`` runs this file again on the
oldest Django that pyproject.toml allows.
"""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import django
import pytest
from django.conf import settings

if not settings.configured:
    settings.configure(
        INSTALLED_APPS=["i18nmail.django"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DEFAULT_FROM_EMAIL="Fallback Sender <noreply@example.com>",
        LANGUAGE_CODE="en-us",
        USE_I18N=True,
        USE_TZ=True,
        I18NMAIL={
            "shop": {"name": "Nordic Home", "support_email": "help@nordichome.example", "country": "SE",
                     "timezone": "Europe/Stockholm"},
            "from_email": "Nordic Home <help@nordichome.example>",
            "locales": ["sv-SE", "ko-KR"],
        },
    )
    django.setup()

from django.core import checks, mail
from django.core.exceptions import ImproperlyConfigured
from django.test.utils import override_settings, setup_test_environment, teardown_test_environment
from django.utils import translation

import i18nmail.django as i18n_django
from i18nmail.testing import FIXED_NOW, ShopLayer, assert_no_fallbacks, assert_text_contains

SAMPLE = {
    "customer_name": "Anna Lindqvist",
    "order_number": "10432",
    "items": [{"name": "Linneskjorta", "quantity": 1, "price": "599.00"}],
    "refund_amount": "599.00",
    "refund_method": "swish",
    "currency": "SEK",
}


@pytest.fixture(autouse=True, scope="module")
def django_test_environment() -> Iterator[None]:
    """Django's test environment: the locmem backend and ``mail.outbox``."""
    setup_test_environment()
    yield
    teardown_test_environment()


@pytest.fixture(autouse=True)
def fresh_outbox() -> Iterator[None]:
    mail.outbox = []
    i18n_django.reset()
    yield
    i18n_django.reset()


def parse(message: object) -> object:
    return message_from_bytes(message.message().as_bytes(), policy=policy.default)  # type: ignore[attr-defined]


def test_render_uses_the_active_django_language() -> None:
    """Without a locale, render() uses get_language(): a translation.override block carries over."""
    with translation.override("sv"):
        email = i18n_django.render("order_cancelled_out_of_stock", SAMPLE, now=FIXED_NOW)
    assert email.locale == "sv"
    assert "annullerad" in email.subject
    assert_no_fallbacks(email)
    assert_text_contains(email.text, "599,00 kr")


def test_explicit_locale_wins_over_the_active_language() -> None:
    """render(..., locale=customer.locale) ignores the request's language."""
    with translation.override("de"):
        email = i18n_django.render("order_cancelled_out_of_stock", SAMPLE, "nb_NO.UTF-8", now=FIXED_NOW)
    assert email.locale == "nb-NO"
    assert_no_fallbacks(email)


def test_without_an_active_language_language_code_is_used() -> None:
    """With translations deactivated, settings.LANGUAGE_CODE picks the language."""
    with translation.override(None), override_settings(LANGUAGE_CODE="fi"):
        email = i18n_django.render("order_cancelled_out_of_stock", SAMPLE, now=FIXED_NOW)
    assert email.locale == "fi"


def test_to_django_keeps_headers_and_alternatives() -> None:
    """to_django(): text body, HTML alternative, Content-Language on message and parts, reply-to."""
    email = i18n_django.render("order_cancelled_out_of_stock", SAMPLE, "sv-SE", now=FIXED_NOW)
    message = email.to_django(to=[("Anna Lindqvist", "anna@example.se")], reply_to="help@nordichome.example")
    assert message.body == email.text
    assert message.alternatives[0][0] == email.html and message.alternatives[0][1] == "text/html"
    parsed = parse(message)
    assert parsed["Content-Language"] == "sv-SE"  # type: ignore[index]
    parts = list(parsed.iter_parts())  # type: ignore[attr-defined]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p["Content-Language"] == "sv-SE" for p in parts)
    assert parsed["Reply-To"] == "help@nordichome.example"  # type: ignore[index]
    assert parsed["To"] == "Anna Lindqvist <anna@example.se>"  # type: ignore[index]
    assert parsed["From"] == "Fallback Sender <noreply@example.com>"  # type: ignore[index]


def test_korean_subject_reads_back_without_a_leading_space() -> None:
    """A long non-ASCII subject is RFC 2047-encoded so a parser reads it back exactly (trial, SMTP test)."""
    email = i18n_django.render("order_cancelled_out_of_stock", SAMPLE, "ko-KR", now=FIXED_NOW)
    raw = email.to_django(to="이수빈 <subin@example.kr>").message().as_bytes()
    assert raw.split(b"\n\n", 1)[0].isascii()  # headers are 7-bit; Django sends UTF-8 bodies as 8bit
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == email.subject
    assert parsed["To"].addresses[0].display_name == "이수빈"


def test_to_django_refuses_smuggled_recipients_and_headers() -> None:
    """One string cannot carry two recipients; a display name cannot add a header."""
    email = i18n_django.render("refund_approved", i18n_django.get_mailer().scenario("refund_approved").sample("en"),
                               "en", now=FIXED_NOW)
    with pytest.raises(ValueError, match="to: expected exactly one email address"):
        email.to_django(to="a@example.com, b@example.com")
    with pytest.raises(ValueError, match="at least one recipient"):
        email.to_django(to=[])
    message = email.to_django(to=[("Bob\r\nBcc: evil@example.com", "bob@example.com")])
    raw = message.message().as_bytes()
    assert b"\nBcc:" not in raw and len(message.recipients()) == 1
    assert message_from_bytes(raw, policy=policy.default)["To"].addresses[0].addr_spec == "bob@example.com"


def test_send_goes_through_the_configured_backend() -> None:
    """send() renders in the customer's language and lands in Django's locmem outbox once."""
    sent = i18n_django.send("order_cancelled_out_of_stock", SAMPLE, to=("Anna", "anna@example.se"),
                            locale="sv-SE", now=FIXED_NOW)
    assert sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.from_email == "Nordic Home <help@nordichome.example>"
    assert message.extra_headers["Content-Language"] == "sv-SE"
    assert "annullerad" in message.subject
    assert_text_contains(message.body, "599,00 kr")


def test_a_render_error_sends_nothing() -> None:
    """A context error is raised before any message reaches the backend."""
    with pytest.raises(ValueError, match="required field missing"):
        i18n_django.send("order_cancelled_out_of_stock", {"customer_name": "Anna"}, to="anna@example.se",
                         locale="sv", fail_silently=True)
    assert mail.outbox == []


def test_override_settings_rebuilds_the_mailer() -> None:
    """Changing I18NMAIL with override_settings gives a mailer for the new shop."""
    first = i18n_django.get_mailer()
    with override_settings(I18NMAIL={"shop": {"name": "Fjällbutiken", "support_email": "hej@fjall.example"}}):
        email = i18n_django.render("refund_approved", i18n_django.get_mailer().scenario("refund_approved").sample("sv"),
                                   "sv", now=FIXED_NOW)
        assert i18n_django.get_mailer() is not first
    assert "Fjällbutiken" in email.text
    assert i18n_django.get_mailer().shop.name == "Nordic Home"


def test_one_mailer_per_process() -> None:
    """get_mailer() builds once and then returns the same object."""
    assert i18n_django.get_mailer() is i18n_django.get_mailer()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"stritc": True}, "unknown key 'stritc'. Did you mean 'strict'?"),
        ({"shop": {"suport_email": "x@y.example"}}, "I18NMAIL\\['shop'\\]: unknown Shop settings: suport_email"),
        ({"strict": "yes"}, "must be True or False"),
        ({"locales": "sv-SE"}, "list of locale tags"),
        ({"templates": "/nonexistent/i18nmail"}, "no such folder"),
        ("sv", "must be a dict"),
    ],
)
def test_bad_settings_are_named(value: object, message: str) -> None:
    """A wrong I18NMAIL is ImproperlyConfigured naming the key at fault."""
    with override_settings(I18NMAIL=value), pytest.raises(ImproperlyConfigured, match=message):
        i18n_django.get_mailer()


def broken_sv_layer(tmp_path: Path) -> ShopLayer:
    """A shop layer whose Swedish override of one sentence has a misspelled placeholder."""
    layer = ShopLayer(tmp_path / "shop")
    layer.write_po("sv", {
        "As a thank-you for your patience, you get %(percent)s off your next purchase with the code "
        "%(code)s. The code is valid until %(date)s.":
        "Som tack får du %(procent)s rabatt med koden %(code)s, giltig till %(date)s.",
    })
    return layer


def test_strict_mode_refuses_a_mixed_language_email(tmp_path: Path) -> None:
    """strict: a sentence that fell back raises StrictFallbackError; nothing is sent."""
    layer = broken_sv_layer(tmp_path)
    sample = i18n_django.get_mailer().scenario("order_cancelled_out_of_stock").sample("sv")
    config = {"catalogs": layer.catalogs, "strict": True}
    with override_settings(I18NMAIL=config):
        with pytest.raises(i18n_django.StrictFallbackError, match="placeholders differ") as caught:
            i18n_django.send("order_cancelled_out_of_stock", sample, to="a@example.se", locale="sv-SE")
        assert caught.value.fallbacks and caught.value.email.locale == "sv-SE"
        # A customer in a language the shop does not serve is a locale fallback: allowed.
        email = i18n_django.render("order_cancelled_out_of_stock", sample, "nl-NL")
        assert email.language == "en"
    assert mail.outbox == []
    with override_settings(I18NMAIL={"catalogs": layer.catalogs, "strict": False}):
        email = i18n_django.render("order_cancelled_out_of_stock", sample, "sv-SE")
    assert [f.kind for f in email.fallbacks] == ["message"]


def i18nmail_checks() -> list[checks.CheckMessage]:
    return checks.run_checks(tags=["i18nmail"])


def test_system_check_passes_on_a_sound_setup() -> None:
    """The registered start-up check renders every scenario in each configured locale and finds nothing."""
    assert i18nmail_checks() == []


def test_system_check_reports_bad_settings() -> None:
    """i18nmail.E001: settings that cannot build a mailer."""
    with override_settings(I18NMAIL={"shop": {"timezone": "Mars/Olympus"}}):
        found = i18nmail_checks()
    assert [m.id for m in found] == ["i18nmail.E001"]
    assert "Mars/Olympus" in found[0].msg


def test_system_check_reports_a_broken_template_override(tmp_path: Path) -> None:
    """i18nmail.E002: a template override with a syntax error is found at start-up, per locale."""
    layer = ShopLayer(tmp_path / "shop")
    original = (i18n_django.get_mailer().template_roots[-1] / "scenarios" / "refund_denied.j2").read_text("utf-8")
    layer.write("templates/scenarios/refund_denied.j2", original.replace("{{ ui.greeting() }}", "{{ ui.greeting( }}"))
    with override_settings(I18NMAIL={"templates": layer.templates, "locales": ["sv-SE", "fi-FI"]}):
        found = i18nmail_checks()
    assert [(m.id, m.obj) for m in found] == [("i18nmail.E002", "i18nmail:refund_denied")] * 2
    assert "refund_denied.j2" in found[0].msg and "sv-SE" in found[0].msg


def test_system_check_reports_fallbacks_as_errors_only_when_strict(tmp_path: Path) -> None:
    """i18nmail.E003 in strict mode, i18nmail.W001 otherwise, for a sentence that falls back."""
    layer = broken_sv_layer(tmp_path)
    with override_settings(I18NMAIL={"catalogs": layer.catalogs, "strict": True, "locales": ["sv-SE", "fi"]}):
        strict = i18nmail_checks()
    with override_settings(I18NMAIL={"catalogs": layer.catalogs, "locales": ["sv-SE", "fi"]}):
        lenient = i18nmail_checks()
    assert {m.id for m in strict} == {"i18nmail.E003"} and all("sv-SE" in m.msg for m in strict)
    assert {m.id for m in lenient} == {"i18nmail.W001"}
    assert len(strict) == len(lenient) >= 1


def test_celery_workers_use_the_django_mailer() -> None:
    """In a Django project, i18nmail.celery builds no mailer of its own: it uses settings.I18NMAIL's."""
    import i18nmail.celery

    assert i18nmail.celery.default_mailer() is i18n_django.get_mailer()
