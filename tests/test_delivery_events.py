"""JSON Lines events and batch progress: every bad line rejected with its number and reason."""

from __future__ import annotations

import io
import json

import pytest

from i18nmail.delivery import Event, SendReport, SendResult
from i18nmail.delivery.events import MAX_LINE, read_events
from i18nmail.delivery.progress import make_reporter

GOOD = {"key": "k1", "scenario": "refund_approved", "locale": "sv-SE", "context": {"order_number": "1"},
        "to": "Åsa <asa@example.se>"}


def parse(*lines: bytes) -> list[Event | SendResult]:
    return list(read_events(io.BytesIO(b"\n".join(lines) + b"\n")))


def test_good_lines_become_events_with_line_numbers() -> None:
    """Each object becomes an Event carrying its 1-based line number; blank lines are skipped."""
    line = json.dumps(GOOD).encode()
    found = parse(line, b"", b"   ", line.replace(b'"k1"', b'"k2"'))
    assert [(e.key, e.line) for e in found] == [("k1", 1), ("k2", 4)]  # type: ignore[union-attr]
    assert isinstance(found[0], Event) and found[0].to == "Åsa <asa@example.se>"


def test_to_as_an_object_becomes_a_name_address_pair() -> None:
    """"to": {"name", "email"} becomes (name, email); a name may be absent."""
    data = dict(GOOD, to={"name": "Åsa", "email": "asa@example.se"})
    (event,) = parse(json.dumps(data).encode())
    assert isinstance(event, Event) and event.to == ("Åsa", "asa@example.se")
    (event,) = parse(json.dumps(dict(GOOD, to={"email": "asa@example.se"})).encode())
    assert isinstance(event, Event) and event.to == (None, "asa@example.se")


@pytest.mark.parametrize("line, reason", [
    (b'{"key": "k"', "invalid JSON: Expecting ',' delimiter (column 12)"),
    (b"[1]", "expected a JSON object, got a list"),
    (b'"text"', "expected a JSON object, got a string"),
    (json.dumps({k: v for k, v in GOOD.items() if k != "to"}).encode(), "missing field: to"),
    (json.dumps({"key": "k"}).encode(), "missing fields: scenario, locale, context, to"),
    (json.dumps(dict(GOOD, extra=1)).encode(), "unknown field: extra"),
    (json.dumps(dict(GOOD, key=5)).encode(), "key must be a string, got a number"),
    (json.dumps(dict(GOOD, context=[1])).encode(), "context must be an object, got a list"),
    (json.dumps(dict(GOOD, to=5)).encode(), 'to must be "Name <address>" or an object, got a number'),
    (json.dumps(dict(GOOD, to={"mail": "x@y"})).encode(), 'to must be "Name <address>" or {"name": ..., "email": ...}'),
    (json.dumps(dict(GOOD, to={"email": 5})).encode(), "to: name and email must be strings"),
    ('{"key": "é"}'.encode("latin-1"), "not UTF-8 (byte 10)"),
    (b"[" * 100_000, "invalid JSON: nested too deeply"),
])
def test_bad_lines_are_rejected_with_the_reason(line: bytes, reason: str) -> None:
    """A bad line becomes a rejected SendResult with its line number and a precise reason."""
    found = parse(json.dumps(GOOD).encode(), line)
    assert isinstance(found[0], Event)
    rejected = found[1]
    assert isinstance(rejected, SendResult)
    assert (rejected.status, rejected.line, rejected.error) == ("rejected", 2, reason)


def test_rejected_line_keeps_its_key_when_it_has_one() -> None:
    """A line with a usable key but a bad field is rejected under that key (so it can be journaled)."""
    (rejected,) = parse(json.dumps(dict(GOOD, to=5)).encode())
    assert isinstance(rejected, SendResult) and rejected.key == "k1"


def test_overlong_line_is_rejected_without_parsing_and_reading_goes_on() -> None:
    """A line over the limit is rejected; the next line is read normally with the right number."""
    found = parse(b'{"key": "' + b"x" * (MAX_LINE + 10) + b'"}', json.dumps(GOOD).encode())
    assert isinstance(found[0], SendResult) and found[0].error == f"line longer than {MAX_LINE} bytes"
    assert isinstance(found[1], Event) and found[1].line == 2


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _report(sent: int) -> SendReport:
    report = SendReport()
    for i in range(sent):
        report.add(SendResult(key=f"k{i}", status="sent", locale="sv-SE"))
    return report


def test_summary_lines_when_not_a_terminal() -> None:
    """Without a terminal, progress is one summary line per interval and a final one."""
    out = io.StringIO()
    reporter = make_reporter(True, total=10, stream=out, every=0.0)
    reporter(_report(3))
    reporter(_report(10), final=True)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("i18nmail send: progress: sent 3, skipped 0, rejected 0, failed 0 (3 in")
    assert lines[0].endswith("of 10")
    assert lines[1].startswith("i18nmail send: done: sent 10")


@pytest.mark.parametrize("total", [10, None])
def test_progress_bar_on_a_terminal(total: int | None) -> None:
    """On a terminal a bar with the running counts is drawn, with or without a known total."""
    out = FakeTerminal()
    reporter = make_reporter(True, total=total, stream=out)
    reporter(_report(4))
    reporter(_report(10), final=True)
    assert "sent 10 skipped 0 rejected 0 failed 0" in out.getvalue()


def test_progress_callback_gets_the_report() -> None:
    """A callable progress is called with the running report (not for the final call)."""
    seen: list[int] = []
    reporter = make_reporter(lambda r: seen.append(r.total), total=None)
    reporter(_report(2))
    reporter(_report(3), final=True)
    assert seen == [2]
