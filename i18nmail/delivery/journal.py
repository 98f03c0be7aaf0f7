"""The delivery journal: one row per idempotency key, so nothing is sent twice.

A shop names every email with its own idempotency key (``"order-10432-cancelled"``).
Before sending, the :class:`~i18nmail.delivery.Outbox` *claims* the key (state
``pending``, one more attempt); after the server's answer it *records* the
outcome (``sent`` or ``failed``, with the server's last reply). A key already
``sent`` is never claimed again, so a rerun of the same batch sends nothing
twice.

Any store with the five methods of :class:`JournalBackend` will do (a Redis
journal shared by several Celery workers, for example); :class:`Journal` is the
SQLite one, safe across threads and across processes on one machine::

    >>> journal = Journal(":memory:")
    >>> claim = journal.claim("order-1-cancelled", message_id="<a@shop.example>")
    >>> claim.granted, claim.entry.state, claim.entry.attempts
    (True, 'pending', 1)
    >>> journal.record("order-1-cancelled", state="sent", reply="250 OK", attempts=1).state
    'sent'
    >>> journal.claim("order-1-cancelled", message_id="<a@shop.example>").granted
    False

The one window no journal can close: the server accepted a message and the
process died before ``record``. The key stays ``pending`` and a rerun sends it
again, with the same ``Message-ID`` (:func:`message_id_for`), so the receiver
can tell the two copies apart.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, Self, runtime_checkable

__all__ = [
    "JOURNAL_SCHEMES",
    "Claim",
    "Journal",
    "JournalBackend",
    "JournalEntry",
    "State",
    "check_key",
    "message_id_for",
    "open_journal",
]

State = Literal["pending", "sent", "failed"]
#: Longest idempotency key accepted (keys are stored, hashed into Message-IDs, logged).
MAX_KEY = 200
#: A key ``pending`` in another live sender is left alone for this long (seconds).
DEFAULT_LEASE = 600.0


def check_key(key: object) -> str:
    """Return *key* if it is a usable idempotency key, else raise.

    >>> check_key("order-10432-cancelled")
    'order-10432-cancelled'
    >>> check_key("")
    Traceback (most recent call last):
    ...
    ValueError: an idempotency key is a non-empty string of at most 200 printable characters, got ''
    """
    if not isinstance(key, str):
        raise TypeError(f"an idempotency key is a string, got {type(key).__name__}")
    if not key or len(key) > MAX_KEY or not key.isprintable() or key != key.strip():
        raise ValueError(
            f"an idempotency key is a non-empty string of at most {MAX_KEY} printable characters, "
            f"got {key[:100]!r}"
        )
    return key


def message_id_for(key: str, domain: str) -> str:
    """The ``Message-ID`` of the email sent under *key*: the same on every attempt and run.

    The key itself never appears (it may carry an order number); a SHA-256 digest does.
    The domain is IDNA-encoded so the header stays ASCII.

    >>> message_id_for("order-10432-cancelled", "shop.example")
    '<i18nmail.6a5e5df2afada314088b1c2d6ca2b249@shop.example>'
    >>> message_id_for("order-10432-cancelled", "bücher.example")
    '<i18nmail.6a5e5df2afada314088b1c2d6ca2b249@xn--bcher-kva.example>'
    """
    check_key(key)
    try:
        ascii_domain = domain.strip().encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"cannot use {domain[:100]!r} as a Message-ID domain") from None
    if not ascii_domain or any(c in ascii_domain for c in "<>@ \t\r\n"):
        raise ValueError(f"cannot use {domain[:100]!r} as a Message-ID domain")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<i18nmail.{digest}@{ascii_domain}>"


@dataclass(frozen=True)
class JournalEntry:
    """What the journal knows about one key.

    ``attempts`` counts delivery attempts over every run (a transport's retries
    included); ``reply`` is the server's last reply (or the reason a message was
    refused before sending); times are Unix seconds.
    """

    key: str
    state: State
    attempts: int
    reply: str
    message_id: str
    created: float
    updated: float
    sent: float | None = None


@dataclass(frozen=True)
class Claim:
    """The answer to :meth:`JournalBackend.claim`.

    ``granted`` is true when the caller may send now (the entry is then
    ``pending``); false when the key is already ``sent`` or is being sent by
    another live sender (``busy``).
    """

    entry: JournalEntry
    granted: bool
    busy: bool = False


@runtime_checkable
class JournalBackend(Protocol):
    """The five operations the :class:`~i18nmail.delivery.Outbox` needs from a journal.

    ``claim`` must be atomic: of two senders claiming one key at once, at most
    one is granted. A backend shared by several hosts uses a lease (a
    ``pending`` key whose sender stopped answering is granted again after it).
    """

    def get(self, key: str) -> JournalEntry | None:
        """The entry for *key*, or ``None`` if the journal has never seen it."""

    def claim(self, key: str, *, message_id: str) -> Claim:
        """Mark *key* ``pending`` with one more attempt, unless it is sent or busy."""

    def record(self, key: str, *, state: State, reply: str, attempts: int = 0) -> JournalEntry:
        """Store the outcome of a claimed send (``attempts`` beyond the claim's own one)."""

    def release(self, key: str) -> None:
        """Give up a claim without an outcome (the send was interrupted): stays ``pending``."""

    def close(self) -> None:
        """Release connections; the journal is not used afterwards."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    key        TEXT PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    reply      TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL,
    owner      TEXT NOT NULL DEFAULT '',
    created    REAL NOT NULL,
    updated    REAL NOT NULL,
    sent       REAL
)
"""
_COLUMNS = "key, state, attempts, reply, message_id, created, updated, sent"
_HOST = socket.gethostname()


def _entry(row: tuple[object, ...]) -> JournalEntry:
    key, state, attempts, reply, message_id, created, updated, sent = row
    return JournalEntry(
        key=str(key), state=state,  # type: ignore[arg-type]
        attempts=int(attempts), reply=str(reply), message_id=str(message_id),  # type: ignore[call-overload]
        created=float(created), updated=float(updated),  # type: ignore[arg-type]
        sent=None if sent is None else float(sent),  # type: ignore[arg-type]
    )


def _owner_alive(owner: str) -> bool:
    """Is the sender that wrote *owner* (``host:pid:token``) still running here?"""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return True  # another host: only the lease can tell
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Journal:
    """The SQLite journal (the default). ``path`` is a file, or ``":memory:"``.

    One row per key; every claim and outcome is committed before the call
    returns (WAL mode), so a killed process leaves a consistent file. A key
    ``pending`` under a process that has died is granted to the next sender at
    once; under a live one (another run on the same file) only after ``lease``
    seconds.
    """

    def __init__(self, path: str | os.PathLike[str], *, lease: float = DEFAULT_LEASE,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = str(path)
        self.lease = lease
        self._clock = clock
        self._owner = f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._inflight: set[str] = set()
        self._lock = threading.Lock()
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not parent.is_dir():
                raise FileNotFoundError(f"journal folder does not exist: {parent}")
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"{self.path}: not a usable journal ({exc})") from None

    def __repr__(self) -> str:
        return f"Journal({self.path!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, key: str) -> JournalEntry | None:
        """The entry for *key*, or ``None``."""
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM deliveries WHERE key = ?", (key,)).fetchone()
        return None if row is None else _entry(row)

    def claim(self, key: str, *, message_id: str) -> Claim:
        """Mark *key* ``pending`` (attempts + 1) unless it is ``sent`` or busy elsewhere."""
        check_key(key)
        now = self._clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    f"SELECT {_COLUMNS}, owner FROM deliveries WHERE key = ?", (key,)
                ).fetchone()
                if row is not None:
                    entry, owner = _entry(row[:-1]), str(row[-1])
                    if entry.state == "sent":
                        self._db.execute("COMMIT")
                        return Claim(entry, granted=False)
                    if entry.state == "pending" and self._busy(key, owner, entry.updated, now):
                        self._db.execute("COMMIT")
                        return Claim(entry, granted=False, busy=True)
                    self._db.execute(
                        "UPDATE deliveries SET state = 'pending', attempts = attempts + 1, "
                        "message_id = ?, owner = ?, updated = ? WHERE key = ?",
                        (message_id, self._owner, now, key),
                    )
                else:
                    self._db.execute(
                        "INSERT INTO deliveries (key, state, attempts, message_id, owner, created, updated) "
                        "VALUES (?, 'pending', 1, ?, ?, ?, ?)",
                        (key, message_id, self._owner, now, now),
                    )
                fresh = self._db.execute(f"SELECT {_COLUMNS} FROM deliveries WHERE key = ?", (key,)).fetchone()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._inflight.add(key)
        return Claim(_entry(fresh), granted=True)

    def _busy(self, key: str, owner: str, updated: float, now: float) -> bool:
        if owner == self._owner:
            return key in self._inflight
        return now - updated < self.lease and _owner_alive(owner)

    def record(self, key: str, *, state: State, reply: str, attempts: int = 0) -> JournalEntry:
        """Store the outcome for *key*; ``attempts`` adds retries beyond the claim's one.

        A key never claimed (refused before sending, e.g. a bad context) is
        recorded as ``failed`` with zero attempts.
        """
        if state not in ("pending", "sent", "failed"):
            raise ValueError(f"unknown journal state {state!r}")
        now = self._clock()
        sent_at = now if state == "sent" else None
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                updated = self._db.execute(
                    "UPDATE deliveries SET state = ?, reply = ?, attempts = attempts + ?, updated = ?, "
                    "sent = COALESCE(?, sent) WHERE key = ? AND state != 'sent'",
                    (state, reply[:1000], max(0, attempts), now, sent_at, key),
                ).rowcount
                if not updated and self._db.execute(
                    "SELECT 1 FROM deliveries WHERE key = ?", (key,)
                ).fetchone() is None:
                    self._db.execute(
                        "INSERT INTO deliveries (key, state, attempts, reply, message_id, created, updated, sent) "
                        "VALUES (?, ?, ?, ?, '', ?, ?, ?)",
                        (key, state, max(0, attempts), reply[:1000], now, now, sent_at),
                    )
                row = self._db.execute(f"SELECT {_COLUMNS} FROM deliveries WHERE key = ?", (key,)).fetchone()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._inflight.discard(key)
        return _entry(row)

    def release(self, key: str) -> None:
        """Forget an in-flight claim; the entry stays ``pending`` for the next sender."""
        with self._lock:
            self._inflight.discard(key)

    def entries(self, state: State | None = None) -> Iterator[JournalEntry]:
        """Every entry (or those in *state*), oldest first."""
        query = f"SELECT {_COLUMNS} FROM deliveries"
        params: tuple[str, ...] = ()
        if state is not None:
            query, params = query + " WHERE state = ?", (state,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY created, key", params).fetchall()
        return iter([_entry(r) for r in rows])

    def counts(self) -> dict[str, int]:
        """How many keys are in each state."""
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM deliveries GROUP BY state").fetchall()
        return {str(state): int(n) for state, n in rows}

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()


def _redis_journal(url: str) -> JournalBackend:
    """``redis://`` and ``rediss://``: the journal shared by workers on several machines."""
    from .redis_journal import RedisJournal  # needs redis-py (the celery extra)

    return RedisJournal(url)


#: URL scheme -> journal factory. ``open_journal`` consults it; other backends
#: add themselves here.
JOURNAL_SCHEMES: dict[str, Callable[[str], JournalBackend]] = {
    "sqlite": lambda url: Journal(url.split("://", 1)[1] or ":memory:"),
    "redis": _redis_journal,
    "rediss": _redis_journal,
}


def open_journal(target: str | os.PathLike[str] | JournalBackend) -> JournalBackend:
    """A journal from a path (SQLite), a ``scheme://`` URL in :data:`JOURNAL_SCHEMES`, or as is.

    >>> open_journal(":memory:")
    Journal(':memory:')
    >>> open_journal("mongo://x")
    Traceback (most recent call last):
    ...
    ValueError: unknown journal scheme 'mongo' (known: redis, rediss, sqlite)
    """
    if isinstance(target, JournalBackend):
        return target
    text = os.fspath(target)
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        factory = JOURNAL_SCHEMES.get(scheme)
        if factory is None:
            raise ValueError(f"unknown journal scheme {scheme!r} (known: {', '.join(sorted(JOURNAL_SCHEMES))})")
        return factory(text)
    return Journal(text)
