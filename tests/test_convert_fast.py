"""Scenario.convert, made faster, accepts, converts and refuses exactly as before:
the same values, the same error types and the same messages (issue 14).

The reference functions are the code as it was before the per-scenario
precomputation: Babel's validate_currency per call, both regexes on every
line of text, the required names sorted per call.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest
from babel import numbers as babel_numbers
from hypothesis import example, given, settings
from hypothesis import strategies as st

from i18nmail import Mailer
from i18nmail.config import Shop
from i18nmail.exceptions import ContextError
from i18nmail.formatting import MAX_AMOUNT, coerce_amount, currency_digits, normalise_currency
from i18nmail.scenarios import (
    _CONTROLS,
    _LINE_BREAKS,
    _SURROGATES,
    FIELD_TYPES,
    MAX_TEXT,
    Scenario,
    _Conversion,
    _line,
    _TypedContextError,
)

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def old_normalise_currency(code: object) -> str:
    """normalise_currency as it was: Babel's validate_currency on every call."""
    if not isinstance(code, str):
        raise ValueError(f"a currency code must be a string, not {type(code).__name__}")  # noqa: TRY004
    clean = code.strip().upper()
    if not _CURRENCY_RE.match(clean):
        raise ValueError(f"unknown currency code {code.strip()[:10]!r}")
    try:
        babel_numbers.validate_currency(clean)
    except babel_numbers.UnknownCurrencyError:
        raise ValueError(f"unknown currency code {clean!r}") from None
    return clean


def old_coerce_decimal(value: Decimal) -> Decimal:
    """coerce_amount's Decimal branch as it was (the copy first, then the checks)."""
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError("an amount must be a finite number")
    if abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"amount is out of range (|amount| must be below {MAX_AMOUNT:,})")
    return amount


def old_line(value: object) -> str:
    """The "str" converter as it was: both regexes and the surrogate search on every value."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int.__int__(value))
    if not isinstance(value, str):
        raise TypeError(f"expected text or an integer, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"longer than {MAX_TEXT} characters")
    value = str.__str__(value)
    if _SURROGATES.search(value):
        raise ValueError("contains a lone surrogate (not valid Unicode text)")
    value = _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value))
    return unicodedata.normalize("NFC", value).strip()


def old_convert(scenario: Scenario, context: Any, shop: Shop, default_currency: str) -> dict[str, Any]:
    """Scenario.convert as it was."""
    if not isinstance(context, Mapping):
        raise ContextError(f"context must be a mapping, not {type(context).__name__}",
                           scenario=scenario.id, field=None)
    unknown = sorted(k for k in context if k not in scenario.fields)
    if unknown:
        from i18nmail.exceptions import did_you_mean

        name = str(unknown[0])
        raise ContextError(f"unknown field.{did_you_mean(name, scenario.fields)}", scenario=scenario.id,
                           field=name[:64])
    missing = [name for name in sorted(n for n, f in scenario.fields.items() if f.required)
               if context.get(name) is None]
    if missing:
        raise ContextError(
            f"required field missing ({scenario.fields[missing[0]].type}: {scenario.fields[missing[0]].help})",
            scenario=scenario.id, field=missing[0])
    currency = default_currency
    if context.get("currency") is not None:
        try:
            currency = old_normalise_currency(context["currency"])
        except ValueError as exc:
            raise ContextError(str(exc), scenario=scenario.id, field="currency") from None
    conv = _Conversion(currency, shop)
    result: dict[str, Any] = {name: None for name in scenario.fields}
    for name, value in context.items():
        if value is None:
            continue
        declared = scenario.fields[name]
        try:
            result[name] = FIELD_TYPES[declared.type](value, conv)
        except TypeError as exc:
            raise _TypedContextError(str(exc), scenario=scenario.id, field=name) from None
        except (ValueError, ArithmeticError) as exc:
            raise ContextError(str(exc), scenario=scenario.id, field=name) from None
        if declared.choices and result[name] not in declared.choices:
            raise ContextError(f"must be one of {', '.join(declared.choices)}", scenario=scenario.id,
                               field=name)
    result["currency"] = currency
    return result


def outcome(work: Callable[[], object]) -> tuple[Any, ...]:
    """The result, or the error's exact type, message and field."""
    try:
        return ("ok", work())
    except Exception as exc:  # noqa: BLE001 - compared, not swallowed
        return (type(exc), str(exc), getattr(exc, "field", None))


_MAILER = Mailer()
SCENARIOS = _MAILER.scenarios()
_JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                  st.decimals(), st.text(max_size=20), st.lists(st.integers(), max_size=2),
                  st.dates(), st.sampled_from(["", " ", "2026-11-23", "eur", "XYZ", "12.345", "-5",
                                               "https://shop.example/x", "a@b.example", "card", "SE",
                                               "Europe/Stockholm", "now-1d"]))


@st.composite
def contexts(draw: st.DrawFn) -> tuple[Scenario, dict[Any, Any]]:
    """A scenario and a context mixing its sample values, junk, missing and unknown fields."""
    scenario = draw(st.sampled_from(SCENARIOS))
    sample = scenario.sample(draw(st.sampled_from([None, "sv", "ko", "ja", "ar", "de"])))
    context: dict[Any, Any] = {}
    for name, value in sample.items():
        choice = draw(st.integers(0, 9))
        if choice <= 5:
            context[name] = value
        elif choice <= 8:
            context[name] = draw(_JUNK)
    if draw(st.integers(0, 9)) == 0:
        context[draw(st.sampled_from(["refund_amout", "Currency", "zzz", "customer"]))] = "x"
    return scenario, context


@settings(max_examples=600, deadline=None)
@given(case=contexts(), currency=st.sampled_from(["EUR", "SEK", "KRW", "KWD"]))
def test_convert_matches_the_previous_implementation(case: tuple[Scenario, dict[Any, Any]], currency: str) -> None:
    """Every scenario converts or refuses a context exactly as before: value, error type, message, field."""
    scenario, context = case
    assert outcome(lambda: scenario.convert(context, _MAILER.shop, currency)) == \
        outcome(lambda: old_convert(scenario, context, _MAILER.shop, currency))


@pytest.mark.parametrize("context", [
    [("order_number", 1)], "order_number=1", {1: "x", "a": "y"}, {"zzz": 1, "aaa": 2}, {},
    {"order_number": None, "items": None}, {"order_number": "1", "items": [{"name": "x"}], "currency": 5},
])
def test_convert_refuses_odd_contexts_as_before(context: Any) -> None:
    """Non-mappings, mixed-type unknown keys, several unknown fields, missing fields: the same errors."""
    scenario = _MAILER.scenario("order_cancelled_out_of_stock")
    assert outcome(lambda: scenario.convert(context, _MAILER.shop, "EUR")) == \
        outcome(lambda: old_convert(scenario, context, _MAILER.shop, "EUR"))


@settings(max_examples=1500, deadline=None)
@given(value=st.one_of(st.text(st.characters(blacklist_categories=())), st.text(max_size=5), st.integers()))
@example(value="a\u2028b\x85c\x07d")
@example(value="x\ud800y")
@example(value=" Anna\xa0Lindqvist ")
@example(value="e\u0301")
def test_line_matches_the_previous_implementation(value: object) -> None:
    """The one-line text converter gives the same text or error for any string, printable or not."""
    assert outcome(lambda: _line(value, _Conversion("EUR", _MAILER.shop))) == outcome(lambda: old_line(value))


@settings(max_examples=1000, deadline=None)
@given(code=st.one_of(st.text(max_size=6), st.sampled_from(sorted(babel_numbers.list_currencies())),
                      st.sampled_from([" eur ", "usd", "XYZ", "EURO", "", None, 5, b"EUR"])))
def test_currency_codes_are_checked_as_before(code: object) -> None:
    """normalise_currency accepts and refuses every code with Babel's validate_currency's verdict and message."""
    assert outcome(lambda: normalise_currency(code)) == outcome(lambda: old_normalise_currency(code))


@settings(max_examples=1000, deadline=None)
@given(value=st.one_of(st.decimals(), st.decimals(allow_nan=False, min_value=-MAX_AMOUNT * 2, max_value=MAX_AMOUNT * 2),
                       st.sampled_from([MAX_AMOUNT, -MAX_AMOUNT, MAX_AMOUNT - Decimal("1E-20"),
                                        Decimal("999999999999999.99999999999999999"), Decimal("-0")])))
def test_decimal_amounts_are_checked_as_before(value: Decimal) -> None:
    """coerce_amount's Decimal shortcut accepts and refuses exactly what the general path did."""
    assert outcome(lambda: coerce_amount(value, "EUR")) == outcome(lambda: old_coerce_decimal(value))


def test_currency_digits_are_cldrs() -> None:
    """The cached digits per currency are CLDR's for every currency Babel knows."""
    for code in babel_numbers.list_currencies():
        assert currency_digits(code) == babel_numbers.get_currency_precision(code)


def test_required_and_empty_result_follow_the_declaration() -> None:
    """The precomputed required names are the sorted required fields; the empty result has every field."""
    for scenario in SCENARIOS:
        assert scenario.required == sorted(n for n, f in scenario.fields.items() if f.required)
        context = scenario.sample("sv")
        converted = scenario.convert(context, _MAILER.shop, "SEK")
        assert set(converted) == set(scenario.fields)
        assert converted is not scenario.convert(context, _MAILER.shop, "SEK")
        assert isinstance(converted.get("currency"), str)
