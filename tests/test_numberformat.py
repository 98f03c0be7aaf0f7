"""Patterns resolved once per (locale, currency) format every value byte for byte
as Babel's NumberPattern.apply did per call (issue 14, item 2).

The reference functions below are the Formatter's number code before the
patterns were resolved: Babel in the formatter's decimal context.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import babel
import pytest
from babel import numbers as babel_numbers
from hypothesis import example, given, settings
from hypothesis import strategies as st

from i18nmail import typography
from i18nmail.formatting import (
    _BIDI_EMBEDDINGS,
    _MONEY_CONTEXT,
    CURRENCY_PATTERNS,
    MAX_AMOUNT,
    Formatter,
    coerce_amount,
    currency_digits,
)
from i18nmail.numberformat import resolve
from tests.shipped import MARKETS

CATALOGS = sorted(p.name for p in (Path(__file__).resolve().parent.parent / "catalogs").iterdir() if p.is_dir())
#: Every shipped catalog, each market's locale, and locales whose patterns differ in
#: interesting ways (Swiss "'" groups, Indian 3-2 groups, Austrian sign before the amount).
LOCALES = sorted({*CATALOGS, *(tag.replace("-", "_") for tag in MARKETS.values()),
                  "en", "en_GB", "en_US", "de_AT", "de_CH", "fr_CH", "it_CH", "en_IN", "hi_IN",
                  "ar_EG", "ar_SA", "sv_FI", "pt_BR", "es_MX", "nl_NL", "tr_TR", "ru_RU", "he_IL"})
#: The currencies with a shop pattern, each market's currency, and ones with 0 or 3 digits.
CURRENCIES = sorted({code for _, code in CURRENCY_PATTERNS}
                    | {babel_numbers.get_territory_currencies(babel.Locale.parse(tag, sep="-").territory)[0]
                       for tag in MARKETS.values()}
                    | {"KWD", "JPY", "KRW", "CHF", "USD", "EUR", "INR", "BHD", "CLF"})


def _outcome(work: Callable[..., str], *args: object) -> tuple[str, str]:
    """The formatted text, or the error's type and message (both paths must agree on either)."""
    try:
        return ("ok", work(*args))
    except Exception as exc:  # noqa: BLE001 - compared, not swallowed
        return (type(exc).__name__, str(exc))


def _clean(text: str) -> str:
    return _BIDI_EMBEDDINGS.sub("", text)


def babel_money(fmt: Formatter, amount: object, code: str) -> str:
    """Formatter.money as it was: Babel's apply per call, in the money context."""
    value = coerce_amount(amount, code)
    own = CURRENCY_PATTERNS.get((fmt.locale.language, code))
    pattern = babel_numbers.parse_pattern(own) if own else fmt.locale.currency_formats["standard"]
    with decimal.localcontext(_MONEY_CONTEXT):
        value = value.quantize(Decimal(1).scaleb(-currency_digits(code)))
        if value.is_zero():
            value = abs(value)
        return _clean(pattern.apply(value, fmt.locale, currency=code, currency_digits=True,
                                    numbering_system=fmt.numbering))


def babel_number(fmt: Formatter, value: int | Decimal) -> str:
    """Formatter.number as it was."""
    with decimal.localcontext(_MONEY_CONTEXT):
        return _clean(fmt.locale.decimal_formats[None].apply(value, fmt.locale, numbering_system=fmt.numbering))


def babel_percent(fmt: Formatter, value: int | Decimal) -> str:
    """Formatter.percent as it was."""
    with decimal.localcontext(_MONEY_CONTEXT):
        return _clean(fmt.locale.percent_formats[None].apply(Decimal(value) / 100, fmt.locale,
                                                             numbering_system=fmt.numbering))


_FORMATTERS: dict[tuple[str, str], Formatter] = {}


def formatter(locale_id: str, currency: str = "EUR") -> Formatter:
    """A fresh formatter per (locale, currency), shared by the examples of one run."""
    key = (locale_id, currency)
    if key not in _FORMATTERS:
        _FORMATTERS[key] = Formatter(babel.Locale.parse(locale_id), ZoneInfo("UTC"), currency)
    return _FORMATTERS[key]


_LIMIT = MAX_AMOUNT - Decimal("0.0001")
#: Amounts in major units: any number of decimals, both signs, up to the limit and past it.
amounts = st.one_of(
    *(st.decimals(min_value=-_LIMIT, max_value=_LIMIT, places=places, allow_nan=False, allow_infinity=False)
      for places in range(7)),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.sampled_from([Decimal(0), Decimal("-0"), Decimal("-0.000"), Decimal("0E+5"), Decimal("-0.004"),
                     Decimal("0.005"), Decimal("0.0005"), Decimal("999999999999999.99"),
                     Decimal("-999999999999999.995"), Decimal("1E+14"), Decimal("12.3456789")]),
)
#: Plain numbers: ints and Decimals of every size and exponent, including ones Babel alone formats.
numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-(10**15), max_value=10**15, places=4),
    st.sampled_from([Decimal("-0"), Decimal("-0.0001"), Decimal("0.0005"), Decimal("-0.0005"),
                     Decimal("1E+17"), Decimal("1E+18"), Decimal("1E-16"), Decimal("1E-17"),
                     10**17, 10**18 - 1, 10**18, -(10**18) + 1, -(10**18)]),
)
locales = st.sampled_from(LOCALES)
currencies = st.sampled_from(CURRENCIES)


@settings(max_examples=1500, deadline=None)
@given(locale_id=locales, code=currencies, amount=amounts)
@example(locale_id="sv_SE", code="SEK", amount=Decimal("-0.00"))
@example(locale_id="de_CH", code="CHF", amount=Decimal("-1234567.5"))
@example(locale_id="ar_SA", code="KWD", amount=Decimal("-0.0005"))
@example(locale_id="ko_KR", code="KRW", amount=Decimal("999999999999999.5"))
@example(locale_id="en_IN", code="INR", amount=-12345678901234)
def test_money_matches_babel(locale_id: str, code: str, amount: object) -> None:
    """Formatter.money gives Babel's text (or the same error) for every amount, locale and currency."""
    fmt = formatter(locale_id)
    assert _outcome(lambda: fmt.money(amount, code)) == _outcome(lambda: babel_money(fmt, amount, code))


@settings(max_examples=1000, deadline=None)
@given(locale_id=locales, value=numbers)
@example(locale_id="de_CH", value=1234567)
@example(locale_id="sv_SE", value=Decimal("-0"))
@example(locale_id="en_IN", value=-123456789012)
def test_number_matches_babel(locale_id: str, value: int | Decimal) -> None:
    """Formatter.number gives format_decimal's text for every int and Decimal in every locale."""
    fmt = formatter(locale_id)
    assert _outcome(lambda: fmt.number(value)) == _outcome(lambda: babel_number(fmt, value))


@settings(max_examples=1000, deadline=None)
@given(locale_id=locales, value=numbers)
@example(locale_id="fr_FR", value=Decimal("12.5"))
@example(locale_id="sv_SE", value=Decimal("-0.4"))
@example(locale_id="de_CH", value=123456)
def test_percent_matches_babel(locale_id: str, value: int | Decimal) -> None:
    """Formatter.percent gives format_percent's text for every int and Decimal in every locale."""
    fmt = formatter(locale_id)
    assert _outcome(lambda: fmt.percent(value)) == _outcome(lambda: babel_percent(fmt, value))


@pytest.mark.parametrize("locale_id", LOCALES)
def test_every_shipped_pattern_is_resolved(locale_id: str) -> None:
    """Every locale's number, percent and currency patterns take the resolved path (not Babel's)."""
    fmt = formatter(locale_id)
    assert fmt._decimal_fast is not None
    assert fmt._percent_fast is not None
    assert fmt._decimal_fast.number(1234567) is not None
    assert fmt._decimal_fast.number(Decimal("-1234.5678")) is not None
    for code in CURRENCIES:
        fmt.money(Decimal(1), code)
        assert fmt._money_patterns[code][2] is not None, code


@pytest.mark.parametrize("value", [10**18, -(10**18), Decimal("1E+18"), Decimal("1E-17"), 1.5, True,
                                   Decimal("NaN"), Decimal("Infinity"), "12"])
def test_values_outside_the_resolved_range_go_to_babel(value: object) -> None:
    """Huge, tiny, non-finite and non-number values are left to Babel (resolved path says None)."""
    fast = formatter("sv_SE")._decimal_fast
    assert fast is not None
    assert fast.number(value) is None


def test_scientific_significant_and_plural_patterns_are_not_resolved() -> None:
    """Scientific, significant-digit and plural-name (¤¤¤) patterns are left to Babel."""
    locale = babel.Locale.parse("en_US")
    assert resolve(babel_numbers.parse_pattern("#E0"), locale, "latn") is None
    assert resolve(babel_numbers.parse_pattern("@@@"), locale, "latn") is None
    assert resolve(babel_numbers.parse_pattern("#,##0.00 ¤¤¤"), locale, "latn", currency="USD") is None
    assert resolve(locale.percent_formats[None], locale, "latn") is None  # a percent pattern scales by 100
    assert resolve(locale.decimal_formats[None], locale, "nosuchsystem") is None


@pytest.mark.parametrize("locale_id", ["ar_SA", "ar_EG", "fa_IR"])
def test_other_numbering_systems_match_babel(locale_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shop that writes Arabic in its default numbering system gets Babel's symbols from the resolved path."""
    monkeypatch.setitem(typography.NUMBERING_SYSTEMS, locale_id.split("_")[0],
                        babel.Locale.parse(locale_id).default_numbering_system)
    fmt = Formatter(babel.Locale.parse(locale_id), ZoneInfo("UTC"), "SAR")
    assert fmt._decimal_fast is not None
    for value in (0, -5, 1234567, Decimal("-1234.5678"), Decimal("0.0005")):
        assert fmt.number(value) == babel_number(fmt, value)
        assert fmt.percent(value) == babel_percent(fmt, value)
    for code in ("SAR", "KWD", "EGP", "USD"):
        for amount in (Decimal("-1234567.891"), Decimal(0), 150000):
            assert fmt.money(amount, code) == babel_money(fmt, amount, code)


def test_every_babel_locale_matches_babel() -> None:
    """In every locale Babel has (a shop may add any), a few telling values format as Babel formats them."""
    from babel.localedata import locale_identifiers

    values: list[int | Decimal] = [7, -1234567, Decimal("-0"), Decimal("1234.5678"), Decimal("-0.0005")]
    amounts: list[object] = [Decimal("-0.00"), Decimal("1234567.891"), 150000]
    checked = 0
    for locale_id in locale_identifiers():
        fmt = Formatter(babel.Locale.parse(locale_id), ZoneInfo("UTC"), "EUR")
        for value in values:
            assert _outcome(fmt.number, value) == _outcome(babel_number, fmt, value), locale_id
            assert _outcome(fmt.percent, value) == _outcome(babel_percent, fmt, value), locale_id
        for code in ("EUR", "JPY", "KWD", "INR"):
            for amount in amounts:
                assert fmt.money(amount, code) == babel_money(fmt, amount, code), (locale_id, code, amount)
        checked += 1
    assert checked > 700
