"""i18nmail on Celery: the task ``i18nmail.send_email`` on a shop's own Celery app.

::

    from celery import Celery
    import i18nmail.celery

    app = Celery("shop", broker="redis://127.0.0.1:6379/0")
    send_email = i18nmail.celery.register(app, smtp="smtp://mail.internal:587?starttls=1",
                                          journal="redis://127.0.0.1:6379/1")

    send_email.delay("order-10432-cancelled", "order_cancelled_out_of_stock", "sv-SE",
                     {"customer_name": "Anna", "order_number": "10432", ...}, "Anna <anna@example.se>")

Each task renders and sends one email through the delivery
:class:`~i18nmail.delivery.Outbox`, under the caller's idempotency key, with a
journal shared by every worker (Redis, or a SQLite path for one machine).
What that buys:

- **once per key**: a key the journal has as sent is skipped, by any worker
  on any machine; a message redelivered by the broker, a task sent twice by
  the shop, a retry after a worker died: one email;
- **nothing lost**: the task is ``acks_late`` and rejected back to the queue
  when its worker process dies (``reject_on_worker_lost``), so a killed
  worker's tasks run again elsewhere; a key another live worker is sending
  right now is retried later, not dropped;
- **transient failures retried, permanent ones not**: a 4xx reply, a dropped
  connection or a timeout is retried by Celery with exponential backoff
  (``retry_backoff`` x 2^n seconds, jittered, capped at ``retry_backoff_max``,
  at most ``max_retries`` times); a 5xx refusal or an email that cannot be
  built (unknown scenario, bad context or address) is recorded in the journal
  as failed and the task fails with :class:`SendFailed`, no retry;
- **warm workers**: each worker process builds its mailer, transport and
  journal connection and renders every scenario once when it starts
  (``worker_process_init``), not during the first customer's task.

The broker's visibility timeout: with Redis (or SQS) as the broker, a task
taken by a worker that then dies comes back only after the broker's
visibility timeout, one hour by default. ``register`` sets it to
``visibility_timeout`` (600 s) unless the app already sets one. It must stay
longer than the longest task (SMTP timeouts x attempts) and than the longest
retry countdown (``retry_backoff_max``), or Redis hands a waiting task to a
second worker (the journal then keeps that from sending twice). Redis
restores such tasks under a lock; a worker killed while holding it would
block every restore for 5 minutes, so ``register`` also sets kombu's
``unacked_mutex_expire`` to 60 s unless the app sets it.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    from celery import Celery, Task
    from celery.signals import worker_process_init
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("i18nmail.celery needs Celery: pip install 'i18nmail[celery]'") from exc

from .config import Shop
from .delivery import (
    Delivery,
    JournalBackend,
    Outbox,
    SendResult,
    SMTPTransport,
    Transport,
    open_journal,
)
from .exceptions import I18nMailError
from .message import AddressLike
from .render import Mailer

__all__ = ["TASK_NAME", "SendFailed", "register"]

log = logging.getLogger("i18nmail.celery")

TASK_NAME = "i18nmail.send_email"
#: The visibility timeout ``register`` sets on a Redis/SQS broker that has none (seconds).
DEFAULT_VISIBILITY_TIMEOUT = 600
#: How long a Redis broker's "restore unacknowledged tasks" lock outlives a worker killed
#: while holding it (kombu's ``unacked_mutex_expire``; its default is 300 s).
DEFAULT_RESTORE_LOCK = 60

MailerSource = Mailer | Callable[[], Mailer] | None


class SendFailed(I18nMailError):
    """The email was not sent and will not be retried; ``.result`` says why.

    Raised for a permanent refusal (5xx), for an email that cannot be built,
    and when transient failures outlast the retries. The journal holds the
    same outcome under the key.
    """

    def __init__(self, result: SendResult) -> None:
        self.result = result
        super().__init__(f"{result.key}: {result.status}: {result.error or result.reply or ''}".strip())

    def __reduce__(self) -> tuple[Any, ...]:  # picklable for result backends
        return (SendFailed, (self.result,))


class _Remember:
    """Wraps a transport and keeps the last :class:`Delivery` of each thread."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.pool_size = getattr(transport, "pool_size", 1)
        self._local = threading.local()

    def send(self, message: bytes, *, sender: str, recipients: Sequence[str]) -> Delivery:
        delivery = self.transport.send(message, sender=sender, recipients=recipients)
        self._local.last = delivery
        return delivery

    def last(self) -> Delivery | None:
        found: Delivery | None = getattr(self._local, "last", None)
        self._local.last = None
        return found

    def close(self) -> None:
        self.transport.close()


@dataclass
class _Process:
    """What one worker process builds once: mailer, outbox, transport, journal."""

    pid: int
    outbox: Outbox
    transport: _Remember


def default_mailer() -> Mailer:
    """The mailer a worker builds when ``register`` gets none.

    From Django's ``settings.I18NMAIL`` when Django is configured (see
    :mod:`i18nmail.django`), else from ``[tool.i18nmail.shop]`` of the
    ``pyproject.toml`` in the working folder, else the default :class:`Shop`.
    """
    try:
        from django.conf import settings

        if (settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE")) and hasattr(settings, "I18NMAIL"):
            from .django import get_mailer

            return get_mailer()
    except ImportError:
        pass
    pyproject = Path("pyproject.toml")
    if pyproject.is_file():
        return Mailer(Shop.from_pyproject(pyproject))
    return Mailer()


def _address(value: Any) -> AddressLike:
    """JSON turns ``(name, addr)`` into a list; events may use ``{"name", "email"}``."""
    if isinstance(value, list) and len(value) == 2:
        return (value[0], value[1])
    if isinstance(value, Mapping) and "email" in value:
        return (str(value.get("name") or ""), str(value["email"]))
    if isinstance(value, str | tuple):
        return value
    raise TypeError("to is 'Name <addr>', [name, addr] or {'name': ..., 'email': ...}")


def register(
    app: Celery,
    *,
    smtp: str | Transport,
    journal: str | JournalBackend,
    mailer: MailerSource = None,
    sender: AddressLike | None = None,
    name: str = TASK_NAME,
    max_retries: int = 8,
    retry_backoff: float = 15.0,
    retry_backoff_max: float = 300.0,
    smtp_retries: int = 1,
    visibility_timeout: float | None = DEFAULT_VISIBILITY_TIMEOUT,
    warm: bool = True,
) -> Task:
    """Register the task ``i18nmail.send_email(key, scenario, locale, context, to)`` on *app*.

    ``smtp``: an ``smtp://`` / ``smtps://`` URL (or a transport object);
    ``journal``: ``redis://host:port/db`` (shared by every worker), a SQLite
    path (one machine), or a journal object; ``mailer``: a :class:`Mailer`, a
    function building one, or ``None`` for :func:`default_mailer`;
    ``sender``: the From address (default: the shop's). ``smtp_retries`` is
    how often the transport itself retries a transient failure at once before
    the task is retried by Celery with backoff. Returns the task.
    """
    if not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError("max_retries must be a non-negative integer")
    if retry_backoff <= 0 or retry_backoff_max < retry_backoff:
        raise ValueError("need 0 < retry_backoff <= retry_backoff_max")
    if isinstance(smtp, str):
        SMTPTransport(smtp)  # a bad URL fails here, in the shop's code, not in every task
    if visibility_timeout is not None:
        options = dict(app.conf.broker_transport_options or {})
        options.setdefault("visibility_timeout", visibility_timeout)
        # A Redis broker restores a dead worker's tasks under a lock that a worker killed while
        # holding it keeps for unacked_mutex_expire (5 minutes by default): one minute suffices.
        options.setdefault("unacked_mutex_expire", DEFAULT_RESTORE_LOCK)
        app.conf.broker_transport_options = options
    state: dict[str, _Process] = {}
    lock = threading.Lock()

    def build() -> _Process:
        built = mailer() if callable(mailer) and not isinstance(mailer, Mailer) else mailer
        the_mailer = built if built is not None else default_mailer()
        transport = _Remember(SMTPTransport(smtp, retries=smtp_retries) if isinstance(smtp, str) else smtp)
        outbox = Outbox(the_mailer, transport, open_journal(journal), sender=sender)
        return _Process(os.getpid(), outbox, transport)

    def current() -> _Process:
        with lock:
            found = state.get("process")
            if found is None or found.pid != os.getpid():  # never reuse sockets across a fork
                found = state["process"] = build()
            return found

    def warm_up(**_: Any) -> None:
        started = time.perf_counter()
        process = current()
        if warm:
            _warm(process.outbox.mailer)
        log.info("i18nmail: worker process warm in %.2f s (pid %d)", time.perf_counter() - started, os.getpid())

    worker_process_init.connect(warm_up, weak=False)

    def backoff(retries: int) -> float:
        full = min(retry_backoff_max, retry_backoff * 2 ** retries)
        return float(full / 2 + random.uniform(0, full / 2))

    # shared=False: the task belongs to *app* only, not to every Celery app the process creates.
    @app.task(name=name, bind=True, acks_late=True, reject_on_worker_lost=True,  # type: ignore[untyped-decorator]
              max_retries=max_retries, shared=False)
    def send_email(self: Task, key: str, scenario: str, locale: str, context: Mapping[str, Any],
                   to: Any) -> dict[str, Any]:
        """Render *scenario* in *locale* and send it to *to*, once per *key*."""
        process = current()
        try:
            recipient = _address(to)
        except TypeError as exc:
            result = SendResult(key=str(key)[:200], status="rejected", error=str(exc))
            raise SendFailed(process.outbox.deliver(result)) from None
        process.transport.last()
        result = process.outbox.send(key, scenario, locale=locale, context=context, to=recipient)
        if result.status == "sent":
            return result.as_dict()
        if result.status == "skipped":
            if result.error:  # another live sender holds the key: look again later
                raise self.retry(countdown=backoff(self.request.retries))
            return result.as_dict()
        if result.status == "failed":
            delivery = process.transport.last()
            if delivery is not None and delivery.transient:
                countdown = backoff(self.request.retries)
                log.warning("%s: temporary failure (%s), retry %d in %.0f s", key, result.reply,
                            self.request.retries + 1, countdown)
                raise self.retry(countdown=countdown, exc=SendFailed(result))
        log.error("%s: %s: %s", key, result.status, result.error)
        raise SendFailed(result)

    return send_email


def _warm(mailer: Mailer) -> None:
    """Compile every template and load every catalog before the first task;
    in the shop's default locale, compile every scenario for it too (its
    second render), so no customer's email waits for that."""
    from .formatting import utc_now

    now = utc_now()
    scenarios = mailer.scenarios()
    for scenario in scenarios:
        sample = scenario.sample("en", now=now)
        for _ in range(2):
            _render_quietly(mailer, scenario.id, mailer.shop.default_locale, sample, now)
    first = scenarios[0]
    for tag in mailer.locales():
        match = mailer.negotiate(tag)
        sample = first.sample(match.catalogs[0] if match.catalogs else "en", now=now)
        _render_quietly(mailer, first.id, tag, sample, now)


def _render_quietly(mailer: Mailer, scenario: str, locale: str, context: Mapping[str, Any], now: Any) -> None:
    try:
        mailer.render(scenario, locale=locale, context=context, now=now)
    except I18nMailError as exc:  # the task reports it properly; warming must not stop the worker
        log.warning("warm-up: %s in %s: %s", scenario, locale, exc)
