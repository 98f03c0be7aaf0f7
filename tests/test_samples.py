"""Sample data is true on the day, and item lines add up (issue 10 items 4 and 8)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from shipped import MARKETS

from i18nmail import Mailer
from i18nmail.formatting import Formatter
from i18nmail.negotiation import primary_zone
from i18nmail.scenarios import resolve_relative

BIDI = re.compile("[\u200e\u200f\u2066-\u2069]")
GOLDEN_NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
#: The golden now, each weekday of a week, a Friday night, and days around holidays.
NOWS = [GOLDEN_NOW] + [datetime(2027, 3, 1, 8, 0, tzinfo=UTC) + timedelta(days=d) for d in range(7)] + [
    datetime(2026, 11, 27, 23, 30, tzinfo=UTC),  # after US Thanksgiving, late evening
    datetime(2027, 1, 1, 6, 0, tzinfo=UTC),      # New Year's Day
    datetime(2026, 12, 24, 15, 0, tzinfo=UTC),   # Christmas Eve
]
#: Context fields that say when something already happened.
PAST_FIELDS = {"refund_date", "cancelled_at", "purchase_date"}
#: Context fields that start a refund window.
WINDOW_STARTS = ("refund_date", "cancelled_at")


def as_date(value: str) -> date | datetime:
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


@pytest.mark.parametrize("now", NOWS, ids=[n.strftime("%Y-%m-%d_%H%M") for n in NOWS])
def test_no_sample_window_or_deadline_lies_before_the_email(mailer: Mailer, now: datetime) -> None:
    """Every sample's past dates are on or before now, and its windows and deadlines on or after today."""
    for catalog, tag in MARKETS.items():
        match = mailer.negotiate(tag)
        today = now.astimezone(ZoneInfo(primary_zone(match.country))).date()
        for scenario in mailer.scenarios():
            sample = scenario.sample(catalog, now=now)
            for name, value in sample.items():
                kind = scenario.fields[name].type
                if kind not in ("date", "datetime"):
                    continue
                when = as_date(value)
                moment = when if isinstance(when, datetime) else None
                day = when.astimezone(ZoneInfo(primary_zone(match.country))).date() if moment else when
                if name in PAST_FIELDS:
                    assert (moment or now) <= now and day <= today, (catalog, scenario.id, name, value)
                else:
                    assert day >= today, (catalog, scenario.id, name, value)
            for name in WINDOW_STARTS:
                if name not in sample:
                    continue
                method = sample.get("refund_method", "card")
                low, high = mailer.shop.refund_policy.days(method)
                if high == 0:
                    continue
                cal = mailer.calendar(mailer.calendar_country(match))
                first, _last = cal.window(as_date(sample[name]), low, high)
                assert first >= today, (catalog, scenario.id, sample[name], first, today)


def test_golden_samples_use_the_render_now(mailer: Mailer) -> None:
    """Relative sample dates resolve against the given now, so golden files and previews agree with it."""
    sample = mailer.scenario("refund_status").sample("en", now=GOLDEN_NOW)
    assert sample["refund_date"] == "2026-12-21"
    assert mailer.scenario("order_cancelled_by_customer").sample("en", now=GOLDEN_NOW)["cancelled_at"] \
        == "2026-12-22T08:45:00+00:00"
    assert resolve_relative("2026-11-16", "date", GOLDEN_NOW) == "2026-11-16"
    with pytest.raises(ValueError, match="counts days"):
        resolve_relative("today-3h", "date", GOLDEN_NOW)


@pytest.mark.parametrize("catalog", list(MARKETS))
def test_item_lines_add_up_to_the_shown_total(mailer: Mailer, catalog: str) -> None:
    """Each item line shows unit price and line total, and the line totals add up to the amount shown."""
    tag = MARKETS[catalog]
    checked = 0
    for scenario in mailer.scenarios():
        sample = scenario.sample(catalog, now=GOLDEN_NOW)
        items = sample.get("items")
        if not items or any(item.get("price") is None for item in items):
            continue
        email = mailer.render(scenario.id, locale=tag, context=sample, now=GOLDEN_NOW)
        fmt = Formatter.get(mailer.negotiate(tag).babel_id, "UTC", sample["currency"])
        lines = [line for line in email.text.split("\n") if line.startswith("- ")]
        assert len(lines) == len(items), (scenario.id, lines)
        total = Decimal(0)
        for item, line in zip(items, lines, strict=True):
            price = Decimal(item["price"])
            line_total = price * item["quantity"]
            total += line_total
            plain = BIDI.sub("", line)
            assert BIDI.sub("", fmt.money(price)) in plain, (scenario.id, line)
            assert BIDI.sub("", fmt.money(line_total)) in plain, (scenario.id, line)
            assert fmt.number(item["quantity"]) in plain, (scenario.id, line)
        assert total == Decimal(sample["refund_amount"]), (catalog, scenario.id, total, sample["refund_amount"])
        assert BIDI.sub("", fmt.money(total)) in BIDI.sub("", email.text)
        checked += 1
    assert checked >= 2
