"""BusinessCalendar against an independent oracle, plus named regression cases.

The oracle is ``numpy.busday_offset`` over a ``numpy.busdaycalendar`` built
here, day by day, from the holidays package and the market files' rules
(``i18nmail.closures``): nothing in it goes through ``BusinessCalendar``'s
tables or its week-skipping arithmetic. Whether the market files themselves
are right is the job of the truth table (``test_bank_truth_table.py``).
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import holidays
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18nmail.businessdays import (
    MAX_BUSINESS_DAYS,
    BusinessCalendar,
    Window,
    get_calendar,
    supported_countries,
)
from i18nmail.closures import MARKETS
from i18nmail.exceptions import HolidayDataUnavailable

# -- the oracle ---------------------------------------------------------------------

#: Countries whose weekend never changes in the holidays data.
FIXED_WEEKEND = ["SE", "KR", "NO", "FI", "DK", "DE", "FR", "ES", "JP", "PL", "US", "GB", "AT", "CH", "IT"]
#: Countries with a dated weekend (SA: Thu-Fri until 2013-06-28, AE: Fri-Sat until
#: 2021) or make-up working weekends (CN).
DATED_WEEKEND = ["SA", "AE", "CN"]
ORACLE_COUNTRIES = FIXED_WEEKEND + DATED_WEEKEND

#: The euro area's TARGET closing days (ECB), written out here: (month, day) or Easter offset.
TARGET_FIXED = [(1, 1), (5, 1), (12, 25), (12, 26)]
TARGET_EASTER = [-2, 1]
EURO_AREA = {"AT", "DE", "ES", "FI", "FR", "IT"}

FIRST_START, LAST_START = date(2000, 1, 1), date(2090, 12, 31)
ORACLE_YEARS = range(1999, 2099)  # starts 2000-2090 plus 1,000 business days fit


def first_data_year(country: str) -> int:
    """The first year the holidays package has data for *country* (ES: 2008)."""
    return holidays.country_holidays(country, years=()).start_year


def closed_days(country: str, year: int) -> tuple[set[date], set[date]]:
    """(closed days, opened weekend days) of *year*, straight from the package and the file."""
    market = MARKETS.get(country)
    categories = market.categories if market and market.categories else ("public",)
    subdiv = market.subdivision if market else None
    table = holidays.country_holidays(country, subdiv=subdiv, years=year, categories=categories)
    replaced = market is not None and year in market.replace_years
    closed = set() if replaced else {d for d in table if d.year == year}
    opened = set() if replaced else {d for d in table.weekend_workdays if d.year == year}
    if market is not None and market.open_observed:
        plain = holidays.country_holidays(country, subdiv=subdiv, years=year,
                                          categories=categories, observed=False)
        closed = {d for d in closed if d in plain or d.weekday() not in market.open_observed}
    if market is not None:
        closed |= set(market.closures_in(year))
        opened |= set(market.open_in(year))
    if country in EURO_AREA and year >= 2002:
        sunday = easter(year)
        closed |= {date(year, m, d) for m, d in TARGET_FIXED}
        closed |= {sunday + timedelta(days=k) for k in TARGET_EASTER}
    return closed, opened


def easter(year: int) -> date:
    """Western Easter Sunday from dateutil (not the module's own algorithm)."""
    from dateutil.easter import easter as dateutil_easter

    return dateutil_easter(year)


@cache
def oracle(country: str) -> np.busdaycalendar:
    """A numpy business-day calendar for *country* over ORACLE_YEARS, marked day by day."""
    years = range(max(ORACLE_YEARS[0], first_data_year(country)), ORACLE_YEARS[-1] + 1)
    probe = holidays.country_holidays(country, years=())
    closed: set[date] = set()
    for year in years:
        shut, opened = closed_days(country, year)
        day = date(year, 1, 1)
        while day.year == year:
            if day in shut or (probe.is_weekend(day) and day not in opened):
                closed.add(day)
            day += timedelta(days=1)
    return np.busdaycalendar(weekmask=[1] * 7, holidays=sorted(closed))


def oracle_add(country: str, start: date, n: int) -> date:
    """add() as numpy computes it: roll backward then n ahead (n = 0: roll forward)."""
    roll = "forward" if n == 0 else "backward"
    result = np.busday_offset(np.datetime64(start), n, roll=roll, busdaycal=oracle(country))
    return result.astype(object)


def oracle_count(country: str, first: date, last: date) -> int:
    """Business days in (first, last] by numpy."""
    one = timedelta(days=1)
    return int(np.busday_count(first + one, last + one, busdaycal=oracle(country)))


@st.composite
def country_and_start(draw):
    """A country and a start date 2000-2090 inside its holiday data (ES: from 2008)."""
    country = draw(st.sampled_from(ORACLE_COUNTRIES))
    earliest = max(FIRST_START, date(first_data_year(country), 1, 1))
    return country, draw(st.dates(min_value=earliest, max_value=LAST_START))


sizes = st.one_of(st.integers(0, 10), st.integers(0, 1000))
PROPERTY = settings(deadline=None, max_examples=400)


@PROPERTY
@given(where=country_and_start(), n=sizes)
def test_add_matches_numpy_oracle(where, n):
    """add(d, n) equals numpy.busday_offset (backward roll for n >= 1, forward for 0)."""
    country, start = where
    assert get_calendar(country).add(start, n) == oracle_add(country, start, n)


@PROPERTY
@given(where=country_and_start(), a=sizes, b=sizes)
def test_window_is_pair_of_adds(where, a, b):
    """window(d, low, high) is (add(d, low), add(d, high)) and matches the oracle."""
    country, start = where
    low, high = min(a, b), max(a, b)
    cal = get_calendar(country)
    window = cal.window(start, low, high)
    assert window == Window(cal.add(start, low), cal.add(start, high))
    assert window == Window(oracle_add(country, start, low), oracle_add(country, start, high))


@settings(deadline=None, max_examples=200)
@given(where=country_and_start(), span=st.integers(0, 1500))
def test_is_business_day_and_count_match_numpy(where, span):
    """is_business_day and business_days_between agree with numpy.is_busday/busday_count."""
    country, start = where
    cal = get_calendar(country)
    last = start + timedelta(days=span)
    assert cal.is_business_day(last) == bool(
        np.is_busday(np.datetime64(last), busdaycal=oracle(country))
    )
    assert cal.business_days_between(start, last) == oracle_count(country, start, last)


@settings(deadline=None, max_examples=200)
@given(
    country=st.sampled_from(["SE", "KR", "US", "SA"]),
    first=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
    n=st.integers(0, 30),
)
def test_later_event_never_gets_earlier_date(country, first, later, n):
    """With a cut-off, a later event never gets an earlier date than an earlier one."""
    cal = BusinessCalendar(country, cutoff=time(17, 0), tz="UTC")
    t1 = first.replace(tzinfo=UTC)
    assert cal.add(t1, n) <= cal.add(t1 + later, n)


# -- named regression cases ----------------------------------------------------------


def test_sweden_christmas_2026_window():
    """Sweden, 3-5 business days from 22 Dec 2026 skip Christmas and New Year: 29 Dec-4 Jan."""
    cal = BusinessCalendar("SE")
    assert cal.window(date(2026, 12, 22), 3, 5) == Window(date(2026, 12, 29), date(2027, 1, 4))
    assert cal.closure_name(date(2026, 12, 24)) == "Christmas Eve"
    assert cal.closure_name(date(2026, 12, 31)) == "New Year's Eve"
    assert cal.closure_name(date(2027, 1, 1)) == "New Year's Day"


def test_sweden_midsummer_eve_closed_half_days_open():
    """Swedish Midsummer Eve (de facto) is closed; the 'from 2pm' bank half day before is open."""
    cal = BusinessCalendar("SE")
    assert not cal.is_business_day(date(2026, 6, 19))
    assert cal.closure_name(date(2026, 6, 19)) == "Midsummer Eve"
    assert cal.is_business_day(date(2026, 6, 18))
    assert cal.add(date(2026, 6, 18), 1) == date(2026, 6, 22)


def test_korea_chuseok_2026():
    """Korea, Chuseok 2026 (24-26 Sep) and the next alternative holiday are skipped."""
    cal = BusinessCalendar("KR")
    assert cal.closure_name(date(2026, 9, 25)) == "Chuseok"
    assert cal.add(date(2026, 9, 23), 1) == date(2026, 9, 28)
    # 3 Oct 2026 is a Saturday: National Foundation Day moves to Monday 5 Oct.
    assert cal.add(date(2026, 10, 2), 1) == date(2026, 10, 6)


def test_korea_chuseok_2025_with_alternative_holiday():
    """Korea, Chuseok 2025 on a Sunday gets an alternative holiday: 3-9 Oct are all closed."""
    cal = BusinessCalendar("KR")
    assert cal.closure_name(date(2025, 10, 8)) == "Alternative holiday for Chuseok"
    assert cal.add(date(2025, 10, 2), 1) == date(2025, 10, 10)


def test_korea_lunar_new_year_with_alternative_holidays():
    """Korea, Lunar New Year over a weekend adds an alternative holiday (2024 and 2027)."""
    cal = BusinessCalendar("KR")
    assert cal.closure_name(date(2024, 2, 12)) == "Alternative holiday for Korean New Year"
    assert cal.add(date(2024, 2, 8), 1) == date(2024, 2, 13)
    assert cal.closure_name(date(2027, 2, 9)) == "Alternative holiday for Korean New Year"
    assert cal.add(date(2027, 2, 5), 1) == date(2027, 2, 10)


def test_norway_easter():
    """Norway, Maundy Thursday, Good Friday and Easter Monday 2026 are closed."""
    cal = BusinessCalendar("NO")
    for day in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6)):
        assert not cal.is_business_day(day), day
    assert cal.add(date(2026, 4, 1), 1) == date(2026, 4, 7)


def test_finland_independence_day():
    """Finland, Independence Day (6 Dec, a Monday in 2027) is closed."""
    cal = BusinessCalendar("FI")
    assert cal.closure_name(date(2027, 12, 6)) == "Independence Day"
    assert cal.add(date(2027, 12, 3), 1) == date(2027, 12, 7)


@pytest.mark.parametrize("country", ["NO", "DK"])
def test_curated_christmas_eve_and_new_years_eve(country):
    """Norway and Denmark: Christmas Eve and New Year's Eve come from the market files."""
    public = holidays.country_holidays(country, years=2026)
    cal = BusinessCalendar(country)
    for day, name in (
        (date(2026, 12, 24), "Christmas Eve"),
        (date(2026, 12, 31), "New Year's Eve"),
    ):
        assert day not in public  # the package does not close them ...
        assert cal.closure_name(day) == name  # ... the market file does
        assert not cal.is_business_day(day)
    assert cal.add(date(2026, 12, 23), 1) == date(2026, 12, 28)


def test_denmark_bank_closing_days_match_nationalbanken_2026():
    """Denmark 2026: the weekday closures equal Danmarks Nationalbank's published list."""
    published = {
        date(2026, 1, 1), date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6),
        date(2026, 5, 14), date(2026, 5, 15), date(2026, 5, 25), date(2026, 6, 5),
        date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 31),
    }  # fmt: skip
    cal = BusinessCalendar("DK")
    days = (date(2026, 1, 1) + timedelta(days=i) for i in range(365))
    assert {d for d in days if d.weekday() < 5 and not cal.is_business_day(d)} == published


def test_saudi_friday_saturday_weekend():
    """Saudi Arabia rests Friday-Saturday: one business day after a Thursday is the Sunday."""
    cal = BusinessCalendar("SA")
    assert cal.weekend == frozenset({4, 5})
    assert cal.add(date(2026, 3, 5), 1) == date(2026, 3, 8)  # Thu -> Sun
    assert cal.is_business_day(date(2026, 3, 8))
    assert not cal.is_business_day(date(2026, 3, 6))


def test_saudi_and_uae_older_weekends():
    """Weekends follow the date: Saudi Thu-Fri before 28 Jun 2013, UAE Fri-Sat before 2022."""
    sa = BusinessCalendar("SA")
    assert not sa.is_business_day(date(2013, 6, 27))  # a Thursday, old rule
    assert sa.is_business_day(date(2012, 1, 7))  # a Saturday, old rule
    assert sa.add(date(2013, 6, 20), 10) == date(2013, 7, 4)
    ae = BusinessCalendar("AE")
    assert ae.weekend == frozenset({5, 6})
    assert not ae.is_business_day(date(2021, 3, 5))  # a Friday in 2021
    assert ae.is_business_day(date(2021, 3, 7))  # a Sunday in 2021
    assert ae.add(date(2021, 12, 30), 1) == date(2022, 1, 3)  # Thu -> (Fri-Sat, then Sat-Sun)


def test_china_make_up_working_saturday():
    """China: the make-up working Saturday 14 Feb 2026 is a business day."""
    cal = BusinessCalendar("CN")
    assert cal.is_business_day(date(2026, 2, 14))
    assert cal.add(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_window_crossing_new_year_loads_next_year():
    """A fresh calendar's first window across New Year knows the next year's holidays."""
    cal = BusinessCalendar("SE")
    # 30 Dec 2026: 31 Dec, 1 Jan and Epiphany (6 Jan 2027) are closed.
    assert cal.window(date(2026, 12, 30), 1, 3) == Window(date(2027, 1, 4), date(2027, 1, 7))
    de = BusinessCalendar("DE")  # 31 Dec (a bank holiday) and 1 Jan are closed
    assert de.window(date(2026, 12, 28), 3, 5) == Window(date(2027, 1, 4), date(2027, 1, 6))


def test_long_window_crossing_several_years_on_fresh_calendar():
    """A fresh calendar's 1,000-day window loads every year it spans and matches the oracle."""
    for country in ("SE", "KR", "SA", "CN"):
        cal = BusinessCalendar(country)
        start = date(2024, 11, 15)
        assert cal.window(start, 5, 1000) == Window(
            oracle_add(country, start, 5), oracle_add(country, start, 1000)
        )


def test_thousand_business_days_match_oracle():
    """add(d, 1000) agrees with numpy for every oracle country."""
    for country in ORACLE_COUNTRIES:
        assert get_calendar(country).add(date(2026, 12, 22), 1000) == oracle_add(
            country, date(2026, 12, 22), 1000
        ), country


def test_shop_closures():
    """A shop's own closure dates are skipped and named; holidays keep their own names."""
    cal = BusinessCalendar("SE", closures=[date(2026, 12, 28), date(2026, 12, 25)])
    assert cal.window(date(2026, 12, 22), 3, 5) == Window(date(2026, 12, 30), date(2027, 1, 5))
    assert cal.closure_name(date(2026, 12, 28)) == "Shop closure"
    assert cal.closure_name(date(2026, 12, 25)) == "Christmas Day"
    with pytest.raises(TypeError):
        BusinessCalendar("SE", closures=[datetime(2026, 12, 28, tzinfo=UTC)])


def test_cutoff_counts_from_next_day():
    """With a 17:00 cut-off, an event at or after 17:00 counts from the next day."""
    cal = BusinessCalendar("SE", cutoff=time(17, 0), tz="Europe/Stockholm")
    stockholm = cal.tz
    monday = datetime(2026, 3, 2, 16, 59, tzinfo=stockholm)
    assert cal.add(monday, 1) == date(2026, 3, 3)
    assert cal.add(monday.replace(minute=0, hour=17), 1) == date(2026, 3, 4)
    assert cal.add(monday.replace(hour=17, minute=0), 0) == date(2026, 3, 3)
    # Friday evening counts as Saturday, so it ends where a Saturday event does.
    friday = datetime(2026, 3, 6, 18, 0, tzinfo=stockholm)
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=stockholm)
    assert cal.add(friday, 1) == cal.add(saturday, 1) == date(2026, 3, 9)
    # The cut-off is read in the calendar's zone: 15:30 UTC is 16:30 in Stockholm.
    assert cal.add(datetime(2026, 3, 2, 15, 30, tzinfo=UTC), 1) == date(2026, 3, 3)
    assert cal.add(datetime(2026, 3, 2, 16, 30, tzinfo=UTC), 1) == date(2026, 3, 4)


def test_cutoff_must_be_naive_time():
    """A cut-off must be a naive datetime.time (its zone is tz=)."""
    with pytest.raises(ValueError):
        BusinessCalendar("SE", cutoff=time(17, 0, tzinfo=UTC))
    with pytest.raises(TypeError):
        BusinessCalendar("SE", cutoff="17:00")  # type: ignore[arg-type]


def test_utc_late_evening_is_next_day_in_seoul():
    """23:30 UTC on 23 Sep 2026 is already the 24th (a Chuseok holiday) in Seoul."""
    event = datetime(2026, 9, 23, 23, 30, tzinfo=UTC)
    cal = BusinessCalendar("KR")
    assert str(cal.tz) == "Asia/Seoul"
    assert cal.add(event, 0) == date(2026, 9, 28)
    assert cal.window(event, 1, 2) == Window(date(2026, 9, 28), date(2026, 9, 29))
    in_utc = BusinessCalendar("KR", tz="UTC")
    assert in_utc.add(event, 0) == date(2026, 9, 23)


def test_naive_datetime_rejected():
    """A naive datetime start raises ValueError."""
    with pytest.raises(ValueError, match="aware"):
        BusinessCalendar("SE").add(datetime(2026, 12, 22, 10, 0), 3)


@pytest.mark.parametrize("n", [True, False, 3.0, 1.5, "3", None])
def test_non_integer_n_rejected(n):
    """A bool, float or other non-int n raises TypeError."""
    cal = BusinessCalendar("SE")
    with pytest.raises(TypeError):
        cal.add(date(2026, 12, 22), n)
    with pytest.raises(TypeError):
        cal.window(date(2026, 12, 22), 0, n)


@pytest.mark.parametrize("n", [-1, MAX_BUSINESS_DAYS + 1, 10**9])
def test_out_of_range_n_rejected(n):
    """A negative n or one above MAX_BUSINESS_DAYS raises ValueError."""
    cal = BusinessCalendar("SE")
    with pytest.raises(ValueError):
        cal.add(date(2026, 12, 22), n)
    with pytest.raises(ValueError):
        cal.window(date(2026, 12, 22), 0, n)


def test_max_business_days_accepted_and_low_above_high_rejected():
    """n = MAX_BUSINESS_DAYS works; a window with low > high raises ValueError."""
    cal = BusinessCalendar("SE")
    assert cal.add(date(2026, 1, 1), MAX_BUSINESS_DAYS) > date(2040, 1, 1)
    with pytest.raises(ValueError):
        cal.window(date(2026, 12, 22), 5, 3)


def test_years_outside_holiday_data_raise():
    """Reaching a year the holidays package does not cover raises HolidayDataUnavailable."""
    se = BusinessCalendar("SE")
    first, last = se.years_covered()
    with pytest.raises(HolidayDataUnavailable) as info:
        se.add(date(last, 12, 20), 30)
    assert info.value.year == last + 1 and info.value.country == "SE"
    assert isinstance(info.value, ValueError)
    with pytest.raises(HolidayDataUnavailable):
        se.is_business_day(date(first - 1, 6, 1))
    jp = BusinessCalendar("JP")
    assert jp.years_covered()[1] == 2099
    with pytest.raises(HolidayDataUnavailable):
        jp.window(date(2099, 12, 20), 1, 20)
    with pytest.raises(HolidayDataUnavailable):
        BusinessCalendar("KR").closure_name(date(1940, 1, 1))
    with pytest.raises(HolidayDataUnavailable):  # Spain's data starts in 2008
        BusinessCalendar("ES").window(date(2005, 6, 1), 3, 5)


@pytest.mark.parametrize("country", ["XX", "S1", "", "Sweden!", 46])
def test_unknown_country_rejected(country):
    """An unknown or malformed country code raises ValueError."""
    with pytest.raises(ValueError):
        BusinessCalendar(country)  # type: ignore[arg-type]


def test_unknown_subdivision_and_zone_rejected():
    """An unknown subdivision or time zone raises ValueError."""
    with pytest.raises(ValueError):
        BusinessCalendar("DE", subdivision="XX")
    with pytest.raises(ValueError):
        BusinessCalendar("SE", tz="Mars/Olympus_Mons")
    assert BusinessCalendar("DE", subdivision="BY").closure_name(date(2026, 1, 6)) == "Epiphany"


def test_get_calendar_shared_and_case_insensitive():
    """get_calendar returns one shared calendar per country, whatever the case."""
    assert get_calendar("se") is get_calendar("SE")
    assert {"SE", "KR", "NO", "FI", "DK", "SA"} <= set(supported_countries())


def test_thread_safety_of_lazy_loading():
    """Many threads on a fresh calendar's lazy loading get the answers a serial run gets."""
    starts = [date(2001 + (i * 7) % 85, 1 + i % 12, 1 + i % 28) for i in range(64)]
    jobs = [(s, n) for s in starts for n in (0, 3, 250, 1000)]
    expected = [BusinessCalendar("KR").add(s, n) for s, n in jobs]
    for _ in range(3):
        cal = BusinessCalendar("KR")
        results: dict[int, list[date]] = {}
        errors: list[BaseException] = []
        barrier = threading.Barrier(12)

        def work(
            k: int,
            cal: BusinessCalendar = cal,
            barrier: threading.Barrier = barrier,
            results: dict[int, list[date]] = results,
            errors: list[BaseException] = errors,
        ) -> None:
            try:
                barrier.wait()
                cut = k * 17 % len(jobs)  # each thread starts somewhere else
                order = jobs[cut:] + jobs[:cut]
                if k % 2:
                    order.reverse()
                got = {job: cal.add(*job) for job in order}
                results[k] = [got[job] for job in jobs]
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert len(results) == 12
        assert all(r == expected for r in results.values())


def test_far_future_start_is_holiday_data_unavailable_not_overflow() -> None:
    """date(9999, 12, 30) + 5 business days is a HolidayDataUnavailable (a ValueError), never OverflowError."""
    cal = BusinessCalendar("SE")
    with pytest.raises(HolidayDataUnavailable):
        cal.add(date(9999, 12, 30), 5)
