"""A private per-user folder for the small facts i18nmail keeps on disk between
processes (the holidays package's answers, :mod:`i18nmail.holidaydata`; parsed
TOML files, :mod:`i18nmail.tomlcache`), and the switch that turns every such
cache off.

The folder is ``i18nmail-cache-<uid>`` in the temporary directory, made with
mode 0700 and refused when another user owns it or anyone else may enter it:
the same rules Jinja applies to the folder of its bytecode cache
(:mod:`i18nmail.bytecode`). Entries are JSON files named by a digest of their
key; each one repeats its key, and a reader that finds another key, a file
it cannot read or parse, or no usable folder at all simply gets ``None`` and
computes the answer again. Entries are JSON, or :mod:`marshal` data (never
code) where reading speed matters. Writes go to a temporary file that is renamed into
place, so a reader never sees half an entry. A cache can only make a process
faster: it never raises.

``I18NMAIL_BYTECODE_CACHE=0`` (or ``off``, ``no``, ``false``) in the
environment turns off the template bytecode cache and these entries alike.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

__all__ = [
    "OPT_OUT",
    "caches_enabled",
    "private_folder",
    "read_entry",
    "read_marshalled",
    "write_entry",
    "write_marshalled",
]

#: The environment variable that turns i18nmail's on-disk caches off.
OPT_OUT = "I18NMAIL_BYTECODE_CACHE"
_OFF = {"0", "no", "off", "false"}


def caches_enabled() -> bool:
    """Whether on-disk caches may be used (``I18NMAIL_BYTECODE_CACHE`` is not 0/off/no/false)."""
    return os.environ.get(OPT_OUT, "1").strip().lower() not in _OFF


def _private(st: os.stat_result) -> bool:
    return st.st_uid == os.getuid() and stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == stat.S_IRWXU


#: Folders already checked in this process, by temporary directory.
_CHECKED: dict[str, Path | None] = {}


def private_folder() -> Path | None:
    """This user's cache folder in the temporary directory, made if missing;
    ``None`` when caches are off or no folder only this user can enter is available.
    (Checked once per process and temporary directory.)"""
    if not caches_enabled() or not hasattr(os, "getuid"):
        return None
    try:
        root = tempfile.gettempdir()
    except OSError:  # no usable temporary directory at all
        return None
    if root not in _CHECKED:
        _CHECKED[root] = _make_private(os.path.join(root, f"i18nmail-cache-{os.getuid()}"))
    return _CHECKED[root]


def _make_private(folder: str) -> Path | None:
    try:
        try:
            os.mkdir(folder, stat.S_IRWXU)
        except FileExistsError:
            pass
        found = os.lstat(folder)
        if not _private(found) and found.st_uid == os.getuid() and stat.S_ISDIR(found.st_mode):
            os.chmod(folder, stat.S_IRWXU)  # ours but too open (a umask, a copied tree)
            found = os.lstat(folder)
        return Path(folder) if _private(found) else None
    except OSError:  # a read-only temporary directory, a folder we cannot stat
        return None


def _entry_path(folder: Path, kind: str, key: Any, suffix: str) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()[:32]
    return folder / f"{kind}-{digest}{suffix}"


def _read(kind: str, key: Any, suffix: str) -> bytes | None:
    folder = private_folder()
    if folder is None:
        return None
    try:
        with _entry_path(folder, kind, key, suffix).open("rb") as fh:
            return fh.read()
    except OSError:  # missing, unreadable, a folder in its place
        return None


def _write(kind: str, key: Any, suffix: str, payload: bytes) -> None:
    folder = private_folder()
    if folder is None:
        return
    target = _entry_path(folder, kind, key, suffix)
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.stem}-", suffix=".tmp")
    except OSError:  # a full or read-only disk: the next process computes again
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(temporary, target)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def read_entry(kind: str, key: Any) -> Any:
    """The data stored under *key* (JSON-able) for *kind*, or ``None`` when there
    is none, it cannot be read, it is not valid JSON or it names another key."""
    payload = _read(kind, key, ".json")
    if payload is None:
        return None
    try:
        stored = json.loads(payload)
    except ValueError:  # truncated, not UTF-8, not JSON
        return None
    if not isinstance(stored, dict) or stored.get("key") != json.loads(json.dumps(key)):
        return None
    return stored.get("data")


def write_entry(kind: str, key: Any, data: Any) -> None:
    """Store *data* (JSON-able) under *key* for *kind*, atomically; a failure is ignored."""
    try:
        text = json.dumps({"key": key, "data": data}, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return
    _write(kind, key, ".json", text.encode("utf-8"))


def read_marshalled(kind: str, key: Any) -> Any:
    """Like :func:`read_entry` for data stored with :func:`write_marshalled`."""
    payload = _read(kind, key, ".marshal")
    if payload is None:
        return None
    try:
        stored = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != json.dumps(key, sort_keys=True):
        return None
    return stored[1]


def write_marshalled(kind: str, key: Any, data: Any) -> None:
    """Store *data* (built of dicts, lists, tuples, strings, numbers, booleans
    and ``None``) with :mod:`marshal`, which reads back several times faster
    than JSON; atomically, and a failure is ignored."""
    try:
        payload = marshal.dumps((json.dumps(key, sort_keys=True), data))
    except (TypeError, ValueError):
        return
    _write(kind, key, ".marshal", payload)
