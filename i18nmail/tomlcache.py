"""Parsed TOML files kept on disk, so that a fresh process does not parse every
scenario declaration and sample file again (about 7 ms of a first email).

:func:`load_toml` returns what ``tomllib.loads(path.read_text("utf-8"))``
returns and raises what it raises. The parsed data is stored in the per-user
cache folder (:mod:`i18nmail.cachedir`) under the file's absolute path and its
stat stamp: device, inode, size, mode, and modification and change times in
nanoseconds. Writing, replacing, renaming over, touching or chmod-ing the file
changes the stamp (the change time moves on every one of them), so an edited
file is always parsed again; a file that does not parse is never stored, so it
raises the same error every time. The Python version is part of the key too
(``tomllib`` ships with Python). ``I18NMAIL_BYTECODE_CACHE=0`` turns the cache
off.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     path = Path(folder) / "x.toml"
...     _ = path.write_text('when = 2026-12-24\\n[a]\\nb = [1, 2.5, "c"]\\n', "utf-8")
...     load_toml(path) == load_toml(path) == {"when": date(2026, 12, 24), "a": {"b": [1, 2.5, "c"]}}
True
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from .cachedir import read_marshalled, write_marshalled

__all__ = ["decode_error", "load_toml"]

_FORMAT = 1


def load_toml(path: Path, *, binary: bool = False) -> dict[str, Any]:
    """The TOML document in *path*, parsed, or from the cache when the file is unchanged.

    As ``tomllib.loads(path.read_text("utf-8"))``; with ``binary=True`` as
    ``tomllib.load()`` of the file opened in binary mode (no newline
    translation: a carriage return stays in a multi-line string, and a lone
    one is an error).
    """
    key = _key(path, binary)
    if key is not None:
        stored = read_marshalled("toml", key)
        if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], dict):
            try:
                return _decode(stored[1]) if stored[0] else stored[1]
            except (TypeError, ValueError, KeyError):  # a damaged entry: parse the file instead
                pass
    text = path.read_bytes().decode() if binary else path.read_text("utf-8")
    import tomllib  # only a file not seen before is parsed (its import alone takes about 6 ms)

    data = tomllib.loads(text)
    if key is not None:
        tagged = [False]  # whether there are dates to restore on reading (most files have none)
        encoded = _encode(data, tagged)
        write_marshalled("toml", key, (tagged[0], encoded))
    return data


def decode_error() -> type[ValueError]:
    """``tomllib.TOMLDecodeError``, imported when asked for (in an ``except`` clause,
    only once an exception is on its way)."""
    import tomllib

    return tomllib.TOMLDecodeError


def _key(path: Path, binary: bool = False) -> dict[str, Any] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None  # reading the file raises the same error below
    return {"format": _FORMAT, "python": sys.version, "path": os.path.abspath(path), "binary": binary,
            "stamp": [st.st_dev, st.st_ino, st.st_size, st.st_mode, st.st_mtime_ns, st.st_ctime_ns]}


def _encode(value: Any, tagged: list[bool]) -> Any:
    """*value* with dates, times and datetimes as ``(kind, ISO text)`` tuples
    (``tomllib`` never returns a tuple, so a tuple is always such a tag)."""
    if isinstance(value, dict):
        return {k: _encode(v, tagged) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v, tagged) for v in value]
    for kind in (datetime, date, time):  # datetime first: it is a date too
        if isinstance(value, kind):
            tagged[0] = True
            return (kind.__name__, value.isoformat())
    return value


_KINDS: dict[str, Any] = {"datetime": datetime, "date": date, "time": time}


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, tuple):
        kind, text = value
        return _KINDS[kind].fromisoformat(text)
    return value
