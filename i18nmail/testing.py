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
- :class:`RecordingTransport`: an in-memory transport that keeps every message
  it is given, and can be told to fail the next sends.

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
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

from .config import Shop
from .exceptions import I18nMailError
from .message import RenderedEmail
from .render import Mailer

__all__ = [
    "FIXED_NOW",
    "RecordingTransport",
    "RenderFailure",
    "ShopLayer",
    "assert_all_render",
    "assert_no_fallbacks",
    "assert_same_text",
    "assert_text_contains",
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


def render_all(
    mailer: Mailer,
    *,
    locales: Iterable[str] | None = None,
    scenarios: Iterable[str] | None = None,
    now: datetime = FIXED_NOW,
    context: Callable[[str, str], Mapping[str, Any]] | None = None,
) -> Iterator[tuple[str, str, RenderedEmail | I18nMailError]]:
    """Render each scenario in each locale; yield ``(scenario, locale, email or error)``.

    ``locales`` defaults to every locale the mailer has a catalog for,
    ``scenarios`` to every scenario; ``context(scenario, locale)`` gives the
    data (default: the scenario's sample for that locale's language). An
    i18nmail error is yielded, not raised, so one broken pair does not hide
    the others.

    >>> from i18nmail import Mailer
    >>> results = list(render_all(Mailer(), locales=["sv-SE"], scenarios=["refund_approved"]))
    >>> [(s, loc, type(r).__name__) for s, loc, r in results]
    [('refund_approved', 'sv-SE', 'RenderedEmail')]
    """
    tags = list(locales) if locales is not None else mailer.locales()
    ids = list(scenarios) if scenarios is not None else [s.id for s in mailer.scenarios()]
    for scenario_id in ids:
        for tag in tags:
            try:
                data = context(scenario_id, tag) if context else mailer.scenario(scenario_id).sample(
                    _sample_key(mailer, tag))
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
    >>> len(assert_all_render(Mailer(), locales=["ko-KR", "fi"], scenarios=["refund_denied"]))
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


@dataclass
class RecordingTransport:
    """An in-memory transport: keeps every message sent, in order, thread-safely.

    ``fail_next(exc, times=n)`` makes the next *n* sends raise *exc* (a
    transient or permanent delivery error, as a test wants) before recording
    resumes.

    >>> from email.message import EmailMessage
    >>> transport = RecordingTransport()
    >>> msg = EmailMessage(); msg["To"] = "a@example.com"; msg["Subject"] = "Hej"
    >>> transport.send(msg)
    >>> [m["Subject"] for m in transport.messages], transport.recipients()
    (['Hej'], ['a@example.com'])
    """

    messages: list[EmailMessage] = field(default_factory=list)
    _failures: list[BaseException] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, message: EmailMessage) -> None:
        """Record *message*, or raise the next queued failure."""
        with self._lock:
            if self._failures:
                raise self._failures.pop(0)
            self.messages.append(message)

    def fail_next(self, exc: BaseException, *, times: int = 1) -> None:
        """Make the next *times* sends raise *exc*."""
        with self._lock:
            self._failures.extend([exc] * times)

    def close(self) -> None:
        """Nothing to close; present so code can treat every transport alike."""

    def recipients(self) -> list[str]:
        """Every ``To`` header recorded, in order."""
        return [str(m["To"]) for m in self.messages]

    def clear(self) -> None:
        """Forget the recorded messages and queued failures."""
        with self._lock:
            self.messages.clear()
            self._failures.clear()


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

