"""RenderedEmail.to_message: real MIME, safe headers (RELIABILITY.md C23, C24)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from i18nmail.message import RenderedEmail, clean_header_text, make_address


def sample_email(subject: str = "Återbetalning för order 10437", locale: str = "sv-SE") -> RenderedEmail:
    return RenderedEmail(scenario="refund_approved", subject=subject, preheader="p",
                         text="Hej Emma,\n", html="<p>Hej Emma,</p>", locale=locale, language="sv",
                         direction="ltr")


def reparse(message: email.message.EmailMessage) -> email.message.Message:
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def test_message_is_multipart_alternative_with_language() -> None:
    """The message is multipart/alternative (text then HTML) with Content-Language."""
    msg = sample_email().to_message(sender=("Shop", "support@shop.example"), recipient="emma@example.org",
                                    date=datetime(2026, 12, 22, tzinfo=UTC))
    parsed = reparse(msg)
    assert parsed.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in parsed.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert parsed["Content-Language"] == "sv-SE"
    assert parsed["Subject"] == "Återbetalning för order 10437"
    assert "=?utf-8?" in msg.as_string().split("\n\n", 1)[0].lower()


@pytest.mark.parametrize("sep", ["\r\n", "\n", "\r", "\r\n\t", "\u2028", "\x85", "\x0b", "\x00"])
def test_separators_in_names_and_subject_cannot_add_headers(sep: str) -> None:
    """CR/LF and other separators in the subject or a display name never add a header."""
    evil = f"Bob{sep}Bcc: evil@x.com"
    msg = sample_email(subject=f"Order 1{sep}Bcc: evil@x.com").to_message(
        sender=("Shop", "support@shop.example"), recipient=(evil, "bob@example.org"))
    parsed = reparse(msg)
    assert set(parsed.keys()) == {"Subject", "From", "To", "Date", "Message-ID", "MIME-Version",
                                  "Content-Type", "Content-Language"}
    assert parsed["Bcc"] is None
    assert len(parsed["To"].addresses) == 1
    assert parsed["To"].addresses[0].addr_spec == "bob@example.org"


@pytest.mark.parametrize(
    "address",
    ["a@x.com, b@y.com", "alice@example.org)<bob@example.org>", "a@b@c", "", "no-at-sign",
     "x@y\r\nBcc: evil@x.com"],
)
def test_address_tricks_are_value_errors(address: str) -> None:
    """Anything but exactly one address raises ValueError (RELIABILITY.md C24)."""
    with pytest.raises(ValueError):
        make_address(address)


def test_display_names_are_quoted() -> None:
    """A display name with a comma or quotes stays one recipient, correctly quoted."""
    msg = sample_email().to_message(sender=("Shop", "support@shop.example"),
                                    recipient=('Doe, John "admin"', "john@example.org"))
    parsed = reparse(msg)
    assert len(parsed["To"].addresses) == 1
    assert parsed["To"].addresses[0].display_name == 'Doe, John "admin"'


def test_clean_header_text_replaces_controls() -> None:
    """Controls and line separators become single spaces."""
    assert clean_header_text("a\r\n\tb\u2028c\x00d") == "a b c d"


def test_long_subject_is_folded_within_line_limits() -> None:
    """A long non-ASCII subject is folded to lines below 998 octets."""
    msg = sample_email(subject="Å" * 400).to_message(sender="s@shop.example", recipient="r@example.org")
    assert max(len(line) for line in msg.as_bytes().split(b"\r\n")) <= 998
