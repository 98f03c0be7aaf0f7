"""Catalog checks of the text itself: HTML markup, white space, bidi and invisible characters."""

from __future__ import annotations

import functools
import html.parser
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator

from .findings import ERROR, WARNING, Finding
from .pofile import PoFile

__all__ = ["HTML_ELEMENTS", "check_bidi", "check_html", "check_whitespace", "invisible_characters"]


_UNSAFE_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "base",
                          "meta", "link", "style", "form"})
_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "background",
                        "poster", "cite", "data", "srcset", "ping"})
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: Attributes whose value is text for the reader: a translation may (should) change it.
_TRANSLATABLE_ATTRS = frozenset({"title", "alt", "aria-label", "aria-description", "placeholder",
                                 "summary", "label", "abbr"})
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
#: HTML element names: only these make a message "markup" (``<options>``, ``<object>`` as a
#: usage placeholder without attributes or end tag, Mallard ``<link xref>`` are not).
HTML_ELEMENTS = frozenset(["a", "abbr", "address", "area", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map", "mark", "meta", "meter", "nav", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param", "picture", "pre", "progress", "q", "rp", "rt", "ruby", "s", "samp", "script", "section", "select", "small", "source", "span", "strike", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr"])
_HTML_ATTRS = frozenset(["href", "src", "alt", "title", "class", "id", "style", "target", "rel", "width", "height", "lang", "dir", "name", "type", "value", "colspan", "rowspan", "align", "valign", "border", "cellpadding", "cellspacing", "role", "translate", "hreflang", "download", "loading", "srcset", "sizes", "media", "bgcolor", "color", "face", "size", "start", "reversed", "for", "action", "method", "label", "placeholder", "summary", "abbr", "headers", "scope", "cite", "datetime", "span", "tabindex", "hidden"])

Tag = tuple[str, tuple[tuple[str, str], ...]]


class _TagCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(
            (k, "…" if k in _TRANSLATABLE_ATTRS else v or "") for k, v in attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("/" + tag, ()))


@functools.lru_cache(maxsize=8192)
def _tags(text: str) -> tuple[Tag, ...]:
    """The tags of *text* in order; markup the parser cannot read ends the list."""
    collector = _TagCollector()
    try:
        collector.feed(text)
        collector.close()
    except (AssertionError, ValueError):  # html.parser on "<![" + a non-name, and similar
        collector = _TagCollector()
        try:  # read such declarations as text and go on
            collector.feed(re.sub(r"<!(?!--)", "&lt;!", text))
            collector.close()
        except (AssertionError, ValueError):
            pass
    return tuple(collector.tags)


def _unterminated(text: str) -> str | None:
    """An opened tag or comment that never ends (``<b``, ``<a href="x``, ``<!--``), or ``None``."""
    pos = 0
    while True:
        pos = text.find("<", pos)
        if pos < 0 or pos + 1 >= len(text):
            return None
        nxt = text[pos + 1]
        if text.startswith("<!--", pos):
            if text.find("-->", pos + 4) < 0:
                return f"comment {text[pos:pos + 12]!r} is never closed"
            pos = text.find("-->", pos + 4) + 3
            continue
        if nxt.isalpha() or nxt == "/":
            end = text.find(">", pos)
            other = text.find("<", pos + 1)
            if end < 0 or 0 <= other < end:
                return f"tag {text[pos:pos + 12]!r} is never closed with '>'"
            pos = end + 1
            continue
        pos += 1


def _is_html(tag: Tag) -> bool:
    name = tag[0].lstrip("/")
    return name in HTML_ELEMENTS and all(
        key in _HTML_ATTRS or key.startswith(("aria-", "data-", "on")) for key, _ in tag[1])


def _real_markup(text: str) -> bool:
    """Whether *text* holds real HTML: a known element with known attributes that is either
    void (``<br>``), has attributes, or is closed (``<b>…</b>``)."""
    if "<" not in text:
        return False
    tags = [t for t in _tags(text) if _is_html(t)]
    closed = {t[0][1:] for t in tags if t[0].startswith("/")}
    return any(not t[0].startswith("/") and (t[0] in _VOID or t[1] or t[0] in closed) for t in tags)


_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"])


def _nesting_problem(tags: Iterable[Tag]) -> str | None:
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


def _show_tag(tag: Tag) -> str:
    name, attrs = tag
    return "<" + " ".join([name, *(f'{k}="{v}"' for k, v in attrs)]) + ">"


def _unsafe(tags: Iterable[Tag]) -> Iterator[str]:
    for name, attrs in tags:
        if name in _UNSAFE_TAGS:
            yield f"<{name}> is never allowed in a message"
        for key, value in attrs:
            if key.startswith("on"):
                yield f"event handler attribute {key}= is never allowed"
            if key in _URL_ATTRS or key == "style" and "url(" in value.lower():
                compact = "".join(ch for ch in value if ch > " " and ch != "\x7f")
                match = _SCHEME_RE.match(compact)
                if match and match.group(1).lower() not in _SAFE_SCHEMES:
                    yield (f"{key}= uses a {match.group(1).lower()}: URL; only http(s), mailto: and "
                           "tel: are allowed")


def check_html(po: PoFile) -> Iterator[Finding]:
    """Tags and attributes match the source; script, on*= and javascript: URLs never (item 13).

    Which messages are HTML depends on the catalog (:attr:`PoFile.markup`):
    ``html`` (i18nmail's own catalogs) every message, so a translation that
    adds markup or leaves a tag or comment open is caught; ``auto`` only
    messages whose source has real HTML markup, and only known HTML elements
    count (``<options>``, ``Name <mail@x.org>`` or Mallard ``<link xref>`` are
    text); ``none`` or ``other`` (another XML vocabulary) no message.
    """
    if po.markup in ("none", "other"):
        return
    everything = po.markup == "html"
    for entry in po.checked_entries():
        sources = entry.msgid + (entry.msgid_plural or "")
        if not everything and not _real_markup(sources):
            continue

        def keep(tags: Iterable[Tag]) -> list[Tag]:
            if everything:
                return list(tags)
            # Another project's catalog: translators localise link targets (docs/fr/...), so
            # elements and attribute names are compared, not attribute values.
            return [(name, tuple((k, "") for k, _v in attrs)) for name, attrs in tags
                    if _is_html((name, attrs))]

        source_tags = keep(_tags(entry.msgid)) if "<" in sources else []
        plural_tags = keep(_tags(entry.msgid_plural)) if entry.msgid_plural and "<" in sources else []
        for problem in sorted(set(_unsafe(source_tags + plural_tags))):
            yield po.problem(entry.line, "html-unsafe", f"source: {problem}", msgid=entry.msgid,
                             context=entry.msgctxt)
        for index, text, line, src in entry.forms():
            if "<" not in text and "<" not in sources:
                continue
            raw_tags = _tags(text)
            tags = keep(raw_tags)
            unsafe = sorted(set(_unsafe(raw_tags if not everything else tags)))
            for problem in unsafe:
                yield po.problem(line, "html-unsafe", problem, msgid=entry.msgid, context=entry.msgctxt)
            if unsafe:
                continue  # the unsafe markup is the finding; a tag diff would repeat it
            broken = _unterminated(text)
            if broken and not _unterminated(src):
                yield po.problem(line, "html-unbalanced", f"broken HTML: {broken}", msgid=entry.msgid,
                                 context=entry.msgctxt)
                continue
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
                # Elsewhere than i18nmail's own catalogs, markup left out is a warning (the text
                # stays well-formed); markup added is an error.
                severity = ERROR if everything or extra else WARNING
                yield po.problem(line, "html-tags", "HTML differs from the source; " + "; ".join(parts),
                                 severity=severity, msgid=entry.msgid, context=entry.msgctxt)
            for name, attrs in raw_tags if not everything else ():
                for key, value in attrs:
                    if value[:1] in "\"'" and value and key in _URL_ATTRS:
                        yield po.problem(line, "html-tags", f"<{name} {key}=...> has quotes inside its value "
                                         f"({value[:40]!r}): the link is broken", msgid=entry.msgid,
                                         context=entry.msgctxt)
            source_nesting = _nesting_problem(plural_tags if index and entry.msgid_plural else source_tags)
            nesting = _nesting_problem(tags)
            if nesting and not source_nesting:
                yield po.problem(line, "html-unbalanced", f"unbalanced HTML: {nesting}", msgid=entry.msgid,
                                 context=entry.msgctxt)


def _edges(text: str) -> tuple[str, str]:
    stripped = text.strip(" \t\u00a0\u3000")
    if not stripped:
        return text, ""
    lead = text[: len(text) - len(text.lstrip(" \t\u00a0\u3000"))]
    trail = text[len(text.rstrip(" \t\u00a0\u3000")):]
    return lead, trail


_EDGE = frozenset(" \t\u00a0\u3000\n")


def check_whitespace(po: PoFile) -> Iterator[Finding]:
    """Leading/trailing newlines (error, as msgfmt) and spaces (warning) match the source."""
    for entry in po.checked_entries():
        for _index, text, line, source in entry.forms():
            if (text[0] not in _EDGE and text[-1] not in _EDGE
                    and source[:1] not in _EDGE and source[-1:] not in _EDGE):
                continue  # the common case: nothing at either edge of either text
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
_JOINER_LANGUAGES = frozenset(["fa", "ps", "ur", "ckb", "ku", "sd", "ug", "hi", "mr", "ne", "bn", "as", "pa",
                               "gu", "or", "ta", "te", "kn", "ml", "si", "sa", "my", "km"])
#: Languages whose scripts write no spaces between words and mark word breaks with
#: U+200B ZERO WIDTH SPACE (Khmer, Lao, Thai, Burmese, Tibetan, Dzongkha, Javanese).
_ZWSP_LANGUAGES = frozenset(["km", "lo", "th", "my", "bo", "dz", "jv", "shn"])
_EMBED_OPEN = frozenset("\u202a\u202b")
_EMBED_CLOSE = "\u202c"


@functools.lru_cache(maxsize=256)
def _is_rtl(language: str | None) -> bool:
    if not language:
        return False
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError, TypeError):
        return False


def invisible_characters(text: str, *, allowed: Iterable[str] = (),
                         language: str | None = None) -> list[str]:
    """Describe the bidi controls and invisible characters of *text* that do not belong.

    Characters in *allowed* (those of the source) pass; so do ZWJ between
    emoji, ZWNJ/ZWJ in languages that spell with them, ZWSP in scripts that
    break words with it (Khmer, Lao, Thai, ...), and, in a right-to-left
    language, balanced isolates (U+2066-2069) and embeddings (U+202A/B ...
    U+202C). LRM and RLM always pass.

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
    open_embeds: list[str] = []
    for match in _INVISIBLE_RE.finditer(text):
        ch = match.group(0)
        if ch in permitted:
            continue
        if ch in "\u200c\u200d" and base in _JOINER_LANGUAGES:
            continue
        if ch == "\u200b" and base in _ZWSP_LANGUAGES:
            continue
        if rtl and ch in _EMBED_OPEN:
            open_embeds.append(ch)
            continue
        if rtl and ch == _EMBED_CLOSE:
            if open_embeds:
                open_embeds.pop()
                continue
            found.setdefault(ch, " (closes no embedding)")
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
    for ch in open_isolates + open_embeds:
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
