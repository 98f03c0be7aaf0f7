"""How fast is a render, against the floor? And how long until the first email?

    .venv/bin/python bench/bench_render.py [--quick]

Measured in one run, on the same machine:

* **floor**: the same final email (subject, plain text and HTML with its CSS
  already inlined) produced by plain Jinja2 from three precompiled templates
  in which every sentence is already translated and every constant already
  formatted; only the customer's 13 values are variables, given as the email
  shows them (escaped for the HTML part): the least work any renderer can
  do for this email. It is built from i18nmail's own output, so it is byte-identical to it by
  construction (checked before timing).
* **i18nmail**: ``Mailer.render`` of the same scenario, locale and context with
  one shared ``Mailer`` (warm: catalogs, CLDR data, templates and holiday
  tables already loaded).
* **cold start**: wall time of ``import i18nmail`` and of a first email from a
  fresh interpreter (``i18nmail render ... --sample``), as ratios to
  ``python -c pass`` timed in the same run.

Every figure is the median of several repeats (the machines are shared and
noisy); compare the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import jinja2
from markupsafe import Markup, escape

from i18nmail import Mailer

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
SCENARIO = "order_cancelled_out_of_stock"
LOCALE = "sv-SE"

#: Distinctive stand-ins for the customer's values, so that each one can be
#: found in i18nmail's output and turned into a variable of the floor templates.
PROBE: dict[str, Any] = {
    "customer_name": "Qzxname Qzxsurname",
    "order_number": "99173",
    "items": [{"name": "Qzxitem, qzxcolour", "quantity": 83, "price": "613.47"}],
    "refund_amount": "4294.29",
    "refund_method": "card",
    "currency": "SEK",
    "discount_percent": 37,
    "discount_code": "QZXCODE",
    "discount_valid_until": "2027-02-19",
    "loyalty_points": 9173,
    "alternatives_url": "https://qzx.example/alternatives",
    "agent_name": "Qzxagent Qzxsurname",
    "agent_title": "Qzxtitle",
}


def median_seconds(work: Callable[[], object], repeats: int, batch: int) -> float:
    """Median seconds per call of *work* over *repeats* batches of *batch* calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batch):
            work()
        times.append((time.perf_counter() - start) / batch)
    return statistics.median(times)


def _shown(context: dict[str, Any]) -> dict[str, str]:
    """Each customer value as i18nmail writes it in a Swedish email."""
    from datetime import date
    from decimal import Decimal

    from i18nmail.formatting import Formatter

    fmt = Formatter.get("sv_SE", "Europe/Stockholm", context["currency"])
    item = context["items"][0]
    return {
        "customer_name": context["customer_name"], "order_number": str(context["order_number"]),
        "discount_code": context["discount_code"], "alternatives_url": context["alternatives_url"],
        "agent_name": context["agent_name"], "agent_title": context["agent_title"],
        "item_name": item["name"],
        "item_quantity": f"× {item['quantity']}",
        "item_price": fmt.money(Decimal(item["price"])),
        "item_total": fmt.money(Decimal(item["price"]) * item["quantity"]),
        "refund_amount": fmt.money(Decimal(context["refund_amount"])),
        "discount_valid_until": fmt.date(date.fromisoformat(context["discount_valid_until"])),
        "discount_percent": fmt.percent(context["discount_percent"]),
        "loyalty_points": fmt.number(context["loyalty_points"]),
    }


def _floor_templates(mailer: Mailer) -> tuple[dict[str, jinja2.Template], list[str]]:
    """Three templates (subject, text, HTML) with everything but the values baked in."""
    email = mailer.render(SCENARIO, locale=LOCALE, context=PROBE, now=NOW)
    probes = sorted(_shown(PROBE).items(), key=lambda kv: -len(kv[1]))  # longest first
    names: list[str] = []

    def bake(text: str) -> str:
        out = text.replace("{", "\x01")
        for name, value in probes:
            for shown in (value, str(escape(value)), str(escape(value)).replace("\xa0", "&nbsp;")):
                if shown in out:
                    out = out.replace(shown, f"\x00{name}\x00")
                    if name not in names:
                        names.append(name)
        parts = out.split("\x00")
        out = "".join(p if i % 2 == 0 else "{{ " + p + " }}" for i, p in enumerate(parts))
        return out.replace("\x01", "{{ '{' }}")

    text_env = jinja2.Environment(autoescape=False, keep_trailing_newline=True)
    html_env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    templates = {
        "subject": text_env.from_string(bake(email.subject)),
        "text": text_env.from_string(bake(email.text)),
        "html": html_env.from_string(bake(email.html)),
    }
    return templates, names


def cold(argv: list[str], repeats: int) -> float:
    """Median wall seconds of a fresh process running *argv*."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for a smoke run)")
    args = parser.parse_args(argv)
    repeats, batch, cold_repeats = (3, 50, 3) if args.quick else (7, 300, 7)

    mailer = Mailer()
    context = mailer.scenario(SCENARIO).sample("sv")
    templates, names = _floor_templates(mailer)

    # The floor gets the customer's values as i18nmail writes them.
    real = mailer.render(SCENARIO, locale=LOCALE, context=context, now=NOW)
    values = _shown(context)
    # In the HTML part a value is escaped, and no-break spaces are written as
    # &nbsp; (as css-inline serialises them): done once per value, not per template.
    html_values = {k: Markup(str(escape(v)).replace("\xa0", "&nbsp;")) for k, v in values.items()}
    floor_email = {"subject": templates["subject"].render(values), "text": templates["text"].render(values),
                   "html": templates["html"].render(html_values)}
    same = (floor_email["subject"], floor_email["text"], floor_email["html"]) == (real.subject, real.text, real.html)

    def render() -> object:
        return mailer.render(SCENARIO, locale=LOCALE, context=context, now=NOW)

    def floor() -> object:
        return (templates["subject"].render(values), templates["text"].render(values),
                templates["html"].render({k: Markup(str(escape(v)).replace("\xa0", "&nbsp;"))
                                          for k, v in values.items()}))

    t_floor = median_seconds(floor, repeats, batch)
    t_render = median_seconds(render, repeats, batch)

    python = sys.executable
    exe = str(Path(python).with_name("i18nmail"))
    t_pass = cold([python, "-c", "pass"], cold_repeats)
    t_import = cold([python, "-c", "import i18nmail"], cold_repeats)
    t_first = cold([exe, "render", SCENARIO, "--sample", "--locale", LOCALE, "--format", "eml"], cold_repeats)

    print(f"render benchmark: {SCENARIO} in {LOCALE}, median of {repeats} x {batch} "
          f"(floor has {len(names)} value variables; floor output identical to i18nmail's: {same})")
    print(f"{'case':<62} {'µs/email':>10} {'vs floor':>10}")
    print(f"{'floor: plain Jinja2, everything but the values baked in':<62} {t_floor * 1e6:>10.0f} {1.0:>9.2f}x")
    print(f"{'i18nmail: Mailer.render, shared Mailer':<62} {t_render * 1e6:>10.0f} {t_render / t_floor:>9.2f}x")
    print("  target (issue): at most 3.0x the floor (goal 2.0x): "
          + ("met" if t_render / t_floor <= 3.0 else "NOT met"))
    print(f"{'cold start':<62} {'ms wall':>10} {'vs pass':>10}")
    print(f"{'python -c pass':<62} {t_pass * 1e3:>10.0f} {1.0:>9.2f}x")
    label = 'python -c "import i18nmail"'
    print(f"{label:<62} {t_import * 1e3:>10.0f} {t_import / t_pass:>9.2f}x")
    print(f"{'first email: i18nmail render --sample (fresh process)':<62} {t_first * 1e3:>10.0f} "
          f"{t_first / t_pass:>9.2f}x")
    print(f"  targets (issue): import at most 60 ms ({'met' if t_import <= 0.060 else 'NOT met'}), "
          f"first email at most 200 ms ({'met' if t_first <= 0.200 else 'NOT met'})")


if __name__ == "__main__":
    main()
