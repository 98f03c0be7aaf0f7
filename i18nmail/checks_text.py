"""Catalog checks of the text itself: HTML markup, white space, bidi and invisible characters."""

from __future__ import annotations

import functools
import html.parser
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator

from babel import Locale, UnknownLocaleError

from .findings import WARNING, Finding
from .pofile import PoFile

__all__ = ["check_bidi", "check_html", "check_whitespace", "invisible_characters"]


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
            yield po.problem(entry.line, "html-unsafe", f"source: {problem}", msgid=entry.msgid, context=entry.msgctxt)
        for index, text, line, _src in entry.forms():
            if "<" not in text and "<" not in sources:
                continue
            tags = _tags(text)
            unsafe = sorted(set(_unsafe(tags)))
            for problem in unsafe:
                yield po.problem(line, "html-unsafe", problem, msgid=entry.msgid, context=entry.msgctxt)
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
                                 msgid=entry.msgid, context=entry.msgctxt)
            source_nesting = _nesting_problem(plural_tags if index and entry.msgid_plural else source_tags)
            nesting = _nesting_problem(tags)
            if nesting and not source_nesting:
                yield po.problem(line, "html-unbalanced", f"unbalanced HTML: {nesting}", msgid=entry.msgid, context=entry.msgctxt)


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
                                     f"msgid and msgstr do not both {where} with '\\n'", msgid=entry.msgid, context=entry.msgctxt)
            s_lead, s_trail = _edges(source.strip("\n"))
            t_lead, t_trail = _edges(text.strip("\n"))
            if bool(s_lead) != bool(t_lead) or bool(s_trail) != bool(t_trail):
                yield po.problem(line, "whitespace",
                                 "leading/trailing spaces differ from the source", severity=WARNING,
                                 msgid=entry.msgid, context=entry.msgctxt)


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
                                 msgid=entry.msgid, context=entry.msgctxt)


def _emoji_join(text: str, at: int) -> bool:
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    return all(ch and (unicodedata.category(ch) == "So" or ch == "\ufe0f") for ch in (before, after))
