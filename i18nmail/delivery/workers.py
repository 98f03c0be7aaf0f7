"""Parallel rendering: worker processes, each building its Mailer once.

Rendering and MIME building are CPU work under the GIL, so threads do not
help; processes do. Each worker builds one :class:`~i18nmail.Mailer` when it
starts (templates compiled, catalogs read, once) and then renders chunks of
events into serialised messages. Journal and network stay in the parent.
Workers are started with ``spawn``: the parent already runs sender threads,
and forking a threaded process is unsafe.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import RefundPolicy, Shop
from ..render import Mailer, builtin_catalogs, builtin_templates
from .results import Event, SendResult

if TYPE_CHECKING:
    from .outbox import Outbox, Prepared

__all__ = ["MailerRecipe", "prepared_stream"]

#: Events per task sent to a worker (large enough to amortise pickling).
CHUNK = 64

_worker_mailer: Mailer | None = None
_worker_sender: Address | None = None


@dataclass(frozen=True)
class MailerRecipe:
    """How to build a Mailer like a given one, in another process (picklable)."""

    shop: dict[str, Any]
    templates: tuple[Path, ...]
    catalogs: tuple[Path, ...]
    inline_css: bool
    pseudo: bool
    strict: bool

    @classmethod
    def of(cls, mailer: Mailer) -> MailerRecipe:
        """The recipe of *mailer*: its shop, its own template and catalog layers, its modes."""
        return cls(shop=_shop_fields(mailer.shop),
                   templates=tuple(r for r in mailer.template_roots if r != builtin_templates()),
                   catalogs=tuple(r for r in mailer.catalog_roots if r != builtin_catalogs()),
                   inline_css=getattr(mailer, "_inliner", True) is not None, pseudo=mailer.pseudo,
                   strict=bool(getattr(mailer, "strict", False)))

    def __call__(self) -> Mailer:
        return Mailer(_rebuild_shop(self.shop), templates=list(self.templates) or None,
                      catalogs=list(self.catalogs) or None, inline_css=self.inline_css,
                      pseudo=self.pseudo, strict=self.strict)


def _plain(value: Any) -> Any:
    """Mappings (Shop keeps read-only mappingproxy tables) as dicts, which pickle."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _shop_fields(shop: Shop) -> dict[str, Any]:
    """A Shop as plain, picklable values."""
    values = {f.name: _plain(getattr(shop, f.name)) for f in dataclasses.fields(shop)}
    values["refund_policy"] = dict(shop.refund_policy.methods)
    return values


def _rebuild_shop(values: dict[str, Any]) -> Shop:
    fields = dict(values)
    fields["refund_policy"] = RefundPolicy(methods=fields["refund_policy"])
    return Shop(**fields)


def _init_worker(factory: Callable[[], Mailer], sender: Address) -> None:
    global _worker_mailer, _worker_sender
    # Ctrl+C reaches the whole process group: the parent stops the run cleanly
    # and shuts the workers down; a worker dying mid-chunk would only break the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_mailer = factory()
    _worker_sender = sender


def _render_chunk(events: Sequence[Event]) -> list[Prepared | SendResult]:
    from .outbox import prepare

    assert _worker_mailer is not None and _worker_sender is not None, "worker not initialised"
    return [prepare(_worker_mailer, event, sender=_worker_sender) for event in events]


def _chunks(items: Iterable[Event | SendResult], size: int) -> Iterator[list[Event | SendResult]]:
    chunk: list[Event | SendResult] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def prepared_stream(outbox: Outbox, items: Iterable[Event | SendResult], *, workers: int,
                    stop: threading.Event) -> Generator[Prepared | SendResult, None, None]:
    """Render *items* (events, or results passed through) in order; in *workers* processes when > 1."""
    from .outbox import prepare

    if workers == 1:
        for item in items:
            if stop.is_set():
                return
            yield item if isinstance(item, SendResult) else prepare(outbox.mailer, item, sender=outbox.sender)
        return
    factory = outbox.mailer_factory or MailerRecipe.of(outbox.mailer)
    context = multiprocessing.get_context("spawn")
    pending: deque[tuple[list[Event | SendResult], Future[list[Prepared | SendResult]] | None]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(factory, outbox.sender)) as pool:
        try:
            source = _chunks(items, CHUNK)
            exhausted = False
            while True:
                while not exhausted and len(pending) < workers * 3 and not stop.is_set():
                    chunk = next(source, None)
                    if chunk is None:
                        exhausted = True
                        break
                    events = [e for e in chunk if isinstance(e, Event)]
                    pending.append((chunk, pool.submit(_render_chunk, events) if events else None))
                if not pending or stop.is_set():
                    return
                chunk, future = pending.popleft()
                rendered = iter(future.result() if future is not None else [])
                for item in chunk:
                    yield item if isinstance(item, SendResult) else next(rendered)
        finally:
            for _, future in pending:
                if future is not None:
                    future.cancel()
