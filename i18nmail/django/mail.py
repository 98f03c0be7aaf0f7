"""``RenderedEmail`` -> Django's ``EmailMultiAlternatives``, with i18nmail's headers.

Kept apart from the settings-driven part of :mod:`i18nmail.django` so that
building a message needs Django installed, not configured.

The message carries what :meth:`RenderedEmail.to_message` carries: the text
body with the HTML as its alternative, ``Content-Language`` on the message and
on each part, and an RFC 2047 subject that a parser reads back unchanged
(Django's own folding of a long non-ASCII subject starts with an empty line,
which some readers show as a leading space). Addresses go through
:func:`i18nmail.message.make_address`, so a display name cannot add a header
and one string cannot smuggle in a second recipient.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.header import Header
from typing import TYPE_CHECKING, Any

try:
    from django.core.mail import EmailMultiAlternatives
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("i18nmail.django needs Django: pip install 'i18nmail[django]'") from exc

from ..message import AddressLike, clean_header_text, make_address

if TYPE_CHECKING:
    from ..message import RenderedEmail

__all__ = ["I18nEmailMessage", "address_list", "build_message"]

Recipients = AddressLike | Sequence[AddressLike]


def address_list(value: Recipients | None, *, name: str) -> list[str]:
    """Normalise one address or a list of them to Django's list of strings.

    A ``list`` means several recipients; a string, an ``Address`` or a
    ``(name, address)`` tuple is one. Each is checked by ``make_address``.

    >>> address_list(("Åsa Berg", "asa@example.se"), name="to")
    ['Åsa Berg <asa@example.se>']
    >>> address_list("a@x.example, b@y.example", name="to")
    Traceback (most recent call last):
    ...
    ValueError: to: expected exactly one email address, got 'a@x.example, b@y.example'
    """
    if value is None:
        return []
    items: Sequence[Any] = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        try:
            out.append(str(make_address(item)))
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"{name}: {exc}") from None
    return out


class I18nEmailMessage(EmailMultiAlternatives):  # type: ignore[misc]  # Django is untyped
    """An ``EmailMultiAlternatives`` that keeps ``Content-Language`` on every part
    and folds a non-ASCII subject the way ``to_message()`` does."""

    content_language: str = ""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        msg = super().message(*args, **kwargs)
        subject = str(self.subject)
        if not subject.isascii() and "Subject" in msg:
            msg.replace_header("Subject", Header(subject, "utf-8", header_name="Subject"))
        if self.content_language:
            for part in msg.walk():
                if part is not msg and not part.is_multipart():
                    del part["Content-Language"]
                    part["Content-Language"] = self.content_language
        return msg


def build_message(
    email: RenderedEmail,
    *,
    to: Recipients,
    from_email: AddressLike | None = None,
    **kwargs: Any,
) -> I18nEmailMessage:
    """Build the Django message for *email* (see :meth:`RenderedEmail.to_django`).

    ``to``, ``cc``, ``bcc`` and ``reply_to`` take one address or a list;
    ``from_email`` defaults to Django's ``DEFAULT_FROM_EMAIL``. Other keyword
    arguments (``headers``, ``connection``, ``attachments``) go to Django.
    """
    recipients = address_list(to, name="to")
    if not recipients:
        raise ValueError("to: give at least one recipient")
    for key in ("cc", "bcc", "reply_to"):
        if key in kwargs:
            kwargs[key] = address_list(kwargs[key], name=key)
    headers = dict(kwargs.pop("headers", None) or {})
    for key in list(headers):
        if key.lower() == "content-language":
            del headers[key]
    headers["Content-Language"] = email.locale
    sender = str(make_address(from_email)) if from_email is not None else None
    message = I18nEmailMessage(
        subject=clean_header_text(email.subject),
        body=email.text,
        from_email=sender,
        to=recipients,
        headers=headers,
        **kwargs,
    )
    message.content_language = email.locale
    message.attach_alternative(email.html, "text/html")
    return message

