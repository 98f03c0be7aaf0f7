"""The strict ``.po``/``.pot`` reader that ``i18nmail check`` (and the run time) trust.

Babel's reader silently drops a missing closing quote, keeps unknown escapes
and stops at the first error when asked to be strict. This one records every
problem as a :class:`~i18nmail.findings.Finding` with its exact line and reads
on, so one run reports everything:

* the PO grammar (unterminated strings, ``msgstr`` before ``msgid``, unknown
  keywords) is a ``syntax`` error; adjacent literals on one line
  (``msgid "a" "b"``) are valid, as for msgfmt;
* a bad escape (``\\q``, ``\\x`` without hex digits) is an ``escape`` error and
  the entry is left out;
* the bytes must be in the charset the header declares (``encoding``,
  ``header-charset``), including a UTF-8 file that claims a legacy charset;
* the same ``msgctxt`` + ``msgid`` twice is a ``duplicate``, also between an
  active and an obsolete (``#~``) entry, as msgfmt says;
* a carriage return, or a line break in a translation whose source has none,
  is a ``line-break`` finding (an error for CR, a warning for LF).

:func:`read_catalog` opens only regular files and reads at most
:data:`MAX_CATALOG_BYTES` bytes, counting the bytes actually read (a FIFO or
``/dev/zero`` is refused, not waited on). :attr:`PoFile.refusal` lists the
findings for which a loader refuses the file as a whole.

>>> po = parse_catalog(b'msgid ""\\nmsgstr "Content-Type: text/plain; charset=UTF-8\\\\n"\\n\\n'
...                    b'msgid "a"\\nmsgstr "b\\\\xZZ"\\n', "x.po")
>>> [f.to_text() for f in po.findings], po.entries
(["x.po:5: escape: msgstr: invalid escape sequence '\\\\x' (no hex digit follows)"], [])
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import ERROR, WARNING, Finding
from .plurals import PluralRule, parse_plural_forms, rule_problem

__all__ = [
    "MAX_CATALOG_BYTES",
    "REFUSING_CODES",
    "PoEntry",
    "PoFile",
    "parse_catalog",
    "read_bytes_bounded",
    "read_catalog",
]

#: A catalog larger than this is refused; bytes actually read count.
MAX_CATALOG_BYTES = 20 * 1024 * 1024
#: A translation longer than this (in characters) is an error: no sentence of
#: an email is that long, and a 19 MB msgstr would be pasted into every email.
MAX_MSGSTR_CHARS = 20_000
#: Codes of errors for which a loader refuses a catalog as a whole.
REFUSING_CODES = frozenset({"syntax", "encoding", "header-charset", "duplicate"})

_LOCALE_ID_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?$")


@dataclass(slots=True)
class PoEntry:
    """One message of a PO file, with the line of each part."""

    msgid: str
    line: int
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    msgstr_lines: dict[int, int] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    locations: tuple[str, ...] = ()
    auto_comments: tuple[str, ...] = ()
    obsolete: bool = False
    form_cache: tuple[tuple[int, str, int, str], ...] | None = field(default=None, repr=False, compare=False)

    @property
    def fuzzy(self) -> bool:
        """True when the entry carries the ``fuzzy`` flag."""
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """True when every form has text."""
        return bool(self.msgstr) and all(self.msgstr.values())

    def forms(self) -> tuple[tuple[int, str, int, str], ...]:
        """``(index, msgstr, line, source)`` for every non-empty form (computed once, after reading)."""
        if self.form_cache is None:
            found = []
            for index in sorted(self.msgstr):
                text = self.msgstr[index]
                if text:
                    source = self.msgid if index == 0 or self.msgid_plural is None else self.msgid_plural
                    found.append((index, text, self.msgstr_lines.get(index, self.line), source))
            self.form_cache = tuple(found)
        return self.form_cache


@dataclass(slots=True)
class PoFile:
    """A catalog read strictly: entries, header, plural rule and reading problems."""

    path: str
    locale: str | None
    is_template: bool
    entries: list[PoEntry] = field(default_factory=list)
    header: PoEntry | None = None
    headers: dict[str, str] = field(default_factory=dict)
    charset: str | None = None
    findings: list[Finding] = field(default_factory=list)
    obsolete: list[PoEntry] = field(default_factory=list)
    duplicates: list[tuple[PoEntry, PoEntry]] = field(default_factory=list)
    nplurals: int | None = None
    plural: Callable[[int], int] | None = None
    plural_rule: PluralRule | None = None
    header_lines: dict[str, int] = field(default_factory=dict)
    #: What the messages may contain and how unflagged entries are read (set by the
    #: caller from :class:`i18nmail.checks_policy.CheckOptions`; the defaults are
    #: plain gettext: HTML only where the source has real markup, unflagged = text).
    markup: str = "auto"
    unflagged_format: str = "text"
    checked_cache: list[PoEntry] | None = field(default=None, repr=False, compare=False)

    def problem(self, line: int, code: str, message: str, *, severity: str = ERROR,
                msgid: str | None = None, context: str | None = None) -> Finding:
        """Build a finding located in this file."""
        return Finding(self.path, line, code, severity, message, self.locale, msgid, context)

    def header_line(self, name: str) -> int:
        """The line of header field *name* (``"plural-forms"``), else of the header entry."""
        return self.header_lines.get(name, self.header.line if self.header else 1)

    def checked_entries(self) -> list[PoEntry]:
        """Entries whose translations the content checks look at: not the fuzzy ones
        (computed once, after reading)."""
        if self.checked_cache is None:
            self.checked_cache = [entry for entry in self.entries if not entry.fuzzy]
        return self.checked_cache

    @property
    def language(self) -> str | None:
        """The Babel locale id: from the folder name, else the ``Language`` header."""
        if self.locale:
            return self.locale
        value = self.headers.get("language", "").strip().replace("-", "_")
        return value if _LOCALE_ID_RE.match(value) else None

    @property
    def refusal(self) -> list[Finding]:
        """The errors for which a loader refuses this catalog as a whole: syntax errors,
        bytes not in the declared charset, an unusable charset, duplicate entries.
        Duplicates are listed by :func:`duplicate_findings`, the rest by the reader."""
        found = [f for f in self.findings if f.severity == ERROR and f.code in REFUSING_CODES]
        return found + duplicate_findings(self)


def duplicate_findings(po: PoFile) -> list[Finding]:
    """The same msgctxt + msgid twice (also active and obsolete), or a second header."""
    found = []
    for first, again in po.duplicates:
        ctx = f" in context {again.msgctxt!r}" if again.msgctxt is not None else ""
        kinds = {first.obsolete, again.obsolete}
        what = " (an active and an obsolete #~ entry)" if kinds == {True, False} else ""
        found.append(po.problem(again.line, "duplicate",
                                f"duplicate msgid{ctx}, first on line {first.line}{what}",
                                msgid=again.msgid, context=again.msgctxt))
    if po.header is not None:
        for entry in po.entries:
            if entry.msgid == "" and entry.msgctxt is None:
                found.append(po.problem(entry.line, "duplicate", "second header entry (empty msgid)"))
    return found


_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "?": "?", "'": "'"}
_LITERAL_RE = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*')
_ESCAPE_RE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)", re.DOTALL)
_KEYWORD_RE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"]|$)")


class _SyntaxProblem(Exception):
    def __init__(self, message: str, code: str = "syntax") -> None:
        super().__init__(message)
        self.code = code


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code in _ESCAPES:
        return _ESCAPES[code]
    if code[0] == "x":
        if len(code) == 1:
            raise _SyntaxProblem("invalid escape sequence '\\x' (no hex digit follows)", "escape")
        value = int(code[1:], 16)
        if value > 0xFF:
            raise _SyntaxProblem(f"escape sequence '\\{code[:12]}' is out of range", "escape")
        return chr(value)
    if code.isdigit() and "8" not in code and "9" not in code:
        return chr(int(code, 8))
    raise _SyntaxProblem(f"invalid escape sequence '\\{code}'", "escape")


def _parse_strings(text: str) -> str:
    """Parse the C string literals that make up all of *text* (adjacent ones are joined)."""
    text = text.strip()
    if len(text) > 1 and text[0] == '"' == text[-1] and '"' not in text[1:-1] and "\\" not in text:
        return text[1:-1]  # the common case: one literal without escapes
    if not text.startswith('"'):
        raise _SyntaxProblem(f"expected a string in double quotes, found {text[:20]!r}")
    parts = []
    pos = 0
    while pos < len(text):
        match = _LITERAL_RE.match(text, pos)
        if match is None:
            if text[pos] == '"':
                raise _SyntaxProblem("unterminated string (missing closing '\"')")
            raise _SyntaxProblem(f"unexpected text after the closing quote: {text[pos:pos + 20]!r}")
        parts.append(match.group(1))
        pos = match.end()
    body = "".join(parts)
    return _ESCAPE_RE.sub(_unescape, body) if "\\" in body else body


class _Reader:
    """The PO grammar as a line-by-line state machine that records every problem."""

    def __init__(self, po: PoFile) -> None:
        self.po = po
        self.cur: dict[str, Any] | None = None
        self.pending_comments: dict[str, list[str]] = {"flags": [], "locations": [], "auto": []}
        self.last_field: tuple[str, int] | None = None
        self.seen: dict[tuple[str | None, str], PoEntry] = {}
        self.first = True

    def error(self, line: int, message: str, code: str = "syntax") -> None:
        self.po.findings.append(self.po.problem(line, code, message))

    def finish(self) -> None:
        cur, self.cur, self.last_field = self.cur, None, None
        if cur is None:
            return
        if cur.get("broken"):
            return
        if "msgid" not in cur:
            self.error(cur["start"], "msgctxt without msgid")
            return
        if not cur["msgstr"]:
            self.error(cur["line"], "msgid without msgstr")
            return
        if cur.get("msgid_plural") is not None and not cur["plural_forms"]:
            self.error(cur["line"], "plural entry (msgid_plural) without msgstr[0]")
            return
        for index, text in cur["msgstr"].items():
            if cur["msgid"] and len(text) > MAX_MSGSTR_CHARS:  # the header has its own limits
                self.error(cur["msgstr_lines"].get(index, cur["line"]),
                           f"translation of {len(text):,} characters (at most {MAX_MSGSTR_CHARS:,})",
                           "too-long")
                return
        entry = PoEntry(
            msgid=cur["msgid"], line=cur["line"], msgctxt=cur.get("msgctxt"),
            msgid_plural=cur.get("msgid_plural"), msgstr=cur["msgstr"],
            msgstr_lines=cur["msgstr_lines"], flags=frozenset(cur["flags"]),
            locations=tuple(cur["locations"]), auto_comments=tuple(cur["auto"]),
            obsolete=cur["obsolete"],
        )
        first, self.first = self.first, False
        if first and not entry.obsolete and entry.msgid == "" and entry.msgctxt is None:
            self.po.header = entry
            return
        key = (entry.msgctxt, entry.msgid)
        earlier = self.seen.get(key)
        if earlier is not None:
            # msgfmt refuses a second definition, also between active and obsolete entries.
            self.po.duplicates.append((earlier, entry))
            if entry.obsolete or not earlier.obsolete:
                return
        self.seen[key] = entry
        (self.po.obsolete if entry.obsolete else self.po.entries).append(entry)

    def start(self, lineno: int, obsolete: bool) -> dict[str, Any]:
        cur: dict[str, Any] = {
            "start": lineno, "line": lineno, "msgstr": {}, "msgstr_lines": {},
            "plural_forms": False, "obsolete": obsolete,
            "flags": self.pending_comments["flags"], "locations": self.pending_comments["locations"],
            "auto": self.pending_comments["auto"],
        }
        self.pending_comments = {"flags": [], "locations": [], "auto": []}
        self.cur = cur
        return cur

    def comment(self, lineno: int, line: str) -> None:
        self.finish()  # a comment always starts the next entry
        kind = line[:2]
        if kind == "#,":
            self.pending_comments["flags"].extend(
                f.strip() for f in line[2:].split(",") if f.strip())
        elif kind == "#:":
            self.pending_comments["locations"].extend(line[2:].split())
        elif kind == "#.":
            self.pending_comments["auto"].append(line[2:].strip())

    def begin(self, lineno: int, obsolete: bool, keyword: str) -> dict[str, Any]:
        """Return the entry a ``msgctxt``/``msgid`` line belongs to, closing the last one."""
        cur = self.cur
        if (cur is not None and keyword == "msgid" and "msgctxt" in cur and "msgid" not in cur
                and not cur["msgstr"] and not cur.get("broken")):
            return cur  # msgctxt, then its msgid
        self.finish()  # reports an unfinished entry at its own line
        return self.start(lineno, obsolete)

    def keyword(self, lineno: int, line: str, obsolete: bool) -> None:
        match = _KEYWORD_RE.match(line)
        if match is None:
            word = line.split(None, 1)[0]
            self.error(lineno, f"unknown keyword {word[:30]!r}")
            if self.cur is not None:
                self.cur["broken"] = True
            self.last_field = None
            return
        keyword, index = match.group(1), match.group(2)
        cur: dict[str, Any] | None
        bad = False
        try:
            value = _parse_strings(line[match.end():])
        except _SyntaxProblem as exc:
            self.error(lineno, f"{keyword}: {exc}", exc.code)
            value, bad = "", True
        if keyword in ("msgctxt", "msgid"):
            cur = self.begin(lineno, obsolete, keyword)
            cur[keyword] = value
            if keyword == "msgid":
                cur["line"] = lineno
            self.last_field = (keyword, 0)
        elif keyword == "msgid_plural":
            cur = self.cur
            if cur is None or "msgid" not in cur or cur["msgstr"] or "msgid_plural" in cur:
                self.error(lineno, "msgid_plural must follow a msgid, once, before msgstr[0]")
                if cur is not None:
                    cur["broken"] = True
                self.last_field = None
                return
            cur["msgid_plural"] = value
            self.last_field = ("msgid_plural", 0)
        else:
            cur = self.cur
            pos = int(index) if index is not None else 0
            complete = cur is not None and bool(cur["msgstr"]) and (
                cur.get("msgid_plural") is None or index is None or pos == 0)
            if cur is None or "msgid" not in cur or complete:
                self.error(lineno, f"{keyword} without a msgid before it")
                if cur is not None and (cur["msgstr"] or cur.get("broken")):
                    self.finish()
                    cur = None
                if cur is None:
                    cur = self.start(lineno, obsolete)
                cur["broken"] = True
            elif cur.get("msgid_plural") is not None:
                if index is None:
                    self.error(lineno, "plain msgstr in a plural entry: write msgstr[0], msgstr[1], ...")
                    cur["broken"] = True
                elif pos != len(cur["msgstr"]):
                    self.error(lineno, f"{keyword} out of order: expected msgstr[{len(cur['msgstr'])}]")
                    cur["broken"] = True
                cur["plural_forms"] = True
            elif index is not None:
                self.error(lineno, f"{keyword} in an entry without msgid_plural")
                cur["broken"] = True
            cur["msgstr"][pos] = value
            cur["msgstr_lines"][pos] = lineno
            self.last_field = ("msgstr", pos)
        if bad and self.cur is not None:
            self.cur["broken"] = True

    def continuation(self, lineno: int, line: str) -> None:
        if self.cur is None or self.last_field is None:
            self.error(lineno, "string outside of msgctxt, msgid or msgstr")
            return
        try:
            value = _parse_strings(line)
        except _SyntaxProblem as exc:
            self.error(lineno, str(exc), exc.code)
            self.cur["broken"] = True
            return
        name, index = self.last_field
        if name == "msgstr":
            self.cur["msgstr"][index] += value
        else:
            self.cur[name] = self.cur.get(name, "") + value

    def read(self, lines: Iterable[str]) -> None:
        for lineno, raw in enumerate(lines, start=1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#~"):
                rest = line[2:].strip()
                if rest.startswith("|") or not rest:
                    continue  # previous msgid of an obsolete entry
                if rest.startswith('"'):
                    self.continuation(lineno, rest)
                else:
                    self.keyword(lineno, rest, obsolete=True)
            elif line.startswith("#"):
                if line.startswith("#|") and self.cur is None:
                    continue  # previous msgid/msgctxt: informative only
                self.comment(lineno, line)
            elif line.startswith('"'):
                self.continuation(lineno, line)
            else:
                self.keyword(lineno, line, obsolete=False)
        self.finish()


_HEADER_FIELD_RE = re.compile(r'^"([A-Za-z][A-Za-z0-9-]*)\s*:')
_CHARSET_RE = re.compile(r"charset\s*=\s*([^\s\\\"';]+)", re.IGNORECASE)


def _sniff_charset(data: bytes) -> tuple[str | None, int]:
    """Return the header's ``charset=`` (read as Latin-1) and its line.

    ``None`` when there is no header entry, ``""`` when it names no charset.
    """
    text = data[:65536].decode("latin-1")
    first = re.search(r'^msgid\s+""\s*$', text, re.MULTILINE)
    if first is None:
        return None, 1
    rest = text[first.end():]
    nxt = re.search(r"^\s*(?:msgid|msgctxt|#)", rest, re.MULTILINE)
    block = rest[: nxt.start()] if nxt else rest
    match = _CHARSET_RE.search(block)
    if match is None:
        return "", text.count("\n", 0, first.start()) + 1
    return match.group(1), text.count("\n", 0, first.end() + match.start()) + 1


def _locale_from_path(path: Path) -> str | None:
    if path.parent.name == "LC_MESSAGES":
        name = path.parent.parent.name
        if _LOCALE_ID_RE.match(name):
            return name
    return None


def read_bytes_bounded(path: str | os.PathLike[str], limit: int = MAX_CATALOG_BYTES) -> bytes:
    """The bytes of the regular file *path*, at most *limit* of them, else ``OSError``/``ValueError``.

    The file is opened without blocking and checked with ``fstat`` before a
    byte is read, so a FIFO, a device or a directory is refused at once; the
    limit counts the bytes actually read, not the size ``stat()`` reports.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file (a FIFO, device or directory is never read)")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ValueError(f"larger than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_catalog(path: str | os.PathLike[str], *, display: str | None = None,
                 locale: str | None = None) -> PoFile:
    """Read a ``.po``/``.pot`` file from disk strictly; problems become findings.

    Only a regular file of at most :data:`MAX_CATALOG_BYTES` is read; anything
    else is a ``syntax`` finding on line 0 (which :attr:`PoFile.refusal` lists).
    *locale* defaults to the ``<locale>/LC_MESSAGES/`` folder the file is in.
    """
    p = Path(path)
    shown = display or str(path)
    ident = locale or _locale_from_path(p)
    try:
        data = read_bytes_bounded(p)
    except (OSError, ValueError) as exc:
        po = PoFile(shown, ident, p.suffix == ".pot")
        reason = exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
        po.findings.append(po.problem(0, "syntax", f"cannot read file: {reason}"))
        return po
    return parse_catalog(data, shown, locale=ident, is_template=p.suffix == ".pot")


def parse_catalog(data: bytes, path: str, *, locale: str | None = None,
                  is_template: bool = False) -> PoFile:
    """Parse the bytes of a PO file; every problem is recorded as a finding.

    Encoding rules: the header's ``charset`` decides;
    ``CHARSET`` or no charset is an error; undecodable bytes are an error with
    line and byte offset; UTF-16/UTF-32 files are rejected; a UTF-8 byte-order
    mark is stripped, as the runtime loader does, with a warning.
    """
    po = PoFile(path, locale, is_template)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        po.findings.append(po.problem(1, "encoding", "UTF-16/UTF-32 file: save it as UTF-8"))
        return po
    if data.startswith(codecs.BOM_UTF8):
        po.findings.append(po.problem(1, "encoding", "UTF-8 byte-order mark: it is stripped "
                                      "when loading; save the file without it", severity=WARNING))
        data = data[len(codecs.BOM_UTF8):]
    declared, at = _sniff_charset(data)
    charset = "utf-8"
    if declared is None or is_template and declared.upper() in ("", "CHARSET"):
        pass  # no header (reported by check_header), or a template from xgettext
    elif declared == "":
        po.findings.append(po.problem(at, "header-charset", "charset missing from Content-Type"))
    elif declared.upper() == "CHARSET":
        po.findings.append(po.problem(at, "header-charset", "charset not set (charset=CHARSET)"))
    else:
        try:
            name = codecs.lookup(declared).name
            ascii_compatible = '\n"msgid'.encode(name) == b'\n"msgid'
        except LookupError:  # also rot13, base64 & co: not text encodings
            po.findings.append(po.problem(at, "header-charset", f"unknown charset {declared!r}"))
        else:
            if ascii_compatible:
                charset = name
            else:
                po.findings.append(po.problem(at, "header-charset",
                                              f"charset {declared!r} is not ASCII-compatible"))
    po.charset = charset
    try:
        text = data.decode(charset)
    except UnicodeDecodeError as exc:
        offset = exc.start
        lineno = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        po.findings.append(po.problem(
            lineno, "encoding",
            f"byte 0x{data[offset]:02x} at byte offset {offset} (column {column}) is not valid "
            f"{charset}; the file must be saved in the charset its header declares"))
        text = data.decode(charset, errors="replace")
    else:
        if charset != "utf-8" and not data.isascii() and _is_utf8(data):
            po.findings.append(po.problem(
                at, "encoding", f"the header declares {declared}, but the file is UTF-8 "
                "(its non-ASCII text would be garbled); declare charset=UTF-8"))
    lines = text.split("\n")
    _Reader(po).read(lines)
    _line_breaks(po)
    if po.header is not None:
        for line in po.header.msgstr.get(0, "").split("\n"):
            name, sep, value = line.partition(":")
            if sep and name.strip():
                po.headers[name.strip().lower()] = value.strip()
        for lineno in range(po.header.line, len(lines) + 1):
            raw = lines[lineno - 1].strip()
            if not raw or raw.startswith(("#", "msgid", "msgctxt")) and lineno > po.header.line:
                break
            field_match = _HEADER_FIELD_RE.match(raw)
            if field_match:
                po.header_lines.setdefault(field_match.group(1).lower(), lineno)
    _read_plural_forms(po)
    return po


def _read_plural_forms(po: PoFile) -> None:
    value = po.headers.get("plural-forms")
    if not value:
        return
    try:
        rule = parse_plural_forms(value)
    except ValueError:
        return
    if rule_problem(rule) is None:
        po.nplurals, po.plural, po.plural_rule = rule.nplurals, rule.func, rule




def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _line_breaks(po: PoFile) -> None:
    """A CR in a translation (never in an email), or a line break the source lacks."""
    for entry in po.entries:
        if entry.fuzzy:
            continue
        for _index, text, line, source in entry.forms():
            if "\r" in text and "\r" not in source:
                po.findings.append(po.problem(
                    line, "line-break", "carriage return (\\r) in the translation; the source has none",
                    msgid=entry.msgid, context=entry.msgctxt))
            elif "\n" in text.strip("\n") and "\n" not in source:
                po.findings.append(po.problem(
                    line, "line-break", "line break (\\n) inside the translation; the source has none",
                    severity=WARNING, msgid=entry.msgid, context=entry.msgctxt))
