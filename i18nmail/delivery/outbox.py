"""The outbox: render, claim the key in the journal, send, record. Once per key.

::

    from i18nmail import Mailer
    from i18nmail.delivery import Journal, Outbox, SMTPTransport

    outbox = Outbox(Mailer(), SMTPTransport("smtp://mail.example:587?starttls=1"),
                    Journal("outbox.sqlite"))
    result = outbox.send("order-10432-cancelled", "order_cancelled_out_of_stock",
                         locale="sv-SE", context={...}, to="Emma Lind <emma@example.se>")
    result.status          # "sent", "skipped", "rejected" or "failed"

The order of steps is what makes a rerun safe:

1. a key the journal has as ``sent`` is skipped before any work;
2. the email is rendered and built (``rejected`` if that fails: nothing is
   sent, the journal records why);
3. the key is claimed (``pending``, one more attempt): atomic, so two senders
   never both send it;
4. the transport sends, retrying transient failures;
5. the outcome (``sent`` or ``failed`` with the server's reply) is recorded.

Only a crash between the server's "250" in step 4 and step 5 can send a key
twice; both copies carry the same ``Message-ID`` (derived from the key).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.policy import SMTP
from typing import Any, Self

from ..exceptions import I18nMailError, safe_repr
from ..message import AddressLike, make_address
from ..render import Mailer
from .events import parse_event
from .journal import JournalBackend, check_key, message_id_for, open_journal
from .results import Event, SendReport, SendResult
from .transport import Delivery, Transport

__all__ = ["Outbox", "Prepared", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """A rendered, serialised email ready for the transport (picklable, crosses processes)."""

    key: str
    message: bytes
    message_id: str
    sender: str
    recipient: str
    locale: str
    line: int | None = None


def _as_event(item: Event | Mapping[str, Any]) -> Event:
    if isinstance(item, Event):
        return item
    if isinstance(item, Mapping):
        data = dict(item)
        line = data.pop("line", None)
        return parse_event(data, line=line if isinstance(line, int) else None)
    raise TypeError(f"an event is an Event or a mapping, got {type(item).__name__}")


def prepare(mailer: Mailer, event: Event, *, sender: Address, now: datetime | None = None) -> Prepared | SendResult:
    """Render and serialise *event*; a :class:`SendResult` ``rejected`` if it cannot be built.

    Runs in the calling process or in a render worker; touches no journal and
    no network.
    """
    try:
        key = check_key(event.key)
    except (TypeError, ValueError) as exc:
        return SendResult(key=str(event.key)[:200], status="rejected", error=str(exc), line=event.line)
    try:
        recipient = make_address(event.to)
        if not isinstance(event.context, Mapping):
            raise TypeError("context must be a JSON object (a mapping of field names to values)")
        email = mailer.render(event.scenario, locale=event.locale, context=event.context, now=now)
        message_id = message_id_for(key, sender.domain)
        msg = email.to_message(sender=sender, recipient=recipient, message_id=message_id)
        data = msg.as_bytes(policy=SMTP)
        recipient_spec = f"{recipient.username}@{recipient.domain.encode('idna').decode('ascii')}"
        recipient_spec.encode("ascii")
    except UnicodeError:
        return SendResult(key=key, status="rejected", locale=str(event.locale)[:40], line=event.line,
                          error=f"cannot send to {safe_repr(event.to, 80)}: the address is not ASCII "
                                "(SMTPUTF8 is not supported; give the domain in its xn-- form)")
    except (I18nMailError, ValueError, TypeError, LookupError) as exc:
        # UnicodeEncodeError is a ValueError: an address or header the wire cannot carry.
        return SendResult(key=key, status="rejected", error=str(exc) or type(exc).__name__,
                          locale=str(event.locale)[:40], line=event.line)
    return Prepared(key=key, message=data, message_id=message_id, sender=sender.addr_spec,
                    recipient=recipient_spec, locale=email.locale, line=event.line)


class Outbox:
    """Send rendered emails through *transport*, once per idempotency key, recorded in *journal*.

    ``mailer`` renders; ``transport`` is an :class:`~i18nmail.delivery.SMTPTransport`
    (or anything with its ``send``); ``journal`` a :class:`~i18nmail.delivery.Journal`,
    another :class:`~i18nmail.delivery.JournalBackend`, or a path / URL for
    :func:`~i18nmail.delivery.open_journal`. ``sender`` defaults to the shop's
    name and support address. ``mailer_factory`` builds the Mailer inside each
    render worker of :meth:`send_many` (by default, one like *mailer*).
    """

    def __init__(
        self,
        mailer: Mailer,
        transport: Transport,
        journal: JournalBackend | str,
        *,
        sender: AddressLike | None = None,
        mailer_factory: Callable[[], Mailer] | None = None,
    ) -> None:
        self.mailer = mailer
        self.transport = transport
        self.journal = open_journal(journal)
        shop = mailer.shop
        self.sender = make_address(sender if sender is not None else (shop.sender_name or shop.name, shop.support_email))
        self.mailer_factory = mailer_factory

    def __repr__(self) -> str:
        return f"Outbox({self.transport!r}, {self.journal!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the transport's connections and the journal."""
        try:
            self.transport.close()
        finally:
            self.journal.close()

    # -- one email -----------------------------------------------------------

    def send(
        self,
        key: str,
        scenario: str,
        *,
        locale: str,
        context: Mapping[str, Any],
        to: AddressLike,
        now: datetime | None = None,
    ) -> SendResult:
        """Render *scenario* for *to* and send it, unless *key* was already sent."""
        event = Event(key=key, scenario=scenario, locale=locale, context=context, to=to)
        skipped = self._skip(event)
        if skipped is not None:
            return skipped
        prepared = prepare(self.mailer, event, sender=self.sender, now=now)
        return self.deliver(prepared)

    def _skip(self, event: Event) -> SendResult | None:
        if not isinstance(event.key, str):
            return None  # prepare() rejects it with the reason
        entry = self.journal.get(event.key)
        if entry is not None and entry.state == "sent":
            return SendResult(key=event.key, status="skipped", message_id=entry.message_id,
                              locale=str(event.locale)[:40], line=event.line, reply=entry.reply)
        return None

    def deliver(self, prepared: Prepared | SendResult) -> SendResult:
        """Claim, send and record one prepared email (a rejected one is only recorded)."""
        if isinstance(prepared, SendResult):
            if prepared.status == "rejected" and prepared.key:
                try:
                    check_key(prepared.key)
                except (TypeError, ValueError):
                    return prepared
                entry = self.journal.get(prepared.key)
                if entry is None or entry.state != "sent":
                    self.journal.record(prepared.key, state="failed", reply=f"rejected: {prepared.error}"[:1000])
            return prepared
        claim = self.journal.claim(prepared.key, message_id=prepared.message_id)
        if not claim.granted:
            why = "being sent by another sender" if claim.busy else None
            return SendResult(key=prepared.key, status="skipped", message_id=claim.entry.message_id,
                              locale=prepared.locale, line=prepared.line, error=why, reply=claim.entry.reply)
        try:
            delivery: Delivery = self.transport.send(prepared.message, sender=prepared.sender,
                                                     recipients=[prepared.recipient])
        except BaseException:
            self.journal.release(prepared.key)
            raise
        refused = dict(delivery.refused)
        if delivery.status == "sent" and prepared.recipient not in refused:
            self.journal.record(prepared.key, state="sent", reply=delivery.reply, attempts=delivery.attempts - 1)
            return SendResult(key=prepared.key, status="sent", message_id=prepared.message_id,
                              attempts=delivery.attempts, reply=delivery.reply, locale=prepared.locale,
                              line=prepared.line)
        reply = delivery.reply
        if refused and not reply:
            reply = "; ".join(f"{r}: {t}" for r, t in refused.items())
        self.journal.record(prepared.key, state="failed", reply=reply, attempts=delivery.attempts - 1)
        kind = "temporary failure, retries exhausted" if delivery.transient else "refused"
        return SendResult(key=prepared.key, status="failed", message_id=prepared.message_id,
                          attempts=delivery.attempts, error=f"{kind}: {reply}", reply=reply,
                          refused=refused, locale=prepared.locale, line=prepared.line)

    # -- many emails ---------------------------------------------------------

    def send_many(
        self,
        events: Iterable[Event | Mapping[str, Any] | SendResult],
        *,
        workers: int = 1,
        progress: bool | Callable[[SendReport], None] = False,
        stop: threading.Event | None = None,
        on_result: Callable[[SendResult], None] | None = None,
        total: int | None = None,
    ) -> SendReport:
        """Send every event; never stops at a bad one. Returns the batch's :class:`SendReport`.

        ``workers`` > 1 renders in that many processes, each building its
        Mailer once; sending stays in this process (as many threads as the
        transport's pool). ``progress=True`` draws a bar on a terminal and
        prints a summary line every few seconds otherwise; a callable is
        called with the report after each email. Setting ``stop`` ends the run
        cleanly: emails in flight finish and are recorded, no new one starts,
        and the report says ``interrupted``. A :class:`SendResult` among the
        events (a line the caller already rejected) is counted as it is.
        """
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        from .progress import make_reporter
        from .workers import prepared_stream

        if total is None and isinstance(events, Sized):
            total = len(events)
        report = SendReport()
        lock = threading.Lock()
        stop = stop or threading.Event()
        reporter = make_reporter(progress, total=total)

        def finish(result: SendResult) -> None:
            with lock:
                report.add(result)
                if on_result is not None:
                    on_result(result)
                reporter(report)

        halt = threading.Event()  # set by stop, or by an unexpected error in a sender thread

        def to_send() -> Iterator[Event | SendResult]:
            for item in events:
                if stop.is_set() or halt.is_set():
                    return
                if isinstance(item, SendResult):
                    yield item
                    continue
                try:
                    event = _as_event(item)
                except (TypeError, ValueError) as exc:
                    yield SendResult(key="", status="rejected", error=str(exc))
                    continue
                skipped = self._skip(event)
                yield skipped if skipped is not None else event

        threads = max(1, int(getattr(self.transport, "pool_size", 1)))
        in_flight = threading.BoundedSemaphore(threads * 2)
        errors: list[BaseException] = []
        try:
            with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="i18nmail-send") as pool:

                def run(item: Prepared | SendResult) -> None:
                    try:
                        if stop.is_set() or halt.is_set():
                            return  # queued, never claimed: the next run sends it
                        finish(self.deliver(item))
                    except Exception as exc:  # noqa: BLE001 - a journal or transport bug: stop, re-raise below
                        errors.append(exc)
                        halt.set()
                    finally:
                        in_flight.release()

                stream = prepared_stream(self, to_send(), workers=workers, stop=halt)
                try:
                    with closing(stream):
                        for item in stream:
                            if stop.is_set() or halt.is_set():
                                halt.set()
                                break
                            if isinstance(item, SendResult) and item.status != "rejected":
                                finish(item)
                                continue
                            in_flight.acquire()
                            pool.submit(run, item)
                except BrokenProcessPool:
                    # A Ctrl+C that reached a render worker before it started ignoring it:
                    # nothing it held was claimed, so stopping here leaves the journal consistent.
                    if not stop.is_set():
                        raise
                    halt.set()
        finally:
            report.interrupted = stop.is_set() or halt.is_set()
            report.finished = report.started + report.elapsed
            reporter(report, final=True)
        if errors:
            raise errors[0]
        return report
