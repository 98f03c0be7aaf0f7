"""Business-day calendars: when does "3-5 business days" actually end?

A :class:`BusinessCalendar` knows one country's weekend days, its public
holidays and the bank closures that matter for refunds: the
`holidays <https://python-holidays.readthedocs.io/>`_ package, corrected by
the country's closure table (:mod:`i18nmail.closures`: one documented file per
market, with a source for every rule, and the euro area's TARGET closing
days), plus the shop's own closure dates::

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
  zone first. With a ``cutoff`` (a naive time read in that zone), an event at
  or after the cut-off time counts as if it happened on the next calendar day
  (so "1 business day" from a Monday evening is Wednesday). Together with the
  rule above this keeps every answer monotonic: a later event never gets an
  earlier date. (A Friday-evening event therefore counts like a Saturday one.)
* ``window(start, low, high)`` is ``Window(add(start, low), add(start, high))``.
* ``n`` must be an ``int`` (``bool`` and ``float`` raise ``TypeError``),
  ``0 <= n <= MAX_BUSINESS_DAYS`` (else ``ValueError``).
* A computation that reaches a year the holiday data does not cover raises
  :class:`~i18nmail.exceptions.HolidayDataUnavailable` instead of silently
  treating every weekday of that year as a business day.
* Weekends follow the holidays package date by date: Saudi Arabia's weekend
  was Thursday-Friday until 28 June 2013, the UAE's Friday-Saturday until
  2022, and China's make-up working Saturdays and Sundays are business days.
  :attr:`BusinessCalendar.weekend` is the rule in force today.

Whole weeks are skipped arithmetically, so a 1,000-day window costs about the
same as a 5-day one; holiday tables are built once per country and year and
shared by every render (:func:`get_calendar` caches calendars), and what the
holidays package answers is kept on disk between processes
(:mod:`i18nmail.holidaydata`), so a fresh process does not import it.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .closures import Market, market, target_closures
from .exceptions import HolidayDataUnavailable
from .holidaydata import COUNTRY_DATA_YEARS, country_codes, package_year, profile
from .negotiation import primary_zone

__all__ = [
    "COUNTRY_DATA_YEARS",
    "MAX_BUSINESS_DAYS",
    "BusinessCalendar",
    "Window",
    "get_calendar",
    "supported_countries",
]

#: Largest ``n`` accepted by :meth:`BusinessCalendar.add` (about 14 years).
MAX_BUSINESS_DAYS = 3650


class _Tables(NamedTuple):
    """One immutable snapshot of the loaded holiday tables.

    ``closed`` are the dates on working weekdays (of :attr:`BusinessCalendar.weekend`)
    that are not business days; ``opened`` the dates on weekend days that are
    (an older weekend rule, a make-up working day). Both are sorted.
    ``estimated`` are the loaded years whose closures include a date the
    holidays package marks as an estimate (an Islamic holiday not yet
    confirmed by the authorities).
    """

    years: frozenset[int]
    names: dict[date, str]
    closed: tuple[date, ...]
    opened: tuple[date, ...]
    closed_set: frozenset[date]
    opened_set: frozenset[date]
    estimated: frozenset[int]


_EMPTY = _Tables(frozenset(), {}, (), (), frozenset(), frozenset(), frozenset())


def _between(days: tuple[date, ...], first: date, last: date) -> int:
    """How many of the sorted *days* lie in ``(first, last]``."""
    return bisect.bisect_right(days, last) - bisect.bisect_right(days, first)


class Window(NamedTuple):
    """The first and last date of a "low-high business days" window."""

    first: date
    last: date


def supported_countries() -> list[str]:
    """ISO 3166 codes of every country the holidays package has a calendar for.

    >>> {"SE", "KR", "NO", "FI"} <= set(supported_countries())
    True
    """
    return list(country_codes())


def _country_zone(country: str) -> tzinfo:
    try:
        return ZoneInfo(primary_zone(country))
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
        found = market(country)
        if subdivision is None and found is not None:
            subdivision = found.subdivision
        try:
            facts = profile(country, subdivision)
        except NotImplementedError:
            raise ValueError(
                f"no holiday calendar for country {country!r}; "
                "see i18nmail.businessdays.supported_countries()"
            ) from None
        except (ValueError, KeyError) as exc:  # unknown subdivision
            raise ValueError(f"{country}: {exc}") from None
        if cutoff is not None:
            if not isinstance(cutoff, time):
                raise TypeError("cutoff must be a datetime.time")
            if cutoff.tzinfo is not None:
                raise ValueError("cutoff must be a naive time: it is read in the calendar's tz=")
        self.country = country
        self.subdivision = subdivision
        #: The country's closure table (``i18nmail/bank_calendars/<CC>.toml``), if it has one.
        self.market: Market | None = found
        self.cutoff = cutoff
        if tz is None:
            self.tz: tzinfo = _country_zone(country)
        elif isinstance(tz, str):
            try:
                self.tz = ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {tz!r:.60}") from None
        elif isinstance(tz, tzinfo):
            self.tz = tz
        else:
            raise TypeError(f"tz must be a zone name or a tzinfo, got {type(tz).__name__}")
        wanted = found.categories if found is not None and found.categories else ("public", "bank")
        self.categories = tuple(c for c in wanted if c in facts.supported_categories) or ("public",)
        self.first_year, self.last_year = facts.first_year, facts.last_year
        self._dated_weekend = facts.dated_weekend
        #: The weekend rule in force this week (Malaysian states differ, for example);
        #: for a country whose weekend changed, other dates follow the holidays package.
        self.weekend = facts.weekend
        if len(self.weekend) >= 7:
            raise ValueError(f"{country}: the holiday data has no working weekdays")
        self.workdays = tuple(d for d in range(7) if d not in self.weekend)
        # _steps[weekday][k]: calendar days from a day with that weekday to the
        # k-th working weekday after it (k = 1..len(workdays)).
        steps = []
        for weekday in range(7):
            row, ahead = [0], 0
            while len(row) <= len(self.workdays):
                ahead += 1
                if (weekday + ahead) % 7 not in self.weekend:
                    row.append(ahead)
            steps.append(tuple(row))
        self._steps = tuple(steps)
        self._added: dict[tuple[date, int], date] = {}
        self._estimated: dict[tuple[int, int], tuple[int, ...]] = {}
        extra: list[date] = []
        for day in closures:
            if isinstance(day, datetime) or not isinstance(day, date):
                raise TypeError(f"closures must be dates, got {day!r:.60}")
            extra.append(day)
        self.closures = tuple(sorted(set(extra)))
        self._islamic = facts.islamic  # the package can label its estimated Islamic holidays
        self._lock = threading.Lock()
        # Readers take one reference to this snapshot and never see it change;
        # _ensure() builds a new one under the lock and publishes it at once.
        self._tables: _Tables = _EMPTY

    def __repr__(self) -> str:
        sub = f", subdivision={self.subdivision!r}" if self.subdivision else ""
        return f"<BusinessCalendar {self.country}{sub}>"

    # -- holiday tables ------------------------------------------------------------

    def _ensure(self, first: int, last: int) -> _Tables:
        """The tables with every year ``first..last`` (inclusive) loaded."""
        tables = self._tables
        if all(year in tables.years for year in range(first, last + 1)):
            return tables
        for year in range(first, last + 1):
            if not self.first_year <= year <= self.last_year:
                raise HolidayDataUnavailable(
                    f"{self.country}: no holiday data for {year} (the holidays package covers "
                    f"{self.first_year}-{self.last_year}); business days cannot be counted",
                    country=self.country,
                    year=year,
                )
        with self._lock:
            tables = self._tables
            missing = [y for y in range(first, last + 1) if y not in tables.years]
            if not missing:
                return tables
            names = dict(tables.names)
            closed = list(tables.closed)
            opened = list(tables.opened)
            estimated = set(tables.estimated)
            for year in missing:
                year_names, year_closed, year_opened, estimate = self._load_year(year)
                names.update(year_names)
                closed.extend(year_closed)
                opened.extend(year_opened)
                if estimate:
                    estimated.add(year)
            closed.sort()
            opened.sort()
            tables = _Tables(
                tables.years | frozenset(missing),
                names,
                tuple(closed),
                tuple(opened),
                frozenset(closed),
                frozenset(opened),
                frozenset(estimated),
            )
            self._tables = tables
            return tables

    def _load_year(self, year: int) -> tuple[dict[date, str], list[date], list[date], bool]:
        """Names, closed working weekdays and opened weekend days of one year,
        and whether a closure taken from the holidays package is an estimate.

        The holidays package's days (unless the market file replaces the year),
        minus substitute days the market's banks do not take, plus the market's
        own closures, the TARGET closing days for euro-area countries and the
        shop's closures. The package knows which Islamic holidays the
        authorities have confirmed; asked to show estimates, it labels the
        others: a date whose label changes is an estimate (compared, not
        parsed, so the label's language does not matter).
        """
        found = self.market
        replaced = found is not None and year in found.replace_years
        open_observed = found.open_observed if found is not None else ()
        package = package_year(
            self.country, self.subdivision, self.categories, year, dated_weekend=self._dated_weekend,
            unobserved=bool(open_observed) and not replaced, estimates=self._islamic and not replaced,
        )
        names = {} if replaced else dict(package.names)
        # Substitute ("observed") days that the country's banks do not take:
        # the Federal Reserve opens on the Friday before a Saturday holiday.
        for day in [d for d in package.unobserved if d.weekday() in open_observed and d in names]:
            del names[day]
        extra: dict[date, str] = dict(found.closures_in(year)) if found is not None else {}
        for day, name in target_closures(self.country, year).items():
            extra.setdefault(day, name)
        for day in self.closures:
            if day.year == year:
                extra.setdefault(day, "Shop closure")
        for day, name in extra.items():
            names.setdefault(day, name)
        # Make-up working days on a weekend (China's 调休), unless closed anyway.
        workdays = set() if replaced else set(package.workdays)
        if found is not None:
            workdays |= set(found.open_in(year))
        weekend = self.weekend
        closed: list[date] = []
        opened: list[date] = []
        if package.weekend_days is not None:
            package_weekend = package.weekend_days
            day = date(year, 1, 1)
            while day.year == year:
                business = day not in names and (day in workdays or day not in package_weekend)
                if day.weekday() in weekend:
                    if business:
                        opened.append(day)
                elif not business:
                    closed.append(day)
                day += timedelta(days=1)
        else:
            closed = [d for d in names if d.weekday() not in weekend]
            opened = [d for d in workdays if d.weekday() in weekend and d not in names]
        estimate = any(day in names for day in package.estimates)
        return names, closed, opened, estimate

    def estimated_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years of ``first..last`` whose closures are estimates, not a published calendar.

        China's years after the last State Council notice in the data, Saudi
        Arabia's after SAMA's published schedule (both from the market files),
        and any year in which the holidays package estimates an Islamic
        holiday the authorities have not confirmed yet (the UAE, Egypt, ...).
        The render reports a window reaching one of them as a ``calendar``
        fallback.

        >>> BusinessCalendar("CN").estimated_years(date(2026, 12, 28), date(2027, 1, 5))
        (2027,)
        >>> BusinessCalendar("DE").estimated_years(date(2026, 12, 28), date(2027, 1, 5))
        ()
        """
        first, last = self._as_date(first), self._as_date(last)
        if last < first:
            return ()
        found = self._estimated.get((first.year, last.year))  # asked once per email
        if found is None:
            found = self._estimated[(first.year, last.year)] = self._estimated_in(first.year, last.year)
        return found

    def _estimated_in(self, first_year: int, last_year: int) -> tuple[int, ...]:
        tables = self._ensure(first_year, last_year)
        market = self.market
        return tuple(
            y for y in range(first_year, last_year + 1)
            if y in tables.estimated or (market is not None and market.is_estimated(y))
        )

    def years_covered(self) -> tuple[int, int]:
        """The first and last year this calendar has holiday data for."""
        return self.first_year, self.last_year

    # -- queries -------------------------------------------------------------------

    def closure_name(self, day: date) -> str | None:
        """The holiday or closure on *day* (plain weekends excluded), or ``None``.

        >>> BusinessCalendar("KR").closure_name(date(2026, 9, 25))
        'Chuseok'
        """
        day = self._as_date(day)
        return self._ensure(day.year, day.year).names.get(day)

    def is_business_day(self, day: date) -> bool:
        """``True`` when *day* is neither a weekend day nor a closure.

        >>> cal = BusinessCalendar("SE")
        >>> cal.is_business_day(date(2026, 6, 19)), cal.is_business_day(date(2026, 6, 22))
        (False, True)
        """
        day = self._as_date(day)
        return self._is_open(self._ensure(day.year, day.year), day)

    def _is_open(self, tables: _Tables, day: date) -> bool:
        if day.weekday() in self.weekend:
            return day in tables.opened_set
        return day not in tables.closed_set

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
        return self._add(self._start_day(start), n)

    def _add(self, day: date, n: int) -> date:
        # Every email of the same day asks the same question: answer it once.
        memo = self._added
        found = memo.get((day, n))
        if found is None:
            found = self._count_forward(day, n)
            if len(memo) >= 4096:
                memo.clear()
            memo[(day, n)] = found
        return found

    def _count_forward(self, day: date, n: int) -> date:
        business = self.is_business_day(day)  # refuses a start outside the holiday data first
        if n == 0:
            if business:
                return day
            n = 1
        try:
            return self._forward(day, n)
        except OverflowError:  # defensive: date.max lies far beyond any holiday data
            raise ValueError(f"{n} business days after {day} is beyond the last representable date") from None

    def window(self, start: date | datetime, low: int, high: int) -> Window:
        """The first and last date of "*low*-*high* business days" from *start*.

        >>> BusinessCalendar("NO").window(date(2026, 12, 30), 1, 2)
        Window(first=datetime.date(2027, 1, 4), last=datetime.date(2027, 1, 5))
        """
        low, high = _check_n(low), _check_n(high)
        if low > high:
            raise ValueError(f"window low ({low}) is greater than high ({high})")
        day = self._start_day(start)
        first = self._add(day, low)
        last = first if high == low else self._add(day, high)
        return Window(first, last)

    def business_days_between(self, first: date, last: date) -> int:
        """How many business days lie in ``(first, last]`` (0 when ``last <= first``)."""
        first, last = self._as_date(first), self._as_date(last)
        if last <= first:
            return 0
        tables = self._ensure((first + timedelta(days=1)).year, last.year)
        return self._count(tables, first, last)

    # -- arithmetic ----------------------------------------------------------------

    @staticmethod
    def _as_date(day: date | datetime) -> date:
        if isinstance(day, datetime):
            raise TypeError("pass a date here; datetimes go through add() or window()")
        if not isinstance(day, date):
            raise TypeError(f"expected a datetime.date, got {type(day).__name__}")
        return day

    def start_day(self, start: date | datetime) -> date:
        """The day counting starts from: *start*'s date in the calendar's zone,
        the next day after the cut-off."""
        return self._start_day(start)

    def _start_day(self, start: date | datetime) -> date:
        if isinstance(start, datetime):
            if start.tzinfo is None or start.utcoffset() is None:
                raise ValueError("start must be an aware datetime (or a date): add tzinfo=")
            try:
                local = start.astimezone(self.tz)
                day = local.date()
                if self.cutoff is not None and local.time().replace(tzinfo=None) >= self.cutoff:
                    day += timedelta(days=1)
            except OverflowError:  # within a day of datetime.min/max (fuzzing D3)
                raise HolidayDataUnavailable(
                    f"{self.country}: {start.isoformat()} is beyond the holiday data "
                    f"({self.first_year}-{self.last_year}); business days cannot be counted",
                    country=self.country, year=start.year,
                ) from None
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

    def _count(self, tables: _Tables, first: date, last: date) -> int:
        """Business days in ``(first, last]``; *tables* must cover those years."""
        return (
            self._workdays_between(first, last)
            - _between(tables.closed, first, last)
            + _between(tables.opened, first, last)
        )

    def _weekday_offset(self, day: date, n: int) -> date:
        """The *n*-th working weekday after *day* (holidays ignored), ``n >= 1``."""
        weeks, rest = divmod(n, len(self.workdays))
        if rest == 0:
            weeks, rest = weeks - 1, len(self.workdays)
        return day + timedelta(days=7 * weeks + self._steps[day.weekday()][rest])

    def _forward(self, day: date, n: int) -> date:
        """The *n*-th business day strictly after *day*, ``n >= 1``."""
        current = day
        remaining = n
        while True:
            candidate = self._weekday_offset(current, remaining)
            # (current, candidate] is what gets counted: load every year it touches.
            tables = self._ensure((current + timedelta(days=1)).year, candidate.year)
            closed = _between(tables.closed, current, candidate)
            opened = _between(tables.opened, current, candidate)
            if not opened:
                if not closed:
                    return candidate
                current, remaining = candidate, closed
                continue
            found = remaining - closed + opened
            if found < remaining:
                current, remaining = candidate, remaining - found
                continue
            # Opened weekend days: the answer lies in (current, candidate]. It is
            # the first day on which the running count reaches `remaining`.
            low, high = current, candidate
            while (high - low).days > 1:
                mid = low + timedelta(days=(high - low).days // 2)
                if self._count(tables, current, mid) >= remaining:
                    high = mid
                else:
                    low = mid
            return high


def _check_n(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a number of business days must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"a number of business days cannot be negative, got {n}")
    if n > MAX_BUSINESS_DAYS:
        raise ValueError(f"{n} business days is more than the {MAX_BUSINESS_DAYS} supported")
    return n


def get_calendar(country: str, subdivision: str | None = None) -> BusinessCalendar:
    """A shared calendar for *country* (no shop closures, no cut-off), built once.

    >>> get_calendar("SE") is get_calendar("se")
    True
    """
    if isinstance(country, str):
        country = country.upper()
    return _shared_calendar(country, subdivision)


@lru_cache(maxsize=256)
def _shared_calendar(country: str, subdivision: str | None) -> BusinessCalendar:
    return BusinessCalendar(country, subdivision=subdivision)
