"""Locale-aware formatting of money, numbers, dates and date ranges, through Babel.

A :class:`Formatter` binds a CLDR locale, a time zone and a currency once
(like ``babel.support.Format``); templates call it as ``fmt``. Nothing here
reads ``LANG``/``LC_*`` or the thread's ``decimal`` context: amounts are
quantised in an explicit context with ``ROUND_HALF_UP`` to the currency's own
digits (KRW and JPY 0, EUR 2, KWD 3), negative zero is normalised, and
amounts are checked against a domain limit *before* Babel sees them.
CLDR's number, percent and currency patterns are resolved once per locale
and currency (:mod:`i18nmail.numberformat`) and applied per value with
string operations; a pattern or value they do not cover exactly goes to
Babel's ``NumberPattern.apply``, with the same result.

>>> from zoneinfo import ZoneInfo
>>> fmt = Formatter.get("sv_SE", "Europe/Stockholm", "SEK")
>>> fmt.money(Decimal("1499.5"))
'1\\xa0499,50\\xa0kr'
>>> Formatter.get("ko_KR", "Asia/Seoul", "KRW").money(Decimal("25000"))
'25,000원'
>>> fmt.date(date(2026, 12, 29))
'29 december 2026'
"""

from __future__ import annotations

import decimal
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import babel
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.numbers import NumberPattern

from .datepatterns import DatePatterns, patterns_for
from .numberformat import ResolvedPattern, resolve
from .typography import numbering_system

__all__ = ["MAX_AMOUNT", "Formatter", "coerce_amount", "normalise_currency"]

#: Largest absolute amount accepted, in major units.
MAX_AMOUNT = Decimal(10) ** 15
_MONEY_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_UP, Emax=999, Emin=-999)
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_DECIMAL_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")
_BIDI_EMBEDDINGS = re.compile("[\u202a-\u202e\u2066-\u2069]")


#: Where shops write amounts differently from CLDR's default currency pattern:
#: Korean shops write "74,500원", Japanese shops "1,980円", not "₩74,500" / "￥1,980".
CURRENCY_PATTERNS: dict[tuple[str, str], str] = {
    ("ko", "KRW"): "#,##0원",
    ("ja", "JPY"): "#,##0円",
}

def normalise_currency(code: object) -> str:
    """Return an ISO 4217 code, stripped and upper-cased, or raise ``ValueError``.

    >>> normalise_currency(" eur ")
    'EUR'
    >>> normalise_currency("XYZ")
    Traceback (most recent call last):
    ...
    ValueError: unknown currency code 'XYZ'
    """
    if not isinstance(code, str):
        # ValueError, not TypeError: a missing code (None) is bad data, like "XYZ".
        raise ValueError(f"a currency code must be a string, not {type(code).__name__}")  # noqa: TRY004
    clean = code.strip().upper()
    if not _CURRENCY_RE.match(clean):
        raise ValueError(f"unknown currency code {code.strip()[:10]!r}")
    if clean not in _known_currencies():  # babel_numbers.validate_currency, its set built once
        raise ValueError(f"unknown currency code {clean!r}")
    return clean


@lru_cache(maxsize=1)
def _known_currencies() -> frozenset[str]:
    """Every currency code Babel knows (what ``validate_currency`` checks against)."""
    return frozenset(babel_numbers.list_currencies())


@lru_cache(maxsize=1024)
def currency_digits(currency: str) -> int:
    """Digits after the decimal point for *currency* (CLDR), looked up once per code.

    >>> currency_digits("KRW"), currency_digits("EUR"), currency_digits("KWD")
    (0, 2, 3)
    """
    return int(babel_numbers.get_currency_precision(currency))


def coerce_amount(value: object, currency: str) -> Decimal:
    """Turn an amount into a finite ``Decimal`` in major units.

    ``Decimal`` and decimal strings are major units; ``int`` is *minor* units
    (cents, öre; for KRW the won itself). ``float`` is refused: it cannot hold
    19.99 exactly.

    >>> coerce_amount("19.99", "EUR"), coerce_amount(1999, "EUR"), coerce_amount(25000, "KRW")
    (Decimal('19.99'), Decimal('19.99'), Decimal('25000'))
    >>> coerce_amount(19.99, "EUR")
    Traceback (most recent call last):
    ...
    TypeError: amounts must be Decimal, a decimal string or integer minor units; use Decimal('19.99') (in JSON the string '19.99') instead of the float 19.99
    """
    if type(value) is Decimal:  # the common case first: checked exactly as below
        amount = value
        if not amount.is_finite():
            raise ValueError("an amount must be a finite number")
        if abs(amount) >= MAX_AMOUNT:
            raise ValueError(f"amount is out of range (|amount| must be below {MAX_AMOUNT:,})")
        return amount
    if isinstance(value, bool):
        raise TypeError("an amount cannot be a bool")
    if isinstance(value, float):
        raise TypeError(
            "amounts must be Decimal, a decimal string or integer minor units; "
            f"use Decimal({str(value)!r}) (in JSON the string {str(value)!r}) instead of the float {value!r}"
        )
    # Subclasses of int, Decimal and str are copied to the plain type first, so
    # none of their own methods runs later (fuzzing D13).
    if isinstance(value, int):
        value = int.__int__(value)
        if abs(value) > MAX_AMOUNT * 1000:
            raise ValueError("amount is out of range")
        amount = Decimal(value).scaleb(-currency_digits(currency))
    elif isinstance(value, Decimal):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = str.__str__(value).strip()
        if len(text) > 40 or not _DECIMAL_RE.fullmatch(text):
            raise ValueError(f"not a decimal amount: {value[:40]!r}")
        amount = Decimal(text)
    else:
        raise TypeError(f"an amount must be Decimal, str or int, not {type(value).__name__}")
    if not amount.is_finite():
        raise ValueError("an amount must be a finite number")
    if abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"amount is out of range (|amount| must be below {MAX_AMOUNT:,})")
    return amount


def _tz(value: str | ZoneInfo) -> ZoneInfo:
    return value if isinstance(value, ZoneInfo) else ZoneInfo(value)


#: Names for the types inside Formatter, whose methods are called date and datetime.
_Date = date
_DateTime = datetime


class Formatter:
    """Formatting for one (locale, time zone, currency); build with :meth:`get`."""

    def __init__(self, locale: babel.Locale, tz: ZoneInfo, currency: str) -> None:
        self.locale = locale
        self.tz = tz
        self.currency = currency
        self.digits = currency_digits(currency)
        self._quantum = Decimal(1).scaleb(-self.digits)
        #: Digits for numbers and amounts: explicit per language (typography.NUMBERING_SYSTEMS).
        self.numbering = numbering_system(locale.language)
        rtl = locale.character_order == "right-to-left"
        self.direction = "rtl" if rtl else "ltr"
        #: The project's own date patterns for this language (None: CLDR's).
        self.patterns: DatePatterns | None = patterns_for(locale.language, locale.territory,
                                                          locale.script)
        # CLDR's number patterns, resolved once here and applied per value (the
        # same NumberPattern objects babel.numbers.format_* would look up per call).
        self._decimal_pattern: NumberPattern = locale.decimal_formats[None]
        self._percent_pattern: NumberPattern = locale.percent_formats[None]
        self._money_patterns: dict[str, tuple[NumberPattern, Decimal, ResolvedPattern | None]] = {}
        # The same patterns with this locale's symbols built in, applied with
        # string operations (None: only Babel formats them exactly).
        self._decimal_fast = resolve(self._decimal_pattern, locale, self.numbering, clean=self._clean)
        self._percent_fast = resolve(self._percent_pattern, locale, self.numbering, scale=2,
                                     clean=self._clean)

    @classmethod
    def get(cls, locale: str, tz: str | ZoneInfo, currency: str) -> Formatter:
        """Return the shared formatter for these settings (built once, then cached)."""
        return _formatter(locale, _tz(tz).key, currency)

    def _clean(self, text: str) -> str:
        # Babel output may carry embeddings in some locales; marks (LRM/RLM/ALM)
        # are kept, embeddings and isolates never reach an email.
        return _BIDI_EMBEDDINGS.sub("", text)

    def money(self, amount: object, currency: str | None = None) -> str:
        """Format an amount of *currency* (default: this formatter's)."""
        code = normalise_currency(currency) if currency is not None else self.currency
        value = coerce_amount(amount, code)
        found = self._money_patterns.get(code)
        if found is None:
            found = self._money_pattern(code)
        pattern, quantum, fast = found
        if fast is not None:
            value = value.quantize(quantum, context=_MONEY_CONTEXT)
            return fast.money(value.copy_abs() if value.is_zero() else value)
        with decimal.localcontext(_MONEY_CONTEXT):
            value = value.quantize(quantum)
            if value.is_zero():
                value = abs(value)
            text = pattern.apply(value, self.locale, currency=code, currency_digits=True,
                                 numbering_system=self.numbering)
        return self._clean(text)

    def _money_pattern(self, code: str) -> tuple[NumberPattern, Decimal, ResolvedPattern | None]:
        """The currency pattern, rounding quantum and resolved pattern for *code*, built once."""
        own = CURRENCY_PATTERNS.get((self.locale.language, code))
        pattern = babel_numbers.parse_pattern(own) if own else self.locale.currency_formats["standard"]
        fast = resolve(pattern, self.locale, self.numbering, currency=code, clean=self._clean)
        found = (pattern, Decimal(1).scaleb(-currency_digits(code)), fast)
        self._money_patterns[code] = found  # a benign race: both threads store equal values
        return found

    def number(self, value: int | Decimal) -> str:
        """Format a plain number: ``1234`` -> ``1 234`` (sv)."""
        if self._decimal_fast is not None:
            text = self._decimal_fast.number(value)
            if text is not None:
                return text
        with decimal.localcontext(_MONEY_CONTEXT):
            return self._clean(self._decimal_pattern.apply(value, self.locale,
                                                           numbering_system=self.numbering))

    def percent(self, value: int | Decimal) -> str:
        """Format a percentage given as a number of percent: ``15`` -> ``15 %`` (sv)."""
        if self._percent_fast is not None:
            # The pattern scales by 100 what this method divides by 100: the value as given.
            text = self._percent_fast.number(value)
            if text is not None:
                return text
        with decimal.localcontext(_MONEY_CONTEXT):
            fraction = Decimal(value) / 100
            return self._clean(self._percent_pattern.apply(fraction, self.locale,
                                                           numbering_system=self.numbering))

    def date(self, value: _Date | _DateTime, format: str = "long") -> str:
        """Format a date (a datetime is first moved to the customer's zone)."""
        if isinstance(value, _DateTime):
            value = self.local(value).date()
        if self.patterns is not None and format == "long":
            return self.patterns.format(value, self.patterns.date)
        return self._clean(babel_dates.format_date(value, format=format, locale=self.locale))

    def weekday_date(self, value: _Date | _DateTime) -> str:
        """A date with its weekday, as the locale writes it (CLDR ``full`` format)."""
        if isinstance(value, _DateTime):
            value = self.local(value).date()
        if self.patterns is not None:
            return self.patterns.format(value, self.patterns.weekday_date)
        return self._clean(babel_dates.format_date(value, format="full", locale=self.locale))

    def datetime(self, value: _DateTime, *, zone: str | ZoneInfo | None = None) -> str:
        """Format an aware datetime as the locale writes the time of an event.

        The time is shown in the customer's zone and no zone is named: a
        customer reads "kl. 09.15", never "UTC+01:00". Pass *zone* to show the
        time in another zone than the customer's; it is then named by the
        abbreviation people use ("CET", "KST"), never by a raw offset.
        """
        other = _tz(zone) if zone is not None else None
        if other is not None and other.key == self.tz.key:
            other = None
        local = value.astimezone(other) if other is not None else self.local(value)
        if self.patterns is not None:
            text = self.patterns.format(local, self.patterns.datetime)
        else:
            date_part = babel_dates.format_date(local.date(), format="medium", locale=self.locale)
            time_part = babel_dates.format_time(local, format="short", tzinfo=local.tzinfo,
                                                locale=self.locale)
            pattern = str(self.locale.datetime_formats["medium"]).replace("'", "")
            text = pattern.replace("{1}", date_part).replace("{0}", time_part)
        if other is not None:
            text = f"{text} {_zone_abbreviation(local, other)}"
        return self._clean(text)

    def local(self, value: _DateTime) -> _DateTime:
        """Move an aware datetime to the customer's zone; naive input is refused."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: give a time zone (e.g. datetime(..., tzinfo=UTC))")
        return value.astimezone(self.tz)

    def date_range(self, first: _Date, last: _Date) -> str:
        """Format a range of dates with weekdays, as the locale writes intervals.

        One date when *first* equals *last*; CLDR interval formats otherwise
        (``yMMMEd``: shared month or year written once).
        """
        if self.patterns is not None:
            return self.patterns.range(first, last)
        if first == last:
            return self._clean(babel_dates.format_skeleton("yMMMEd", first, locale=self.locale))
        text = babel_dates.format_interval(first, last, "yMMMEd", locale=self.locale)
        return self._clean(text)

    def today(self, now: _DateTime) -> _Date:
        """The customer's calendar date at *now*."""
        return self.local(now).date()


def _zone_abbreviation(local: _DateTime, zone: ZoneInfo) -> str:
    """The abbreviation people use for *zone* at *local* ("CET", "KST"); the
    zone's name where the time-zone database has only an offset ("+03")."""
    abbreviation = local.tzname() or ""
    if any(ch.isalpha() for ch in abbreviation):
        return abbreviation
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=512)
def _formatter(locale: str, tz: str, currency: str) -> Formatter:
    return Formatter(babel.Locale.parse(locale), ZoneInfo(tz), currency)


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
