"""Each value formatted once per email, for both channels.

The text and the HTML part of an email show the same amounts, dates and
counts; :class:`PerRender` wraps the shared :class:`~i18nmail.formatting.Formatter`
for one render and remembers what it has formatted, so the HTML pass reuses
the text pass's strings. Formatting is a pure function of the formatter's
settings and the value, so the result is the same string either way; values
of different types or precision never share an entry (``1``, ``True`` and
``Decimal("1.0")`` are three keys). An error is not remembered: the call
raises again, as it did before.

>>> from decimal import Decimal
>>> fmt = PerRender(Formatter.get("sv_SE", "Europe/Stockholm", "SEK"))
>>> fmt.money(Decimal("1499.5")), len(fmt.memo)
('1\\xa0499,50\\xa0kr', 1)
>>> fmt.money(Decimal("1499.5")), len(fmt.memo)
('1\\xa0499,50\\xa0kr', 1)
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from .formatting import Formatter

__all__ = ["EXACT", "PerRender"]

#: The argument types :meth:`PerRender.show` takes (exact types, not subclasses).
EXACT = (int, str, date, Decimal)

#: Names for the types inside PerRender, whose methods are called date and datetime.
_Date = date
_DateTime = datetime


def _key(value: object) -> Hashable:
    """A memo key that tells apart equal values that format differently."""
    kind = type(value)
    if kind is int or kind is str or kind is _Date or value is None:
        return (kind, value)  # the common exact types first: the same keys as below
    if isinstance(value, Decimal):
        return (Decimal, str(value))
    if isinstance(value, _DateTime):
        return (_DateTime, value, value.tzinfo, value.fold)
    hash(value)  # TypeError for an unhashable value: the caller formats without the memo
    return (type(value), value)


class PerRender(Formatter):
    """A :class:`Formatter` for one render that formats each value once."""

    def __init__(self, shared: Formatter) -> None:
        # The same settings and resolved patterns as the shared formatter.
        self.__dict__.update(shared.__dict__)
        self.memo: dict[Hashable, str] = {}

    def show(self, method: str, value: object) -> str:
        """``self.method(value)`` for one value of a type in :data:`EXACT`, keyed
        by ``(method, type, value)``: the compiled templates' short way to the memo.

        Equal Decimals give the same amount of money (rounded to the currency's
        digits); as a number, ``15`` and ``15.0`` are written differently.
        """
        kind = type(value)
        key = (method, kind, value if method == "money" or kind is not Decimal else str(value))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = str(getattr(Formatter, method)(self, value))
        return found

    def _once(self, method: str, *args: object) -> str:
        try:
            key: Hashable = (method, *map(_key, args))
        except TypeError:
            return str(getattr(Formatter, method)(self, *args))
        found = self.memo.get(key)
        if found is None:
            # Formatter's method, looked up per call (as super() did): the value formatted once.
            found = str(getattr(Formatter, method)(self, *args))
            self.memo[key] = found
        return found

    def money(self, amount: object, currency: str | None = None) -> str:
        return self._once("money", amount, currency)

    def number(self, value: int | Decimal) -> str:
        return self._once("number", value)

    def percent(self, value: int | Decimal) -> str:
        return self._once("percent", value)

    def date(self, value: _Date | _DateTime, format: str = "long") -> str:
        return self._once("date", value, format)

    def weekday_date(self, value: _Date | _DateTime) -> str:
        return self._once("weekday_date", value)

    def datetime(self, value: _DateTime, *, zone: str | ZoneInfo | None = None) -> str:
        if zone is not None:
            return super().datetime(value, zone=zone)
        return self._once("datetime", value)

    def date_range(self, first: _Date, last: _Date) -> str:
        return self._once("date_range", first, last)

