"""The rendered email, and its conversion into an ``email.message.EmailMessage``.

Headers are built with the ``email`` package's modern API and
``headerregistry.Address`` objects, never by string concatenation: a name
like ``"Bob\\r\\nBcc: evil@x.com"`` cannot add a header, and a ``To`` value
with a comma cannot add a recipient.

>>> email = RenderedEmail(scenario="demo", subject="Hej då", preheader="", text="Hej", html="<p>Hej</p>",
...                       locale="sv", language="sv", direction="ltr", fallbacks=())
>>> msg = email.to_message(sender="Shop <shop@example.com>", recipient=("Åsa Berg", "asa@example.se"))
>>> msg["To"], msg["Content-Language"], msg.get_content_type()
('Åsa Berg <asa@example.se>', 'sv', 'multipart/alternative')
"""

from __future__ import annotations

import base64
import email
import email.policy
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import (
    Address,
    BaseHeader,
    HeaderRegistry,
    UniqueAddressHeader,
    UnstructuredHeader,
)
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from typing import TYPE_CHECKING, Any, cast

from .exceptions import safe_repr
from .negotiation import Fallback

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .django.mail import I18nEmailMessage

__all__ = ["RenderedEmail", "make_address"]

_UNSAFE_HEADER_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SURROGATES = re.compile("[\ud800-\udfff]")
#: Header lines are folded below this many characters (RFC 5322 recommends 78).
_FOLD_WIDTH = 76
#: A longer display name is cut with an ellipsis, so that it fits in one
#: encoded word on one header line (RFC 5322: 998 octets).
MAX_DISPLAY_NAME_BYTES = 600

AddressLike = str | tuple[str | None, str] | Address


#: Runs of ordinary spaces; typographic spaces (U+00A0, U+202F before French
#: ":" and "?") are the translator's choice and stay.
_ASCII_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]{2,}|[\t\n\r\f\v]")  # a lone " " needs no change


def collapse_spaces(value: str) -> str:
    """Runs of ordinary white space become one space; no-break spaces stay.

    >>> collapse_spaces(" Annulée\\u202f:  article\\n épuisé ")
    'Annulée\\u202f: article épuisé'
    """
    stripped = value.strip(" \t\n\r\f\v")
    if "  " not in stripped and stripped.isprintable():  # the usual case: nothing to collapse
        return stripped
    return _ASCII_SPACE_RUN.sub(" ", value).strip(" ")


def clean_header_text(value: str) -> str:
    """Replace control characters and line separators by a space.

    >>> clean_header_text("Bob\\r\\nBcc: evil@x.com")
    'Bob Bcc: evil@x.com'
    """
    return collapse_spaces(_UNSAFE_HEADER_CHARS.sub(" ", value))


def _ascii_domain(domain: str, spec: str) -> str:
    """The domain as ASCII: IDNA 2008 A-labels for a non-ASCII domain (fuzzing D10)."""
    if domain.isascii():
        return domain
    import idna  # only a non-ASCII domain needs it (it loads large tables)

    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        raise ValueError(f"invalid email domain in {safe_repr(spec, 100)}: {exc}") from None


def make_address(value: AddressLike) -> Address:
    """Build one ``Address`` from ``"Name <a@b>"``, ``(name, addr)`` or an Address.

    Exactly one mailbox or ``ValueError``. A non-ASCII domain is written with
    its IDNA (``xn--``) labels, so the message serialises as plain ASCII:

    >>> make_address(("Doe, John", "john@example.com"))
    Address(display_name='Doe, John', username='john', domain='example.com')
    >>> make_address("Butik <hej@exämple.se>").domain
    'xn--exmple-cua.se'
    >>> make_address("a@x.com, b@y.com")
    Traceback (most recent call last):
    ...
    ValueError: expected exactly one email address, got 'a@x.com, b@y.com'
    """
    if isinstance(value, Address):
        name, spec = value.display_name, value.addr_spec
    elif isinstance(value, tuple) and len(value) == 2:
        name, spec = value[0] or "", value[1]
    elif isinstance(value, str):
        try:
            header = HeaderRegistry()("To", value)
            groups = header.groups  # type: ignore[attr-defined]
            addresses = header.addresses  # type: ignore[attr-defined]
            broken = bool(header.defects)
        except (HeaderParseError, IndexError, ValueError, TypeError, AttributeError):
            # AttributeError: the standard parser fails that way on some groups (fuzzing D4).
            groups, addresses, broken = (), (), True
        if (len(addresses) != 1 or len(groups) != 1 or groups[0].display_name is not None
                or _UNSAFE_HEADER_CHARS.search(value) or broken):
            raise ValueError(f"expected exactly one email address, got {value[:100]!r}")
        name, spec = addresses[0].display_name, addresses[0].addr_spec
    else:
        raise TypeError("an address is a string, a (name, address) pair or an Address")
    if not isinstance(name, str):
        raise TypeError(f"a display name is a string, got {type(name).__name__}")
    if not isinstance(spec, str) or _UNSAFE_HEADER_CHARS.search(spec) or spec.count("@") != 1 or "," in spec:
        raise ValueError(f"expected exactly one email address, got {str(spec)[:100]!r}")
    if _SURROGATES.search(name) or _SURROGATES.search(spec):
        raise ValueError("an email address or display name contains a lone surrogate (not Unicode text)")
    local, _, domain = spec.strip().rpartition("@")
    spec = f"{local}@{_ascii_domain(domain, spec)}"
    try:
        address = Address(display_name=_fit_display_name(clean_header_text(name)), addr_spec=spec)
    except (HeaderParseError, ValueError, IndexError, AttributeError) as exc:
        raise ValueError(f"invalid email address {spec[:100]!r}: {exc}") from None
    if not address.username or not address.domain:
        raise ValueError(f"invalid email address {spec[:100]!r}")
    return address


def _check_mailbox(msg: EmailMessage, name: str, address: Address) -> None:
    """Serialise header *name* and parse it back: it must be exactly *address*.

    The last line of defence against a display name or address that the
    ``email`` package writes as something else (fuzzing D1, D10).
    """
    try:
        folded = msg.policy.fold_binary(name, msg[name])
        back = email.message_from_bytes(folded + b"\r\n", policy=email.policy.default)[name]
        found = [(a.display_name, a.addr_spec) for a in back.addresses]
    except (UnicodeError, HeaderParseError, ValueError, IndexError, AttributeError, TypeError):
        found = []
    if found != [(address.display_name, address.addr_spec)]:
        raise ValueError(f"the {name} address {safe_repr(str(address), 100)} cannot be written safely")


def _encoded_words(text: str, name: str, linesep: str) -> str:
    """*text* as folded UTF-8 encoded words (spaces inside the words)."""
    return Header(text, charset="utf-8", maxlinelen=_FOLD_WIDTH, header_name=name).encode(linesep=linesep)


def _plain(text: str) -> bool:
    """True when *text* can go on the wire as it is: short ASCII words, no ``=?``."""
    return text.isascii() and "=?" not in text and all(len(w) < _FOLD_WIDTH - 20 for w in text.split())


class _MailboxHeader(UniqueAddressHeader):
    """From/To/Reply-To holding one mailbox, serialised so it parses back to itself.

    The ``email`` package decodes an RFC 2047 encoded word in a display name
    and writes the decoded text unquoted (a name ``=?utf-8?q?evil=40x.example=2C_x?=``
    adds a recipient, fuzzing D1), and it folds a long encoded name with a
    stray space. Here a display name is quoted when it is short plain ASCII,
    and otherwise written as one UTF-8 encoded word, whose content a decoder
    shows as text and never parses (one word: decoders disagree about the
    space between two).
    """

    def fold(self, *, policy: email.policy.Policy) -> str:
        field = cast(BaseHeader, self).name
        linesep = policy.linesep
        (address,) = self.addresses
        name, spec = address.display_name, address.addr_spec
        if not name:
            return f"{field}: {spec}{linesep}"
        if _plain(name) and len(name) < _FOLD_WIDTH - 20:
            return f"{field}: {formataddr((name, spec))}{linesep}"
        word = base64.b64encode(name.encode("utf-8")).decode("ascii")
        return f"{field}: =?utf-8?b?{word}?={linesep} <{spec}>{linesep}"


def _fit_display_name(name: str) -> str:
    """*name* cut (with an ellipsis) so its encoded word fits on one header line."""
    if len(name.encode("utf-8")) <= MAX_DISPLAY_NAME_BYTES:
        return name
    cut = name
    while len(cut.encode("utf-8")) > MAX_DISPLAY_NAME_BYTES - 3:
        cut = cut[: max(len(cut) - max(len(cut) // 8, 1), 0)]
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut.rstrip() + "\N{HORIZONTAL ELLIPSIS}"


class _SubjectHeader(UnstructuredHeader):
    """A Subject that serialises to exactly its text (fuzzing D8).

    The ``email`` package folds a long encoded Subject with the space between
    two words outside every encoded word, and RFC 2047 decoders drop such
    whitespace; it also lets ``=?...?=`` typed by a customer reach the wire
    as an encoded word. Here the text is kept literally and, unless it is
    plain ASCII without ``=?``, written as UTF-8 encoded words whose spaces
    sit inside the words.
    """

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        kwds["decoded"] = value
        kwds["parse_tree"] = None

    def fold(self, *, policy: email.policy.Policy) -> str:
        field = cast(BaseHeader, self).name
        text = str(self)
        linesep = policy.linesep
        if not _plain(text):
            return f"{field}: {_encoded_words(text, field, linesep)}{linesep}"
        lines: list[str] = []
        line = f"{field}:"
        for word in text.split(" "):
            if len(line) + 1 + len(word) > _FOLD_WIDTH and line.strip() and not line.endswith(":"):
                lines.append(line)
                line = ""
            line += " " + word
        lines.append(line)
        return linesep.join(lines) + linesep


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("subject", cast(type[BaseHeader], _SubjectHeader))
for _name in ("from", "to", "reply-to"):
    _HEADERS.map_to_type(_name, cast(type[BaseHeader], _MailboxHeader))


@dataclass(frozen=True)
class RenderedEmail:
    """A finished email in one locale: subject, preheader, text and HTML.

    ``locale`` is the BCP 47 tag actually used; ``fallbacks`` lists what fell
    back and why (empty when nothing did).
    """

    scenario: str
    subject: str
    preheader: str
    text: str
    html: str
    locale: str
    language: str
    direction: str
    fallbacks: tuple[Fallback, ...] = field(default=())
    #: The shop's own address, ``(name, email)``: ``to_message()``'s default sender.
    sender: tuple[str, str] | None = field(default=None, compare=False)

    def to_message(
        self,
        *,
        sender: AddressLike | None = None,
        recipient: AddressLike,
        reply_to: AddressLike | None = None,
        date: datetime | None = None,
        message_id: str | None = None,
    ) -> EmailMessage:
        """Build a ``multipart/alternative`` message (text, then HTML) ready for SMTP.

        *sender* defaults to the shop that rendered the email
        (``Shop.sender_name`` or ``Shop.name``, and ``Shop.support_email``).
        """
        if sender is None:
            if self.sender is None:
                raise ValueError("no sender: pass sender=..., or render with a Mailer whose Shop has one")
            sender = self.sender
        subject = clean_header_text(self.subject)
        if _SURROGATES.search(subject):
            raise ValueError("the subject contains a lone surrogate (not Unicode text)")
        msg = EmailMessage(policy=SMTP)
        msg["Subject"] = _HEADERS("Subject", subject)
        mailboxes = {"From": make_address(sender), "To": make_address(recipient)}
        if reply_to is not None:
            mailboxes["Reply-To"] = make_address(reply_to)
        for name, address in mailboxes.items():
            msg[name] = _HEADERS(name, [address])
            _check_mailbox(msg, name, address)
        msg["Date"] = format_datetime(date or datetime.now(UTC))
        msg["Message-ID"] = message_id or make_msgid(domain=mailboxes["From"].domain)
        msg["MIME-Version"] = "1.0"
        msg.set_content(self.text, subtype="plain", charset="utf-8")
        msg.add_alternative(self.html, subtype="html", charset="utf-8")
        # After set_content(), which drops every Content-* header it finds.
        msg["Content-Language"] = self.locale
        for part in msg.iter_parts():
            part["Content-Language"] = self.locale
        return msg

    def to_django(
        self,
        *,
        to: AddressLike | Sequence[AddressLike],
        from_email: AddressLike | None = None,
        **kwargs: Any,
    ) -> I18nEmailMessage:
        """Build a Django ``EmailMultiAlternatives`` (needs ``i18nmail[django]``).

        Text body with the HTML as its alternative, ``Content-Language`` on the
        message and each part, a cleanly encoded subject. ``to`` (and ``cc``,
        ``bcc``, ``reply_to``) take one address or a list; ``from_email``
        defaults to Django's ``DEFAULT_FROM_EMAIL``; other keyword arguments
        go to Django (``headers``, ``connection``, ``attachments``). Send it
        with ``.send()`` through the configured ``EMAIL_BACKEND``.
        """
        from .django.mail import build_message

        return build_message(self, to=to, from_email=from_email, **kwargs)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (CLI ``render --format json``)."""
        return {
            "scenario": self.scenario,
            "subject": self.subject,
            "preheader": self.preheader,
            "text": self.text,
            "html": self.html,
            "locale": self.locale,
            "direction": self.direction,
            "fallbacks": [
                {"kind": f.kind, "detail": f.detail, "locale": f.locale, "message": f.message}
                for f in self.fallbacks
            ],
        }
