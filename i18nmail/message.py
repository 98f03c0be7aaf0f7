"""The rendered email, and its conversion into an ``email.message.EmailMessage``.

Headers are built with the ``email`` package's modern API and
``headerregistry.Address`` objects, never by string concatenation: a name
like ``"Bob\\r\\nBcc: evil@x.com"`` cannot add a header, and a ``To`` value
with a comma cannot add a recipient (RELIABILITY.md items 8, 23, 24).

>>> email = RenderedEmail(scenario="demo", subject="Hej då", preheader="", text="Hej", html="<p>Hej</p>",
...                       locale="sv", language="sv", direction="ltr", fallbacks=())
>>> msg = email.to_message(sender="Shop <shop@example.com>", recipient=("Åsa Berg", "asa@example.se"))
>>> msg["To"], msg["Content-Language"], msg.get_content_type()
('Åsa Berg <asa@example.se>', 'sv', 'multipart/alternative')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from .negotiation import Fallback

__all__ = ["RenderedEmail", "make_address"]

_UNSAFE_HEADER_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

AddressLike = str | tuple[str | None, str] | Address


#: Runs of ordinary spaces; typographic spaces (U+00A0, U+202F before French
#: ":" and "?") are the translator's choice and stay.
_ASCII_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")


def clean_header_text(value: str) -> str:
    """Replace control characters and line separators by a space.

    >>> clean_header_text("Bob\\r\\nBcc: evil@x.com")
    'Bob Bcc: evil@x.com'
    """
    return _ASCII_SPACE_RUN.sub(" ", _UNSAFE_HEADER_CHARS.sub(" ", value)).strip(" ")


def make_address(value: AddressLike) -> Address:
    """Build one ``Address`` from ``"Name <a@b>"``, ``(name, addr)`` or an Address.

    Exactly one mailbox or ``ValueError``:

    >>> make_address(("Doe, John", "john@example.com"))
    Address(display_name='Doe, John', username='john', domain='example.com')
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
        from email.headerregistry import HeaderRegistry

        try:
            header = HeaderRegistry()("To", value)
            addresses = header.addresses  # type: ignore[attr-defined]
        except (HeaderParseError, IndexError, ValueError, TypeError):
            addresses = ()
        if len(addresses) != 1 or _UNSAFE_HEADER_CHARS.search(value) or header.defects:
            raise ValueError(f"expected exactly one email address, got {value[:100]!r}")
        name, spec = addresses[0].display_name, addresses[0].addr_spec
    else:
        raise TypeError("an address is a string, a (name, address) pair or an Address")
    if not isinstance(spec, str) or _UNSAFE_HEADER_CHARS.search(spec) or spec.count("@") != 1 or "," in spec:
        raise ValueError(f"expected exactly one email address, got {str(spec)[:100]!r}")
    try:
        address = Address(display_name=clean_header_text(name or ""), addr_spec=spec.strip())
    except (HeaderParseError, ValueError, IndexError) as exc:
        raise ValueError(f"invalid email address {spec[:100]!r}: {exc}") from None
    if not address.username or not address.domain:
        raise ValueError(f"invalid email address {spec[:100]!r}")
    return address


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

    def to_message(
        self,
        *,
        sender: AddressLike,
        recipient: AddressLike,
        reply_to: AddressLike | None = None,
        date: datetime | None = None,
        message_id: str | None = None,
    ) -> EmailMessage:
        """Build a ``multipart/alternative`` message (text, then HTML) ready for SMTP."""
        msg = EmailMessage(policy=SMTP)
        msg["Subject"] = clean_header_text(self.subject)
        msg["From"] = make_address(sender)
        msg["To"] = make_address(recipient)
        if reply_to is not None:
            msg["Reply-To"] = make_address(reply_to)
        msg["Date"] = format_datetime(date or datetime.now(UTC))
        msg["Message-ID"] = message_id or make_msgid(domain=make_address(sender).domain)
        msg["MIME-Version"] = "1.0"
        msg.set_content(self.text, subtype="plain", charset="utf-8")
        msg.add_alternative(self.html, subtype="html", charset="utf-8")
        # After set_content(), which drops every Content-* header it finds.
        msg["Content-Language"] = self.locale
        for part in msg.iter_parts():
            part["Content-Language"] = self.locale
        return msg

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
