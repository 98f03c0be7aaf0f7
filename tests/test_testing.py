"""i18nmail.testing: the helpers shops use in their own test suites (review N10)."""

from __future__ import annotations

import smtplib
from datetime import datetime

import pytest
from shipped import MARKETS

from i18nmail import Mailer
from i18nmail.delivery import Journal, Outbox, Transport, message_id_for
from i18nmail.negotiation import Fallback
from i18nmail.testing import (
    FIXED_NOW,
    RecordingTransport,
    ShopLayer,
    SMTPSink,
    assert_all_render,
    assert_no_fallbacks,
    assert_same_text,
    assert_text_contains,
    market_tags,
    normalize_spaces,
    render_all,
    same_text,
)

SV_SAMPLE_KEY = "sv"


def test_fixed_now_is_aware_and_stable(i18nmail_now: datetime) -> None:
    """The fixture and the constant are the same aware datetime."""
    assert i18nmail_now is FIXED_NOW and FIXED_NOW.utcoffset() is not None


def test_cldr_spaces_compare_as_spaces(mailer: Mailer) -> None:
    """Swedish money has a no-break space and English times a narrow one; a typed space matches both."""
    email = mailer.render("order_cancelled_out_of_stock", locale="sv-SE",
                          context=mailer.scenario("order_cancelled_out_of_stock").sample("sv"), now=FIXED_NOW)
    assert "\u00a0kr" in email.text and " kr" not in email.text.replace("\u00a0kr", "")
    assert_text_contains(email.text, " kr")
    assert same_text("10:00\u202fAM", "10:00 AM") and not same_text("10:00 AM", "11:00 AM")
    assert normalize_spaces("a\u2009\u2007 b\nc") == "a b\nc"


def test_text_assertions_fail_with_visible_spaces() -> None:
    """A failed comparison shows where the no-break spaces are."""
    with pytest.raises(AssertionError, match="599,00⍽kr"):
        assert_same_text("599,00\u00a0kr", "600,00 kr")
    with pytest.raises(AssertionError, match="not found"):
        assert_text_contains("599,00\u00a0kr", "599 kr")


def test_assert_no_fallbacks_lists_each_one() -> None:
    """Every fallback not allowed is listed; allowed kinds pass."""
    mailer = Mailer()
    sample = mailer.scenario("refund_approved").sample("en")
    email = mailer.render("refund_approved", locale="nl-NL", context=sample, now=FIXED_NOW)
    kinds = {f.kind for f in email.fallbacks}
    assert "locale" in kinds
    assert_no_fallbacks(email, allow=kinds)
    with pytest.raises(AssertionError, match=rf"refund_approved in en: {len(email.fallbacks)} fallback"):
        assert_no_fallbacks(email)
    broken = email.__class__(**{**email.__dict__, "fallbacks": (
        Fallback(kind="message", detail="not translated in 'sv'", message="Hello"),
        Fallback(kind="catalog", detail="cannot read messages.mo"))})
    with pytest.raises(AssertionError, match="(?s)2 fallback.*message.*catalog"):
        assert_no_fallbacks(broken)


def test_every_scenario_renders_in_every_shipped_locale(mailer: Mailer) -> None:
    """assert_all_render: all 14 scenarios x every market render with no fallback; en-XA counts US days."""
    emails = assert_all_render(mailer, locales=list(MARKETS.values()))
    assert len(emails) == len(mailer.scenarios()) * len(MARKETS)
    assert market_tags(mailer)[-2:] == ["sv-SE", "zh-Hans-CN"]
    pseudo = assert_all_render(mailer, locales=["en-XA"], allow=["calendar"])
    assert all(email.locale == "en-XA" for email in pseudo)


def test_render_all_reports_every_broken_pair(i18nmail_layer: ShopLayer) -> None:
    """A broken template override fails in every locale; one AssertionError lists each pair."""
    mailer = i18nmail_layer.mailer()
    original = (mailer.template_roots[-1] / "scenarios" / "refund_denied.j2").read_text("utf-8")
    i18nmail_layer.write("templates/scenarios/refund_denied.j2", original.replace("{{ ui.greeting() }}", "{% if %}"))
    broken = Mailer(templates=i18nmail_layer.templates)
    results = list(render_all(broken, locales=["sv-SE", "ko-KR"], scenarios=["refund_denied", "refund_approved"]))
    assert [(s, t, type(r).__name__) for s, t, r in results] == [
        ("refund_denied", "sv-SE", "TemplateError"), ("refund_denied", "ko-KR", "TemplateError"),
        ("refund_approved", "sv-SE", "RenderedEmail"), ("refund_approved", "ko-KR", "RenderedEmail")]
    with pytest.raises(AssertionError, match="(?s)2 scenario/locale pair.*refund_denied in sv-SE.*ko-KR"):
        assert_all_render(broken, locales=["sv-SE", "ko-KR"], scenarios=["refund_denied", "refund_approved"])


def test_mailer_fixture_reads_the_temporary_shop_layer(i18nmail_layer: ShopLayer, i18nmail_mailer: Mailer) -> None:
    """A sentence the test writes into the layer's Swedish catalog is used on the next render."""
    sample = i18nmail_mailer.scenario("refund_denied").sample(SV_SAMPLE_KEY)
    before = i18nmail_mailer.render("refund_denied", locale="sv-SE", context=sample, now=FIXED_NOW)
    i18nmail_layer.write_po("sv", {"Read our refund policy": "Läs våra villkor för återbetalning"})
    after = i18nmail_mailer.render("refund_denied", locale="sv-SE", context=sample, now=FIXED_NOW)
    assert "Läs våra villkor för återbetalning" in after.text
    assert "Läs våra villkor för återbetalning" not in before.text
    assert_no_fallbacks(after)
    with pytest.raises(ValueError, match="outside the shop layer"):
        i18nmail_layer.write("../escape.txt", "x")


def test_recording_transport_runs_the_delivery_outbox(i18nmail_transport: RecordingTransport) -> None:
    """The fake transport satisfies delivery's Transport: an Outbox sends once per key through it."""
    assert isinstance(i18nmail_transport, Transport)
    mailer = Mailer()
    outbox = Outbox(mailer, i18nmail_transport, Journal(":memory:"))
    sample = mailer.scenario("refund_approved").sample("ko")
    first = outbox.send("refund-1", "refund_approved", locale="ko-KR", context=sample, to="이수빈 <subin@example.kr>")
    again = outbox.send("refund-1", "refund_approved", locale="ko-KR", context=sample, to="이수빈 <subin@example.kr>")
    assert (first.status, again.status) == ("sent", "skipped")
    [sent] = i18nmail_transport.sent
    assert sent.recipients == ("subin@example.kr",) and sent.message_id == message_id_for("refund-1", "shop.example")
    assert sent.message["Content-Language"] == "ko-KR"
    i18nmail_transport.fail_next("550 5.1.1 no such user")
    refused = outbox.send("refund-2", "refund_approved", locale="ko-KR", context=sample, to="x@example.kr")
    assert refused.status == "failed" and "550 5.1.1" in (refused.reply or "")
    assert len(i18nmail_transport.sent) == 1 and i18nmail_transport.attempts == 2


def test_smtp_sink_refuses_as_told_and_counts_attempts() -> None:
    """The sink answers RCPT with the configured reply for the first N attempts, then accepts."""
    with SMTPSink() as sink, smtplib.SMTP(sink.host, sink.port) as client:
        sink.refuse("busy@example.org", "451 4.3.0 try later", times=1)
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("shop@example.com", ["busy@example.org"], b"Subject: 1\r\n\r\nx\r\n")
        client.sendmail("shop@example.com", ["busy@example.org"], b"Subject: 2\r\n\r\nx\r\n")
        [received] = sink.wait_for(1)
    assert received.message["Subject"] == "2" and sink.rcpt_attempts("busy@example.org") == 2
