"""How long does one formatted value cost, against Babel's own formatting? And one context check?

    .venv/bin/python bench/bench_formatting.py [--quick]

Measured in one run, on the same machine, the cases taking turns batch by
batch so that each sees the same load:

* **i18nmail**: ``Formatter.money`` / ``number`` / ``percent`` of a shared
  formatter (warm), whose patterns are resolved once per locale and currency
  and applied with string operations.
* **Babel (baseline)**: what the formatter did per value before, through
  Babel's public functions: ``format_currency`` (after the same quantising to
  the currency's digits), ``format_decimal`` and ``format_percent`` in the
  formatter's decimal context. Both give the same text (checked before timing).
* **before**: the formatter's previous path, its cached ``NumberPattern``'s
  ``apply`` per value (also checked to give the same text).
* **convert**: ``Scenario.convert`` of ``order_cancelled_out_of_stock``'s
  Swedish sample (JSON-ready strings, as a queue delivers them), the check
  every email's context goes through; dates are printed for reference.

Every figure is the median of several repeats; compare the ratios, not the
absolute numbers.
"""

from __future__ import annotations

import argparse
import decimal
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from babel import numbers as babel_numbers

from i18nmail import Mailer
from i18nmail.formatting import _MONEY_CONTEXT, CURRENCY_PATTERNS, Formatter, currency_digits


def interleaved(cases: list[Callable[[], object]], repeats: int, batch: int) -> list[float]:
    """Median seconds per call of each case, their batches taken in turn."""
    times: list[list[float]] = [[] for _ in cases]
    for _ in range(repeats):
        for index, work in enumerate(cases):
            start = time.perf_counter()
            for _ in range(batch):
                work()
            times[index].append((time.perf_counter() - start) / batch)
    return [statistics.median(t) for t in times]


def babel_money(fmt: Formatter, amount: Decimal) -> str:
    """One amount as Babel's format_currency writes it (quantised as the formatter does)."""
    code = fmt.currency
    with decimal.localcontext(_MONEY_CONTEXT):
        value = amount.quantize(Decimal(1).scaleb(-currency_digits(code)))
        if value.is_zero():
            value = abs(value)
        return babel_numbers.format_currency(value, code, format=CURRENCY_PATTERNS.get((fmt.locale.language, code)),
                                             locale=fmt.locale, currency_digits=True,
                                             numbering_system=fmt.numbering)


def babel_number(fmt: Formatter, value: int | Decimal) -> str:
    """One number as Babel's format_decimal writes it."""
    with decimal.localcontext(_MONEY_CONTEXT):
        return babel_numbers.format_decimal(value, locale=fmt.locale, numbering_system=fmt.numbering)


def babel_percent(fmt: Formatter, value: int | Decimal) -> str:
    """One percentage (given in percent) as Babel's format_percent writes it."""
    with decimal.localcontext(_MONEY_CONTEXT):
        return babel_numbers.format_percent(Decimal(value) / 100, locale=fmt.locale,
                                            numbering_system=fmt.numbering)


def apply_money(fmt: Formatter, amount: Decimal) -> str:
    """One amount as the formatter wrote it before: its cached NumberPattern's apply."""
    code = fmt.currency
    pattern = (fmt._money_patterns.get(code) or fmt._money_pattern(code))[0]
    with decimal.localcontext(_MONEY_CONTEXT):
        value = amount.quantize(Decimal(1).scaleb(-currency_digits(code)))
        if value.is_zero():
            value = abs(value)
        return fmt._clean(pattern.apply(value, fmt.locale, currency=code, currency_digits=True,
                                        numbering_system=fmt.numbering))


def apply_number(fmt: Formatter, value: int | Decimal, percent: bool = False) -> str:
    """One number or percentage as the formatter wrote it before (cached pattern, apply)."""
    with decimal.localcontext(_MONEY_CONTEXT):
        if percent:
            return fmt._clean(fmt._percent_pattern.apply(Decimal(value) / 100, fmt.locale,
                                                         numbering_system=fmt.numbering))
        return fmt._clean(fmt._decimal_pattern.apply(value, fmt.locale, numbering_system=fmt.numbering))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for a smoke run)")
    args = parser.parse_args(argv)
    repeats, batch = (3, 300) if args.quick else (9, 3000)

    sv = Formatter.get("sv_SE", "Europe/Stockholm", "SEK")
    ko = Formatter.get("ko_KR", "Asia/Seoul", "KRW")
    ar = Formatter.get("ar_SA", "Asia/Riyadh", "SAR")
    amount, won, riyal = Decimal("1499.50"), Decimal(74500), Decimal("-12345.678")
    fraction = Decimal("1234.5678")
    Triple = tuple[str, Callable[[], str], Callable[[], str], Callable[[], str]]
    pairs: list[Triple] = [
        ("money: Decimal 1499.50 SEK, sv-SE", lambda: sv.money(amount), lambda: babel_money(sv, amount),
         lambda: apply_money(sv, amount)),
        ("money: Decimal 74500 KRW, ko-KR (shop pattern #,##0원)", lambda: ko.money(won),
         lambda: babel_money(ko, won), lambda: apply_money(ko, won)),
        ("money: Decimal -12345.678 SAR, ar-SA (rounded, negative)", lambda: ar.money(riyal),
         lambda: babel_money(ar, riyal), lambda: apply_money(ar, riyal)),
        ("number: int 9173, sv-SE", lambda: sv.number(9173), lambda: babel_number(sv, 9173),
         lambda: apply_number(sv, 9173)),
        ("number: Decimal 1234.5678, sv-SE", lambda: sv.number(fraction), lambda: babel_number(sv, fraction),
         lambda: apply_number(sv, fraction)),
        ("percent: int 15, sv-SE", lambda: sv.percent(15), lambda: babel_percent(sv, 15),
         lambda: apply_number(sv, 15, percent=True)),
    ]
    for label, new, old, before in pairs:
        if not new() == old() == before():
            raise SystemExit(f"{label}: i18nmail wrote {new()!r}, Babel {old()!r}, before {before()!r}")

    mailer = Mailer()
    scenario = mailer.scenario("order_cancelled_out_of_stock")
    context = scenario.sample("sv")

    def convert() -> object:
        return scenario.convert(context, mailer.shop, "SEK")

    first, last = date(2026, 12, 15), date(2026, 12, 19)
    extras: list[tuple[str, Callable[[], object]]] = [
        ("Scenario.convert: order_cancelled_out_of_stock, sv sample", convert),
        ("date: long, sv-SE (project patterns, for reference)", lambda: sv.date(first)),
        ("date_range: 15-19 Dec, sv-SE (for reference)", lambda: sv.date_range(first, last)),
    ]
    cases: list[Callable[[], object]] = [f for _, new, old, before in pairs for f in (new, old, before)]
    cases += [work for _, work in extras]
    for work in cases:  # warm-up
        for _ in range(batch // 10 or 1):
            work()
    medians = interleaved(cases, repeats, batch)

    print(f"formatting benchmark: median of {repeats} x {batch} calls; "
          "i18nmail's text equals Babel's for every row (checked)")
    print(f"{'value':<58} {'i18nmail µs':>12} {'Babel µs':>9} {'ratio':>7} {'before µs':>10} {'ratio':>7}")
    for index, (label, *_) in enumerate(pairs):
        new_t, old_t, before_t = medians[3 * index: 3 * index + 3]
        print(f"{label:<58} {new_t * 1e6:>12.2f} {old_t * 1e6:>9.2f} {old_t / new_t:>6.1f}x "
              f"{before_t * 1e6:>10.2f} {before_t / new_t:>6.1f}x")
    print("  Babel: babel.numbers.format_currency/format_decimal/format_percent per value (the baseline);")
    print("  before: the formatter's previous path (its cached NumberPattern, .apply per value);")
    print("  ratio: that time / i18nmail's (above 1: i18nmail is faster)")
    print(f"{'per call':<58} {'µs':>12}")
    for offset, (label, _) in enumerate(extras):
        print(f"{label:<58} {medians[3 * len(pairs) + offset] * 1e6:>12.2f}")


if __name__ == "__main__":
    main()
