"""What :mod:`i18nmail.businessdays` asks the holidays package, kept on disk.

Importing the `holidays <https://python-holidays.readthedocs.io/>`_ package
loads every country's module (well over 100 ms), although one email needs one
country's table for a year or two. So the package's answers are computed once
and stored in the per-user cache folder (:mod:`i18nmail.cachedir`):

* the list of country codes it supports;
* a country's (and subdivision's) *profile*: its supported categories, the
  years it covers, its weekend and whether the weekend depends on the date,
  and whether it can label estimated Islamic holidays;
* one year of a country's holidays for given categories: names by date, the
  make-up working days on a weekend, and (asked for only where they matter)
  the weekend days of a country whose weekend changed, the substitute days
  that are absent without ``observed``, and the days whose label changes when
  the package is asked to show estimates.

Only the package's own answers are stored; everything i18nmail adds (the
market files, TARGET days, a shop's closures, :data:`COUNTRY_DATA_YEARS`) is
applied on top each time, so editing a market file never needs a cache flush.
Every entry is keyed by the installed holidays release (its folder, its
``version.py`` and the stamps of that file and of ``__init__.py``), the
question asked, and the ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and
``LANG`` variables (the package names holidays in the language they select),
so a new release or another language is a miss, never a stale answer. A
missing, unreadable or damaged entry is a miss too: the package is imported
and asked, exactly as without a cache. ``I18NMAIL_BYTECODE_CACHE=0`` turns
the cache off.

>>> "SE" in country_codes()
True
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, timedelta
from functools import cache
from types import ModuleType
from typing import Any, NamedTuple

from .cachedir import read_entry, write_entry

__all__ = [
    "COUNTRY_DATA_YEARS",
    "PackageYear",
    "Profile",
    "country_codes",
    "package",
    "package_year",
    "profile",
]

#: Years for which a country's holiday data is complete, where that is narrower
#: than the range the holidays package accepts. India's lunar holidays (Holi,
#: Diwali, Dussehra ...) are tabulated for 2001-2035 only; outside that the
#: package warns and leaves them out, so they would count as business days
#: (fuzzing D11). A test scans every supported country for such warnings.
COUNTRY_DATA_YEARS: dict[str, tuple[int, int]] = {
    "IN": (2001, 2035),
}

#: Bumped whenever the shape of a stored entry changes.
_FORMAT = 1
#: The variables from which gettext (and so the holidays package) picks the
#: language of holiday names when none is given.
_LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def package() -> ModuleType:
    """The holidays package, imported on first use (it is slow to import)."""
    import holidays

    return holidays


@cache
def _installed() -> dict[str, Any] | None:
    """Which holidays release answers, without importing it: the package's
    folder, a digest of its ``version.py`` (which holds the release string),
    and the size and modification time of that file and of ``__init__.py``
    (the check Python applies to its own ``.pyc`` files, so that even a
    reinstall of the same release is a miss). ``None`` (nothing is cached)
    when the package is not a plain folder.

    (:mod:`importlib.metadata` would give the release too, but its import and
    lookup cost about 8 ms per process: a twentieth of the first email.)
    """
    from importlib.util import find_spec

    try:
        spec = find_spec("holidays")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = os.path.realpath(next(iter(spec.submodule_search_locations)))
        with open(os.path.join(folder, "version.py"), "rb") as fh:
            release = hashlib.sha256(fh.read()).hexdigest()[:32]
        stamps = []
        for name in ("__init__.py", "version.py"):
            st = os.stat(os.path.join(folder, name))
            stamps.append([name, st.st_mtime_ns, st.st_size])
    except (ImportError, ValueError, OSError, StopIteration):
        return None
    return {"folder": folder, "release": release, "files": stamps}


def _key(question: str, **details: Any) -> dict[str, Any] | None:
    installed = _installed()
    if installed is None:
        return None
    language = [os.environ.get(name, "") for name in _LANGUAGE_VARIABLES]
    return {"format": _FORMAT, "holidays": installed, "language": language, "question": question, **details}


def _stored(kind: str, key: dict[str, Any] | None) -> Any:
    return None if key is None else read_entry(kind, key)


def _store(kind: str, key: dict[str, Any] | None, data: Any) -> None:
    if key is not None:
        write_entry(kind, key, data)


# -- supported countries -------------------------------------------------------------


def country_codes() -> tuple[str, ...]:
    """ISO 3166 codes of every country the holidays package has a calendar for, sorted."""
    key = _key("countries")
    stored = _stored("countries", key)
    if isinstance(stored, list) and stored and all(isinstance(code, str) for code in stored):
        return tuple(stored)
    holidays = package()
    # The registry lists the codes without importing every country's module
    # (list_supported_countries imports all 200 of them to read subdivisions).
    loader = getattr(getattr(holidays, "registry", None), "EntityLoader", None)
    codes = loader.get_country_codes() if loader is not None else holidays.list_supported_countries()
    found = tuple(sorted(str(code) for code in codes))
    _store("countries", key, list(found))
    return found


# -- a country's profile -------------------------------------------------------------


class Profile(NamedTuple):
    """What the package says about a country (and subdivision) as a whole.

    ``first_year``/``last_year`` are already narrowed by
    :data:`COUNTRY_DATA_YEARS`; ``weekend`` is the rule in force this week
    (for ``dated_weekend`` countries, whose weekend the package gives date by
    date) or the country's only rule.
    """

    alpha2: str
    supported_categories: tuple[str, ...]
    first_year: int
    last_year: int
    dated_weekend: bool
    weekend: frozenset[int]
    islamic: bool


def _covered(alpha2: str, start: int, end: int) -> tuple[int, int]:
    if alpha2 in COUNTRY_DATA_YEARS:
        low, high = COUNTRY_DATA_YEARS[alpha2]
        return max(start, low), min(end, high)
    return start, end


def _reference_monday(first: int, last: int) -> date:
    """The Monday of the week whose weekend rule a dated-weekend calendar uses:
    this week, or a July week of the nearest covered year."""
    today = date.today()
    year = min(max(today.year, first), last)
    ref = today.replace(year=year, month=7, day=1) if year != today.year else today
    return ref - timedelta(days=ref.weekday())


def profile(country: str, subdivision: str | None) -> Profile:
    """The profile of *country* (upper-case ISO code) and *subdivision*.

    Raises what the package raises for an unknown country
    (``NotImplementedError``) or subdivision (``ValueError``/``KeyError``).
    """
    key = _key("profile", country=country, subdivision=subdivision)
    found = _decode_profile(_stored("profile", key))
    if found is not None:
        return found
    holidays = package()
    probe = holidays.country_holidays(country, subdiv=subdivision, years=())
    alpha2 = str(getattr(probe, "country", country))  # "IND" is India too
    start, end = int(getattr(probe, "start_year", 1900)), int(getattr(probe, "end_year", 2100))
    first, last = _covered(alpha2, start, end)
    base = getattr(holidays.HolidayBase, "_get_weekend", None)
    own = getattr(type(probe), "_get_weekend", None)
    dated = base is None or own is None or own is not base
    week: date | None = None
    if dated:
        # The rule in force this week (Malaysian states differ, for example);
        # other dates are corrected day by day from the package.
        week = _reference_monday(first, last)
        days = [week + timedelta(days=i) for i in range(7)]
        weekend = frozenset(d.weekday() for d in days if probe.is_weekend(d))
    else:
        weekend = frozenset(int(d) for d in probe.weekend)
    try:  # countries with Islamic holidays can label the estimated ones
        holidays.country_holidays(country, subdiv=subdivision, years=(), islamic_show_estimated=True)
        islamic = True
    except (ValueError, TypeError):
        islamic = False
    supported = tuple(str(c) for c in probe.supported_categories)
    _store("profile", key, {
        "alpha2": alpha2, "categories": list(supported), "start": start, "end": end,
        "dated": dated, "week": week.isoformat() if week else None, "weekend": sorted(weekend),
        "islamic": islamic,
    })
    return Profile(alpha2, supported, first, last, dated, weekend, islamic)


def _decode_profile(data: Any) -> Profile | None:
    """A stored profile, or ``None`` when it is malformed or its week is over."""
    if not isinstance(data, dict):
        return None
    try:
        alpha2, categories, start, end = data["alpha2"], data["categories"], data["start"], data["end"]
        dated, week, weekend, islamic = data["dated"], data["week"], data["weekend"], data["islamic"]
        if not (isinstance(alpha2, str) and _ints(start, end) and isinstance(dated, bool)
                and isinstance(islamic, bool) and _strs(categories)
                and isinstance(weekend, list) and all(_ints(d) and 0 <= d <= 6 for d in weekend)):
            return None
        first, last = _covered(alpha2, start, end)
        if dated and (not isinstance(week, str) or date.fromisoformat(week) != _reference_monday(first, last)):
            return None  # the week whose rule was stored is over: ask the package again
        return Profile(alpha2, tuple(categories), first, last, dated, frozenset(weekend), islamic)
    except (KeyError, ValueError, OverflowError):
        return None


# -- one year of holidays ------------------------------------------------------------


class PackageYear(NamedTuple):
    """One year of a country's holidays as the package gives them.

    ``weekend_days`` (the days the package counts as weekend) is given for a
    dated-weekend country only; ``unobserved`` (substitute days that are absent
    without ``observed``) and ``estimates`` (days whose label changes when the
    package shows Islamic estimates) only when asked for, else empty.
    """

    names: dict[date, str]
    workdays: frozenset[date]
    weekend_days: frozenset[date] | None
    unobserved: frozenset[date]
    estimates: frozenset[date]


def package_year(country: str, subdivision: str | None, categories: tuple[str, ...], year: int, *,
                 dated_weekend: bool, unobserved: bool, estimates: bool) -> PackageYear:
    """The package's holidays of *country* in *year* for *categories*."""
    key = _key("year", country=country, subdivision=subdivision, categories=list(categories), year=year,
               dated=dated_weekend, unobserved=unobserved, estimates=estimates)
    found = _decode_year(_stored("year", key), year, dated_weekend)
    if found is not None:
        return found
    holidays = package()

    def table(**options: bool) -> Any:
        return holidays.country_holidays(country, subdiv=subdivision, years=year, categories=categories,
                                         **options)

    main = table()
    names = {day: str(name) for day, name in main.items() if day.year == year}
    workdays = frozenset(d for d in (getattr(main, "weekend_workdays", ()) or ()) if d.year == year)
    weekend_days: frozenset[date] | None = None
    if dated_weekend:
        days = [date(year, 1, 1) + timedelta(days=i) for i in range(366)]
        weekend_days = frozenset(d for d in days if d.year == year and main.is_weekend(d))
    absent: frozenset[date] = frozenset()
    if unobserved:
        plain = table(observed=False)
        absent = frozenset(d for d in names if d not in plain)
    changed: frozenset[date] = frozenset()
    if estimates:
        flagged, unflagged = table(islamic_show_estimated=True), table(islamic_show_estimated=False)
        changed = frozenset(day for day, name in unflagged.items()
                            if day.year == year and flagged.get(day) != name)
    _store("year", key, {
        "names": {day.isoformat(): name for day, name in sorted(names.items())},
        "workdays": _isos(workdays),
        "weekend_days": None if weekend_days is None else _isos(weekend_days),
        "unobserved": _isos(absent),
        "estimates": _isos(changed),
    })
    return PackageYear(names, workdays, weekend_days, absent, changed)


def _decode_year(data: Any, year: int, dated_weekend: bool) -> PackageYear | None:
    """A stored year, or ``None`` when it is malformed."""
    if not isinstance(data, dict):
        return None
    try:
        raw_names = data["names"]
        if not isinstance(raw_names, dict) or not all(isinstance(v, str) for v in raw_names.values()):
            return None
        names = {_day(k, year): v for k, v in raw_names.items()}
        workdays, unobserved, estimates = (_days(data[k], year) for k in ("workdays", "unobserved", "estimates"))
        raw_weekend = data["weekend_days"]
        weekend_days = _days(raw_weekend, year) if dated_weekend else None
        if not dated_weekend and raw_weekend is not None:
            return None
        return PackageYear(names, workdays, weekend_days, unobserved, estimates)
    except (KeyError, ValueError, TypeError):
        return None


def _day(text: object, year: int) -> date:
    if not isinstance(text, str):
        raise TypeError("a stored day is not a string")
    day = date.fromisoformat(text)
    if day.year != year:
        raise ValueError("a stored day lies outside its year")
    return day


def _days(items: object, year: int) -> frozenset[date]:
    if not isinstance(items, list):
        raise TypeError("stored days are not a list")
    return frozenset(_day(item, year) for item in items)


def _isos(days: frozenset[date]) -> list[str]:
    return [d.isoformat() for d in sorted(days)]


def _ints(*values: object) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _strs(values: object) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) for v in values)
