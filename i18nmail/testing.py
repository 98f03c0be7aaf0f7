"""Helpers for a shop's own test suite: a fixed clock, fallback and text assertions.

Everything here is plain Python; the pytest fixtures at the bottom load when a
``conftest.py`` says ``pytest_plugins = ["i18nmail.testing"]``:

- :data:`FIXED_NOW`: a fixed, aware "now" so dates and business-day windows
  in rendered emails do not change from one day to the next;
- :func:`assert_no_fallbacks`: fail with every fallback listed, one a line;
- :func:`same_text`, :func:`assert_same_text`, :func:`assert_text_contains`:
  compare text the way a reader sees it. CLDR writes ``599,00\\xa0kr`` (a
  no-break space) and ``10:00\\u202fAM`` (a narrow no-break space); a test
  that types an ordinary space still matches;
- :func:`render_all` and :func:`assert_all_render`: every scenario in every
  locale with its sample data, all failures reported in one go;
- :class:`RecordingTransport`: an in-memory transport for the delivery
  ``Outbox`` that keeps every message it is given and can be told to fail the
  next sends;
- :class:`SMTPSink`: a real SMTP server (aiosmtpd) on loopback that keeps
  every message it receives, for end-to-end tests.

>>> assert_text_contains("Summa: 599,00\\xa0kr", "599,00 kr")
>>> same_text("10:00\\u202fAM", "10:00 AM")
True
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import default as default_policy
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from .config import Shop
from .exceptions import I18nMailError
from .message import RenderedEmail
from .render import Mailer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .delivery import Delivery

__all__ = [
    "FIXED_NOW",
    "Received",
    "RecordingTransport",
    "RenderFailure",
    "SMTPSink",
    "ShopLayer",
    "assert_all_render",
    "assert_no_fallbacks",
    "assert_same_text",
    "assert_text_contains",
    "market_tags",
    "message_text",
    "normalize_spaces",
    "render_all",
    "same_text",
]

#: A Tuesday before Christmas, 09:00 UTC: close enough to holidays that a
#: business-day window shows whether closures are counted.
FIXED_NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)

#: The space characters CLDR puts in formatted values, each read as one space:
#: no-break space, narrow no-break space, figure space, thin space.
_CLDR_SPACES = re.compile("[\u00a0\u202f\u2007\u2009]")
_RUNS = re.compile(r"[ \t]+")


def normalize_spaces(text: str) -> str:
    """Return *text* with CLDR's no-break spaces as ``" "`` and runs of spaces collapsed.

    Line breaks are kept, so a comparison still sees paragraph structure.

    >>> normalize_spaces("1\\u202f234,50\\xa0kr  total")
    '1 234,50 kr total'
    """
    return _RUNS.sub(" ", _CLDR_SPACES.sub(" ", text))


def same_text(actual: str, expected: str) -> bool:
    """True when the texts differ at most in the kind and number of spaces.

    >>> same_text("599,00\\xa0kr", "599,00 kr"), same_text("599 kr", "600 kr")
    (True, False)
    """
    return normalize_spaces(actual) == normalize_spaces(expected)


def assert_same_text(actual: str, expected: str) -> None:
    """Assert :func:`same_text`; the message shows both texts with spaces made visible."""
    if not same_text(actual, expected):
        raise AssertionError(f"texts differ:\n  actual:   {_visible(actual)}\n  expected: {_visible(expected)}")


def assert_text_contains(text: str, fragment: str) -> None:
    """Assert *fragment* occurs in *text*, reading CLDR's no-break spaces as spaces.

    >>> assert_text_contains("Återbetalning: 599,00\\xa0kr", "kr, 599")
    Traceback (most recent call last):
    ...
    AssertionError: 'kr, 599' not found in 'Återbetalning: 599,00⍽kr' (⍽ marks a no-break space)
    """
    if normalize_spaces(fragment) not in normalize_spaces(text):
        shown = _visible(text if len(text) <= 300 else text[:300] + "…")
        raise AssertionError(f"{fragment!r} not found in {shown} (⍽ marks a no-break space)")


def _visible(text: str) -> str:
    return repr(_CLDR_SPACES.sub("⍽", text))


def assert_no_fallbacks(email: RenderedEmail, *, allow: Iterable[str] = ()) -> None:
    """Assert *email* was rendered with nothing falling back.

    ``allow`` names fallback kinds a test accepts (``"locale"`` when it asks
    for a locale on purpose that is served by another, ``"calendar"``...).
    The error lists each fallback on its own line:

    >>> from i18nmail.negotiation import Fallback
    >>> email = RenderedEmail(scenario="refund_approved", subject="s", preheader="", text="t", html="h",
    ...                       locale="nl", language="en", direction="ltr",
    ...                       fallbacks=(Fallback(kind="locale", detail="no catalog for 'nl'", locale="nl"),))
    >>> assert_no_fallbacks(email, allow=["locale"])
    >>> assert_no_fallbacks(email)
    Traceback (most recent call last):
    ...
    AssertionError: refund_approved in nl: 1 fallback(s)
      locale: no catalog for 'nl'
    """
    allowed = set(allow)
    found = [f for f in email.fallbacks if f.kind not in allowed]
    if found:
        lines = "\n".join(f"  {f}" for f in found)
        raise AssertionError(f"{email.scenario} in {email.locale}: {len(found)} fallback(s)\n{lines}")


# -- every scenario in every locale -----------------------------------------------


@dataclass(frozen=True)
class RenderFailure:
    """One (scenario, locale) pair that did not render cleanly, and why."""

    scenario: str
    locale: str
    problem: str

    def __str__(self) -> str:
        return f"{self.scenario} in {self.locale}: {self.problem}"


def _sample_key(mailer: Mailer, locale: str) -> str:
    """The catalog id whose sample data suits *locale* (``sv-FI`` -> ``sv``)."""
    match = mailer.negotiate(locale)
    return match.catalogs[0] if match.catalogs else "en"


def market_tags(mailer: Mailer) -> list[str]:
    """Each catalog language of *mailer* in its most likely country.

    >>> from i18nmail import Mailer
    >>> market_tags(Mailer())[:3]
    ['ar-EG', 'da-DK', 'de-DE']
    """
    tags = []
    for language in mailer.locales():
        match = mailer.negotiate(language)
        tags.append(match.tag if match.region or not match.country else f"{match.tag}-{match.country}")
    return tags


def render_all(
    mailer: Mailer,
    *,
    locales: Iterable[str] | None = None,
    scenarios: Iterable[str] | None = None,
    now: datetime = FIXED_NOW,
    context: Callable[[str, str], Mapping[str, Any]] | None = None,
) -> Iterator[tuple[str, str, RenderedEmail | I18nMailError]]:
    """Render each scenario in each locale; yield ``(scenario, locale, email or error)``.

    ``locales`` defaults to every language the mailer has a catalog for, in
    its most likely country (``sv-SE``, ``ar-EG``: a bare ``sv`` would record
    a ``country`` fallback), ``scenarios`` to every scenario; ``context(scenario, locale)`` gives the
    data (default: the scenario's sample for that locale's language). An
    i18nmail error is yielded, not raised, so one broken pair does not hide
    the others.

    >>> from i18nmail import Mailer
    >>> results = list(render_all(Mailer(), locales=["sv-SE"], scenarios=["refund_approved"]))
    >>> [(s, loc, type(r).__name__) for s, loc, r in results]
    [('refund_approved', 'sv-SE', 'RenderedEmail')]
    """
    tags = list(locales) if locales is not None else market_tags(mailer)
    ids = list(scenarios) if scenarios is not None else [s.id for s in mailer.scenarios()]
    for scenario_id in ids:
        for tag in tags:
            try:
                data = context(scenario_id, tag) if context else mailer.scenario(scenario_id).sample(
                    _sample_key(mailer, tag), now=now)
                yield scenario_id, tag, mailer.render(scenario_id, locale=tag, context=data, now=now)
            except I18nMailError as exc:
                yield scenario_id, tag, exc


def assert_all_render(
    mailer: Mailer,
    *,
    locales: Iterable[str] | None = None,
    scenarios: Iterable[str] | None = None,
    now: datetime = FIXED_NOW,
    allow: Iterable[str] = (),
    context: Callable[[str, str], Mapping[str, Any]] | None = None,
) -> list[RenderedEmail]:
    """Render every scenario in every locale; fail once, listing every broken pair.

    A pair is broken when it raises or records a fallback whose kind is not in
    ``allow``. Returns the emails when all are clean.

    >>> from i18nmail import Mailer
    >>> len(assert_all_render(Mailer(), locales=["ko-KR", "fi-FI"], scenarios=["refund_denied"]))
    2
    """
    emails: list[RenderedEmail] = []
    failures: list[RenderFailure] = []
    allowed = set(allow)
    for scenario_id, tag, result in render_all(mailer, locales=locales, scenarios=scenarios, now=now,
                                               context=context):
        if isinstance(result, I18nMailError):
            failures.append(RenderFailure(scenario_id, tag, f"{type(result).__name__}: {result}"))
            continue
        bad = [str(f) for f in result.fallbacks if f.kind not in allowed]
        if bad:
            failures.append(RenderFailure(scenario_id, tag, "; ".join(bad)))
        emails.append(result)
    if failures:
        shown = "\n".join(f"  {f}" for f in failures[:50])
        more = f"\n  ... and {len(failures) - 50} more" if len(failures) > 50 else ""
        raise AssertionError(f"{len(failures)} scenario/locale pair(s) did not render cleanly:\n{shown}{more}")
    return emails


# -- a shop layer in a temporary folder --------------------------------------------


@dataclass
class ShopLayer:
    """A shop's own ``templates/`` and ``catalogs/`` folders under *root*.

    Write files with :meth:`write` (paths relative to the layer), then build a
    :class:`Mailer` over them with :meth:`mailer`. Catalogs written as ``.po``
    are read directly; nothing needs compiling.
    """

    root: Path
    shop: Shop = field(default_factory=Shop)

    def __post_init__(self) -> None:
        self.templates.mkdir(parents=True, exist_ok=True)
        self.catalogs.mkdir(parents=True, exist_ok=True)

    @property
    def templates(self) -> Path:
        """The layer's template folder (searched before the built-in one)."""
        return self.root / "templates"

    @property
    def catalogs(self) -> Path:
        """The layer's catalog folder (searched before the built-in one)."""
        return self.root / "catalogs"

    def write(self, relative: str, text: str) -> Path:
        """Write *text* to ``root/relative`` (UTF-8), creating folders; return the path."""
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"{relative!r} is outside the shop layer")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def write_po(self, locale: str, messages: Mapping[str, str], *, context: Mapping[str, str] | None = None) -> Path:
        """Write ``catalogs/<locale>/LC_MESSAGES/messages.po`` from ``{msgid: msgstr}``.

        ``context`` maps a msgid to its msgctxt where the built-in message has one.
        """
        import io

        from babel.messages.catalog import Catalog
        from babel.messages.pofile import write_po

        catalog = Catalog(locale=locale.replace("-", "_"), charset="utf-8")
        for msgid, msgstr in messages.items():
            flags = ("python-format",) if "%(" in msgid else ()
            catalog.add(msgid, msgstr, context=(context or {}).get(msgid), flags=flags)
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=0)
        return self.write(f"catalogs/{locale}/LC_MESSAGES/messages.po", buffer.getvalue().decode("utf-8"))

    def mailer(self, shop: Shop | None = None, **options: Any) -> Mailer:
        """A :class:`Mailer` over this layer and the built-in folders."""
        return Mailer(shop or self.shop, templates=self.templates, catalogs=self.catalogs, **options)


# -- a transport that keeps what it is given ---------------------------------------


@dataclass(frozen=True)
class Received:
    """One message a :class:`RecordingTransport` or an :class:`SMTPSink` accepted: envelope and raw bytes."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        """The message, parsed with the modern ``email`` policy."""
        parsed = message_from_bytes(self.raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        """The ``Message-ID`` header (headers only are parsed)."""
        from email.parser import BytesHeaderParser

        return str(BytesHeaderParser(policy=default_policy).parsebytes(self.raw).get("Message-ID", ""))


class RecordingTransport:
    """An in-memory transport for :class:`~i18nmail.delivery.Outbox`: keeps what it is given.

    It has the ``send(message, *, sender, recipients) -> Delivery`` and
    ``close()`` of :class:`i18nmail.delivery.Transport`, so an ``Outbox`` runs
    unchanged on it. Thread-safe. ``fail_next(reply, transient=..., times=n)``
    makes the next *n* sends fail with that server reply (``"451 4.3.0 busy"``
    or ``"550 5.1.1 no such user"``) before recording resumes.

    >>> transport = RecordingTransport()
    >>> transport.send(b"Subject: Hej\\r\\nTo: a@example.com\\r\\n\\r\\nbody\\r\\n", sender="shop@example.com",
    ...                recipients=["a@example.com"]).status
    'sent'
    >>> [m.message["Subject"] for m in transport.sent], transport.recipients()
    (['Hej'], ['a@example.com'])
    >>> transport.fail_next("550 5.1.1 no such user")
    >>> transport.send(b"Subject: x\\r\\n\\r\\n", sender="shop@example.com", recipients=["b@example.com"]).reply
    '550 5.1.1 no such user'
    """

    pool_size = 1

    def __init__(self) -> None:
        self.sent: list[Received] = []
        self.attempts = 0
        self._failures: list[tuple[str, bool]] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RecordingTransport({len(self.sent)} sent)"

    def send(self, message: bytes, *, sender: str, recipients: Sequence[str]) -> Delivery:
        """Record *message* and answer ``250``, or answer the next queued failure."""
        from .delivery import Delivery

        if not recipients:
            raise ValueError("no recipients")
        with self._lock:
            self.attempts += 1
            if self._failures:
                reply, transient = self._failures.pop(0)
                return Delivery("failed", reply, 1, transient=transient)
            self.sent.append(Received(sender, tuple(recipients), bytes(message)))
            return Delivery("sent", "250 2.0.0 Ok: recorded", 1)

    def fail_next(self, reply: str, *, transient: bool = False, times: int = 1) -> None:
        """Make the next *times* sends fail with *reply* (temporary if *transient*)."""
        with self._lock:
            self._failures.extend([(reply, transient)] * times)

    def close(self) -> None:
        """Nothing to close."""

    @property
    def messages(self) -> list[EmailMessage]:
        """The parsed messages, in the order they were sent."""
        with self._lock:
            recorded = list(self.sent)
        return [r.message for r in recorded]

    def recipients(self) -> list[str]:
        """Every envelope recipient, in order."""
        with self._lock:
            return [rcpt for r in self.sent for rcpt in r.recipients]

    def clear(self) -> None:
        """Forget the recorded messages and queued failures."""
        with self._lock:
            self.sent.clear()
            self._failures.clear()
            self.attempts = 0


class SMTPSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts.

    Use it as a context manager; ``url`` is the ``smtp://`` URL to give a
    transport. ``refuse(address, reply, times=None)`` answers ``RCPT TO`` for
    that address with *reply* (``"550 5.1.1 no such user"`` is permanent,
    ``"451 4.3.0 try later"`` transient), forever or for the first *times*
    attempts. Needs ``aiosmtpd`` (in the ``test`` extra).

    >>> import smtplib
    >>> with SMTPSink() as sink:
    ...     with smtplib.SMTP(sink.host, sink.port) as smtp:
    ...         _ = smtp.sendmail("shop@example.com", ["a@example.com"], b"Subject: Hej\\r\\n\\r\\nbody\\r\\n")
    ...     [r.message["Subject"] for r in sink.received]
    ['Hej']
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port or _free_port(host)
        self._received: list[Received] = []
        self._refusals: dict[str, list[Any]] = {}
        self._rcpts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._controller: Any = None

    @property
    def url(self) -> str:
        """``smtp://host:port`` for :class:`~i18nmail.delivery.SMTPTransport`."""
        return f"smtp://{self.host}:{self.port}"

    def refuse(self, address: str, reply: str, *, times: int | None = None) -> None:
        """Answer ``RCPT TO:<address>`` with *reply*, always or for the first *times* attempts."""
        with self._lock:
            self._refusals[address.lower()] = [reply, times]

    @property
    def received(self) -> list[Received]:
        """Every accepted message, in arrival order (a copy)."""
        with self._lock:
            return list(self._received)

    def wait_for(self, count: int, *, timeout: float = 60.0) -> list[Received]:
        """Wait until at least *count* messages arrived (``TimeoutError`` after *timeout* s)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            found = self.received
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(found)} of {count} messages arrived within {timeout:g} s")
            time.sleep(0.05)

    def rcpt_attempts(self, address: str) -> int:
        """How many times a client offered *address* in ``RCPT TO``, accepted or not."""
        with self._lock:
            return self._rcpts.get(address.lower(), 0)

    def _rcpt(self, address: str) -> str | None:
        with self._lock:
            self._rcpts[address.lower()] = self._rcpts.get(address.lower(), 0) + 1
            rule = self._refusals.get(address.lower())
            if rule is None:
                return None
            reply, times = rule
            if times is not None:
                if times <= 0:
                    return None
                rule[1] = times - 1
            return str(reply)

    def _store(self, sender: str, recipients: list[str], raw: bytes) -> None:
        with self._lock:
            self._received.append(Received(sender, tuple(recipients), raw))

    def start(self) -> Self:
        """Start serving in a background thread."""
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                                  rcpt_options: Any) -> str:
                refusal = sink._rcpt(address)
                if refusal is not None:
                    return refusal
                envelope.rcpt_tos.append(address)
                return "250 2.1.5 Ok"

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                sink._store(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
                return "250 2.0.0 Ok: queued"

        self._controller = Controller(Handler(), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def message_text(message: Message) -> str:
    """The ``text/plain`` part of a sent message, decoded (for assertions)."""
    if isinstance(message, EmailMessage):
        part = message.get_body(preferencelist=("plain",))
        if part is not None and isinstance(part, EmailMessage):
            return str(part.get_content())
    raise LookupError("the message has no text/plain part")


# -- pytest fixtures (``pytest_plugins = ["i18nmail.testing"]``) ----------------------

try:
    import pytest
except ImportError:  # pragma: no cover - helpers above work without pytest
    pass
else:

    @pytest.fixture()
    def i18nmail_now() -> datetime:
        """The fixed, aware "now" to pass as ``render(..., now=...)``."""
        return FIXED_NOW

    @pytest.fixture()
    def i18nmail_layer(tmp_path: Path) -> ShopLayer:
        """An empty shop layer (``templates/``, ``catalogs/``) in a temporary folder."""
        return ShopLayer(tmp_path / "shop")

    @pytest.fixture()
    def i18nmail_mailer(i18nmail_layer: ShopLayer) -> Mailer:
        """A :class:`Mailer` on the temporary shop layer, reloading files a test writes."""
        return i18nmail_layer.mailer(auto_reload=True)

    @pytest.fixture()
    def i18nmail_transport() -> RecordingTransport:
        """A fresh :class:`RecordingTransport`."""
        return RecordingTransport()

