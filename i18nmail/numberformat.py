"""CLDR number patterns resolved once, then applied per value with string operations.

Babel's ``NumberPattern.apply`` looks up the locale's symbols, the currency's
symbol and digits, and rewrites the pattern's affixes on every call. A
:class:`ResolvedPattern` does all of that once per (pattern, locale,
numbering system, currency): the prefixes and suffixes (currency sign
substituted, quotes removed, bidi embeddings removed), the group and decimal
symbols, the grouping sizes and the number of fraction digits. Formatting a
value is then one ``quantize``, one ``format(value, "f")`` and a few string
joins.

Only what it reproduces exactly is resolved: :func:`resolve` returns ``None``
for scientific and significant-digit patterns, plural currency names
(``¤¤¤``), patterns without digits and unusual scales, and
:meth:`ResolvedPattern.number` returns ``None`` for values it does not cover
(huge, tiny, very long, not an ``int`` or ``Decimal``); the caller then asks
Babel as before. The output is byte-identical to ``NumberPattern.apply`` in
the formatter's decimal context (``tests/test_numberformat.py`` compares the
two over every shipped locale).

>>> import babel
>>> sv = babel.Locale.parse("sv_SE")
>>> money = resolve(sv.currency_formats["standard"], sv, "latn", currency="SEK")
>>> money.money(Decimal("-1499.50"))
'-1\\xa0499,50\\xa0kr'
>>> resolve(sv.decimal_formats[None], sv, "latn").number(1234567)
'1\\xa0234\\xa0567'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import cast

import babel
from babel import numbers as babel_numbers
from babel.numbers import NumberPattern

__all__ = ["ResolvedPattern", "resolve"]

#: Babel's own rule for quoted literals in a formatted number ('...' -> ..., '' -> ').
_QUOTED = re.compile(r"'([^']*)'")
#: The decimal context the formatter formats in (see formatting._MONEY_CONTEXT).
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP, Emax=999, Emin=-999)
#: Values covered by the resolved path: below 10**18 in magnitude, exponent
#: at least -16 (so at most 34 digits: Babel's normalize() never rounds them).
_INT_LIMIT = 10**18
_MIN_EXPONENT = -16


def _unquote(text: str) -> str:
    return _QUOTED.sub(lambda m: m.group(1) or "'", text)


class ResolvedPattern:
    """One number pattern for one locale, numbering system and currency."""

    __slots__ = ("_affixes", "_decimal", "_first", "_frac_max", "_frac_min", "_group",
                 "_int_fraction", "_int_min", "_quantum", "_raw", "_rest", "clean")

    def __init__(self, affixes: tuple[str, str, str, str], group: str, decimal_symbol: str,
                 grouping: tuple[int, int], int_min: int, frac: tuple[int, int], *, raw: bool,
                 clean: Callable[[str], str]) -> None:
        self._affixes = affixes  # positive prefix, positive suffix, negative prefix, negative suffix
        self._group = group
        self._decimal = decimal_symbol
        self._first, self._rest = grouping
        self._int_min = int_min
        self._frac_min, self._frac_max = frac
        self._quantum = Decimal(10) ** -frac[1]
        #: True when quotes must be resolved on the whole string, as Babel does.
        self._raw = raw
        self.clean = clean
        self._int_fraction = self._fraction("0" * frac[1])

    def _fraction(self, digits: str) -> str:
        """``NumberPattern._format_frac``: the decimal symbol and fraction digits, or ''."""
        low, high = self._frac_min, self._frac_max
        digits = digits or "0"
        if len(digits) < low:
            digits += "0" * (low - len(digits))
        if high == 0 or (low == 0 and int(digits) == 0):
            return ""
        while len(digits) > low and digits[-1] == "0":
            digits = digits[:-1]
        return self._decimal + digits

    def _integer(self, digits: str) -> str:
        """``NumberPattern._format_int``: zero padding and digit groups."""
        if len(digits) < self._int_min:
            digits = "0" * (self._int_min - len(digits)) + digits
        size = self._first
        if len(digits) <= size:
            return digits
        out = ""
        while len(digits) > size:
            out = self._group + digits[-size:] + out
            digits = digits[:-size]
            size = self._rest
        return digits + out

    def _join(self, negative: bool, number: str) -> str:
        affixes = self._affixes
        text = (affixes[2] + number + affixes[3]) if negative else (affixes[0] + number + affixes[1])
        if self._raw:
            return self.clean(_unquote(text))
        return text

    def money(self, amount: Decimal) -> str:
        """Format an amount already quantised to this currency's digits, zero unsigned."""
        text = format(amount, "f")
        negative = text[0] == "-"
        if negative:
            text = text[1:]
        whole, _, fraction = text.partition(".")
        # Exactly the currency's digits: Babel's _format_frac keeps them all.
        number = self._integer(whole) + self._decimal + fraction if fraction else self._integer(whole)
        return self._join(negative, number)

    def number(self, value: object) -> str | None:
        """Format an ``int`` or ``Decimal`` as the pattern's own precision gives it; ``None``
        for anything outside the covered range (the caller asks Babel)."""
        kind = type(value)
        if kind is int:
            integer = cast(int, value)
            if not -_INT_LIMIT < integer < _INT_LIMIT:
                return None
            negative = integer < 0
            return self._join(negative, self._integer(str(-integer if negative else integer))
                              + self._int_fraction)
        if kind is not Decimal:
            return None
        number = cast(Decimal, value)
        if not number.is_finite():
            return None
        exponent = number.as_tuple().exponent
        if not isinstance(exponent, int) or exponent < _MIN_EXPONENT or number.adjusted() >= 18:
            return None
        rounded = number.quantize(self._quantum, context=_CONTEXT)
        text = format(rounded, "f")
        if text[0] == "-":
            text = text[1:]
        whole, _, fraction = text.partition(".")
        return self._join(number.is_signed(), self._integer(whole) + self._fraction(fraction))


def resolve(pattern: NumberPattern, locale: babel.Locale, numbering: str, *,
            currency: str | None = None, scale: int = 0,
            clean: Callable[[str], str] = str) -> ResolvedPattern | None:
    """Resolve *pattern* for *locale*, or ``None`` where only Babel formats it exactly.

    With *currency*, the currency's symbol and digits are built in (as
    ``apply(..., currency=..., currency_digits=True)``). *scale* is the
    pattern's expected scale (2 for a percent pattern whose value is given in
    percent). *clean* is applied to every piece of the result (it must remove
    characters one by one, as the formatter's bidi cleaning does).
    """
    if pattern.exp_prec or "@" in pattern.pattern or pattern.number_pattern == "":
        return None
    if pattern.scale != scale or min(pattern.grouping) < 1:
        return None
    try:
        symbols = locale.number_symbols[numbering]
    except KeyError:
        return None  # Babel raises UnsupportedNumberingSystemError itself
    group = symbols.get("group", ",")
    decimal_symbol = symbols.get("decimal", ".")
    affixes = [pattern.prefix[0], pattern.suffix[0], pattern.prefix[1], pattern.suffix[1]]
    if currency is not None:
        if any("¤¤¤" in part for part in affixes):
            return None  # the plural name depends on the value
        symbol = locale.currency_symbols.get(currency, currency)
        affixes = [part.replace("¤¤", currency.upper()).replace("¤", symbol) for part in affixes]
        frac = (int(babel_numbers.get_currency_precision(currency)),) * 2
    else:
        frac = pattern.frac_prec
    if frac[1] > 10 or "¤" in group + decimal_symbol:
        return None
    raw = "'" in "".join(affixes) + group + decimal_symbol
    if not raw:
        affixes = [clean(part) for part in affixes]
        group, decimal_symbol = clean(group), clean(decimal_symbol)
    return ResolvedPattern((affixes[0], affixes[1], affixes[2], affixes[3]), group, decimal_symbol,
                           pattern.grouping, pattern.int_prec[0], frac, raw=raw, clean=clean)
