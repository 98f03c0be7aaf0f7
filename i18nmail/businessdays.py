"""Business-day calendars: when does "3-5 business days" actually end?

A :class:`BusinessCalendar` knows one country's weekend days, its public
holidays and the bank closures that matter for refunds, all from the
`holidays <https://python-holidays.readthedocs.io/>`_ package, plus a small
curated table (:data:`COUNTRY_CLOSURES`) for closures the package has no
category for, and the shop's own closure dates::

    >>> from datetime import date
    >>> cal = BusinessCalendar("SE")
    >>> cal.window(date(2026, 12, 22), 3, 5)
    Window(first=datetime.date(2026, 12, 29), last=datetime.date(2027, 1, 4))
    >>> cal.closure_name(date(2026, 12, 24))
    'Christmas Eve'

Semantics (the README repeats them):

* ``add(start, n)`` for ``n >= 1`` is the *n*-th business day strictly after
  the start day: from a Friday, ``add(friday, 1)`` is the next Monday; from a
  Saturday, ``add(saturday, 1)`` is also that Monday.
* ``add(start, 0)`` is the start day itself when it is a business day, else
  the next business day ("today, or as soon as the bank opens").
* A ``datetime`` start must be aware; it is converted to the calendar's time
  zone first. With a ``cutoff``, an event at or after the cut-off time counts
  as if it happened on the next day (so "1 business day" from a Monday
  evening is Wednesday).
* ``window(start, low, high)`` is ``Window(add(start, low), add(start, high))``.
* ``n`` must be an ``int`` (``bool`` and ``float`` raise ``TypeError``),
  ``0 <= n <= MAX_BUSINESS_DAYS`` (else ``ValueError``).
* A computation that reaches a year the holiday data does not cover raises
  :class:`~i18nmail.exceptions.HolidayDataUnavailable` instead of silently
  treating every weekday of that year as a business day.

Whole weeks are skipped arithmetically, so a 1,000-day window costs about the
same as a 5-day one; holiday tables are built once per country and year and
shared by every render (:func:`get_calendar` caches calendars).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from .exceptions import HolidayDataUnavailable

__all__ = [
    "COUNTRY_CATEGORIES",
    "COUNTRY_CLOSURES",
    "MAX_BUSINESS_DAYS",
    "BusinessCalendar",
    "Window",
    "get_calendar",
    "supported_countries",
]

#: Largest ``n`` accepted by :meth:`BusinessCalendar.add` (about 14 years).
MAX_BUSINESS_DAYS = 3650

#: Holiday categories counted as closures, per country, when they differ from
#: the default (``public`` plus ``bank`` where the country has it). Sweden's
#: ``bank`` category also lists half days ("from 2pm"), on which banks still
#: settle payments; its ``de_facto`` days (Midsummer Eve, Christmas Eve, New
#: Year's Eve) are the full closures.
COUNTRY_CATEGORIES: dict[str, tuple[str, ...]] = {
    "SE": ("public", "de_facto"),
}

#: Bank closures the holidays package has no category for, as (month, day,
#: name). Norwegian and Danish banks are closed on Christmas Eve and New
#: Year's Eve; Finnish banks on Christmas Eve (Finland's other closures are
#: public holidays already). Sources: Norges Bank, Danmarks Nationalbank and
#: Suomen Pankki settlement calendars.
COUNTRY_CLOSURES: dict[str, tuple[tuple[int, int, str], ...]] = {
    "NO": ((12, 24, "Christmas Eve"), (12, 31, "New Year's Eve")),
    "DK": ((12, 24, "Christmas Eve"), (12, 31, "New Year's Eve")),
    "FI": ((12, 24, "Christmas Eve"),),
}


class Window(NamedTuple):
    """The first and last date of a "low-high business days" window."""

    first: date
    last: date


def supported_countries() -> list[str]:
    """ISO 3166 codes of every country the holidays package has a calendar for.

    >>> {"SE", "KR", "NO", "FI"} <= set(supported_countries())
    True
    """
    return sorted(holidays.list_supported_countries())


def _country_zone(country: str) -> tzinfo:
    from .render import _primary_zone  # the CLDR table lives with the renderer

    try:
        return ZoneInfo(_primary_zone(country))
    except (LookupError, ZoneInfoNotFoundError):
        return ZoneInfo("UTC")


class BusinessCalendar:
    """Business days of *country* (ISO 3166 alpha-2, e.g. ``"SE"``).

    ``subdivision`` selects a region's holidays where the package has them
    (``BusinessCalendar("DE", subdivision="BY")``). ``closures`` adds the
    shop's own non-working dates. ``cutoff`` is a daily time after which an
    event counts from the next day; ``tz`` is the zone in which ``datetime``
    starts become dates and the cut-off applies (default: the country's main
    zone, from CLDR).

    Instances are immutable after construction and safe to share between
    threads; holiday tables are filled lazily, one year at a time, under a lock.
    """

    def __init__(
        self,
        country: str,
        *,
        subdivision: str | None = None,
        closures: Iterable[date] = (),
        cutoff: time | None = None,
        tz: str | tzinfo | None = None,
    ) -> None:
        if not isinstance(country, str) or not country.isascii() or not country.isalpha():
            raise ValueError(f"country must be an ISO 3166 code such as 'SE', got {country!r:.40}")
        country = country.upper()
        try:
            probe = holidays.country_holidays(country, subdiv=subdivision, years=())
        except NotImplementedError:
            raise ValueError(
                f"no holiday calendar for country {country!r}; "
                "see i18nmail.businessdays.supported_countries()"
            ) from None
        except (ValueError, KeyError) as exc:  # unknown subdivision
            raise ValueError(f"{country}: {exc}") from None
        if cutoff is not None and not isinstance(cutoff, time):
            raise TypeError("cutoff must be a datetime.time")
        self.country = country
        self.subdivision = subdivision
        self.cutoff = cutoff
        if tz is None:
            self.tz: tzinfo = _country_zone(country)
        elif isinstance(tz, str):
            try:
                self.tz = ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {tz!r:.60}") from None
        else:
            self.tz = tz
        wanted = COUNTRY_CATEGORIES.get(country, ("public", "bank"))
        self.categories = tuple(c for c in wanted if c in probe.supported_categories) or ("public",)
        self.weekend = frozenset(int(d) for d in probe.weekend)
        if len(self.weekend) >= 7:
            raise ValueError(f"{country}: the holiday data has no working weekdays")
        self.workdays = tuple(d for d in range(7) if d not in self.weekend)
        self.first_year = int(getattr(probe, "start_year", 1900))
        self.last_year = int(getattr(probe, "end_year", 2100))
        extra: list[date] = []
        for day in closures:
            if isinstance(day, datetime) or not isinstance(day, date):
                raise TypeError(f"closures must be dates, got {day!r:.60}")
            extra.append(day)
        self.closures = tuple(sorted(set(extra)))
        self._curated = COUNTRY_CLOSURES.get(country, ())
        self._lock = threading.Lock()
        self._years: set[int] = set()
        self._names: dict[date, str] = {}
        self._closed: list[date] = []  # sorted closures that fall on workdays

    def __repr__(self) -> str:
        sub = f", subdivision={self.subdivision!r}" if self.subdivision else ""
        return f"<BusinessCalendar {self.country}{sub}>"

    # -- holiday tables ------------------------------------------------------------

    def _ensure(self, first: int, last: int) -> None:
        """Load the holiday tables for the years ``first..last`` (inclusive)."""
        missing = [y for y in range(first, last + 1) if y not in self._years]
        if not missing:
            return
        for year in missing:
            if not self.first_year <= year <= self.last_year:
                raise HolidayDataUnavailable(
                    f"{self.country}: no holiday data for {year} (the holidays package covers "
                    f"{self.first_year}-{self.last_year}); business days cannot be counted",
                    country=self.country,
                    year=year,
                )
        with self._lock:
            names = dict(self._names)
            for year in missing:
                if year in self._years:
                    continue
                table = holidays.country_holidays(
                    self.country, subdiv=self.subdivision, years=year, categories=self.categories
                )
                for day, name in table.items():
                    names.setdefault(day, name)
                for month, dom, name in self._curated:
                    names.setdefault(date(year, month, dom), name)
                for day in self.closures:
                    if day.year == year:
                        names.setdefault(day, "Shop closure")
            closed = sorted(d for d in names if d.weekday() not in self.weekend)
            # Publish the new tables before the years, so readers that see a
            # year as loaded also see its dates.
            self._names = names
            self._closed = closed
            self._years.update(missing)

    def years_covered(self) -> tuple[int, int]:
        """The first and last year this calendar has holiday data for."""
        return self.first_year, self.last_year

    # -- queries -------------------------------------------------------------------

    def closure_name(self, day: date) -> str | None:
        """The holiday or closure on *day* (weekends excluded), or ``None``.

        >>> BusinessCalendar("KR").closure_name(date(2026, 9, 25))
        'Chuseok'
        """
        day = self._as_date(day)
        self._ensure(day.year, day.year)
        return self._names.get(day)

    def is_business_day(self, day: date) -> bool:
        """``True`` when *day* is neither a weekend day nor a closure.

        >>> cal = BusinessCalendar("SE")
        >>> cal.is_business_day(date(2026, 6, 19)), cal.is_business_day(date(2026, 6, 22))
        (False, True)
        """
        day = self._as_date(day)
        if day.weekday() in self.weekend:
            return False
        self._ensure(day.year, day.year)
        return day not in self._names

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after *day*."""
        return self.add(self._as_date(day), 1)

    def add(self, start: date | datetime, n: int) -> date:
        """The *n*-th business day after *start* (``n = 0``: *start* or the next one).

        >>> cal = BusinessCalendar("SE")
        >>> cal.add(date(2026, 12, 23), 1)   # Christmas Eve to Boxing Day closed
        datetime.date(2026, 12, 28)
        >>> cal.add(date(2026, 12, 26), 0)
        datetime.date(2026, 12, 28)
        """
        n = _check_n(n)
        day = self._start_day(start)
        if n == 0:
            if self.is_business_day(day):
                return day
            n = 1
        return self._forward(day, n)

    def window(self, start: date | datetime, low: int, high: int) -> Window:
        """The first and last date of "*low*-*high* business days" from *start*."""
        low, high = _check_n(low), _check_n(high)
        if low > high:
            raise ValueError(f"window low ({low}) is greater than high ({high})")
        day = self._start_day(start)
        return Window(self.add(day, low), self.add(day, high))

    def business_days_between(self, first: date, last: date) -> int:
        """How many business days lie in ``(first, last]`` (0 when ``last <= first``)."""
        first, last = self._as_date(first), self._as_date(last)
        if last <= first:
            return 0
        self._ensure(first.year, last.year)
        return self._workdays_between(first, last) - self._closed_between(first, last)

    # -- arithmetic ----------------------------------------------------------------

    @staticmethod
    def _as_date(day: date | datetime) -> date:
        if isinstance(day, datetime):
            raise TypeError("pass a date here; datetimes go through add() or window()")
        if not isinstance(day, date):
            raise TypeError(f"expected a datetime.date, got {type(day).__name__}")
        return day

    def _start_day(self, start: date | datetime) -> date:
        if isinstance(start, datetime):
            if start.tzinfo is None or start.utcoffset() is None:
                raise ValueError("start must be an aware datetime (or a date): add tzinfo=")
            local = start.astimezone(self.tz)
            day = local.date()
            if self.cutoff is not None and local.time().replace(tzinfo=None) >= self.cutoff:
                day += timedelta(days=1)
            return day
        if isinstance(start, date):
            return start
        raise TypeError(f"start must be a date or an aware datetime, got {type(start).__name__}")

    def _workdays_between(self, first: date, last: date) -> int:
        """Working weekdays (ignoring holidays) in ``(first, last]``."""
        span = (last - first).days
        weeks, rest = divmod(span, 7)
        count = weeks * len(self.workdays)
        wd = first.weekday()
        for i in range(1, rest + 1):
            if (wd + i) % 7 not in self.weekend:
                count += 1
        return count

    def _closed_between(self, first: date, last: date) -> int:
        """Closures on working weekdays in ``(first, last]``."""
        return bisect.bisect_right(self._closed, last) - bisect.bisect_right(self._closed, first)

    def _weekday_offset(self, day: date, n: int) -> date:
        """The *n*-th working weekday after *day* (holidays ignored), ``n >= 1``."""
        per_week = len(self.workdays)
        weeks, rest = divmod(n, per_week)
        if rest == 0:
            weeks, rest = weeks - 1, per_week
        day += timedelta(days=7 * weeks)
        while rest:
            day += timedelta(days=1)
            if day.weekday() not in self.weekend:
                rest -= 1
        return day

    def _forward(self, day: date, n: int) -> date:
        """The *n*-th business day strictly after *day*, ``n >= 1``."""
        current = day
        remaining = n
        while True:
            candidate = self._weekday_offset(current, remaining)
            self._ensure(current.year, candidate.year)
            skipped = self._closed_between(current, candidate)
            if skipped == 0:
                return candidate
            current, remaining = candidate, skipped


def _check_n(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a number of business days must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"a number of business days cannot be negative, got {n}")
    if n > MAX_BUSINESS_DAYS:
        raise ValueError(f"{n} business days is more than the {MAX_BUSINESS_DAYS} supported")
    return n


@lru_cache(maxsize=256)
def get_calendar(country: str, subdivision: str | None = None) -> BusinessCalendar:
    """A shared calendar for *country* (no shop closures, no cut-off), built once.

    >>> get_calendar("SE") is get_calendar("SE")
    True
    """
    return BusinessCalendar(country, subdivision=subdivision)
