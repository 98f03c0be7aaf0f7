"""Quality checks for gettext catalogs, for translators and CI.

Every check is a small function with one signature, ``check(po) -> Iterable[Finding]``,
registered by name in :data:`CHECKS`; checks of rendered emails take a
:class:`RenderedSample` and live in :data:`RENDERED_CHECKS`. :func:`check_paths`
runs them all and returns a :class:`CheckReport` whose findings carry file, line,
a stable code and a severity, so one run reports everything (RELIABILITY.md
items 9-22)::

    >>> po = parse_catalog(b'msgid ""\\nmsgstr "Content-Type: text/plain; charset=UTF-8\\\\n"\\n'
    ...                    b'"Plural-Forms: nplurals=2; plural=(n != 1);\\\\n"\\n\\n'
    ...                    b'msgid "Hi %(name)s"\\nmsgstr "Hej %(namn)s"\\n', "sv.po", locale="sv")
    >>> for finding in run_checks(po):
    ...     print(finding.to_text())
    sv.po:6: placeholder-extra: unknown placeholder 'namn' (not in the source)
    sv.po:6: placeholder-missing: placeholder 'name' missing

Catalogs are read by a strict PO reader of our own (:func:`parse_catalog`):
Babel's reader silently drops a missing closing quote and keeps unknown
escapes, and stops at the first error when asked to be strict, while here an
unterminated string, ``msgstr`` before ``msgid`` or a bad escape is a finding
with its exact line, and reading goes on (RELIABILITY.md item 14).

Codes (``E`` error, fails ``i18nmail check``; ``W`` warning):

=================== = ==========================================================
syntax              E PO grammar: unterminated string, bad escape, ``msgstr``
                      without ``msgid``, unknown keyword, unreadable file
encoding            E bytes not in the declared charset (line, byte offset),
                      UTF-16/32; W for a UTF-8 byte-order mark
header-charset      E ``charset`` missing, ``CHARSET``, unknown, not ASCII-based
header-missing      E no ``msgid ""`` header entry
header-fuzzy        E header marked ``#, fuzzy`` (``compile`` refuses it)
header-language     W ``Language:`` differs from the catalog folder
plural-forms        E ``Plural-Forms`` malformed, unsafe, failing or out of range
                      for some n (0..1000 and large n), or missing in a catalog
                      with plural entries
plural-cldr         W the rule is neither CLDR's nor GNU gettext's traditional
                      one for the language (compared by evaluation)
plural-count        E a plural entry with too few or too many ``msgstr[i]``
untranslated        E empty translation (or empty plural form)
fuzzy               E entry marked fuzzy (never compiled: renders in English)
format-invalid      E stray ``%`` (``100%``, ``10 % sur``, ``%(name)``), positional
                      ``%s`` where the source has names
placeholder-missing E a ``%(name)s`` of the source is missing (the count may be
                      left out of a form used for one number only)
placeholder-extra   E a ``%(name)s`` the source does not have
placeholder-type    E ``%(n)d`` where the source has ``%(n)s``
brace-field         E ``{x.attr}``, ``{0[i]}``, ``{x:>9}``; W for a plain ``{x}``
html-unsafe         E ``<script>`` & co, ``on*=`` attributes, non-http(s) URLs
html-tags           E tags or attributes differ from the source
html-unbalanced     E tags that do not nest (when the source's do)
newline             E leading/trailing newline differs from the source
whitespace          W leading/trailing spaces differ from the source
bidi                E bidi controls or invisible characters not in the source
duplicate           E the same msgctxt + msgid twice, or a second header
obsolete            W ``#~`` entries (ignored)
render-error        E a scenario does not render in a locale
subject-length      E subject over 60 characters; W over 40
subject-caps        W an ALL-CAPS word in a subject
subject-punctuation W ``!!``, ``?!`` in a subject
subject-bidi        E bidi controls or invisible characters in a subject
leftover            E ``%(name)``, ``{'``, ``{{`` left in a rendered part
fallback            E a rendered email used a fallback (other than untranslated
                      or fuzzy entries, which are reported at their own line)
=================== = ==========================================================
"""

from __future__ import annotations

import codecs
import functools
import html.parser
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from .exceptions import I18nMailError
from .plurals import cldr_advice, parse_plural_forms, rule_problem

__all__ = [
    "CHECKS",
    "ERROR",
    "RENDERED_CHECKS",
    "WARNING",
    "CheckReport",
    "Finding",
    "PoEntry",
    "PoFile",
    "RenderedSample",
    "check_paths",
    "invisible_characters",
    "parse_catalog",
    "read_catalog",
    "render_checks",
    "run_checks",
]

ERROR = "error"
WARNING = "warning"

#: Plural forms are evaluated for n = 0 .. PLURAL_RANGE - 1, as msgfmt does.
PLURAL_RANGE = 1001
#: Subject length: a warning above the first number, an error above the second.
SUBJECT_SOFT_LIMIT = 40
SUBJECT_LIMIT = 60
#: The fixed "now" of rendered checks, so that dates in subjects are stable.
RENDER_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

_LOCALE_ID_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?$")


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place: ``path:line: code: message``.

    ``line`` is 1-based; 0 means the file as a whole.
    """

    path: str
    line: int
    code: str
    severity: str
    message: str
    locale: str | None = None
    msgid: str | None = None

    def to_text(self) -> str:
        """Return the compiler-style one-line form."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.code}: {self.message}"

    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Key that orders findings by file, line, code and text."""
        return (self.path, self.line, self.code, self.msgid or "", self.message)


def _gh_escape(value: str, *, prop: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


@dataclass(frozen=True)
class CheckReport:
    """Everything one :func:`check_paths` run found, sorted by file and line."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Finding]:
        """The findings of severity ``error``."""
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The findings of severity ``warning``."""
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        """Return ``"N errors, M warnings in K files"``."""
        return f"{len(self.errors)} errors, {len(self.warnings)} warnings in {len(self.files)} files"

    def to_text(self) -> str:
        """One ``path:line: code: message`` line per finding, then the summary."""
        lines = [f.to_text() + ("" if f.severity == ERROR else " (warning)") for f in self.findings]
        return "\n".join([*lines, self.summary()]) + "\n"

    def to_json(self) -> str:
        """A stable JSON document: findings, counts and checked files."""
        doc = {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "files": list(self.files),
            "findings": [asdict(f) for f in self.findings],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def to_github(self) -> str:
        """GitHub Actions workflow commands, one annotation per finding."""
        out = []
        for f in self.findings:
            props = [f"file={_gh_escape(f.path, prop=True)}"]
            if f.line:
                props.append(f"line={f.line}")
            props.append(f"title={_gh_escape(f.code, prop=True)}")
            out.append(f"::{f.severity} {','.join(props)}::{_gh_escape(f.message, prop=False)}")
        return "\n".join(out) + ("\n" if out else "")


# --------------------------------------------------------------------------- strict reader


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

    @property
    def fuzzy(self) -> bool:
        """True when the entry carries the ``fuzzy`` flag."""
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """True when every form has text."""
        return bool(self.msgstr) and all(self.msgstr.values())

    def forms(self) -> Iterator[tuple[int, str, int, str]]:
        """Yield ``(index, msgstr, line, source)`` for every non-empty form."""
        for index in sorted(self.msgstr):
            text = self.msgstr[index]
            if text:
                source = self.msgid if index == 0 or self.msgid_plural is None else self.msgid_plural
                yield index, text, self.msgstr_lines.get(index, self.line), source


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
    header_lines: dict[str, int] = field(default_factory=dict)

    def problem(self, line: int, code: str, message: str, *, severity: str = ERROR,
                msgid: str | None = None) -> Finding:
        """Build a finding located in this file."""
        return Finding(self.path, line, code, severity, message, self.locale, msgid)

    def header_line(self, name: str) -> int:
        """The line of header field *name* (``"plural-forms"``), else of the header entry."""
        return self.header_lines.get(name, self.header.line if self.header else 1)

    def checked_entries(self) -> Iterator[PoEntry]:
        """Entries whose translations the content checks look at: not the fuzzy ones."""
        return (entry for entry in self.entries if not entry.fuzzy)

    @property
    def language(self) -> str | None:
        """The Babel locale id: from the folder name, else the ``Language`` header."""
        if self.locale:
            return self.locale
        value = self.headers.get("language", "").strip().replace("-", "_")
        return value if _LOCALE_ID_RE.match(value) else None


_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "?": "?", "'": "'"}
_STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE_RE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_KEYWORD_RE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"]|$)")


class _SyntaxProblem(Exception):
    pass


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code in _ESCAPES:
        return _ESCAPES[code]
    if code[0] == "x":
        return chr(int(code[1:], 16))
    if code.isdigit() and "8" not in code and "9" not in code:
        return chr(int(code, 8))
    raise _SyntaxProblem(f"invalid escape sequence '\\{code}'")


def _parse_string(text: str) -> str:
    """Parse one C string literal that must make up all of *text*."""
    text = text.strip()
    if not text.startswith('"'):
        raise _SyntaxProblem(f"expected a string in double quotes, found {text[:20]!r}")
    match = _STRING_RE.match(text)
    if match is None:
        raise _SyntaxProblem("unterminated string (missing closing '\"')")
    rest = text[match.end():].strip()
    if rest:
        raise _SyntaxProblem(f"unexpected text after the closing quote: {rest[:20]!r}")
    body = match.group(1)
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

    def error(self, line: int, message: str) -> None:
        self.po.findings.append(self.po.problem(line, "syntax", message))

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
        entry = PoEntry(
            msgid=cur["msgid"], line=cur["line"], msgctxt=cur.get("msgctxt"),
            msgid_plural=cur.get("msgid_plural"), msgstr=cur["msgstr"],
            msgstr_lines=cur["msgstr_lines"], flags=frozenset(cur["flags"]),
            locations=tuple(cur["locations"]), auto_comments=tuple(cur["auto"]),
            obsolete=cur["obsolete"],
        )
        first, self.first = self.first, False
        if entry.obsolete:
            self.po.obsolete.append(entry)
            return
        if first and entry.msgid == "" and entry.msgctxt is None:
            self.po.header = entry
            return
        key = (entry.msgctxt, entry.msgid)
        if key in self.seen:
            self.po.duplicates.append((self.seen[key], entry))
            return
        self.seen[key] = entry
        self.po.entries.append(entry)

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
            value = _parse_string(line[match.end():])
        except _SyntaxProblem as exc:
            self.error(lineno, f"{keyword}: {exc}")
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
            value = _parse_string(line)
        except _SyntaxProblem as exc:
            self.error(lineno, str(exc))
            self.cur["broken"] = True
            return
        name, index = self.last_field
        if name == "msgstr":
            self.cur["msgstr"][index] += value
        else:
            self.cur[name] = self.cur.get(name, "") + value

    def read(self, text: str) -> None:
        for lineno, raw in enumerate(text.split("\n"), start=1):
            line = raw.rstrip("\r").strip()
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


def read_catalog(path: str | os.PathLike[str], *, display: str | None = None) -> PoFile:
    """Read a ``.po``/``.pot`` file from disk strictly; problems become findings."""
    p = Path(path)
    shown = display or str(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        po = PoFile(shown, _locale_from_path(p), p.suffix == ".pot")
        po.findings.append(po.problem(0, "syntax", f"cannot read file: {exc.strerror or exc}"))
        return po
    return parse_catalog(data, shown, locale=_locale_from_path(p), is_template=p.suffix == ".pot")


def parse_catalog(data: bytes, path: str, *, locale: str | None = None,
                  is_template: bool = False) -> PoFile:
    """Parse the bytes of a PO file; every problem is recorded as a finding.

    Encoding rules (RELIABILITY.md item 18): the header's ``charset`` decides;
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
    _Reader(po).read(text)
    if po.header is not None:
        for line in po.header.msgstr.get(0, "").split("\n"):
            name, sep, value = line.partition(":")
            if sep and name.strip():
                po.headers[name.strip().lower()] = value.strip()
        lines = text.split("\n")
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
        po.nplurals, po.plural = rule.nplurals, rule.func


# --------------------------------------------------------------------------- format strings


@dataclass(frozen=True, slots=True)
class _Format:
    """What a %-format uses (immutable: results are cached)."""

    named: Mapping[str, frozenset[str]]
    positional: tuple[str, ...]
    errors: tuple[str, ...]


_CONVERSIONS = set("diouxXeEfFgGcrsa%")
_NO_FORMAT = _Format({}, (), ())


@functools.lru_cache(maxsize=8192)
def _parse_format(text: str) -> _Format:
    """Parse *text* the way Python's ``%`` operator does, recording misuse.

    >>> _parse_format("100%").errors
    ("incomplete format: '%' at the end; write '%%' for a percent sign",)
    >>> _parse_format("10 % sur").errors[0][:22]
    "'% s' is a placeholder"
    """
    if "%" not in text:
        return _NO_FORMAT
    named: dict[str, set[str]] = {}
    positional: list[str] = []
    errors: list[str] = []
    i, size = 0, len(text)
    while True:
        i = text.find("%", i)
        if i < 0:
            break
        start, j = i, i + 1
        key = None
        if j < size and text[j] == "(":
            depth, k = 1, j + 1
            while k < size and depth:
                depth += {"(": 1, ")": -1}.get(text[k], 0)
                k += 1
            if depth:
                errors.append(f"incomplete format key {text[start:start + 20]!r}")
                break
            key, j = text[j + 1:k - 1], k
        flags_start = j
        while j < size and text[j] in "#0- +":
            j += 1
        flags = text[flags_start:j]
        while j < size and (text[j].isdigit() or text[j] in ".*"):
            j += 1
        if j < size and text[j] in "hlL":
            j += 1
        if j >= size:
            what = f"'%({key})' has no conversion type (write '%({key})s')" if key is not None \
                else "incomplete format: '%' at the end; write '%%' for a percent sign"
            errors.append(what)
            break
        conv = text[j]
        spec = text[start:j + 1]
        i = j + 1
        if conv not in _CONVERSIONS:
            if key is not None:
                errors.append(f"'%({key})' has no conversion type (write '%({key})s')")
            else:
                errors.append(f"unsupported format character {conv!r} in {spec!r}; "
                              "write '%%' for a percent sign")
            continue
        if conv == "%" and key is None:
            if len(spec) > 2:
                errors.append(f"{spec!r} is not a percent sign; write '%%'")
            continue
        if " " in flags:
            errors.append(f"{spec!r} is a placeholder with a space flag, almost certainly a stray "
                          "percent sign; write '%%' for a percent sign")
            continue
        if "*" in spec:
            errors.append(f"{spec!r}: '*' width or precision cannot take named values")
            continue
        if key is None:
            positional.append(conv)
        else:
            named.setdefault(key, set()).add(conv)
    if named and positional:
        errors.append("mixes named %(name)s and positional %s placeholders")
    return _Format({key: frozenset(convs) for key, convs in named.items()}, tuple(positional), tuple(errors))


# --------------------------------------------------------------------------- catalog checks

CatalogCheck = Callable[[PoFile], Iterable[Finding]]


def check_syntax(po: PoFile) -> Iterator[Finding]:
    """Reading problems: syntax errors with their line, encoding and charset."""
    yield from po.findings


def check_header(po: PoFile) -> Iterator[Finding]:
    """The header entry exists, is not fuzzy and names a usable language."""
    if po.header is None:
        if po.entries or not po.findings:
            yield po.problem(1, "header-missing", 'no header entry (msgid "") at the top of the file')
        return
    if po.is_template:
        return
    if po.header.fuzzy:
        yield po.problem(po.header.line, "header-fuzzy",
                         "the header is marked fuzzy: review it and remove '#, fuzzy'")
    language = po.headers.get("language", "").strip().replace("-", "_")
    if po.locale and language and language != po.locale:
        yield po.problem(po.header_line("language"), "header-language",
                         f"Language: {language} but the catalog folder is {po.locale}",
                         severity=WARNING)


def check_plural_forms(po: PoFile) -> Iterator[Finding]:
    """``Plural-Forms`` parses, is safe and stays in range for every n, as msgfmt requires.

    The header is needed only when the catalog has plural entries. A rule that
    is neither CLDR's nor GNU gettext's traditional one for the language
    (compared by evaluation) gets a ``plural-cldr`` warning, never an error.
    """
    if po.is_template or po.header is None:
        return
    line = po.header_line("plural-forms")
    value = po.headers.get("plural-forms")
    if not value:
        plural_entry = next((e for e in po.entries if e.msgid_plural is not None), None)
        if plural_entry is not None:
            yield po.problem(line, "plural-forms",
                             f"Plural-Forms header missing, but the catalog has plural entries "
                             f"(the first on line {plural_entry.line})")
        return
    try:
        rule = parse_plural_forms(value)
    except ValueError as exc:
        yield po.problem(line, "plural-forms", f"unusable Plural-Forms: {exc}")
        return
    problem = rule_problem(rule)
    if problem is not None:
        yield po.problem(line, "plural-forms", problem)
        return
    advice = cldr_advice(rule, po.language) if po.language else None
    if advice is not None:
        yield po.problem(line, "plural-cldr", advice, severity=WARNING)


def check_plural_count(po: PoFile) -> Iterator[Finding]:
    """Each plural entry has exactly ``nplurals`` forms (msgfmt semantics, both directions)."""
    if po.is_template or po.nplurals is None:
        return
    n = po.nplurals
    for entry in po.entries:
        if entry.msgid_plural is None:
            continue
        count = len(entry.msgstr)
        if count < n:
            yield po.problem(entry.line, "plural-count",
                             f"{count} plural forms but nplurals={n}: msgstr[{count}] missing",
                             msgid=entry.msgid)
        elif count > n:
            yield po.problem(entry.msgstr_lines.get(n, entry.line), "plural-count",
                             f"msgstr[{n}] present but nplurals={n}", msgid=entry.msgid)


def check_untranslated(po: PoFile) -> Iterator[Finding]:
    """Entries (or plural forms) with no translation."""
    if po.is_template:
        return
    for entry in po.entries:
        if entry.fuzzy:
            continue
        empty = [i for i, text in sorted(entry.msgstr.items()) if not text]
        if empty and len(empty) == len(entry.msgstr):
            yield po.problem(entry.line, "untranslated", "not translated", msgid=entry.msgid)
        elif empty:
            forms = ", ".join(f"msgstr[{i}]" for i in empty)
            yield po.problem(entry.line, "untranslated", f"{forms} empty", msgid=entry.msgid)


def check_fuzzy(po: PoFile) -> Iterator[Finding]:
    """Entries marked fuzzy: never compiled, so they render in English."""
    if po.is_template:
        return
    for entry in po.entries:
        if entry.fuzzy:
            yield po.problem(entry.line, "fuzzy",
                             "fuzzy translation: review it and remove '#, fuzzy'", msgid=entry.msgid)


def _count_names(plural_names: Iterable[str]) -> set[str]:
    names = set(plural_names)
    if "num" in names:
        return {"num"}
    return names if len(names) == 1 else set()


def _single_value_forms(po: PoFile) -> set[int]:
    if po.plural is None:
        return set()
    counts = Counter(po.plural(n) for n in range(PLURAL_RANGE))
    return {form for form, hits in counts.items() if hits == 1}


def _percent_formatted(entry: PoEntry) -> bool:
    """Whether ``%`` formatting applies to *entry*.

    i18nmail formats every message with ``%`` (as Jinja's newstyle gettext
    does), flagged ``python-format`` or not. Entries flagged with another
    language's format (``c-format``, ``python-brace-format``...) or with
    ``no-python-format``, as in catalogs of other projects, are left alone.
    """
    if "python-format" in entry.flags:
        return True
    return not any(flag.endswith("-format") for flag in entry.flags)


def check_format(po: PoFile) -> Iterator[Finding]:
    """Every msgid and msgstr is a valid %-format with no stray percent sign (items 2, 11)."""
    for entry in po.checked_entries():
        if not _percent_formatted(entry):
            continue
        for source in (entry.msgid, entry.msgid_plural):
            if source:
                for problem in _parse_format(source).errors[:1]:
                    yield po.problem(entry.line, "format-invalid", f"source: {problem}",
                                     msgid=entry.msgid)
        source_positional = len(_parse_format(entry.msgid).positional)
        for _index, text, line, _src in entry.forms():
            parsed = _parse_format(text)
            for problem in parsed.errors[:1]:
                yield po.problem(line, "format-invalid", problem, msgid=entry.msgid)
            if not parsed.errors and parsed.positional and not source_positional:
                yield po.problem(line, "format-invalid",
                                 f"positional placeholder '%{parsed.positional[0]}' but the source "
                                 "uses named values: it would print them all (write '%%' for a "
                                 "percent sign)", msgid=entry.msgid)


def check_placeholders(po: PoFile) -> Iterator[Finding]:
    """Translations use exactly the source's placeholders (items 9, 10)."""
    single = _single_value_forms(po)
    for entry in po.checked_entries():
        if not _percent_formatted(entry):
            continue
        src = _parse_format(entry.msgid)
        plural_src = _parse_format(entry.msgid_plural) if entry.msgid_plural is not None else None
        if src.errors or (plural_src and plural_src.errors):
            continue  # reported by check_format
        wanted: dict[str, set[str]] = {k: set(v) for k, v in src.named.items()}
        count_names: set[str] = set()
        if plural_src is not None:
            for key, convs in plural_src.named.items():
                wanted.setdefault(key, set()).update(convs)
            count_names = _count_names(plural_src.named)
        for index, text, line, source in entry.forms():
            got = _parse_format(text)
            if got.errors:
                continue
            for name in sorted(set(wanted) - set(got.named)):
                if name in count_names and index in single and plural_src is not None:
                    continue  # a form used for one number only may spell it out
                yield po.problem(line, "placeholder-missing", f"placeholder {name!r} missing",
                                 msgid=entry.msgid)
            for name in sorted(set(got.named) - set(wanted)):
                yield po.problem(line, "placeholder-extra",
                                 f"unknown placeholder {name!r} (not in the source)", msgid=entry.msgid)
            for name in sorted(set(got.named) & set(wanted)):
                if not got.named[name] <= wanted[name]:
                    yield po.problem(line, "placeholder-type",
                                     f"placeholder {name!r} is %({name}){'/'.join(sorted(got.named[name]))} "
                                     f"but %({name}){'/'.join(sorted(wanted[name]))} in the source",
                                     msgid=entry.msgid)
            want_pos = len(_parse_format(source).positional)
            if want_pos and len(got.positional) != want_pos:
                code = "placeholder-missing" if len(got.positional) < want_pos else "placeholder-extra"
                yield po.problem(line, code, f"{len(got.positional)} positional placeholders, "
                                 f"the source has {want_pos}", msgid=entry.msgid)


_BRACE_RE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*|\d+)([.\[!:][^{}]*)?\}(?!\})")


def check_brace_fields(po: PoFile) -> Iterator[Finding]:
    """``str.format`` fields in a msgstr: attribute/index/spec are errors (item 12)."""
    for entry in po.checked_entries():
        source_fields = {m.group(0) for m in _BRACE_RE.finditer(entry.msgid + (entry.msgid_plural or ""))}
        for _index, text, line, _src in entry.forms():
            for match in _BRACE_RE.finditer(text):
                if match.group(0) in source_fields:
                    continue
                if match.group(2):
                    yield po.problem(line, "brace-field",
                                     f"format field {match.group(0)[:40]!r} uses attribute, index or "
                                     "format spec; placeholders are written %(name)s", msgid=entry.msgid)
                else:
                    yield po.problem(line, "brace-field",
                                     f"{match.group(0)!r} is printed literally; placeholders are "
                                     f"written %({match.group(1)})s", severity=WARNING, msgid=entry.msgid)


_UNSAFE_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "base",
                          "meta", "link", "style", "form"})
_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "background",
                        "poster", "cite", "data", "srcset", "ping"})
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


class _TagCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("/" + tag, ()))


def _tags(text: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    collector = _TagCollector()
    collector.feed(text)
    collector.close()
    return collector.tags


_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"])


def _nesting_problem(tags: Iterable[tuple[str, tuple[tuple[str, str], ...]]]) -> str | None:
    """Say how *tags* fail to nest, or ``None`` when every element is closed in order."""
    stack: list[str] = []
    for name, _attrs in tags:
        if name.startswith("/"):
            tag = name[1:]
            if tag in _VOID:
                continue
            if not stack:
                return f"</{tag}> closes no open element"
            if stack[-1] != tag:
                return f"</{tag}> closes <{stack[-1]}>"
            stack.pop()
        elif name not in _VOID:
            stack.append(name)
    return f"<{stack[-1]}> is never closed" if stack else None


def _show_tag(tag: tuple[str, tuple[tuple[str, str], ...]]) -> str:
    name, attrs = tag
    return "<" + " ".join([name, *(f'{k}="{v}"' for k, v in attrs)]) + ">"


def _unsafe(tags: Iterable[tuple[str, tuple[tuple[str, str], ...]]]) -> Iterator[str]:
    for name, attrs in tags:
        if name in _UNSAFE_TAGS:
            yield f"<{name}> is never allowed in a message"
        for key, value in attrs:
            if key.startswith("on"):
                yield f"event handler attribute {key}= is never allowed"
            if key in _URL_ATTRS or key == "style" and "url(" in value.lower():
                compact = "".join(ch for ch in value if ch > " " and ch != "\x7f")
                match = _SCHEME_RE.match(compact)
                if match and match.group(1).lower() not in ("http", "https"):
                    yield f"{key}= uses a {match.group(1).lower()}: URL; only http(s) is allowed"


def check_html(po: PoFile) -> Iterator[Finding]:
    """Tags and attributes match the source; script, on*= and non-http(s) URLs never (item 13)."""
    for entry in po.checked_entries():
        sources = entry.msgid + (entry.msgid_plural or "")
        source_tags = _tags(entry.msgid) if "<" in sources else []
        plural_tags = _tags(entry.msgid_plural) if entry.msgid_plural and "<" in sources else []
        for problem in sorted(set(_unsafe(source_tags + plural_tags))):
            yield po.problem(entry.line, "html-unsafe", f"source: {problem}", msgid=entry.msgid)
        for index, text, line, _src in entry.forms():
            if "<" not in text and "<" not in sources:
                continue
            tags = _tags(text)
            unsafe = sorted(set(_unsafe(tags)))
            for problem in unsafe:
                yield po.problem(line, "html-unsafe", problem, msgid=entry.msgid)
            if unsafe:
                continue  # the unsafe markup is the finding; a tag diff would repeat it
            expected = Counter(plural_tags if index and entry.msgid_plural else source_tags)
            got = Counter(tags)
            extra = sorted((got - expected).elements())
            missing = sorted((expected - got).elements())
            if extra or missing:
                parts = []
                if extra:
                    parts.append("not in the source: " + ", ".join(map(_show_tag, extra)))
                if missing:
                    parts.append("missing: " + ", ".join(map(_show_tag, missing)))
                yield po.problem(line, "html-tags", "HTML differs from the source; " + "; ".join(parts),
                                 msgid=entry.msgid)
            source_nesting = _nesting_problem(plural_tags if index and entry.msgid_plural else source_tags)
            nesting = _nesting_problem(tags)
            if nesting and not source_nesting:
                yield po.problem(line, "html-unbalanced", f"unbalanced HTML: {nesting}", msgid=entry.msgid)


def _edges(text: str) -> tuple[str, str]:
    stripped = text.strip(" \t\u00a0\u3000")
    if not stripped:
        return text, ""
    lead = text[: len(text) - len(text.lstrip(" \t\u00a0\u3000"))]
    trail = text[len(text.rstrip(" \t\u00a0\u3000")):]
    return lead, trail


def check_whitespace(po: PoFile) -> Iterator[Finding]:
    """Leading/trailing newlines (error, as msgfmt) and spaces (warning) match the source."""
    for entry in po.checked_entries():
        for _index, text, line, source in entry.forms():
            for where, pick in (("begin", str.startswith), ("end", str.endswith)):
                if pick(source, "\n") != pick(text, "\n"):
                    yield po.problem(line, "newline",
                                     f"msgid and msgstr do not both {where} with '\\n'", msgid=entry.msgid)
            s_lead, s_trail = _edges(source.strip("\n"))
            t_lead, t_trail = _edges(text.strip("\n"))
            if bool(s_lead) != bool(t_lead) or bool(s_trail) != bool(t_trail):
                yield po.problem(line, "whitespace",
                                 "leading/trailing spaces differ from the source", severity=WARNING,
                                 msgid=entry.msgid)


_INVISIBLE_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060-\u2064\ufeff"
                           "\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ISOLATE_OPEN = frozenset("\u2066\u2067\u2068")
_ISOLATE_CLOSE = "\u2069"
#: Languages whose spelling needs ZWNJ/ZWJ (Persian, Urdu, Indic scripts, ...).
_JOINER_LANGUAGES = frozenset(["fa", "ps", "ur", "ckb", "ku", "sd", "ug", "hi", "mr", "ne", "bn", "as", "pa", "gu", "or", "ta", "te", "kn", "ml", "si", "sa", "my", "km"])


@functools.lru_cache(maxsize=256)
def _is_rtl(language: str | None) -> bool:
    if not language:
        return False
    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError, TypeError):
        return False


def invisible_characters(text: str, *, allowed: Iterable[str] = (),
                         language: str | None = None) -> list[str]:
    """Describe the bidi controls and invisible characters of *text* that do not belong.

    Characters in *allowed* (those of the source) pass; so do ZWJ between
    emoji, ZWNJ/ZWJ in languages that spell with them, and, in a right-to-left
    language, isolates (U+2066-2069) that are balanced. LRM and RLM always pass.

    >>> invisible_characters("Pay \\u202eexe.pdf")
    ['U+202E RIGHT-TO-LEFT OVERRIDE']
    >>> invisible_characters("\\u2067abc\\u2069", language="ar"), invisible_characters("\\u2067abc", language="ar")
    ([], ['U+2067 RIGHT-TO-LEFT ISOLATE (never closed)'])
    """
    if not _INVISIBLE_RE.search(text):
        return []
    permitted = set(allowed)
    rtl = _is_rtl(language)
    base = (language or "").replace("-", "_").split("_")[0]
    found: dict[str, str] = {}
    open_isolates: list[str] = []
    for match in _INVISIBLE_RE.finditer(text):
        ch = match.group(0)
        if ch in permitted:
            continue
        if ch in "\u200c\u200d" and base in _JOINER_LANGUAGES:
            continue
        if ch == "\u200d" and _emoji_join(text, match.start()):
            continue
        if rtl and ch in _ISOLATE_OPEN:
            open_isolates.append(ch)
            continue
        if rtl and ch == _ISOLATE_CLOSE:
            if open_isolates:
                open_isolates.pop()
                continue
            found.setdefault(ch, " (closes no isolate)")
            continue
        found.setdefault(ch, "")
    for ch in open_isolates:
        found.setdefault(ch, " (never closed)")
    return [f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}{why}"
            for ch, why in sorted(found.items())]


def check_bidi(po: PoFile) -> Iterator[Finding]:
    """Bidi controls and invisible characters not in the source (item 20)."""
    language = po.language
    for entry in po.checked_entries():
        for _index, text, line, source in entry.forms():
            allowed = set(_INVISIBLE_RE.findall(source))
            for what in invisible_characters(text, allowed=allowed, language=language):
                yield po.problem(line, "bidi", f"invisible or bidi character {what} not in the source",
                                 msgid=entry.msgid)


def _emoji_join(text: str, at: int) -> bool:
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    return all(ch and (unicodedata.category(ch) == "So" or ch == "\ufe0f") for ch in (before, after))


def check_obsolete(po: PoFile) -> Iterator[Finding]:
    """Obsolete (``#~``) entries are ignored; one warning per file counts them (item 19)."""
    if po.obsolete:
        count = len(po.obsolete)
        yield po.problem(po.obsolete[0].line, "obsolete",
                         f"{count} obsolete entr{'y' if count == 1 else 'ies'} (#~) ignored; "
                         "delete them once translators no longer need them", severity=WARNING)


def check_duplicates(po: PoFile) -> Iterator[Finding]:
    """The same msgid (and msgctxt) twice (item 19)."""
    for first, again in po.duplicates:
        ctx = f" in context {again.msgctxt!r}" if again.msgctxt is not None else ""
        yield po.problem(again.line, "duplicate", f"duplicate msgid{ctx}, first on line {first.line}",
                         msgid=again.msgid)
    if po.header is not None:
        for entry in po.entries:
            if entry.msgid == "" and entry.msgctxt is None:
                yield po.problem(entry.line, "duplicate", "second header entry (empty msgid)")


#: Catalog checks by name; extend by merging: ``CHECKS | {"mine": my_check}``.
CHECKS: dict[str, CatalogCheck] = {
    "syntax": check_syntax,
    "header": check_header,
    "plural-forms": check_plural_forms,
    "plural-count": check_plural_count,
    "untranslated": check_untranslated,
    "fuzzy": check_fuzzy,
    "format": check_format,
    "placeholders": check_placeholders,
    "brace-field": check_brace_fields,
    "html": check_html,
    "whitespace": check_whitespace,
    "bidi": check_bidi,
    "duplicate": check_duplicates,
    "obsolete": check_obsolete,
}


def run_checks(po: PoFile, checks: Mapping[str, CatalogCheck] | None = None) -> list[Finding]:
    """Run every catalog check on one parsed file; findings in stable order."""
    found: list[Finding] = []
    for check in (CHECKS if checks is None else checks).values():
        found.extend(check(po))
    return sorted(set(found), key=Finding.sort_key)


# --------------------------------------------------------------------------- rendered checks


@dataclass(frozen=True)
class RenderedSample:
    """One scenario rendered in one locale with its sample data.

    ``layers`` are the catalogs of that locale the render read, in overlay
    order (a shop's own first); ``path``/``line`` point at the scenario's
    subject in the layer that supplied it.
    """

    scenario: str
    locale: str
    email: Any
    path: str
    line: int = 0
    layers: tuple[PoFile, ...] = ()

    def entry(self, context: str | None, msgid: str) -> tuple[PoFile, PoEntry] | None:
        """The first layer's entry for a message, if any layer has it."""
        for po in self.layers:
            for candidate in po.entries:
                if candidate.msgctxt == context and candidate.msgid == msgid:
                    return po, candidate
        return None

    def problem(self, code: str, message: str, *, severity: str = ERROR) -> Finding:
        """Build a finding for this scenario and locale."""
        return Finding(self.path, self.line, code, severity, f"{self.scenario}: {message}",
                       self.locale, None)

    @property
    def own_subject(self) -> bool:
        """False when the subject fell back to another language (checked there instead)."""
        return not any(f.kind == "message" and (f.message or "").startswith("subject|")
                       for f in self.email.fallbacks)


RenderedCheck = Callable[[RenderedSample], Iterable[Finding]]


def check_subject_length(sample: RenderedSample) -> Iterator[Finding]:
    """Subjects stay within 60 characters (a warning above 40: phones show less)."""
    subject = sample.email.subject
    if not sample.own_subject:
        return
    if len(subject) > SUBJECT_LIMIT:
        yield sample.problem("subject-length",
                             f"subject is {len(subject)} characters, limit {SUBJECT_LIMIT}: {subject!r}")
    elif len(subject) > SUBJECT_SOFT_LIMIT:
        yield sample.problem("subject-length", f"subject is {len(subject)} characters; mail apps "
                             f"cut after about {SUBJECT_SOFT_LIMIT}: {subject!r}", severity=WARNING)


_CAPS_RE = re.compile(r"\b[^\W\d_]{3,}\b")


def check_subject_caps(sample: RenderedSample) -> Iterator[Finding]:
    """No shouting: no word of three or more letters in ALL CAPS in a subject."""
    words = [w for w in _CAPS_RE.findall(sample.email.subject) if w.isupper()]
    if words and sample.own_subject:
        yield sample.problem("subject-caps", f"ALL-CAPS word {words[0]!r} in subject", severity=WARNING)


_PUNCT_RE = re.compile(r"[!?！？¡¿]{2,}")


def check_subject_punctuation(sample: RenderedSample) -> Iterator[Finding]:
    """No repeated ``!``/``?`` in a subject."""
    match = _PUNCT_RE.search(sample.email.subject)
    if match and sample.own_subject:
        yield sample.problem("subject-punctuation",
                             f"repeated punctuation {match.group(0)!r} in subject", severity=WARNING)


def check_subject_bidi(sample: RenderedSample) -> Iterator[Finding]:
    """No bidi controls or invisible characters in a subject (balanced isolates in RTL pass)."""
    for what in invisible_characters(sample.email.subject, language=sample.locale):
        yield sample.problem("subject-bidi", f"{what} in subject {sample.email.subject!r}")


#: Traces of formatting that did not happen: ``%(name)s`` left over, a printed
#: dict (``{'``), Jinja syntax (item 11).
_LEFTOVER_RE = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)|\{'|\{\{|\}\}|\{%|%\}")


def check_leftovers(sample: RenderedSample) -> Iterator[Finding]:
    """No placeholder, printed dict or template syntax survives into any part."""
    for part in ("subject", "preheader", "text", "html"):
        text = getattr(sample.email, part)
        match = _LEFTOVER_RE.search(text)
        if match:
            start = max(0, match.start() - 30)
            yield sample.problem("leftover", f"{match.group(0)!r} left in the {part}: "
                                 f"{text[start:match.end() + 30]!r}")


def check_fallback(sample: RenderedSample) -> Iterator[Finding]:
    """A complete catalog renders with no fallback at all.

    A message that falls back because it is untranslated or fuzzy is already
    reported at its own line by those checks and is not repeated here; any
    other fallback (a rejected translation, a message missing from the
    catalog, a catalog that does not load) is reported once per message.
    """
    for fallback in sample.email.fallbacks:
        if fallback.kind != "message" or not fallback.message:
            yield Finding(sample.path, 0, "fallback", ERROR, str(fallback), sample.locale, None)
            continue
        context, sep, msgid = fallback.message.partition("|")
        found = sample.entry(context, msgid) if sep else sample.entry(None, fallback.message)
        if found is None:
            hint = " (missing from the catalog: run `i18nmail update`)" if sample.layers else ""
            yield Finding(sample.path, 0, "fallback", ERROR, f"{fallback.message!r}: {fallback.detail}{hint}",
                          sample.locale, msgid)
            continue
        po, entry = found
        if entry.fuzzy or not entry.translated:
            continue
        yield Finding(po.path, entry.msgstr_lines.get(0, entry.line), "fallback", ERROR,
                      f"{fallback.message!r}: {fallback.detail}", sample.locale, msgid)


#: Checks of rendered emails by name; extend by merging.
RENDERED_CHECKS: dict[str, RenderedCheck] = {
    "subject-length": check_subject_length,
    "subject-caps": check_subject_caps,
    "subject-punctuation": check_subject_punctuation,
    "subject-bidi": check_subject_bidi,
    "leftover": check_leftovers,
    "fallback": check_fallback,
}


def _subject_line(po: PoFile, scenario: str) -> int:
    """The line of *scenario*'s translated subject in *po* (of its msgid in a template), or 0."""
    for entry in po.entries:
        if entry.msgctxt == "subject" and any(
                loc.rsplit(":", 1)[0].endswith(f"/{scenario}.j2") for loc in entry.locations):
            if po.is_template:
                return entry.line
            if entry.translated and not entry.fuzzy:
                return entry.msgstr_lines.get(0, entry.line)
    return 0


class _Layers:
    """The catalogs a render of one locale reads: the checked file first, then
    the mailer's catalog folders (parsed on first use)."""

    def __init__(self, checked: Mapping[str, PoFile], roots: Sequence[Path]) -> None:
        self.checked = checked
        self.roots = roots
        self.cache: dict[str, tuple[PoFile, ...]] = {}

    def __call__(self, folder: str) -> tuple[PoFile, ...]:
        if folder not in self.cache:
            layers = [self.checked[folder]] if folder in self.checked else []
            seen = {Path(po.path).resolve() for po in layers}
            for root in self.roots:
                path = root / "messages.pot" if folder == "en" else root / folder / "LC_MESSAGES" / "messages.po"
                if path.is_file() and path.resolve() not in seen:
                    seen.add(path.resolve())
                    layers.append(read_catalog(path, display=_display(path)))
            self.cache[folder] = tuple(layers)
        return self.cache[folder]


def render_checks(mailer: Any, catalogs: Mapping[str, PoFile] | None = None, *,
                  default_path: str = "catalogs", locales: Iterable[str] | None = None,
                  checks: Mapping[str, RenderedCheck] | None = None) -> list[Finding]:
    """Render every scenario in every locale of *mailer* with its sample data and check it.

    *catalogs* maps catalog ids (``"sv"``, ``"zh_Hans"``; ``"en"`` for the
    template) to the parsed files being checked; with the files in the
    mailer's catalog folders they locate each finding at the line of the
    subject that was used. *locales* (catalog ids, ``"en"`` for the source)
    limits the locales rendered; locales built in memory (the pseudo-locale)
    are skipped. The clock is fixed at :data:`RENDER_NOW`.
    """
    wanted = None if locales is None else set(locales)
    checks = RENDERED_CHECKS if checks is None else checks
    layers_of = _Layers(catalogs or {}, tuple(getattr(mailer, "catalog_roots", ())))
    virtual = set(getattr(mailer.catalogs, "virtual", {}))
    found: list[Finding] = []
    for scenario in sorted(mailer.scenarios(), key=lambda s: s.id):
        for tag in sorted(mailer.locales()):
            folder = tag.replace("-", "_")
            if folder in virtual or wanted is not None and folder not in wanted:
                continue
            layers = layers_of(folder)
            path, line = (layers[0].path if layers else default_path), 0
            for po in layers:
                line = _subject_line(po, scenario.id)
                if line:
                    path = po.path
                    break
            try:
                email = mailer.render(scenario.id, locale=tag, context=scenario.sample(tag),
                                      now=RENDER_NOW)
            except (I18nMailError, ValueError, TypeError, LookupError) as exc:
                found.append(Finding(path, line, "render-error", ERROR, f"{scenario.id}: {exc}", tag, None))
                continue
            sample = RenderedSample(scenario.id, tag, email, path, line, layers)
            for check in checks.values():
                found.extend(check(sample))
    return sorted(set(found), key=Finding.sort_key)


# --------------------------------------------------------------------------- entry points


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*") if x.suffix in (".po", ".pot") and x.is_file()))
        else:
            files.append(p)
    return sorted(dict.fromkeys(files))


def check_paths(paths: Iterable[str | os.PathLike[str]], *, rendered: bool = False,
                mailer: Any = None, templates: str | os.PathLike[str] | None = None,
                catalogs: str | os.PathLike[str] | None = None) -> CheckReport:
    """Check every ``.po``/``.pot`` file under *paths*; optionally render every email.

    With ``rendered=True`` every scenario is also rendered, with
    *mailer* (default: ``Mailer(templates=templates, catalogs=catalogs)``),
    in the locale of every checked catalog (English for a ``.pot``) and
    checked with :data:`RENDERED_CHECKS`.
    """
    files = _expand(paths)
    findings: list[Finding] = []
    parsed: dict[str, PoFile] = {}
    for path in files:
        po = read_catalog(path, display=_display(path))
        findings.extend(run_checks(po))
        key = "en" if po.is_template else po.locale
        if key:
            parsed.setdefault(key, po)
    if rendered:
        default = _display(Path(catalogs)) if catalogs is not None else "catalogs"
        try:
            if mailer is None:
                from .render import Mailer

                mailer = Mailer(templates=None if templates is None else Path(templates),
                                catalogs=None if catalogs is None else Path(catalogs))
            findings.extend(render_checks(mailer, parsed, default_path=default, locales=parsed))
        except I18nMailError as exc:
            findings.append(Finding(default, 0, "render-error", ERROR, f"cannot render: {exc}"))
    ordered = tuple(sorted(set(findings), key=Finding.sort_key))
    return CheckReport(ordered, tuple(_display(p) for p in files))
