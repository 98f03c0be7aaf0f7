"""Script-aware presentation: font stacks, line height, digits and bidi isolates.

Each script gets a font stack that names its own fonts first (the system
fonts of macOS/iOS, Windows and Android, then Noto), so Japanese kanji and
Chinese hanzi are never drawn with Korean glyph shapes in a client that
ignores ``lang`` (Word-based Outlook, some webviews).

Digits: every locale formats numbers, amounts and dates with Latin digits
(CLDR ``latn``). For Arabic this is a deliberate choice: CLDR's default for
``ar-SA`` is Arabic-Indic (``arab``), but Saudi e-commerce, banking apps and
order numbers use Latin digits, and Babel's date formatting only writes Latin
digits, so one email never mixes two digit systems. A shop that wants
Arabic-Indic digits sets :data:`NUMBERING_SYSTEMS` ``["ar"] = "arab"`` (amounts
and numbers follow; dates stay Latin).

The plain-text part of a right-to-left email keeps each inserted value
(order number, name, amount, date, item) in reading order by wrapping it in
Unicode isolates, FSI (U+2068) ... PDI (U+2069): every value with Latin
letters or digits; a purely Arabic value (a label, a name) stays outside, so
each line still starts its paragraph right-to-left. The renderer inserts them
itself through two private-use sentinels after every bidi control from data
or CLDR has been removed (:func:`isolate`, :func:`finish_isolates`).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "FONT_STACKS",
    "NUMBERING_SYSTEMS",
    "finish_isolates",
    "font_stack",
    "isolate",
    "line_height",
    "needs_isolation",
    "strip_sentinels",
]

_LATIN = 'Arial, Helvetica, "Noto Sans", sans-serif'

#: Font stack per language (or language-script), system fonts first.
FONT_STACKS: dict[str, str] = {
    "ja": '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, "Noto Sans CJK JP", '
          '"Noto Sans JP", sans-serif',
    "zh-Hans": '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", '
               '"Source Han Sans SC", sans-serif',
    "zh-Hant": '"PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", "Noto Sans TC", sans-serif',
    "ko": '"Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", "Noto Sans CJK KR", sans-serif',
    "ar": '"Geeza Pro", "Segoe UI", Tahoma, "Noto Sans Arabic", "Noto Naskh Arabic", Arial, sans-serif',
}

#: Line height per language; CJK text reads better with more room.
LINE_HEIGHTS: dict[str, str] = {"ja": "1.7", "zh": "1.7", "ko": "1.65"}

#: CLDR numbering system per language (see the module docstring); default ``latn``.
NUMBERING_SYSTEMS: dict[str, str] = {"ar": "latn"}

_OPEN = "\ue000"
_CLOSE = "\ue001"
_FSI = "\u2068"
_PDI = "\u2069"
_SENTINELS = re.compile(f"[{_OPEN}{_CLOSE}]")
#: Unicode's Bidi_Control characters: data never brings its own into a text part.
#: Unicode's Bidi_Control characters. They never reach the subject, preheader
#: or text part (CLDR puts RLM marks in Arabic dates; a customer value may carry
#: an RLO): a plain-text reader shows them as garbage or lets them reorder the
#: line. The HTML part isolates values with <bdi> instead.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def font_stack(language: str, script: str | None = None) -> str:
    """The CSS ``font-family`` value for *language* (and *script*, e.g. ``Hans``)."""
    if script and f"{language}-{script}" in FONT_STACKS:
        return FONT_STACKS[f"{language}-{script}"]
    if language == "zh":
        return FONT_STACKS["zh-Hans"]
    return FONT_STACKS.get(language, _LATIN)


def line_height(language: str) -> str:
    """The CSS ``line-height`` of body text for *language*."""
    return LINE_HEIGHTS.get(language, "1.55")


def numbering_system(language: str) -> str:
    """The CLDR numbering system numbers are written in for *language*."""
    return NUMBERING_SYSTEMS.get(language, "latn")


#: Bidi classes that the algorithm may move inside a right-to-left line:
#: left-to-right letters and numbers (and the controls that are removed later).
_MOVABLE = frozenset({"L", "EN", "AN", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def needs_isolation(text: str) -> bool:
    """Whether *text* has Latin letters or digits that could be reordered in RTL text.

    Purely right-to-left values (an Arabic label or name) stay outside an
    isolate, so each line's first strong letter sets its direction.
    """
    return any(unicodedata.bidirectional(ch) in _MOVABLE for ch in text)


def isolate(value: object) -> str:
    """*value* between the isolate sentinels when it :func:`needs_isolation`
    (any sentinel inside it is dropped)."""
    text = drop_bidi_controls(strip_sentinels(str(value)))
    return f"{_OPEN}{text}{_CLOSE}" if needs_isolation(text) else text


def drop_bidi_controls(text: str) -> str:
    """*text* without Unicode's Bidi_Control characters (see :data:`BIDI_CONTROLS`)."""
    if ("\u200e" in text or "\u200f" in text or "\u2068" in text or "\u2069" in text or "\u061c" in text
            or "\u202a" in text or "\u202b" in text or "\u202c" in text or "\u202d" in text or "\u202e" in text
            or "\u2066" in text or "\u2067" in text):  # rarely: plain scans first, faster than the regex
        return BIDI_CONTROLS.sub("", text)
    return text


def strip_sentinels(text: str) -> str:
    """*text* without isolate sentinels (subject and preheader carry no isolates)."""
    return _SENTINELS.sub("", text)


def finish_isolates(text: str) -> str:
    """Turn the sentinels of *text* into balanced FSI ... PDI pairs, line by line.

    An isolate ends with its paragraph (UAX #9), so one that spans a line
    break is closed at the end of the line and a stray closer is dropped.

    >>> finish_isolates("\\ue000a\\ue001 \\ue001b\\ue000c\\nd") == "\\u2068a\\u2069 b\\u2068c\\u2069\\nd"
    True
    """
    if _OPEN not in text and _CLOSE not in text:
        return text
    lines = []
    for line in text.split("\n"):
        if _OPEN not in line and _CLOSE not in line:
            lines.append(line)
            continue
        depth = 0
        out = []
        for ch in line:
            if ch == _OPEN:
                depth += 1
                out.append(_FSI)
            elif ch == _CLOSE:
                if depth:
                    depth -= 1
                    out.append(_PDI)
            else:
                out.append(ch)
        out.append(_PDI * depth)
        lines.append("".join(out))
    return "\n".join(lines)
