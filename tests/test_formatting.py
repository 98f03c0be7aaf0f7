"""Money, numbers, dates through Babel (RELIABILITY.md section D)."""

from __future__ import annotations

import decimal
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from i18nmail.formatting import Formatter, coerce_amount, currency_digits, normalise_currency


def fmt(locale: str, currency: str = "EUR", tz: str = "Europe/Stockholm") -> Formatter:
    return Formatter.get(locale, tz, currency)


@pytest.mark.parametrize(
    ("locale", "currency", "amount", "expected"),
    [
        ("en_US", "USD", Decimal("1234.5"), "$1,234.50"),
        ("sv_SE", "SEK", Decimal("1234.5"), "1\u00a0234,50\u00a0kr"),
        ("ko_KR", "KRW", Decimal(25000), "25,000원"),
        ("ja_JP", "JPY", Decimal(1980), "1,980円"),
        ("en_US", "KRW", Decimal(25000), "₩25,000"),
        ("ko_KR", "USD", Decimal("19.99"), "US$19.99"),
        ("de_DE", "EUR", "19.99", "19,99\u00a0€"),
        ("en_US", "KWD", Decimal("1.2345"), "KWD1.235"),
    ],
)
def test_money_uses_currency_digits(locale: str, currency: str, amount: object, expected: str) -> None:
    """Money is formatted with the currency's own number of digits and the locale's pattern."""
    assert fmt(locale, currency).money(amount) == expected


def test_integer_amounts_are_minor_units() -> None:
    """An int is minor units: 1999 cents is 19.99 EUR, 25000 is 25000 KRW (no minor unit)."""
    assert coerce_amount(1999, "EUR") == Decimal("19.99")
    assert coerce_amount(25000, "KRW") == Decimal(25000)
    assert coerce_amount(1234, "KWD") == Decimal("1.234")


@pytest.mark.parametrize("value", [19.99, 1.005, 0.1 + 0.2])
def test_float_money_is_a_type_error(value: float) -> None:
    """A float amount raises TypeError that says to use Decimal (RELIABILITY.md D28)."""
    with pytest.raises(TypeError, match="Decimal"):
        coerce_amount(value, "EUR")


@pytest.mark.parametrize(
    "value",
    [Decimal("1e26"), 10**5000, Decimal("NaN"), Decimal("Infinity"), Decimal("sNaN"), Decimal("-Infinity"),
     "1e5", "abc", "12,50"],
    ids=["1e26", "10**5000", "nan", "inf", "snan", "-inf", "exponent", "letters", "comma"],
)
def test_out_of_domain_amounts_are_value_errors(value: object) -> None:
    """Huge, non-finite and malformed amounts raise ValueError before Babel (RELIABILITY.md D30)."""
    with pytest.raises(ValueError):
        fmt("en_US", "USD").money(value)


def test_negative_zero_is_normalised() -> None:
    """-0.004 and -0 never print as a negative zero (RELIABILITY.md D29)."""
    f = fmt("en_US", "USD")
    assert f.money(Decimal("-0.004")) == "$0.00"
    assert f.money(Decimal("-0")) == "$0.00"
    assert f.money(Decimal("-5.00")) == "-$5.00"


def test_rounding_is_half_up_whatever_the_thread_context() -> None:
    """Formatting ignores a thread's decimal context (RELIABILITY.md D28)."""
    results: list[str] = []

    def work() -> None:
        ctx = decimal.getcontext()
        ctx.rounding = decimal.ROUND_DOWN
        ctx.prec = 6
        results.append(fmt("en_US", "USD").money(Decimal("12345678.125")))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert results == ["$12,345,678.13"]


@pytest.mark.parametrize("code", ["XYZ", "", "EURO", None, "€"])
def test_unknown_currency_is_a_value_error(code: object) -> None:
    """Unknown or malformed currency codes raise ValueError (RELIABILITY.md D31)."""
    with pytest.raises(ValueError):
        normalise_currency(code)


def test_currency_codes_are_normalised() -> None:
    """Currency codes are stripped and upper-cased."""
    assert normalise_currency(" usd ") == "USD"
    assert normalise_currency("EUR ") == "EUR"
    assert (currency_digits("JPY"), currency_digits("KWD"), currency_digits("BHD")) == (0, 3, 3)


def test_dates_are_in_the_customers_zone() -> None:
    """A datetime is shown in the customer's zone: 23:30 UTC is the next day in Seoul."""
    moment = datetime(2026, 9, 23, 23, 30, tzinfo=UTC)
    assert fmt("ko_KR", "KRW", "Asia/Seoul").date(moment) == "2026년 9월 24일"
    assert fmt("en_US", "USD", "America/New_York").date(moment) == "September 23, 2026"


def test_naive_datetimes_are_refused() -> None:
    """A naive datetime raises ValueError instead of guessing a zone (RELIABILITY.md E34)."""
    with pytest.raises(ValueError, match="naive"):
        fmt("en_US").datetime(datetime(2026, 1, 1, 12, 0))


def test_times_are_written_as_people_write_them() -> None:
    """A time shows the locale's own connector and no UTC/GMT offset (Korean 오후, Finnish klo)."""
    moment = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
    assert fmt("ko_KR", "KRW", "Asia/Seoul").datetime(moment) == "2026년 11월 23일(월) 오후 5:15"
    assert fmt("fi_FI", "EUR", "Europe/Helsinki").datetime(moment) == "23.11.2026 klo 10.15"
    assert fmt("sv_SE", "SEK").datetime(moment) == "23 nov. 2026 kl. 09.15"


def test_datetime_names_another_zone_by_its_abbreviation() -> None:
    """A time in a zone other than the customer's is named the way people name it (CET), never an offset."""
    moment = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
    assert fmt("en_US", "USD", "America/New_York").datetime(moment, zone="Europe/Berlin") == (
        "Nov 23, 2026, 9:15 AM CET")
    assert fmt("de_DE").datetime(moment, zone="Asia/Seoul") == "23.11.2026, 17:15 Uhr KST"
    assert fmt("de_DE", "EUR", "Europe/Berlin").datetime(moment, zone="Europe/Berlin") == "23.11.2026, 09:15 Uhr"


def test_datetime_shows_zone() -> None:
    """A datetime shows date, time and the customer's zone name."""
    text = fmt("en_US", "USD", "Europe/Berlin").datetime(datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
    assert "3:30" in text and "2026" in text


def test_date_range_uses_the_projects_patterns() -> None:
    """A window is written as the locale writes date ranges, weekdays included; one day is one date."""
    assert fmt("en_US").date_range(date(2026, 12, 29), date(2027, 1, 4)) == "Tue, Dec 29, 2026 – Mon, Jan 4, 2027"
    assert fmt("sv_SE").date_range(date(2026, 12, 29), date(2027, 1, 4)) == "tis 29 dec. 2026 – mån 4 jan. 2027"
    assert fmt("en_US").date_range(date(2026, 12, 29), date(2026, 12, 29)) == "Tue, Dec 29, 2026"


def test_unlisted_languages_fall_back_to_cldr() -> None:
    """A language without project patterns (Dutch) is written with Babel's CLDR patterns."""
    assert fmt("nl_NL").date(date(2026, 12, 29)) == "29 december 2026"
    assert "2026" in fmt("nl_NL").date_range(date(2026, 12, 29), date(2027, 1, 4))


def test_percent_and_number() -> None:
    """Percent takes a number of percent; numbers use locale grouping."""
    assert fmt("sv_SE").percent(15) == "15\u00a0%"
    assert fmt("en_US").percent(Decimal("12.5")) in {"12.5%", "13%"}
    assert fmt("de_DE").number(1234567) == "1.234.567"


def test_formatters_are_shared() -> None:
    """Formatters are built once per (locale, zone, currency) and reused."""
    assert fmt("sv_SE", "SEK") is fmt("sv_SE", "SEK")


def test_right_to_left_locales_have_rtl_direction() -> None:
    """Arabic formatters report rtl direction; English ltr."""
    assert fmt("ar_SA", "SAR").direction == "rtl"
    assert fmt("en_US").direction == "ltr"


def test_swedish_ranges_do_not_zero_pad_days() -> None:
    """Swedish date ranges write "mån 4 jan.", not CLDR's zero-padded "mån 04 jan."."""
    text = fmt("sv_SE", "SEK").date_range(date(2026, 12, 29), date(2027, 1, 4))
    assert text == "tis 29 dec. 2026 – mån 4 jan. 2027"
