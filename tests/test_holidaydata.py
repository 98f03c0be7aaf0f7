"""The on-disk holiday cache: the same calendars as the holidays package gives,
never a stale or broken answer, and a warm render that does not import the
package (issue 14, item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import holidays
import pytest
from shipped import MARKETS as SHIPPED_TAGS

from i18nmail import cachedir, holidaydata
from i18nmail.businessdays import BusinessCalendar, supported_countries
from i18nmail.closures import DATA_DIR

#: Every country with a market file, and every country a shipped locale renders for.
COUNTRIES = sorted({p.stem for p in DATA_DIR.glob("*.toml") if p.stem != "TARGET"}
                   | {tag.rsplit("-", 1)[-1] for tag in SHIPPED_TAGS.values()})
#: The years a render reaches today (refund windows start now and end weeks later), and either side.
YEARS = (2025, 2028)


@pytest.fixture()
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private temporary directory for the cache folder, with the cache on."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv(cachedir.OPT_OUT, raising=False)
    return tmp_path


def folder(root: Path) -> Path:
    """The cache folder inside *root*."""
    return root / f"i18nmail-cache-{os.getuid()}"


def count_asks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time the holidays package is asked for."""
    asked: list[int] = []
    real = holidaydata.package

    def counted() -> ModuleType:
        asked.append(1)
        return real()

    monkeypatch.setattr(holidaydata, "package", counted)
    return asked


def snapshot(cal: BusinessCalendar) -> tuple[object, ...]:
    """Everything a calendar knows for YEARS, for comparing two calendars."""
    tables = cal._ensure(*YEARS)
    last = date(YEARS[1], 12, 31)
    return (cal.categories, cal.years_covered(), cal.weekend, cal._dated_weekend, cal._islamic,
            tables.names, tables.closed, tables.opened, tables.estimated,
            cal.estimated_years(date(YEARS[0], 1, 1), last))


def uncached(country: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    """The snapshot of *country* straight from the holidays package."""
    with monkeypatch.context() as m:
        m.setenv(cachedir.OPT_OUT, "0")
        return snapshot(BusinessCalendar(country))


@pytest.mark.parametrize("country", COUNTRIES)
def test_a_warm_cache_gives_the_same_calendar_as_the_package(
        country: str, cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """For every shipped market, a calendar read from the cache has the package's names, closures and estimates."""
    expected = uncached(country, monkeypatch)
    assert snapshot(BusinessCalendar(country)) == expected  # fills the cache
    monkeypatch.setattr(holidaydata, "package", lambda: pytest.fail("asked the package"))
    assert snapshot(BusinessCalendar(country)) == expected


@pytest.mark.parametrize("country", COUNTRIES)
def test_cached_years_hold_the_packages_own_dates_and_names(
        country: str, cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A year read back from the cache lists exactly the dates and names holidays.country_holidays gives."""
    cal = BusinessCalendar(country)
    ask = {"dated_weekend": cal._dated_weekend, "unobserved": True, "estimates": cal._islamic}
    years = range(YEARS[0], YEARS[1] + 1)
    for year in years:
        holidaydata.package_year(cal.country, cal.subdivision, cal.categories, year, **ask)
    monkeypatch.setattr(holidaydata, "package", lambda: pytest.fail("asked the package"))
    for year in years:
        stored = holidaydata.package_year(cal.country, cal.subdivision, cal.categories, year, **ask)
        table = holidays.country_holidays(country, subdiv=cal.subdivision, years=year, categories=cal.categories)
        assert stored.names == {d: n for d, n in table.items() if d.year == year}
        assert stored.workdays == {d for d in table.weekend_workdays if d.year == year}


def test_dated_weekends_and_make_up_days_come_back_from_the_cache(
        cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saudi Arabia's old Thursday-Friday weekend (2013) and China's make-up Saturdays survive the cache."""
    sa = BusinessCalendar("SA")
    before = [sa.is_business_day(date(2013, 6, 20) + timedelta(days=i)) for i in range(14)]
    china = BusinessCalendar("CN").is_business_day(date(2026, 1, 4))  # a working Sunday
    monkeypatch.setattr(holidaydata, "package", lambda: pytest.fail("asked the package"))
    assert [BusinessCalendar("SA").is_business_day(date(2013, 6, 20) + timedelta(days=i))
            for i in range(14)] == before
    assert BusinessCalendar("CN").is_business_day(date(2026, 1, 4)) is china is True


def test_supported_countries_come_from_the_cache(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list of supported countries is stored once and read back without the package."""
    first = supported_countries()
    assert {"SE", "SA", "CN", "US"} <= set(first)
    monkeypatch.setattr(holidaydata, "package", lambda: pytest.fail("asked the package"))
    assert supported_countries() == first


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong shape", "other key", "a folder"])
def test_a_damaged_entry_is_ignored_and_rebuilt(
        damage: str, cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corrupt, truncated, empty, misshapen, misplaced or unreadable entry is a miss: same calendar, no error."""
    expected = uncached("DE", monkeypatch)
    snapshot(BusinessCalendar("DE"))
    entries = sorted(folder(cache_root).glob("*.json"))
    assert {p.name.split("-")[0] for p in entries} >= {"profile", "year"}
    for path in entries:
        text = path.read_text("utf-8")
        path.unlink()
        if damage == "garbage":
            path.write_bytes(b"\xff\x00not json")
        elif damage == "truncated":
            path.write_text(text[: len(text) // 2], "utf-8")
        elif damage == "empty":
            path.write_bytes(b"")
        elif damage == "wrong shape":
            stored = json.loads(text)
            stored["data"] = {"names": [1, 2], "alpha2": 7} if isinstance(stored["data"], dict) else 42
            path.write_text(json.dumps(stored), "utf-8")
        elif damage == "other key":
            stored = json.loads(text)
            stored["key"]["question"] = "something else"
            path.write_text(json.dumps(stored), "utf-8")
        else:
            path.mkdir()
    assert snapshot(BusinessCalendar("DE")) == expected
    if damage != "a folder":  # rebuilt in place: a later process reads it again
        monkeypatch.setattr(holidaydata, "package", lambda: pytest.fail("asked the package"))
        assert snapshot(BusinessCalendar("DE")) == expected


def test_dates_outside_their_year_are_refused() -> None:
    """A stored year whose dates lie in another year (a hand-edited entry) is refused, not believed."""
    good: dict[str, Any] = {"names": {"2026-12-25": "Christmas"}, "workdays": [], "weekend_days": None,
            "unobserved": [], "estimates": []}
    assert holidaydata._decode_year(good, 2026, False) is not None
    assert holidaydata._decode_year(good, 2027, False) is None
    assert holidaydata._decode_year({**good, "weekend_days": ["2026-01-03"]}, 2026, False) is None


def test_an_unusable_cache_folder_means_no_cache(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the cache folder's name is taken by a file, calendars are computed as without a cache."""
    folder(cache_root).write_text("not a folder", "utf-8")
    assert cachedir.private_folder() is None
    assert snapshot(BusinessCalendar("FI")) == uncached("FI", monkeypatch)
    assert folder(cache_root).read_text("utf-8") == "not a folder"


def test_a_folder_open_to_others_is_closed_before_use(cache_root: Path) -> None:
    """A cache folder of ours with a loose mode is set back to 0700 before anything is stored in it."""
    folder(cache_root).mkdir(mode=0o777)
    os.chmod(folder(cache_root), 0o777)
    assert cachedir.private_folder() == folder(cache_root)
    assert folder(cache_root).stat().st_mode & 0o777 == 0o700


def test_a_failed_write_leaves_no_entry_and_no_temporary_file(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails halfway (a full disk) is dropped: no entry, no stray temporary file, no error."""
    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    cachedir.write_entry("year", {"k": 1}, {"v": 2})
    assert list(folder(cache_root).iterdir()) == []
    assert cachedir.read_entry("year", {"k": 1}) is None


@pytest.mark.parametrize("value", ["0", "off", "no", "false", " OFF "])
def test_the_opt_out_turns_the_holiday_cache_off(value: str, cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """I18NMAIL_BYTECODE_CACHE=0 (or off/no/false) writes no holiday entries and reads none."""
    snapshot(BusinessCalendar("NO"))  # warm
    stored = sorted(folder(cache_root).iterdir())
    monkeypatch.setenv(cachedir.OPT_OUT, value)
    assert not cachedir.caches_enabled()
    asked = count_asks(monkeypatch)
    snapshot(BusinessCalendar("PL"))
    snapshot(BusinessCalendar("NO"))
    assert asked  # the warm NO entries were not used
    assert sorted(folder(cache_root).iterdir()) == stored  # and nothing was written for PL


def test_holiday_names_follow_the_language_variables_as_the_package_does(
        cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The package names holidays in the language of LANGUAGE/LC_ALL/LANG; a cached name never crosses languages."""
    christmas_eve = date(2026, 12, 24)
    names = {}
    for language in ("en_US", "sv", "en_US"):
        monkeypatch.setenv("LANGUAGE", language)
        cal = BusinessCalendar("SE")
        expected = holidays.country_holidays("SE", years=2026, categories=cal.categories).get(christmas_eve)
        names[language] = cal.closure_name(christmas_eve)
        assert names[language] == expected
    assert names["sv"] != names["en_US"]


def test_another_release_of_the_package_is_a_miss(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries written for one installed holidays release are not read for another."""
    snapshot(BusinessCalendar("DK"))
    other = dict(holidaydata._installed() or {}, release="another release")
    monkeypatch.setattr(holidaydata, "_installed", lambda: other)
    asked = count_asks(monkeypatch)
    snapshot(BusinessCalendar("DK"))
    assert asked


def test_the_release_key_names_the_installed_package() -> None:
    """The release part of the key is the folder holidays is imported from, and its version file's digest."""
    installed = holidaydata._installed()
    assert installed is not None
    assert installed["folder"] == os.path.realpath(os.path.dirname(holidays.__file__))
    assert [name for name, _mtime, _size in installed["files"]] == ["__init__.py", "version.py"]


def test_a_stored_dated_weekend_is_used_only_in_its_week(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dated-weekend country's stored weekend rule is asked again once its reference week is over."""
    BusinessCalendar("SA")
    monkeypatch.setattr(holidaydata, "_reference_monday",
                        lambda first, last: date(2031, 7, 7))  # another week than the stored one
    asked = count_asks(monkeypatch)
    assert BusinessCalendar("SA").weekend == frozenset({4, 5})
    assert asked


def test_unknown_countries_and_subdivisions_still_raise(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown country or subdivision raises the same ValueError with a cache (twice) as without one."""
    def errors() -> list[str]:
        found = []
        for country, subdivision in (("XQ", None), ("DE", "NOPE"), ("US", "XX")):
            with pytest.raises(ValueError) as info:
                BusinessCalendar(country, subdivision=subdivision)
            found.append(str(info.value))
        return found

    with monkeypatch.context() as m:
        m.setenv(cachedir.OPT_OUT, "0")
        expected = errors()
    assert "no holiday calendar for country 'XQ'" in expected[0]
    assert errors() == errors() == expected


def run_fresh(code: str, root: Path, **env: str) -> list[str]:
    """Run *code* in a fresh interpreter whose temporary directory is *root*; its output lines."""
    environ = {k: v for k, v in os.environ.items() if k != cachedir.OPT_OUT} | {"TMPDIR": str(root), **env}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environ)
    return out.stdout.split()


FIRST_EMAIL = """
import hashlib, sys
from datetime import UTC, datetime
from i18nmail import Mailer
m = Mailer()
now = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
c = m.scenario('order_cancelled_out_of_stock').sample('sv', now=now)
e = m.render('order_cancelled_out_of_stock', locale='sv-SE', context=c, now=now)
print('holidays' in sys.modules, 'importlib.metadata' in sys.modules,
      hashlib.sha256((e.subject + e.text + e.html).encode()).hexdigest())
"""


def test_a_first_email_on_a_warm_cache_does_not_import_holidays(tmp_path: Path) -> None:
    """A fresh interpreter renders its first email without importing holidays once the cache is warm."""
    cold = run_fresh(FIRST_EMAIL, tmp_path)
    warm = run_fresh(FIRST_EMAIL, tmp_path)
    assert cold[0] == "True"  # the first process had to ask the package
    assert warm[:2] == ["False", "False"]  # neither holidays nor importlib.metadata
    assert warm[2] == cold[2]  # the same email
    off = run_fresh(FIRST_EMAIL, tmp_path, **{cachedir.OPT_OUT: "0"})
    assert off[0] == "True" and off[2] == cold[2]
