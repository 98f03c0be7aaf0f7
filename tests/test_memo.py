"""Each value is formatted once per email and reused by the other channel,
with exactly the shared formatter's output (issue 14, item 1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from i18nmail.formatting import Formatter
from i18nmail.memo import PerRender


@pytest.fixture()
def shared() -> Formatter:
    return Formatter.get("sv_SE", "Europe/Stockholm", "SEK")


def test_same_strings_as_the_shared_formatter(shared: Formatter) -> None:
    """Every memoised method returns what the shared formatter returns, first and second time."""
    fmt = PerRender(shared)
    moment = datetime(2026, 12, 22, 23, 30, tzinfo=UTC)
    calls = [
        ("money", (Decimal("1499.5"),), {}), ("money", (1999,), {}), ("money", (Decimal(12), "EUR"), {}),
        ("number", (9173,), {}), ("percent", (37,), {}), ("date", (date(2027, 2, 19),), {}),
        ("date", (moment,), {}), ("date", (date(2027, 2, 19), "short"), {}),
        ("weekday_date", (date(2026, 12, 29),), {}), ("datetime", (moment,), {}),
        ("datetime", (moment,), {"zone": "Asia/Seoul"}),
        ("date_range", (date(2026, 12, 29), date(2027, 1, 4)), {}),
    ]
    for _ in range(2):
        for name, args, kwargs in calls:
            assert getattr(fmt, name)(*args, **kwargs) == getattr(shared, name)(*args, **kwargs), name
    assert fmt.direction == shared.direction and fmt.currency == "SEK" and fmt.tz == shared.tz


def test_equal_values_that_format_differently_are_kept_apart(shared: Formatter) -> None:
    """An int and Decimals of other precision, and a date vs a datetime, never share an entry."""
    fmt = PerRender(shared)
    assert fmt.number(Decimal("1.50")) == shared.number(Decimal("1.50"))
    assert fmt.number(1) == shared.number(1)
    assert fmt.number(Decimal("1.5")) == shared.number(Decimal("1.5"))
    assert len(fmt.memo) == 3
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Stockholm
    assert fmt.date(date(2026, 12, 31)) == "31 december 2026"
    assert fmt.date(late) == "1 januari 2027"
    utc = PerRender(Formatter.get("sv_SE", "UTC", "SEK"))
    assert utc.date(late) == "31 december 2026"


def test_errors_are_raised_every_time(shared: Formatter) -> None:
    """A value the formatter refuses raises again on the next call (nothing is remembered)."""
    fmt = PerRender(shared)
    for _ in range(2):
        with pytest.raises(TypeError, match="float"):
            fmt.money(19.99)
    assert fmt.memo == {}


def test_a_per_render_formatter_does_not_change_the_shared_one(shared: Formatter) -> None:
    """Memo entries live on the per-render object; the cached shared formatter gains none."""
    fmt = PerRender(shared)
    fmt.money(Decimal(5))
    assert not hasattr(shared, "memo")
    assert PerRender(shared).memo == {}
    assert isinstance(fmt, Formatter) and fmt.tz == ZoneInfo("Europe/Stockholm")


def test_render_formats_each_amount_once(mailer: object, now: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    """A render asks the shared formatter once per distinct amount, not once per channel."""
    from i18nmail.render import Mailer

    assert isinstance(mailer, Mailer)
    seen: list[object] = []
    original = Formatter.money

    def counting(self: Formatter, amount: object, currency: str | None = None) -> str:
        seen.append(amount)
        return original(self, amount, currency)

    context = mailer.scenario("order_cancelled_out_of_stock").sample("sv")
    monkeypatch.setattr(Formatter, "money", counting)
    email = mailer.render("order_cancelled_out_of_stock", locale="sv-SE", context=context, now=now)
    assert seen and len(seen) == len({str(a) for a in seen})
    assert email.text.count(original(Formatter.get("sv_SE", "Europe/Stockholm", "SEK"),
                                     Decimal(context["refund_amount"]))) >= 1
