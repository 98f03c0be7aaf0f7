"""What a send returns: :class:`SendResult` per email, :class:`SendReport` per batch, and :class:`Event`.

>>> report = SendReport()
>>> report.add(SendResult(key="k1", status="sent", message_id="<a@x>", attempts=1, locale="sv-SE"))
>>> report.add(SendResult(key="k2", status="rejected", error="unknown scenario", locale="de"))
>>> report.counts["sent"], report.ok, [r.key for r in report.problems]
(1, False, ['k2'])
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["STATUSES", "Event", "SendReport", "SendResult", "Status"]

Status = Literal["sent", "skipped", "failed", "rejected"]
#: Every status, in the order reports list them.
STATUSES: tuple[Status, ...] = ("sent", "skipped", "rejected", "failed")


@dataclass(frozen=True)
class Event:
    """One email to send: the idempotency key, what to render and for whom.

    ``to`` is ``"Name <addr>"``, ``(name, addr)`` or an ``Address``; ``line``
    is where the event came from (a JSON Lines file), for reports.
    """

    key: str
    scenario: str
    locale: str
    context: Mapping[str, Any]
    to: Any
    line: int | None = None


@dataclass(frozen=True)
class SendResult:
    """The outcome for one key.

    ``status``:

    * ``sent``: the server accepted the message (``reply`` is its answer);
    * ``skipped``: the journal says this key was already sent (or it is being
      sent right now by another sender); nothing was sent;
    * ``rejected``: the email could not be built (unknown scenario, bad
      context, bad address); nothing was sent, ``error`` says why;
    * ``failed``: the server refused it (5xx, ``refused`` lists refused
      recipients) or transient failures outlasted the retries.
    """

    key: str
    status: Status
    message_id: str | None = None
    attempts: int = 0
    error: str | None = None
    reply: str | None = None
    refused: Mapping[str, str] = field(default_factory=dict)
    locale: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's rejects file)."""
        data: dict[str, Any] = {"line": self.line, "key": self.key, "status": self.status}
        for name in ("locale", "message_id", "attempts", "error", "reply"):
            value = getattr(self, name)
            if value not in (None, 0):
                data[name] = value
        if self.refused:
            data["refused"] = dict(self.refused)
        return data


@dataclass
class SendReport:
    """Totals for a batch: counts by status and by locale, and every problem.

    Sent and skipped results are only counted (a run may cover millions of
    emails); rejected and failed ones are kept in ``problems`` in full.
    """

    counts: Counter[str] = field(default_factory=Counter)
    by_locale: dict[str, Counter[str]] = field(default_factory=dict)
    problems: list[SendResult] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    interrupted: bool = False

    def add(self, result: SendResult) -> None:
        """Count *result* (and keep it when it is a problem)."""
        self.counts[result.status] += 1
        self.by_locale.setdefault(result.locale or "-", Counter())[result.status] += 1
        if result.status in ("rejected", "failed"):
            self.problems.append(result)

    @property
    def total(self) -> int:
        """How many events were handled."""
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        """True when every event was sent or skipped as already sent, and the run was not stopped."""
        return not self.interrupted and not self.counts["rejected"] and not self.counts["failed"]

    @property
    def elapsed(self) -> float:
        """Seconds from the start to the end (or to now, while running)."""
        return (self.finished if self.finished is not None else time.monotonic()) - self.started

    def summary(self) -> str:
        """One line: ``sent 120, skipped 3, rejected 2, failed 0 (125 in 4.1 s, 30/s)``."""
        parts = ", ".join(f"{s} {self.counts[s]}" for s in STATUSES)
        elapsed = self.elapsed
        rate = self.total / elapsed if elapsed > 0 else 0.0
        return f"{parts} ({self.total} in {elapsed:.1f} s, {rate:.0f}/s)"

    def table(self) -> str:
        """The final table: one row per locale plus a total row.

        Locales are as the events gave them, or as rendered; ``-`` collects
        lines whose locale could not be read (invalid JSON, not an object).

        >>> r = SendReport()
        >>> r.add(SendResult(key="a", status="sent", locale="sv-SE"))
        >>> print(r.table())
        locale  sent  skipped  rejected  failed
        sv-SE      1        0         0       0
        total      1        0         0       0
        """
        header = ("locale",) + STATUSES
        rows = [header]
        for locale in sorted(self.by_locale):
            counts = self.by_locale[locale]
            rows.append((locale,) + tuple(str(counts[s]) for s in STATUSES))
        rows.append(("total",) + tuple(str(self.counts[s]) for s in STATUSES))
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = []
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)
