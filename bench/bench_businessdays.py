"""How fast is BusinessCalendar? Windows per second, and the cost of a new country.

Run from anywhere (needs only the standard library and i18nmail's own deps)::

    .venv/bin/python bench/bench_businessdays.py [--quick]

or import it from another script in ``bench/`` (``import bench_businessdays;
bench_businessdays.main()``). It prints one table:

* windows per second on a warm calendar (holiday tables already built) for
  "3-5 business days" and "990-1000 business days", next to a naive
  day-by-day loop over the same warm calendar measured in the same run;
* the cost of the first call for a country: building a calendar and the
  holiday table of the year its first window touches.

Every figure is the median over several repeats; the loop baseline answers
are checked against the calendar's so the comparison is like for like.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from i18nmail.businessdays import BusinessCalendar

#: Countries for the warm runs and, each with a fresh calendar, the cold runs.
COUNTRIES = ("SE", "KR", "NO", "FI", "DK", "JP", "US", "SA", "CN")
#: Start dates: every day of 2026, so windows end across two to four years.
STARTS = tuple(date(2026, 1, 1) + timedelta(days=i) for i in range(365))


def naive_add(cal: BusinessCalendar, start: date, n: int) -> date:
    """The textbook loop: walk one day at a time, counting business days."""
    day = start
    if n == 0:
        while not cal.is_business_day(day):
            day += timedelta(days=1)
        return day
    while n:
        day += timedelta(days=1)
        if cal.is_business_day(day):
            n -= 1
    return day


def naive_window(cal: BusinessCalendar, start: date, low: int, high: int) -> tuple[date, date]:
    return naive_add(cal, start, low), naive_add(cal, start, high)


def per_second(fn: Callable[[], int], repeats: int) -> list[float]:
    """Calls per second of *fn* (which returns how many windows it computed), per repeat."""
    rates = []
    for _ in range(repeats):
        began = time.perf_counter()
        count = fn()
        rates.append(count / (time.perf_counter() - began))
    return rates


def bench_warm(low: int, high: int, starts: int, repeats: int) -> tuple[float, float]:
    """Median windows per second: (calendar, naive loop), both on warm calendars."""
    cals = [BusinessCalendar(cc) for cc in COUNTRIES]
    days = STARTS[:: max(1, len(STARTS) // starts)][:starts]
    for cal in cals:  # warm up: every year these windows touch is loaded
        for day in days:
            assert cal.window(day, low, high) == naive_window(cal, day, low, high)

    def fast() -> int:
        for cal in cals:
            for day in days:
                cal.window(day, low, high)
        return len(cals) * len(days)

    def naive() -> int:
        for cal in cals:
            for day in days:
                naive_window(cal, day, low, high)
        return len(cals) * len(days)

    return statistics.median(per_second(fast, repeats)), statistics.median(
        per_second(naive, repeats)
    )


def bench_cold(repeats: int) -> tuple[float, float, float]:
    """Median milliseconds for a new country: construct, first window, a second window."""
    build, first, second = [], [], []
    for cc in COUNTRIES:  # import each country's holidays module outside the timing
        BusinessCalendar(cc).window(date(2026, 12, 22), 3, 5)
    for _ in range(repeats):
        for cc in COUNTRIES:
            t0 = time.perf_counter()
            cal = BusinessCalendar(cc)
            t1 = time.perf_counter()
            cal.window(date(2026, 6, 1), 3, 5)  # builds the 2026 table
            t2 = time.perf_counter()
            cal.window(date(2026, 6, 2), 3, 5)  # warm from here on
            t3 = time.perf_counter()
            build.append(t1 - t0)
            first.append(t2 - t1)
            second.append(t3 - t2)
    ms = 1000.0
    return (
        statistics.median(build) * ms,
        statistics.median(first) * ms,
        statistics.median(second) * ms,
    )


def main(argv: list[str] | None = None) -> list[tuple[str, str, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (smoke test)")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7
    began = time.perf_counter()

    rows: list[tuple[str, str, str]] = []
    for label, low, high, starts in (("3-5", 3, 5, 365), ("990-1000", 990, 1000, 12)):
        fast, naive = bench_warm(low, high, starts, repeats)
        rows.append(
            (f"warm window {label} business days", f"{fast:,.0f} /s", f"{fast / naive:.1f}x")
        )
        rows.append((f"  naive day-by-day loop, {label}", f"{naive:,.0f} /s", "1.0x (baseline)"))
    build, first, second = bench_cold(repeats)
    rows.append(("new country: BusinessCalendar(cc)", f"{build:.2f} ms", ""))
    rows.append(("new country: first window (builds table)", f"{first:.2f} ms", ""))
    rows.append(
        ("same country: second window", f"{second * 1000:.1f} us", f"{first / second:.0f}x cheaper")
    )

    width = max(len(r[0]) for r in rows)
    print(
        f"BusinessCalendar benchmark: {len(COUNTRIES)} countries ({', '.join(COUNTRIES)}), "
        f"starts in 2026, median of {repeats} repeats, Python {sys.version.split()[0]}"
    )
    print(f"{'case':<{width}}  {'median':>14}  vs naive loop")
    print(f"{'-' * width}  {'-' * 14}  {'-' * 15}")
    for case, value, ratio in rows:
        print(f"{case:<{width}}  {value:>14}  {ratio}")
    print(f"(total {time.perf_counter() - began:.1f} s)")
    return rows


if __name__ == "__main__":
    main()
