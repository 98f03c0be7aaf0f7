"""A delivery journal in Redis, shared by every worker on every machine.

Same contract as the SQLite :class:`~i18nmail.delivery.Journal` (the
:class:`~i18nmail.delivery.JournalBackend` protocol): one entry per
idempotency key, a key ``sent`` is never claimed again, and of two workers
claiming one key at once at most one is granted. Each operation is one Lua
script, so it is atomic on the Redis server; times come from the server's
clock, so hosts with skewed clocks agree on leases.

::

    from i18nmail.delivery.redis_journal import RedisJournal
    journal = RedisJournal("redis://127.0.0.1:6379/1")
    # or open_journal("redis://127.0.0.1:6379/1"), i18nmail send --journal redis://...

A key ``pending`` under another worker is left alone while that worker may
still be sending it: on the same host, until its process has exited (a
worker killed with SIGKILL frees its keys at once); on another host, for
``lease`` seconds after its claim. Each entry is a Redis hash
``<prefix>:<key>`` that expires ``ttl`` seconds after its last change
(90 days by default: longer than any retry or replay of an event). Put the
journal in a Redis database with persistence (AOF or RDB), and apart from
the broker's when the broker is flushed or replaced.

URL parameters (removed before the URL reaches redis-py): ``prefix``,
``lease`` and ``ttl``, e.g. ``redis://host:6379/1?prefix=shop:mail&lease=300``.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

try:
    import redis
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("the Redis journal needs redis-py: pip install 'i18nmail[celery]'") from exc

from .journal import DEFAULT_LEASE, Claim, JournalEntry, State, check_key

__all__ = ["DEFAULT_TTL", "RedisJournal"]

#: Seconds an entry is kept after its last change.
DEFAULT_TTL = 90 * 24 * 3600
_HOST = socket.gethostname()
_FIELDS = ("state", "attempts", "reply", "message_id", "created", "updated", "sent", "owner")

# Server time in seconds, as a string (Lua numbers lose precision in tostring()).
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS[1] entry; ARGV: message_id, owner, ttl, lease, expected_owner ('' = any).
# Returns {verdict, fields...}: verdict 'granted', 'sent' or 'busy'.
_CLAIM = _NOW + """
local e = redis.call('HMGET', KEYS[1], 'state', 'owner', 'updated')
local state, owner, updated = e[1], e[2], tonumber(e[3])
local verdict = 'granted'
if state == 'sent' then
  verdict = 'sent'
elseif state == 'pending' and owner and owner ~= '' and owner ~= ARGV[2] then
  if ARGV[5] ~= owner and now - updated < tonumber(ARGV[4]) then verdict = 'busy' end
end
if verdict == 'granted' then
  if not state then
    redis.call('HSET', KEYS[1], 'created', string.format('%.6f', now), 'attempts', 0, 'reply', '')
  end
  redis.call('HSET', KEYS[1], 'state', 'pending', 'message_id', ARGV[1], 'owner', ARGV[2],
             'updated', string.format('%.6f', now))
  redis.call('HINCRBY', KEYS[1], 'attempts', 1)
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
end
local f = redis.call('HMGET', KEYS[1], 'state', 'attempts', 'reply', 'message_id', 'created', 'updated',
                     'sent', 'owner')
table.insert(f, 1, verdict)
return f
"""

# KEYS[1] entry; ARGV: state, reply, extra attempts, ttl. A 'sent' entry is never changed.
_RECORD = _NOW + """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'sent' then
  local stamp = string.format('%.6f', now)
  if not state then
    redis.call('HSET', KEYS[1], 'created', stamp, 'attempts', 0, 'message_id', '')
  end
  redis.call('HSET', KEYS[1], 'state', ARGV[1], 'reply', ARGV[2], 'updated', stamp, 'owner', '')
  redis.call('HINCRBY', KEYS[1], 'attempts', tonumber(ARGV[3]))
  if ARGV[1] == 'sent' then redis.call('HSET', KEYS[1], 'sent', stamp) end
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
end
return redis.call('HMGET', KEYS[1], 'state', 'attempts', 'reply', 'message_id', 'created', 'updated',
                  'sent', 'owner')
"""

# KEYS[1] entry; ARGV: owner. Frees a pending claim of this owner for anyone.
_RELEASE = """
if redis.call('HGET', KEYS[1], 'state') == 'pending' and redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'owner', '')
end
return 1
"""


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _owner_gone(owner: str) -> bool:
    """Has the process that wrote *owner* (``host:pid:token``) exited? Only knowable on this host."""
    head, _, _token = owner.rpartition(":")
    host, _, pid = head.rpartition(":")
    if host != _HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed process nobody has reaped yet (no init in a container) is a zombie: gone too
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


class RedisJournal:
    """The delivery journal in Redis (see the module docstring)."""

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str | None = None,
        lease: float | None = None,
        ttl: int | None = None,
        client: redis.Redis | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"a Redis journal URL starts with redis://, rediss:// or unix://, got {url[:60]!r}")
        own = {"prefix", "lease", "ttl"}
        query = parse_qsl(parts.query, keep_blank_values=True)
        params = {k: v for k, v in query if k in own}
        rest = [(k, v) for k, v in query if k not in own]
        try:
            self.lease = float(lease if lease is not None else params.get("lease", DEFAULT_LEASE))
            self.ttl = int(ttl if ttl is not None else params.get("ttl", DEFAULT_TTL))
        except ValueError as exc:
            raise ValueError(f"Redis journal URL: {exc}") from None
        self.prefix = prefix if prefix is not None else params.get("prefix", "i18nmail:journal")
        if not self.prefix or any(c.isspace() for c in self.prefix):
            raise ValueError(f"Redis journal prefix must be non-empty without spaces, got {self.prefix!r}")
        if self.lease <= 0 or self.ttl <= 0:
            raise ValueError("Redis journal: lease and ttl must be positive")
        self.url = urlunsplit(parts._replace(query=urlencode(rest)))
        self._client = client if client is not None else redis.Redis.from_url(self.url)
        self._claim = self._client.register_script(_CLAIM)
        self._record = self._client.register_script(_RECORD)
        self._release = self._client.register_script(_RELEASE)
        self._owner = f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._inflight: set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        shown = urlsplit(self.url)
        if shown.password:
            shown = shown._replace(netloc=shown.netloc.replace(f":{shown.password}@", ":***@"))
        return f"RedisJournal({urlunsplit(shown)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def _entry(self, key: str, values: list[Any]) -> JournalEntry:
        state, attempts, reply, message_id, created, updated, sent = (
            None if v is None else _text(v) for v in values[:7])
        return JournalEntry(
            key=key, state=state,  # type: ignore[arg-type]
            attempts=int(attempts or 0), reply=reply or "", message_id=message_id or "",
            created=float(created or 0), updated=float(updated or 0),
            sent=float(sent) if sent else None,
        )

    def get(self, key: str) -> JournalEntry | None:
        """The entry for *key*, or ``None`` if the journal has never seen it."""
        values = self._client.hmget(self._key(key), _FIELDS)
        if values[0] is None:
            return None
        return self._entry(key, values)

    def claim(self, key: str, *, message_id: str) -> Claim:
        """Mark *key* ``pending`` (attempts + 1) unless it is ``sent`` or busy in a live sender."""
        check_key(key)
        with self._lock:
            if key in self._inflight:
                entry = self.get(key)
                if entry is not None:
                    return Claim(entry, granted=False, busy=True)
        args: list[str | float] = [message_id, self._owner, self.ttl, self.lease, ""]
        verdict, *values = self._claim(keys=[self._key(key)], args=args)
        if _text(verdict) == "busy":
            owner = _text(values[7] or b"")
            if _owner_gone(owner):  # same host, process exited: take the key over now
                verdict, *values = self._claim(keys=[self._key(key)], args=args[:4] + [owner])
        entry = self._entry(key, values)
        verdict = _text(verdict)
        if verdict != "granted":
            return Claim(entry, granted=False, busy=verdict == "busy")
        with self._lock:
            self._inflight.add(key)
        return Claim(entry, granted=True)

    def record(self, key: str, *, state: State, reply: str, attempts: int = 0) -> JournalEntry:
        """Store the outcome for *key*; ``attempts`` adds retries beyond the claim's one."""
        if state not in ("pending", "sent", "failed"):
            raise ValueError(f"unknown journal state {state!r}")
        values = self._record(keys=[self._key(key)], args=[state, reply[:1000], max(0, attempts), self.ttl])
        with self._lock:
            self._inflight.discard(key)
        return self._entry(key, values)

    def release(self, key: str) -> None:
        """Give up a claim without an outcome: the key stays ``pending``, free for the next sender."""
        self._release(keys=[self._key(key)], args=[self._owner])
        with self._lock:
            self._inflight.discard(key)

    def entries(self, state: State | None = None) -> Iterator[JournalEntry]:
        """Every entry (or those in *state*); a scan, meant for reports and tests."""
        start = len(self.prefix) + 1
        for name in self._client.scan_iter(match=f"{self.prefix}:*", count=1000):
            key = _text(name)[start:]
            entry = self.get(key)
            if entry is not None and (state is None or entry.state == state):
                yield entry

    def counts(self) -> dict[str, int]:
        """How many keys are in each state."""
        found: dict[str, int] = {}
        for entry in self.entries():
            found[entry.state] = found.get(entry.state, 0) + 1
        return found

    def clear(self) -> int:
        """Delete every entry under this prefix; returns how many (tests and tooling only)."""
        names = list(self._client.scan_iter(match=f"{self.prefix}:*", count=1000))
        return int(self._client.delete(*names)) if names else 0

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

