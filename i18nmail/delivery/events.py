"""Read events from JSON Lines: one email per line, bad lines rejected with their number.

Each line is an object with ``key``, ``scenario``, ``locale``, ``context``
and ``to`` (``"Name <addr>"`` or ``{"name": ..., "email": ...}``). A line that
is not such an object becomes a ``rejected`` :class:`SendResult` carrying its
line number and the reason; reading never stops at a bad line. Blank lines are
ignored. (Whether the scenario exists and the context fits is checked when
the email is rendered; those rejections carry the line number too.)

>>> import io
>>> lines = io.BytesIO(b'{"key": "k1", "scenario": "refund_approved", "locale": "sv", '
...                    b'"context": {}, "to": {"name": "Asa", "email": "asa@example.se"}}\\n'
...                    b'{"key": "k2"\\n')
>>> [(type(e).__name__, e.line) for e in read_events(lines)]
[('Event', 1), ('SendResult', 2)]
>>> next(iter(read_events(io.BytesIO(b'[1]')))).error
'expected a JSON object, got a list'
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from .results import Event, SendResult

__all__ = ["FIELDS", "MAX_LINE", "count_lines", "parse_event", "read_events"]

#: The fields of an event line.
FIELDS = ("key", "scenario", "locale", "context", "to")
#: Longest line read (bytes); longer lines are rejected, not parsed.
MAX_LINE = 1_000_000
_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number",
               bool: "true or false", type(None): "null"}


def _kind(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def parse_event(data: object, *, line: int | None = None) -> Event:
    """Check one decoded JSON value and return its :class:`Event`.

    Raises ``TypeError`` (a field of the wrong JSON type) or ``ValueError``
    (missing or unknown fields), saying what is wrong.
    """
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object, got {_kind(data)}")
    missing = [name for name in FIELDS if name not in data]
    if missing:
        raise ValueError(f"missing field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    for name in ("key", "scenario", "locale"):
        if not isinstance(data[name], str):
            raise TypeError(f"{name} must be a string, got {_kind(data[name])}")
    if not isinstance(data["context"], dict):
        raise TypeError(f"context must be an object, got {_kind(data['context'])}")
    to: Any = data["to"]
    if isinstance(to, dict):
        extra = sorted(set(to) - {"name", "email"})
        if extra or "email" not in to:
            raise ValueError('to must be "Name <address>" or {"name": ..., "email": ...}')
        display, address = to.get("name"), to["email"]
        if not isinstance(address, str) or not (display is None or isinstance(display, str)):
            raise TypeError("to: name and email must be strings")
        to = (display, address)
    elif not isinstance(to, str):
        raise TypeError(f'to must be "Name <address>" or an object, got {_kind(to)}')
    return Event(key=data["key"], scenario=data["scenario"], locale=data["locale"],
                 context=data["context"], to=to, line=line)


def _rejected(lineno: int, reason: str, key: object = "") -> SendResult:
    return SendResult(key=key if isinstance(key, str) else "", status="rejected",
                      error=reason, line=lineno)


def read_events(stream: IO[bytes]) -> Iterator[Event | SendResult]:
    """Yield an :class:`Event` per good line and a rejected :class:`SendResult` per bad one."""
    lineno = 0
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the overlong line
                raw = stream.readline(MAX_LINE)
            yield _rejected(lineno, f"line longer than {MAX_LINE} bytes")
            continue
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            yield _rejected(lineno, f"not UTF-8 (byte {exc.start + 1})")
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield _rejected(lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        except RecursionError:
            yield _rejected(lineno, "invalid JSON: nested too deeply")
            continue
        try:
            yield parse_event(data, line=lineno)
        except (TypeError, ValueError) as exc:
            key = data.get("key") if isinstance(data, dict) else ""
            yield _rejected(lineno, str(exc), key)


def count_lines(stream: IO[bytes]) -> int:
    """Non-blank lines in a seekable *stream* (for the progress bar); rewinds it."""
    count = 0
    for raw in stream:
        if raw.strip():
            count += 1
    stream.seek(0)
    return count

