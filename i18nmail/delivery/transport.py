"""Transports: how a finished message leaves the process.

:class:`SMTPTransport` speaks real SMTP through :mod:`smtplib`: ``smtp://`` (plain,
or ``?starttls=1``) and ``smtps://`` (TLS from the first byte) URLs, credentials
from the URL or from ``I18NMAIL_SMTP_USERNAME`` / ``I18NMAIL_SMTP_PASSWORD``, a
pool of reused connections, a rate limit and timeouts. Transient failures
(a 4xx reply, a dropped connection, a timeout) are retried with exponential
backoff and jitter, a bounded number of times; permanent ones (5xx) are not
retried and come back with the server's reply. Every recipient the server
refuses is recorded.

:class:`DirectoryTransport` writes each message as an ``.eml`` file instead
(``i18nmail send --dry-run DIR``).

A transport never raises for a delivery failure: it returns a :class:`Delivery`.

>>> t = SMTPTransport("smtp://mailer:s3cret@mail.example:587?starttls=1&pool=2")
>>> t.host, t.port, t.starttls, t.pool_size, t.username
('mail.example', 587, True, 2, 'mailer')
>>> t
SMTPTransport('smtp://mailer:***@mail.example:587?starttls=1&pool=2')
"""

from __future__ import annotations

import hashlib
import os
import queue
import random
import re
import smtplib
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, Self, runtime_checkable
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["Delivery", "DirectoryTransport", "SMTPTransport", "Transport"]

#: Environment variables read when the URL carries no credentials.
USERNAME_ENV = "I18NMAIL_SMTP_USERNAME"
PASSWORD_ENV = "I18NMAIL_SMTP_PASSWORD"
_QUERY_KEYS = {"starttls", "pool", "rate", "timeout", "retries"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Delivery:
    """The outcome of handing one message to a transport.

    ``status`` is ``sent`` or ``failed``; ``reply`` the server's last reply
    (``"250 2.0.0 Ok"``, ``"550 5.1.1 No such user"``); ``attempts`` how many
    times the message was offered; ``transient`` whether the last failure was
    a temporary one (retries ran out); ``refused`` maps each refused recipient
    to the server's reply.
    """

    status: Literal["sent", "failed"]
    reply: str
    attempts: int
    transient: bool = False
    refused: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class Transport(Protocol):
    """Anything that can deliver a serialised message to an envelope."""

    def send(self, message: bytes, *, sender: str, recipients: Sequence[str]) -> Delivery:
        """Deliver *message*; never raises for a refused or failed delivery."""

    def close(self) -> None:
        """Close connections and files."""


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())[:500]


class _Failure(Exception):
    def __init__(self, reply: str, *, transient: bool, refused: Mapping[str, str] | None = None):
        super().__init__(reply)
        self.reply = reply
        self.transient = transient
        self.refused = dict(refused or {})


def _parse_bool(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError(f"SMTP URL: {name}= takes 1 or 0, got {value!r}")


class SMTPTransport:
    """Send over SMTP to the server named by *url*.

    ``smtp://[user[:password]@]host[:port][?starttls=1]`` (port 25 by default,
    587 with STARTTLS) or ``smtps://...`` (port 465). Query parameters
    ``pool``, ``rate``, ``timeout`` and ``retries`` set the keyword arguments of
    the same name; keyword arguments win. Credentials in the URL are
    percent-decoded; without them the environment variables
    ``I18NMAIL_SMTP_USERNAME`` and ``I18NMAIL_SMTP_PASSWORD`` are used, if set.

    ``pool``: at most this many connections, each reused for many messages and
    shared by the calling threads. ``rate``: at most this many messages per
    second over all connections. ``retries``: transient failures retried this
    many times, after ``backoff`` x 2^n seconds (capped at ``max_backoff``),
    each delay jittered to between half and all of it.
    """

    def __init__(
        self,
        url: str,
        *,
        pool: int | None = None,
        rate: float | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        local_hostname: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps"):
            raise ValueError(f"an SMTP URL starts with smtp:// or smtps://, got {self._redact(url)[:60]!r}")
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"SMTP URL: bad port in {self._redact(url)!r}") from None
        if not parts.hostname:
            raise ValueError(f"SMTP URL: no host in {self._redact(url)!r}")
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(query) - _QUERY_KEYS)
        if unknown:
            raise ValueError(f"SMTP URL: unknown parameter {unknown[0]!r} (known: {', '.join(sorted(_QUERY_KEYS))})")
        params = {k: v[-1] for k, v in query.items()}
        self.implicit_tls = scheme == "smtps"
        self.starttls = _parse_bool("starttls", params.get("starttls", "0"))
        if self.implicit_tls and self.starttls:
            raise ValueError("SMTP URL: smtps:// is TLS already; leave out starttls=1")
        self.host = parts.hostname
        self.port = port or (465 if self.implicit_tls else 587 if self.starttls else 25)
        self.username = unquote(parts.username) if parts.username else os.environ.get(USERNAME_ENV) or None
        if parts.username:
            self._password = unquote(parts.password) if parts.password is not None else os.environ.get(PASSWORD_ENV)
        else:
            self._password = os.environ.get(PASSWORD_ENV) if self.username else None
        try:
            self.pool_size = int(pool if pool is not None else params.get("pool", "1"))
            self.rate = float(rate if rate is not None else params.get("rate", "0")) or None
            self.timeout = float(timeout if timeout is not None else params.get("timeout", "30"))
            self.retries = int(retries if retries is not None else params.get("retries", "4"))
        except ValueError as exc:
            raise ValueError(f"SMTP URL: {exc}") from None
        if not 1 <= self.pool_size <= 64:
            raise ValueError(f"pool must be 1 to 64 connections, got {self.pool_size}")
        if self.rate is not None and self.rate <= 0:
            raise ValueError(f"rate must be a positive number of messages per second, got {self.rate}")
        if self.timeout <= 0 or not 0 <= self.retries <= 20:
            raise ValueError("timeout must be positive and retries 0 to 20")
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.local_hostname = local_hostname
        self._ssl = ssl_context
        self._sleep = sleep
        self._url = self._redact(url)
        self._idle: queue.LifoQueue[smtplib.SMTP] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(self.pool_size)
        self._rate_lock = threading.Lock()
        self._next_slot = 0.0
        self._closed = False
        #: Connections opened so far (reuse shows as far fewer than messages).
        self.connections_opened = 0

    @staticmethod
    def _redact(url: str) -> str:
        return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)

    def __repr__(self) -> str:
        return f"SMTPTransport({self._url!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connections ---------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        context = self._ssl or ssl.create_default_context()
        conn: smtplib.SMTP
        if self.implicit_tls:
            conn = smtplib.SMTP_SSL(self.host, self.port, local_hostname=self.local_hostname,
                                    timeout=self.timeout, context=context)
        else:
            conn = smtplib.SMTP(self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout)
        try:
            conn.ehlo()
            if self.starttls:
                conn.starttls(context=context)
                conn.ehlo()
            if self.username:
                self._login(conn)
        except BaseException:
            self._discard(conn)
            raise
        self.connections_opened += 1
        return conn

    def _login(self, conn: smtplib.SMTP) -> None:
        """AUTH with the first mechanism both sides know, once (a 535 is final, not retried)."""
        if not conn.has_extn("auth"):
            raise _Failure(f"{self.host} does not offer AUTH (a login was given; is STARTTLS needed?)",
                           transient=False)
        offered = conn.esmtp_features["auth"].upper().split()
        conn.user, conn.password = self.username or "", self._password or ""
        if "PLAIN" in offered:
            code, text = conn.auth("PLAIN", conn.auth_plain)
        elif "LOGIN" in offered:
            code, text = conn.auth("LOGIN", conn.auth_login, initial_response_ok=False)
        elif "CRAM-MD5" in offered:
            code, text = conn.auth("CRAM-MD5", conn.auth_cram_md5)
        else:
            raise _Failure(f"no AUTH mechanism in common with {self.host} (it offers {' '.join(offered)})",
                           transient=False)
        if code not in (235, 503):
            raise smtplib.SMTPAuthenticationError(code, text)

    @staticmethod
    def _discard(conn: smtplib.SMTP) -> None:
        try:
            conn.close()
        except OSError:
            pass

    def _wait_for_rate(self) -> None:
        if self.rate is None:
            return
        with self._rate_lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.rate
        if slot > now:
            self._sleep(slot - now)

    # -- sending -------------------------------------------------------------

    def send(self, message: bytes, *, sender: str, recipients: Sequence[str]) -> Delivery:
        """Deliver *message* to *recipients*, retrying transient failures."""
        if self._closed:
            raise RuntimeError("this SMTPTransport is closed")
        if not recipients:
            raise ValueError("no recipients")
        attempt = 0
        while True:
            attempt += 1
            self._wait_for_rate()
            try:
                reply, refused = self._send_once(message, sender, list(recipients))
            except _Failure as failure:
                if failure.transient and attempt <= self.retries:
                    self._sleep(self._delay(attempt))
                    continue
                return Delivery("failed", failure.reply, attempt, transient=failure.transient,
                                refused=failure.refused)
            return Delivery("sent", reply, attempt, refused=refused)

    def _delay(self, attempt: int) -> float:
        full = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return float(full / 2 + random.uniform(0, full / 2))

    def _send_once(self, message: bytes, sender: str, recipients: list[str]) -> tuple[str, dict[str, str]]:
        with self._slots:
            try:
                conn: smtplib.SMTP | None = self._idle.get_nowait()
            except queue.Empty:
                conn = None
            healthy = False
            try:
                if conn is None:
                    conn = self._connect()
                reply, refused = self._transaction(conn, message, sender, recipients)
                healthy = True
                return reply, refused
            except _Failure as failure:
                healthy = not failure.transient
                if healthy and conn is not None:
                    try:
                        conn.rset()
                    except (smtplib.SMTPException, OSError):
                        healthy = False
                raise
            except smtplib.SMTPResponseException as exc:
                raise _Failure(_reply(exc.smtp_code, exc.smtp_error), transient=exc.smtp_code < 500) from None
            except smtplib.SMTPServerDisconnected as exc:
                raise _Failure(f"connection lost: {exc}" if str(exc) else "connection lost",
                               transient=True) from None
            except TimeoutError:
                raise _Failure(f"timed out after {self.timeout:g} s", transient=True) from None
            except ssl.SSLError as exc:
                raise _Failure(f"TLS error: {exc.reason or exc}", transient=False) from None
            except smtplib.SMTPException as exc:
                raise _Failure(f"SMTP error: {exc}", transient=False) from None
            except OSError as exc:
                raise _Failure(f"cannot reach {self.host}:{self.port}: {exc.strerror or exc}",
                               transient=True) from None
            finally:
                if conn is not None:
                    if healthy and not self._closed:
                        self._idle.put(conn)
                    else:
                        self._discard(conn)

    @staticmethod
    def _transaction(conn: smtplib.SMTP, message: bytes, sender: str,
                     recipients: list[str]) -> tuple[str, dict[str, str]]:
        """One MAIL / RCPT... / DATA exchange; returns the DATA reply and refused recipients."""
        options = ["BODY=8BITMIME"] if conn.has_extn("8bitmime") else []
        code, text = conn.mail(sender, options)
        if code != 250:
            raise _Failure(_reply(code, text), transient=400 <= code < 500)
        refused: dict[str, str] = {}
        transient = True
        for rcpt in recipients:
            code, text = conn.rcpt(rcpt)
            if code not in (250, 251):
                refused[rcpt] = _reply(code, text)
                transient = transient and 400 <= code < 500
        if len(refused) == len(recipients):
            raise _Failure("; ".join(f"{r}: {t}" for r, t in refused.items()), transient=transient,
                           refused=refused)
        code, text = conn.data(message)
        if code != 250:
            raise _Failure(_reply(code, text), transient=400 <= code < 500)
        return _reply(code, text), refused

    def close(self) -> None:
        """Say QUIT on every idle connection."""
        self._closed = True
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                return
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                self._discard(conn)


class DirectoryTransport:
    """Write each message to ``DIR/<key-ish>.eml`` instead of sending it (a dry run).

    The file name comes from the ``Message-ID`` (never from customer data);
    files are written atomically.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.pool_size = 1

    def __repr__(self) -> str:
        return f"DirectoryTransport({str(self.directory)!r})"

    def send(self, message: bytes, *, sender: str, recipients: Sequence[str]) -> Delivery:
        """Write *message* unchanged to one ``.eml`` file."""
        name = _file_name(message)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(message)
            os.replace(tmp, self.directory / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Delivery("sent", f"written to {self.directory / name}", 1)

    def close(self) -> None:
        """Nothing to close."""


_MSGID_RE = re.compile(rb"^Message-ID:\s*<([^>\r\n]{1,200})>", re.IGNORECASE | re.MULTILINE)


def _file_name(message: bytes) -> str:
    head = message.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = _MSGID_RE.search(head)
    if found:
        local = found.group(1).split(b"@", 1)[0].decode("ascii", "replace")
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", local).strip("._")[:120]
        if safe:
            return safe + ".eml"
    return hashlib.sha256(message).hexdigest()[:32] + ".eml"
