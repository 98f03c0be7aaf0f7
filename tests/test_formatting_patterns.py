"""Number patterns resolved once per Formatter give exactly what Babel's
format_currency/format_decimal/format_percent give per call (issue 14, item 2)."""

from __future__ import annotations

import decimal
from decimal import Decimal
from zoneinfo import ZoneInfo

import babel
import pytest
from babel import numbers as babel_numbers

from i18nmail.formatting import _MONEY_CONTEXT, CURRENCY_PATTERNS, Formatter
from i18nmail.typography import numbering_system

LOCALES = ["ar_SA", "ar_EG", "da_DK", "de_DE", "de_AT", "de_CH", "en_US", "en_GB", "en_IN", "es_ES", "es_MX",
           "fi_FI", "fr_FR", "fr_CH", "ja_JP", "ko_KR", "nb_NO", "pl_PL", "pt_BR", "sv_SE", "sv_FI", "zh_Hans_CN"]
CURRENCIES = ["SEK", "EUR", "USD", "KRW", "JPY", "KWD", "CHF", "INR", "SAR"]
AMOUNTS = [Decimal(0), Decimal("-0.00"), Decimal("0.5"), Decimal(1), Decimal("12.345"), Decimal("999.995"),
           Decimal("1234.5"), Decimal("-1234.56"), Decimal(1000000), Decimal("123456789.125"), 7, 150000]
NUMBERS = [0, 1, 12, 999, 1000, 9173, 123456, -42, 1234567890, Decimal("1234.5678")]


def babel_money(locale: babel.Locale, value: object, code: str) -> str:
    """What Formatter.money did before the patterns were resolved once (Babel per call)."""
    from i18nmail.formatting import coerce_amount, currency_digits

    amount = coerce_amount(value, code)
    with decimal.localcontext(_MONEY_CONTEXT):
        amount = amount.quantize(Decimal(1).scaleb(-currency_digits(code)))
        if amount.is_zero():
            amount = abs(amount)
        own = CURRENCY_PATTERNS.get((locale.language, code))
        return babel_numbers.format_currency(amount, code, format=own, locale=locale, currency_digits=True,
                                             numbering_system=numbering_system(locale.language))


@pytest.mark.parametrize("locale_id", LOCALES)
def test_money_matches_babel_per_call(locale_id: str) -> None:
    """Every amount in every currency formats as babel.numbers.format_currency formats it."""
    for home in ("EUR", "SEK", "KRW"):
        fmt = Formatter(babel.Locale.parse(locale_id), ZoneInfo("UTC"), home)
        for code in CURRENCIES:
            for value in AMOUNTS:
                expected = fmt._clean(babel_money(fmt.locale, value, code))
                assert fmt.money(value, code) == expected, (locale_id, code, value)
                if code == home:
                    assert fmt.money(value) == expected


@pytest.mark.parametrize("locale_id", LOCALES)
def test_numbers_and_percents_match_babel_per_call(locale_id: str) -> None:
    """Plain numbers and percentages format as format_decimal/format_percent format them."""
    fmt = Formatter.get(locale_id, "UTC", "EUR")
    for value in NUMBERS:
        with decimal.localcontext(_MONEY_CONTEXT):
            assert fmt.number(value) == fmt._clean(babel_numbers.format_decimal(value, locale=fmt.locale, numbering_system=fmt.numbering))
    for pct in (0, 5, 15, 37, 100, Decimal("12.5")):
        with decimal.localcontext(_MONEY_CONTEXT):
            expected = babel_numbers.format_percent(Decimal(pct) / 100, locale=fmt.locale,
                                                     numbering_system=fmt.numbering)
        assert fmt.percent(pct) == fmt._clean(expected)


def test_patterns_are_resolved_once_per_currency() -> None:
    """A formatter keeps one resolved pattern per currency it has formatted."""
    fmt = Formatter(babel.Locale.parse("ko_KR"), ZoneInfo("Asia/Seoul"), "KRW")
    assert fmt.money(25000) == "25,000원"
    first = fmt._money_patterns["KRW"]
    fmt.money(Decimal(74500))
    assert fmt._money_patterns["KRW"] is first
    assert fmt.money(Decimal("12.5"), "usd") == "US$12.50"
    assert set(fmt._money_patterns) == {"KRW", "USD"}
