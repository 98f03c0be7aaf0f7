"""A real SMTP server for the delivery tests: aiosmtpd on loopback, with optional faults.

``SMTPSink`` stores every message it accepts. Faults, each reproducible with a
seed: answer 421 or 451 at random (``transient=0.2``), drop the connection
during DATA without storing (``drop_every=7``: every 7th DATA, first try of a
message only), refuse listed recipients with 550 (``refuse={...}``), or call
``on_message`` after storing each message (the kill test kills the sender
there, before the server's "250" reaches it).

``make_events`` writes mixed-locale events from the scenarios' sample data.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import random
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from i18nmail import Mailer

#: Locales whose negotiated tag is the tag itself (so Content-Language must equal it).
LOCALES = ("sv-SE", "de-DE", "ko-KR", "fi-FI", "ja-JP", "ar-SA", "fr-FR", "es-ES", "pl-PL",
           "nb-NO", "da-DK", "zh-Hans-CN", "en-US")
SCENARIOS = ("order_cancelled_out_of_stock", "refund_approved", "refund_processed",
             "support_acknowledgement", "order_cancelled_payment")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        msg = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class _Handler:
    sink: SMTPSink
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def _transient(self, server: SMTP) -> str | None:
        if self.sink.transient and self.rng.random() < self.sink.transient:
            if self.rng.random() < 0.5:
                loop = asyncio.get_running_loop()
                loop.call_soon(server.transport.close)  # type: ignore[union-attr]
                return "421 4.3.2 Service shutting down, try again"
            return "451 4.3.0 Temporary local problem, try again"
        return None

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.sink.refuse:
            return "550 5.1.1 No such user here"
        answer = self._transient(server)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        answer = self._transient(server)
        if answer:
            return answer
        data = envelope.original_content or b""
        with self.sink.lock:
            self.sink.data_commands += 1
            message_id = _message_id(data)
            first_try = message_id not in self.sink.dropped
            if self.sink.drop_every and first_try and self.sink.data_commands % self.sink.drop_every == 0:
                self.sink.dropped.add(message_id)
                server.transport.abort()  # type: ignore[union-attr]
                return "250 never seen by the client"
            self.sink.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), data))
            count = len(self.sink.received)
        if self.sink.on_message is not None:
            self.sink.on_message(count)
        return "250 2.0.0 Ok: queued"


def _message_id(data: bytes) -> str:
    for line in data.split(b"\r\n\r\n", 1)[0].splitlines():
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode("ascii", "replace")
    return ""


class SMTPSink:
    """aiosmtpd on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, *, transient: float = 0.0, drop_every: int = 0, refuse: Iterable[str] = (),
                 on_message: Callable[[int], None] | None = None, seed: int = 0, **server: Any) -> None:
        self.transient = transient
        self.drop_every = drop_every
        self.refuse = set(refuse)
        self.on_message = on_message
        self.received: list[Received] = []
        self.dropped: set[str] = set()
        self.data_commands = 0
        self.lock = threading.Lock()
        self.port = free_port()
        handler = _Handler(self, random.Random(seed))
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port,
                                     data_size_limit=10_000_000, **server)

    @property
    def url(self) -> str:
        scheme = "smtps" if self.controller.ssl_context is not None else "smtp"
        return f"{scheme}://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def by_message_id(self) -> Counter[str]:
        with self.lock:
            return Counter(_message_id(r.data) for r in self.received)


def make_events(mailer: Mailer, count: int, *, domain: str = "example.com") -> list[dict[str, Any]]:
    """*count* events cycling through locales and scenarios, each with the scenario's sample data."""
    samples: dict[tuple[str, str], dict[str, Any]] = {}
    events = []
    for i in range(count):
        locale = LOCALES[i % len(LOCALES)]
        scenario = SCENARIOS[(i // len(LOCALES)) % len(SCENARIOS)]
        if (scenario, locale) not in samples:
            chain = mailer.negotiate(locale).catalogs
            language = chain[0] if chain else "en"
            samples[scenario, locale] = json.loads(
                json.dumps(mailer.scenario(scenario).sample(language), default=str))
        to: Any = f"customer{i}@{domain}" if i % 2 else {"name": f"Kund {i}", "email": f"customer{i}@{domain}"}
        events.append({"key": f"evt-{i:06d}", "scenario": scenario, "locale": locale,
                       "context": samples[scenario, locale], "to": to})
    return events


def write_events(path: Path, events: list[dict[str, Any]], *, bad: dict[int, str] | None = None) -> Path:
    """Write *events* as JSON Lines; ``bad`` puts raw text at given 1-based line numbers."""
    lines = [json.dumps(e, ensure_ascii=False) for e in events]
    for lineno, text in sorted((bad or {}).items()):
        lines.insert(lineno - 1, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
