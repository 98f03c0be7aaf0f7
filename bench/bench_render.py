"""How fast is a render? Emails per second with a shared Mailer, against a baseline.

    .venv/bin/python bench/bench_render.py [--quick]

The table compares, in the same run:

* **i18nmail, warm**: one shared :class:`~i18nmail.Mailer`; catalogs, CLDR
  data, compiled templates, formatters and holiday tables are built once per
  locale or country and reused by every email;
* **hand-stitched baseline**: what a shop often writes by hand: a new Jinja
  environment with ``install_gettext_translations`` and a Babel
  ``Translations.load`` per email (the per-email set-up i18nmail avoids);
* **first render of a locale**: the one-off cost of a locale's first email.

Every figure is the median of several repeats (the machines are shared and
noisy); ratios are against the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from i18nmail import Mailer
from i18nmail.render import builtin_catalogs

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
SCENARIO = "refund_processed"
BASELINE_TEMPLATE = """{{ _("Hi %(name)s,", name=customer_name) }}
{{ _("We have processed your refund. Here are the details:") }}
{{ _("Order number") }}: {{ order_number }}
{{ _("Refund amount") }}: {{ amount }}
{{ _("If you have any other questions, just reply to this email. I am happy to help.") }}
"""


def median_rate(work: Callable[[], int], repeats: int) -> float:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        count = work()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for a smoke run)")
    args = parser.parse_args(argv)
    repeats, batch = (3, 20) if args.quick else (7, 100)

    mailer = Mailer()
    tags = [t for t in mailer.locales()]
    samples = {t: mailer.scenario(SCENARIO).sample(t) for t in tags}
    for tag in tags:  # warm every locale once
        mailer.render(SCENARIO, locale=tag, context=samples[tag], now=NOW)

    def warm() -> int:
        for i in range(batch):
            tag = tags[i % len(tags)]
            mailer.render(SCENARIO, locale=tag, context=samples[tag], now=NOW)
        return batch

    # The baseline reads compiled catalogs, as a hand-stitched set-up would.
    compiled = Path(tempfile.mkdtemp(prefix="i18nmail-bench-"))
    for po in builtin_catalogs().glob("*/LC_MESSAGES/messages.po"):
        target = compiled / po.parent.parent.name / "LC_MESSAGES"
        target.mkdir(parents=True)
        with po.open("rb") as src, (target / "messages.mo").open("wb") as dst:
            write_mo(dst, read_po(src))
    catalogs = compiled

    def baseline() -> int:
        for i in range(batch):
            tag = tags[i % len(tags)].replace("-", "_")
            env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
            env.install_gettext_translations(Translations.load(str(catalogs), [tag]), newstyle=True)  # type: ignore[attr-defined]
            env.from_string(BASELINE_TEMPLATE).render(customer_name="Emma", order_number="10436", amount="49.00")
        return batch

    def first_render() -> int:
        fresh = Mailer()
        fresh.render(SCENARIO, locale="ko-KR", context=samples.get("ko", samples[tags[0]]), now=NOW)
        return 1

    rows = [
        ("baseline: new Jinja env + Translations.load(.mo) per email, 5 lines", median_rate(baseline, repeats)),
        ("i18nmail, shared Mailer (whole email: subject, text, HTML, inlined CSS)", median_rate(warm, repeats)),
        ("i18nmail, new Mailer per email (nothing reused: the cost avoided)", median_rate(first_render, repeats)),
    ]
    shutil.rmtree(compiled, ignore_errors=True)
    base = rows[0][1]
    print(f"render benchmark: scenario {SCENARIO}, {len(tags)} locales, median of {repeats} repeats")
    print(f"{'case':<74} {'emails/s':>10} {'ms/email':>10} {'vs baseline':>12}")
    for name, rate in rows:
        print(f"{name:<74} {rate:>10.1f} {1000 / rate:>10.2f} {rate / base:>11.2f}x")


if __name__ == "__main__":
    main()
