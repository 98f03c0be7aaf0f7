"""Property-based fuzz tests: each asserts a documented contract over generated input.

Derandomized (the same examples on every run, no example database) and
bounded so the whole file runs in well under a minute on two cores. The
contracts come from the README and RELIABILITY.md:

* ``render`` returns a whole email or raises one of i18nmail's typed errors,
  ``ValueError``, ``TypeError`` or ``LookupError``; never a header break, a
  template leak or an empty part.
* ``to_message`` raises ``ValueError``/``TypeError`` or writes From/To that
  parse back to exactly the one mailbox given, and a Subject that parses
  back to exactly the subject (fuzzing D1, D8).
* Catalog bytes are either a catalog or one ``CatalogError``.
* The CLI exits 0, 1 or 2 and never shows a traceback.
"""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from i18nmail import Mailer
from i18nmail.catalogs import load_mo, load_po
from i18nmail.cli import main
from i18nmail.exceptions import CatalogError, I18nMailError
from i18nmail.message import RenderedEmail, clean_header_text, make_address
from i18nmail.pofile import parse_catalog

FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
CONTRACT_ERRORS = (I18nMailError, ValueError, TypeError, LookupError)
NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
MAILER = Mailer(pseudo=True)
SCENARIOS = [s.id for s in MAILER.scenarios()]
SHIPPED_TAGS = ["en-US", "sv-SE", "sv-FI", "ko-KR", "nb-NO", "no", "fi-FI", "da-DK", "de-DE", "fr-FR",
                "es-ES", "ja-JP", "pl-PL", "ar-SA", "zh-Hans-CN", "zh-TW", "en-XA"]

#: Text a customer might type, plus the tricks of the fuzzing report.
TRICKS = ["\r\nBcc: evil@x.com", "=?utf-8?q?=41?=", "=?utf-8?b?QmNjOiBldmlsQHguY29t?=", "%(name)s", "{{ 7*7 }}",
          "<script>alert(1)</script>", "\u202eRLO", "\u2028", "\x00", "Åsa Öberg", "خبر سار", "한국어",
          "\U0001f469\u200d\U0001f469\u200d\U0001f467", "100%", "{0.__class__}", "\ud800"]
hostile_text = st.one_of(st.text(max_size=60), st.sampled_from(TRICKS),
                         st.lists(st.sampled_from(TRICKS), min_size=1, max_size=4).map(" ".join))
any_value = st.one_of(
    hostile_text, st.none(), st.booleans(), st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(allow_nan=True, allow_infinity=True, places=None), st.floats(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.dates().map(str), st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
)
locales = st.one_of(st.sampled_from(SHIPPED_TAGS), st.text(max_size=30), st.none(), st.integers())


@st.composite
def contexts(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    scenario = draw(st.sampled_from(SCENARIOS))
    context: dict[str, Any] = dict(MAILER.scenario(scenario).sample("en"))
    if draw(st.integers(min_value=0, max_value=3)):  # a quarter of the cases keep the sample intact
        for key in draw(st.lists(st.sampled_from(sorted(context)), min_size=1, max_size=3, unique=True)):
            context[key] = draw(st.one_of(any_value, hostile_text))
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            context.pop(draw(st.sampled_from(sorted(context))), None)
    return scenario, context


@settings(FUZZ, max_examples=200)
@given(case=contexts(), locale=locales,
       offset=st.one_of(st.integers(min_value=-(10**5), max_value=10**5),
                        st.integers(min_value=-(10**8), max_value=10**8)))
def test_render_returns_a_whole_email_or_a_typed_error(case: tuple[str, dict[str, Any]], locale: object,
                                                       offset: int) -> None:
    """render() over generated contexts, locales and `now`: a complete email or a documented error."""
    scenario, context = case
    try:
        now = NOW + timedelta(hours=offset)
    except OverflowError:
        now = datetime.max.replace(tzinfo=UTC)
    try:
        rendered = MAILER.render(scenario, locale=locale, context=context, now=now)
    except CONTRACT_ERRORS as exc:
        event(f"refused: {type(exc).__name__}")
        return
    event("rendered")
    assert rendered.subject and rendered.text.strip() and rendered.html
    assert not set("\r\n") & set(rendered.subject) and len(rendered.subject) <= 150
    values = " ".join(str(v) for v in context.values())
    for part in (rendered.subject, rendered.text, rendered.html):
        assert "%(" not in part or "%(" in values
        assert "{{" not in part or "{{" in values
    assert "<script" not in rendered.html.lower()
    msg = rendered.to_message(sender=("Shop", "shop@example.com"), recipient=("Kund", "kund@example.com"))
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == rendered.subject


SAMPLE = RenderedEmail(scenario="fuzz", subject="Hej", preheader="", text="Hej\n", html="<p>Hej</p>",
                       locale="sv-SE", language="sv", direction="ltr")
local_parts = st.from_regex(r"[A-Za-z0-9._%+\-]{1,20}", fullmatch=True)
domains = st.one_of(st.from_regex(r"[a-z0-9]{1,12}\.(?:com|se|example)", fullmatch=True),
                    st.sampled_from(["exämple.se", "例え.jp", "xn--exmple-cua.se", "[127.0.0.1]"]))
names = st.one_of(hostile_text, st.none(), st.text(alphabet=st.sampled_from('=?qbBQ_"<>@,;: x'), max_size=40))
addresses = st.one_of(
    st.tuples(names, st.builds(lambda a, b: f"{a}@{b}", local_parts, domains)),
    hostile_text,
    st.builds(lambda n, a, d: f"{n} <{a}@{d}>", hostile_text, local_parts, domains),
)


@settings(FUZZ, max_examples=400)
@given(sender=addresses, recipient=addresses, reply_to=st.one_of(st.none(), addresses),
       subject=hostile_text.filter(lambda s: s.strip() != ""))
def test_to_message_headers_parse_back_to_the_mailbox_given(sender: Any, recipient: Any, reply_to: Any,
                                                           subject: str) -> None:
    """to_message(): ValueError/TypeError, or From/To/Reply-To each parse back to exactly one given mailbox."""
    rendered = RenderedEmail(**{**SAMPLE.__dict__, "subject": subject})
    try:
        msg = rendered.to_message(sender=sender, recipient=recipient, reply_to=reply_to)
        raw = msg.as_bytes()
    except (ValueError, TypeError):
        return
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    for header, given_value in (("From", sender), ("To", recipient), ("Reply-To", reply_to)):
        if given_value is None:
            continue
        expected = make_address(given_value)
        found = [(a.display_name, a.addr_spec) for a in parsed[header].addresses]
        assert found == [(expected.display_name, expected.addr_spec)]
    assert parsed["Subject"] == clean_header_text(subject)
    assert parsed["Bcc"] is None and parsed["Cc"] is None


PO_SEED = (Path(__file__).resolve().parent.parent / "catalogs" / "sv" / "LC_MESSAGES" / "messages.po").read_bytes()[:4000]


@st.composite
def mutated_po(draw: st.DrawFn) -> bytes:
    data = bytearray(PO_SEED)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        chunk = draw(st.one_of(st.binary(max_size=8), st.sampled_from(
            [b'"', b"\\", b"\n", b"\r", b"msgid ", b'msgstr "x"\n', b"\\q", b"\\777", b"#, fuzzy\n", b"\xff",
             b"charset=latin-1", b"nplurals=9;", b"plural=n/0;", b"<a ", b"<!--"])))
        if kind == "delete":
            del data[at:at + len(chunk)]
        elif kind == "insert":
            data[at:at] = chunk
        elif kind == "replace":
            data[at:at + len(chunk)] = chunk
        else:
            del data[at:]
    return bytes(data)


@settings(FUZZ, max_examples=300)
@given(data=st.one_of(mutated_po(), st.binary(max_size=300)))
def test_catalog_bytes_are_a_catalog_or_one_catalog_error(data: bytes) -> None:
    """Any bytes: the strict reader returns findings, the .po and .mo loaders a catalog or a CatalogError."""
    po = parse_catalog(data, "fuzz.po", locale="sv")
    refused_by_check = bool(po.refusal)
    try:
        load_po(data, "fuzz.po", "sv")
    except CatalogError:
        pass
    else:
        assert not refused_by_check, po.refusal  # run time never uses what the reader refuses
    for loader in (load_po, load_mo):
        try:
            catalog = loader(data, "fuzz.po", "sv")
        except CatalogError:
            continue
        assert 1 <= catalog.nplurals <= 6
        for value in catalog.messages.values():
            assert value


VERBS = ["scenarios", "render", "window", "stats", "refund_approved", "--locale", "--sample", "--context",
         "--format", "--now", "--country", "--from", "--days", "--recipient", "--sender", "json", "eml", "text",
         "html", "sv-SE", "SE", "IN", "3-5", "2026-12-22", "9999-12-31T23:59+00:00", "-", "x:; <a@b.com>",
         "=?utf-8?b?QmNjOiBldmlsQHguY29t?=", "--catalogs", "--templates", "/nonexistent", "--help", ""]


BASES = [
    ["render", "refund_approved", "--locale", "sv-SE", "--sample", "--now", "2026-12-22T09:00+00:00"],
    ["render", "support_acknowledgement", "--locale", "ar", "--sample", "--format", "eml"],
    ["window", "--country", "SE", "--from", "2026-12-22", "--days", "3-5", "--locale", "sv"],
    ["scenarios", "--format", "json"],
]


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    if draw(st.booleans()):
        return draw(st.lists(st.one_of(st.sampled_from(VERBS), st.text(max_size=12)), max_size=8))
    argv = list(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(argv) - 1))
        argv[at] = draw(st.one_of(st.sampled_from(VERBS), st.sampled_from(TRICKS).filter(lambda t: "\x00" not in t),
                                  st.text(max_size=12)))
    return argv


@settings(FUZZ, max_examples=200)
@given(argv=argvs())
def test_cli_exits_0_1_or_2_without_a_traceback(argv: list[str]) -> None:
    """Any argv: exit code 0, 1 or 2 and no exception escapes click (no traceback)."""
    assume("preview" not in argv)  # it serves until stopped
    result = CliRunner().invoke(main, argv, input="{}", catch_exceptions=True)
    event(f"exit {result.exit_code}")
    assert result.exit_code in (0, 1, 2), (argv, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (argv, repr(result.exception))
