"""The closure table: which days each market's banks do not process payments.

The holidays package knows public holidays; banks keep their own calendar on
top of it (German banks do not book on 24 and 31 December, the Federal
Reserve is open on the Friday before a Saturday holiday, SAMA publishes its
own Eid closures years ahead). Each market's rules live in one documented
TOML file, ``i18nmail/bank_calendars/<CC>.toml``, with a source for every
rule, so that a changed rule or a newly published year is a one-file edit.
``TARGET.toml`` holds the closing days of the euro area's TARGET system and
its member countries; they apply to every member, with or without a file.

Keys of a market file (all optional except ``country``, ``name`` and ``sources``)::

    country = "DE"                 # ISO 3166 alpha-2, the file's name
    name = "Germany"
    sources = ["https://..."]      # where the calendar as a whole was checked
    categories = ["public"]        # holidays package categories that close banks
    subdivision = "ENG"            # the package subdivision used by default
    open_observed = ["Fri"]        # substitute days on these weekdays stay open
    replace_years = [2026, 2027]   # years whose package holidays are ignored:
                                   # only the [[closure]] entries count
    estimated_after = 2026         # later years are estimates, not published fact
    verified = [2026, 2027]        # years checked day by day (the truth table)

    [[closure]]                    # a day banks are closed
    name = "Christmas Eve"
    every = "12-24"                # every year; or easter = -2 (days after
                                   # Easter Sunday); or dates = ["2026-03-17..2026-03-23"]
    since = 2025                   # optional first and last year
    until = 2030
    source = "https://..."         # required

    [[open]]                       # a weekend day that is a working day (China's 调休)
    name = "Working day"
    dates = ["2026-01-04"]
    source = "https://..."

>>> market("DE").closures_in(2026)[date(2026, 12, 24)]
'Christmas Eve (bank holiday)'
>>> sorted(target_closures("FR", 2026))[:2]
[datetime.date(2026, 1, 1), datetime.date(2026, 4, 3)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .tomlcache import decode_error, load_toml

__all__ = [
    "DATA_DIR",
    "MARKETS",
    "Closure",
    "Market",
    "easter_sunday",
    "load_market",
    "load_markets",
    "market",
    "parse_market",
    "target_closures",
]

#: The folder of shipped market files.
DATA_DIR = Path(__file__).resolve().parent / "bank_calendars"

_WEEKDAYS = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}
_MARKET_KEYS = {
    "country", "name", "sources", "categories", "subdivision", "open_observed",
    "replace_years", "estimated_after", "verified", "closure", "open", "members", "notes",
}
_RULE_KEYS = {"name", "every", "easter", "dates", "since", "until", "source"}


def easter_sunday(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).

    >>> easter_sunday(2026), easter_sunday(2027)
    (datetime.date(2026, 4, 5), datetime.date(2027, 3, 28))
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l) // 433
    month = (h + l - 7 * m + 90) // 25
    return date(year, month, (h + l - 7 * m + 33 * month + 19) % 32)


@dataclass(frozen=True)
class Closure:
    """One rule of a market file: a fixed day, a day relative to Easter, or dates."""

    name: str
    source: str
    every: tuple[int, int] | None = None
    easter: int | None = None
    dates: tuple[date, ...] = ()
    since: int | None = None
    until: int | None = None

    def days(self, year: int) -> list[date]:
        """The days this rule gives in *year*."""
        if (self.since is not None and year < self.since) or (
            self.until is not None and year > self.until
        ):
            return []
        found: list[date] = [d for d in self.dates if d.year == year]
        if self.every is not None:
            found.append(date(year, *self.every))
        if self.easter is not None:
            found.append(easter_sunday(year) + timedelta(days=self.easter))
        return [d for d in found if d.year == year]


@dataclass(frozen=True)
class Market:
    """One market file, parsed: see the module docstring for the keys."""

    country: str
    name: str
    sources: tuple[str, ...]
    path: str = ""
    categories: tuple[str, ...] | None = None
    subdivision: str | None = None
    open_observed: frozenset[int] = frozenset()
    replace_years: frozenset[int] = frozenset()
    estimated_after: int | None = None
    verified: tuple[int, ...] = ()
    closures: tuple[Closure, ...] = ()
    open_days: tuple[Closure, ...] = ()
    members: Mapping[str, int] = field(default_factory=dict)
    notes: str = ""

    def closures_in(self, year: int) -> dict[date, str]:
        """The market's own closures in *year* (not the holidays package's), by date."""
        found: dict[date, str] = {}
        for rule in self.closures:
            for day in rule.days(year):
                found.setdefault(day, rule.name)
        return found

    def open_in(self, year: int) -> dict[date, str]:
        """Weekend days of *year* that are working days by this file."""
        found: dict[date, str] = {}
        for rule in self.open_days:
            for day in rule.days(year):
                found.setdefault(day, rule.name)
        return found

    def is_estimated(self, year: int) -> bool:
        """Whether *year*'s closures are an estimate rather than a published calendar."""
        return self.estimated_after is not None and year > self.estimated_after


def _fail(path: str, message: str) -> ValueError:
    return ValueError(f"{path}: {message}")


def _str(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise _fail(path, f"{key!r} is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{key!r} must be a non-empty string")
    return value.strip()


def _year(value: object, path: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise _fail(path, f"{key!r} must be a year, got {value!r}")
    return value


def _years(value: object, path: str, key: str) -> list[int]:
    if not isinstance(value, list):
        raise _fail(path, f"{key!r} must be a list of years")
    return [_year(v, path, key) for v in value]


def _dates(value: object, path: str, where: str) -> tuple[date, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(path, f"{where}: 'dates' must be a non-empty list")
    found: list[date] = []
    for item in value:
        if isinstance(item, date):
            found.append(item)
            continue
        if not isinstance(item, str):
            raise _fail(path, f"{where}: not a date or range: {item!r}")
        first_text, sep, last_text = item.partition("..")
        try:
            first = date.fromisoformat(first_text.strip())
            last = date.fromisoformat(last_text.strip()) if sep else first
        except ValueError:
            raise _fail(path, f"{where}: not an ISO date or 'FIRST..LAST' range: {item!r}") from None
        if last < first or (last - first).days > 31:
            raise _fail(path, f"{where}: a range runs forward and spans at most a month: {item!r}")
        found.extend(first + timedelta(days=i) for i in range((last - first).days + 1))
    return tuple(sorted(set(found)))


def _rule(data: object, path: str, index: int, table: str) -> Closure:
    where = f"[[{table}]] #{index + 1}"
    if not isinstance(data, Mapping):
        raise _fail(path, f"{where} must be a table")
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise _fail(path, f"{where}: unknown key {unknown[0]!r}")
    name = _str(data, "name", path, required=True)
    source = _str(data, "source", path, required=True)
    assert name is not None and source is not None
    kinds = [k for k in ("every", "easter", "dates") if k in data]
    if len(kinds) != 1:
        raise _fail(path, f"{where} ({name}): give exactly one of 'every', 'easter', 'dates'")
    every: tuple[int, int] | None = None
    easter: int | None = None
    dates: tuple[date, ...] = ()
    if "every" in data:
        text = data["every"]
        try:
            month, day = (int(part) for part in str(text).split("-"))
            date(2000, month, day)  # a leap year: 02-29 is allowed and skipped elsewhere
        except ValueError:
            raise _fail(path, f"{where} ({name}): 'every' must be 'MM-DD', got {text!r}") from None
        if (month, day) == (2, 29):
            raise _fail(path, f"{where} ({name}): 29 February is not a yearly date")
        every = (month, day)
    elif "easter" in data:
        value = data["easter"]
        if isinstance(value, bool) or not isinstance(value, int) or not -60 <= value <= 70:
            raise _fail(path, f"{where} ({name}): 'easter' is days after Easter Sunday, -60..70")
        easter = value
    else:
        dates = _dates(data["dates"], path, f"{where} ({name})")
    since = _year(data["since"], path, "since") if "since" in data else None
    until = _year(data["until"], path, "until") if "until" in data else None
    return Closure(name, source, every, easter, dates, since, until)


def parse_market(text: str, path: str = "<string>") -> Market:
    """Parse one market file's TOML *text*; ``ValueError`` naming *path* and the key."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, f"not valid TOML: {exc}") from None
    return _market(data, path)


def _market(data: dict[str, Any], path: str) -> Market:
    """The market described by a parsed market file."""
    unknown = sorted(set(data) - _MARKET_KEYS)
    if unknown:
        raise _fail(path, f"unknown key {unknown[0]!r}")
    country = _str(data, "country", path, required=True)
    name = _str(data, "name", path, required=True)
    assert country is not None and name is not None
    if country != "TARGET" and not (len(country) == 2 and country.isascii() and country.isupper()):
        raise _fail(path, f"'country' must be an upper-case ISO 3166 code, got {country!r}")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s for s in sources):
        raise _fail(path, "'sources' must be a non-empty list of strings")
    categories = data.get("categories")
    if categories is not None and (
        not isinstance(categories, list) or not categories
        or not all(isinstance(c, str) for c in categories)
    ):
        raise _fail(path, "'categories' must be a non-empty list of holidays package categories")
    weekdays = data.get("open_observed", [])
    if not isinstance(weekdays, list) or not all(w in _WEEKDAYS for w in weekdays):
        raise _fail(path, f"'open_observed' must list weekdays among {', '.join(_WEEKDAYS)}")
    members = data.get("members", {})
    if not isinstance(members, Mapping) or not all(
        isinstance(k, str) and len(k) == 2 for k in members
    ):
        raise _fail(path, "'members' maps ISO 3166 codes to the year they joined")
    closures = data.get("closure", [])
    opens = data.get("open", [])
    if not isinstance(closures, list) or not isinstance(opens, list):
        raise _fail(path, "'closure' and 'open' are arrays of tables: [[closure]], [[open]]")
    estimated = data.get("estimated_after")
    return Market(
        country=country,
        name=name,
        sources=tuple(sources),
        path=path,
        categories=tuple(categories) if categories is not None else None,
        subdivision=_str(data, "subdivision", path),
        open_observed=frozenset(_WEEKDAYS[w] for w in weekdays),
        replace_years=frozenset(_years(data.get("replace_years", []), path, "replace_years")),
        estimated_after=_year(estimated, path, "estimated_after") if estimated is not None else None,
        verified=tuple(_years(data.get("verified", []), path, "verified")),
        closures=tuple(_rule(r, path, i, "closure") for i, r in enumerate(closures)),
        open_days=tuple(_rule(r, path, i, "open") for i, r in enumerate(opens)),
        members={k: _year(v, path, f"members.{k}") for k, v in members.items()},
        notes=_str(data, "notes", path) or "",
    )


def load_market(path: str | Path) -> Market:
    """Read and parse one market file; the file's stem must be its ``country``."""
    path = Path(path)
    try:
        data = load_toml(path)  # parsed once, then read from the cache while unchanged
    except decode_error() as exc:
        raise _fail(str(path), f"not valid TOML: {exc}") from None
    found = _market(data, str(path))
    if found.country != path.stem:
        raise _fail(str(path), f"'country' is {found.country!r} but the file is named {path.name}")
    return found


def load_markets(folder: str | Path = DATA_DIR) -> dict[str, Market]:
    """Every ``*.toml`` market file of *folder*, by country code (``TARGET`` included)."""
    return {m.country: m for m in (load_market(p) for p in sorted(Path(folder).glob("*.toml")))}


#: The shipped market files read so far one by one (before MARKETS is used).
_READ: dict[str, Market | None] = {}

if TYPE_CHECKING:
    #: The shipped markets by country code. A shop may add or replace one by
    #: merging (``MARKETS["IT"] = load_market("IT.toml")``) before building calendars.
    MARKETS: dict[str, Market]


def __getattr__(name: str) -> Any:
    # MARKETS is read on first use: a calendar needs one country's file (and
    # TARGET's), not all of them, so a first email does not parse every file.
    if name == "MARKETS":
        markets = load_markets()
        globals()["MARKETS"] = markets
        return markets
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def market(country: str) -> Market | None:
    """The market file of *country* (``"DE"``), or ``None`` when there is none."""
    code = country.upper()
    markets: dict[str, Market] | None = globals().get("MARKETS")
    if markets is not None:  # loaded, perhaps changed by the shop: it decides
        return markets.get(code)
    if code not in _READ:
        path = DATA_DIR / f"{code}.toml"
        _READ[code] = load_market(path) if code.isascii() and code.isalnum() and path.is_file() else None
    return _READ[code]


def target_closures(country: str, year: int, markets: Mapping[str, Market] | None = None) -> dict[date, str]:
    """TARGET closing days of *year* when *country* is in the euro area, else ``{}``."""
    target = markets.get("TARGET") if markets is not None else market("TARGET")
    if target is None:
        return {}
    joined = target.members.get(country.upper())
    if joined is None or year < joined:
        return {}
    return target.closures_in(year)
