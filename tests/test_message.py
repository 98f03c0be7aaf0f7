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


# --- fuzzing campaign regressions (D1, D4, D8, D10) ---------------------------------------

#: Display names that are, or contain, RFC 2047 encoded words (fuzzing D1).
HOSTILE_NAMES = [
    "=?utf-8?q?evil=40attacker.example=2C_x?=",
    "=?utf-8?b?QmNjOiBldmlsQHguY29t?=",  # "Bcc: evil@x.com"
    "=?utf-8?b?RW1tYSA8ZXZpbEBhdHRhY2tlci5leGFtcGxlPg==?=",  # "Emma <evil@attacker.example>"
    "=?utf-8?b?ZXZpbEBhdHRhY2tlci5leGFtcGxlLCB4?=",  # "evil@attacker.example, x"
    "Åsa =?utf-8?q?evil=40x.example?=",
    "Emma ?= =? x",
    "Doe, John",
    'Eve "admin" <x@y>',
    "Bcc: evil@x.com",
    "Åsa " * 400,
    "\U0001f469\u200d\U0001f469\u200d\U0001f467" * 50,
]


def mailboxes(raw: bytes, name: str) -> list[tuple[str, str]]:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    return [(a.display_name, a.addr_spec) for a in parsed[name].addresses]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_encoded_word_display_names_parse_back_to_one_mailbox(name: str) -> None:
    """fuzzing D1: From/To/Reply-To parse back to exactly the mailbox given, whatever the name."""
    msg = sample_email().to_message(sender=(name, "shop@example.com"), recipient=(name, "emma@example.org"),
                                    reply_to=(name, "help@example.com"))
    raw = msg.as_bytes()
    for header, spec in (("From", "shop@example.com"), ("To", "emma@example.org"),
                         ("Reply-To", "help@example.com")):
        expected = make_address((name, spec))
        assert mailboxes(raw, header) == [(expected.display_name, spec)]
        assert "evil" not in spec
    assert b"Bcc" not in raw.split(b"\r\n\r\n", 1)[0].split(b"Subject")[0]
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_encoded_word_name_from_the_report_stays_text() -> None:
    """fuzzing D1: the reproducer's To header holds emma@example.org alone, named literally."""
    msg = sample_email().to_message(sender=("Shop", "shop@example.com"),
                                    recipient=("=?utf-8?q?evil=40attacker.example=2C_x?=", "emma@example.org"))
    assert mailboxes(msg.as_bytes(), "To") == [("=?utf-8?q?evil=40attacker.example=2C_x?=", "emma@example.org")]


def test_display_name_too_long_for_one_line_is_cut() -> None:
    """A display name longer than one header line allows is cut with an ellipsis, still one mailbox."""
    address = make_address(("Å" * 2000, "a@example.com"))
    assert address.display_name.endswith("\N{HORIZONTAL ELLIPSIS}")
    assert len(address.display_name.encode()) <= 600


@pytest.mark.parametrize("value", ["x:; <a@b.com>", "group: a@b.com;", "g: a@b.com, c@d.com;"])
def test_group_addresses_are_value_errors(value: str) -> None:
    """fuzzing D4: a group in a string address is a ValueError, never an AttributeError."""
    with pytest.raises(ValueError, match="exactly one email address"):
        sample_email().to_message(sender=value, recipient="a@b.com")
    with pytest.raises(ValueError, match="exactly one email address"):
        make_address(value)


def test_idn_domains_are_written_as_a_labels() -> None:
    """fuzzing D10: a non-ASCII sender domain serialises with plain as_bytes(), punycoded everywhere."""
    msg = sample_email().to_message(sender=("Butik", "hej@exämple.se"), recipient=("Emma", "emma@exämple.org"))
    raw = msg.as_bytes()
    assert mailboxes(raw, "From") == [("Butik", "hej@xn--exmple-cua.se")]
    assert mailboxes(raw, "To") == [("Emma", "emma@xn--exmple-cua.org")]
    assert msg["Message-ID"].endswith("@xn--exmple-cua.se>")
    assert raw.isascii()


def test_invalid_idn_domain_is_a_value_error() -> None:
    """A domain that IDNA 2008 refuses is a ValueError naming the address."""
    with pytest.raises(ValueError, match="invalid email domain"):
        make_address(("x", "a@\u2603\u2603..example"))


def test_lone_surrogates_in_addresses_and_subject_are_value_errors() -> None:
    """fuzzing D9: lone surrogates never reach a header; to_message raises ValueError up front."""
    with pytest.raises(ValueError, match="surrogate"):
        make_address(("\ud800", "a@example.com"))
    with pytest.raises(ValueError, match="surrogate"):
        sample_email(subject="Hej \udc00").to_message(sender="s@example.com", recipient="r@example.com")


@pytest.mark.parametrize("subject", [
    "=?utf-8?q?=41?=",
    "Order =?utf-8?b?QmNjOiBldmlsQHguY29t?= shipped",
    "خبر سار: المبلغ المسترد في طريقه إليكم " * 3,
    "Återbetalning för order 10437 " * 4,
    "A subject in plain ASCII that is long enough to be folded over more than one line of the header",
    "x" * 140,
])
def test_subject_round_trips_exactly(subject: str) -> None:
    """fuzzing D8: the Subject a parser reads back is exactly email.subject, spaces and all."""
    msg = sample_email(subject=subject.strip()).to_message(sender="s@example.com", recipient="r@example.com")
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == subject.strip()
    assert max(len(line) for line in msg.as_bytes().split(b"\r\n")) <= 998


def test_every_sample_subject_round_trips_in_every_locale() -> None:
    """fuzzing D8: all sample emails (14 scenarios x 13 locales + en-XA) keep their subject byte for byte."""
    from shipped import MARKETS, PSEUDO

    from i18nmail import Mailer

    mailer = Mailer(pseudo=True)
    now = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
    checked = 0
    for catalog, tag in [*MARKETS.items(), PSEUDO]:
        for scenario in mailer.scenarios():
            rendered = mailer.render(scenario.id, locale=tag, context=scenario.sample(catalog), now=now)
            msg = rendered.to_message(sender=("Shop", "s@example.com"), recipient=("Emma", "e@example.com"))
            parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
            assert parsed["Subject"] == rendered.subject, (tag, scenario.id)
            checked += 1
    assert checked == (len(MARKETS) + 1) * len(mailer.scenarios())
