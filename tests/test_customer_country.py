"""The customer's country: it, not the language, picks bank days, time zone and currency."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from i18nmail import Mailer, Shop
from i18nmail.cli import main
from i18nmail.exceptions import ContextError

MARCH = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)  # a card refund: SAMA's Eid closure follows


@pytest.fixture(scope="module")
def mailer() -> Mailer:
    return Mailer()


def refund_text(mailer: Mailer, locale: str, **extra: object) -> tuple[str, list[str]]:
    """The refund_approved text part and its fallbacks for *locale* with *extra* context."""
    context = {**mailer.scenario("refund_approved").sample("ar"), **extra}
    context.pop("currency", None)
    email = mailer.render("refund_approved", locale=locale, context=context, now=MARCH)
    return email.text, [str(f) for f in email.fallbacks]


def test_bare_arabic_with_country_sa_counts_saudi_bank_days(mailer: Mailer) -> None:
    """ar + country SA: 3-5 days from 15 Mar 2026 are 25-29 Mar (SAMA), in riyals, with no fallback."""
    text, fallbacks = refund_text(mailer, "ar", country="SA")
    assert "25" in text and "29" in text and "18" not in text.split("مارس")[0][-40:]
    assert "ر.س" in text or "SAR" in text
    assert fallbacks == []
    assert text == refund_text(mailer, "ar-SA")[0]


def test_bare_arabic_without_country_uses_the_shops_country() -> None:
    """ar with Shop(country="SA") renders exactly like ar-SA: the language never picks Egypt."""
    shop_mailer = Mailer(Shop(country="SA"))
    text, fallbacks = refund_text(shop_mailer, "ar")
    assert fallbacks == []
    assert text == refund_text(shop_mailer, "ar-SA")[0]


def test_a_guessed_country_is_recorded(mailer: Mailer) -> None:
    """With no context country, no region and no Shop.country, the guess is a 'country' fallback."""
    _text, fallbacks = refund_text(mailer, "ar")
    assert any(f.startswith("country:") and "EG" in f for f in fallbacks), fallbacks


def test_context_country_beats_the_locale_region(mailer: Mailer) -> None:
    """de-DE with country CH: Swiss francs, Swiss bank days (Berchtold's Day 2 Jan closed)."""
    sample = mailer.scenario("refund_approved").sample("de")
    sample.pop("currency", None)
    email = mailer.render("refund_approved", locale="de-DE", context={**sample, "country": "ch"},
                          now=datetime(2026, 12, 29, 9, tzinfo=UTC))
    assert "CHF" in email.text and "€" not in email.text
    swiss = mailer.describe_window(date(2025, 12, 31), 1, 1, locale="de-DE", country="CH")[0]
    german = mailer.describe_window(date(2025, 12, 31), 1, 1, locale="de-DE")[0]
    assert (swiss.first, german.first) == (date(2026, 1, 5), date(2026, 1, 2))  # Berchtold's Day


def test_context_currency_still_wins_over_the_country(mailer: Mailer) -> None:
    """An explicit context currency is kept whatever the country."""
    sample = mailer.scenario("refund_approved").sample("ar")
    email = mailer.render("refund_approved", locale="ar", context={**sample, "country": "SA", "currency": "USD"},
                          now=MARCH)
    assert "US$" in email.text or "USD" in email.text or "$" in email.text


def test_country_sets_the_default_time_zone(mailer: Mailer) -> None:
    """A cancellation at 08:15 UTC reads 9:15 for a Swedish customer and 5:15 (pm) for a Korean one."""
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    sample = dict(mailer.scenario("order_cancelled_by_customer").sample("en", now=now),
                  cancelled_at="2026-11-23T08:15:00+00:00")
    se = mailer.render("order_cancelled_by_customer", locale="en", context={**sample, "country": "SE"}, now=now)
    kr = mailer.render("order_cancelled_by_customer", locale="en", context={**sample, "country": "KR"}, now=now)
    assert "9:15" in se.text and "5:15" in kr.text


@pytest.mark.parametrize("value", ["Saudi Arabia", "XA", "EU", "", 966])
def test_bad_country_is_a_context_error(mailer: Mailer, value: object) -> None:
    """A country that is not an ISO 3166 code is a ContextError naming the field."""
    sample = mailer.scenario("refund_approved").sample("en")
    with pytest.raises(ContextError) as info:
        mailer.render("refund_approved", locale="en-US", context={**sample, "country": value}, now=MARCH)
    assert info.value.field == "country"


def test_render_marks_a_window_in_an_estimated_year(mailer: Mailer) -> None:
    """A Chinese refund window reaching 2027 (no State Council notice yet) carries a calendar fallback."""
    sample = mailer.scenario("refund_approved").sample("zh_Hans")
    email = mailer.render("refund_approved", locale="zh-Hans-CN", context=sample,
                          now=datetime(2026, 12, 28, 9, tzinfo=UTC))
    notes = [f for f in email.fallbacks if f.kind == "calendar"]
    assert notes and "CN" in notes[0].detail and "2027" in notes[0].detail and "estimated" in notes[0].detail
    earlier = mailer.render("refund_approved", locale="zh-Hans-CN", context=sample,
                            now=datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert not [f for f in earlier.fallbacks if f.kind == "calendar"]


def test_describe_window_marks_an_estimated_year(mailer: Mailer) -> None:
    """describe_window's match carries the estimate note only when the window reaches 2027 in China."""
    _w, _t, match = mailer.describe_window(date(2026, 12, 28), 3, 5, locale="zh-Hans", country="CN")
    assert [f.kind for f in match.fallbacks] == ["calendar"]
    _w, _t, match = mailer.describe_window(date(2026, 12, 1), 3, 5, locale="zh-Hans", country="CN")
    assert match.fallbacks == ()


def test_cli_window_reports_estimates_and_takes_a_subdivision() -> None:
    """`window` says "estimated" for CN 2027 and counts Scotland's 2 Jan with --subdivision SCT."""
    runner = CliRunner()
    result = runner.invoke(main, ["window", "--country", "CN", "--from", "2026-12-28", "--days", "3-5",
                                  "--format", "json"], catch_exceptions=False)
    data = json.loads(result.output)
    assert data["estimated"] is True and "2027" in data["fallbacks"][0]
    text = runner.invoke(main, ["window", "--country", "CN", "--from", "2026-12-28", "--days", "3-5"],
                         catch_exceptions=False)
    assert "estimated" in text.stderr and "estimated" not in text.stdout
    england = runner.invoke(main, ["window", "--country", "GB", "--from", "2026-12-31", "--days", "1"])
    scotland = runner.invoke(main, ["window", "--country", "GB", "--subdivision", "SCT", "--from", "2026-12-31",
                                    "--days", "1"])
    assert england.output.split()[0] == "2027-01-04" and scotland.output.split()[0] == "2027-01-05"


def test_preview_cell_of_a_bare_locale_stays_ok() -> None:
    """The preview matrix shows "ok" for a bare locale whose only fallback is the assumed country."""
    from i18nmail.preview import PreviewApp

    app = PreviewApp(Mailer(), now=lambda: datetime(2026, 12, 1, 9, tzinfo=UTC))
    scenario = app.mailer.scenario("refund_approved")
    status, detail = app._cell(scenario, "sv", ("stamp",))
    assert status == "ok" and "assumed SE" in detail
