"""What a translation may carry beyond its source: markup, entities, line breaks.

One strict rule set, shared by the run-time guard (:func:`i18nmail.catalogs.check_translation`)
and available to ``i18nmail check``: a translation is a sentence, not HTML. It
may repeat the tags, comments and entities of its source, and nothing else.

* A ``<`` that does not open one of the source's tags is refused, whether or
  not a ``>`` follows: ``Hej <a %(name)s!`` would turn a customer's name into
  attributes of a link (fuzzing D2, RELIABILITY.md item 13).
* ``<!--`` the source does not have is refused: it would comment out the rest
  of the HTML part (fuzzing D2).
* HTML entities the source does not have (``&lt;``, ``&amp;``) are refused:
  the HTML part shows the character, the text part and the subject the
  entity (fuzzing D12).
* Carriage returns, and line feeds the source does not have, are refused:
  they break the text part's lines (fuzzing D12).

>>> markup_problem("Hi %(name)s,", "Hej <a %(name)s!")
"a '<' that does not open one of the source's tags (an unterminated tag?)"
>>> markup_problem("Hi %(name)s,", "Hej <!-- %(name)s!")
'an HTML comment the source does not have'
>>> markup_problem("Read <b>this</b>", "Läs <b>det här</b>") is None
True
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["markup_problem", "tags"]

#: A complete tag: ``<b>``, ``</a>``, ``<a href="x">``, ``<br/>``.
_TAG_RE = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)([^<>]*)>")
_COMMENT_RE = re.compile(r"<!--|-->")
_DECLARATION_RE = re.compile(r"<[!?]")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")


def tags(text: str) -> list[str]:
    """The complete tags of *text*, normalised and sorted.

    >>> tags('<A  href="x">go</a>')
    ['/a', 'ahref="x"']
    """
    return sorted(f"{m.group(1)}{m.group(2).lower()}{' '.join(m.group(3).split())}"
                  for m in _TAG_RE.finditer(text))


def _stray_angles(text: str) -> int:
    """How many ``<`` of *text* are not part of a complete tag."""
    return _TAG_RE.sub("", text).count("<")


def markup_problem(source: str, translation: str) -> str | None:
    """Why *translation* carries markup or line breaks its *source* does not, or ``None``."""
    if "<" in translation or "<" in source:
        if Counter(_COMMENT_RE.findall(translation)) - Counter(_COMMENT_RE.findall(source)):
            return "an HTML comment the source does not have"
        if Counter(_DECLARATION_RE.findall(translation)) - Counter(_DECLARATION_RE.findall(source)):
            return "an HTML declaration or processing instruction the source does not have"
        if tags(translation) != tags(source):
            return "HTML tags differ from the source"
        if _stray_angles(translation) > _stray_angles(source):
            return "a '<' that does not open one of the source's tags (an unterminated tag?)"
    if "&" in translation:
        extra = Counter(_ENTITY_RE.findall(translation)) - Counter(_ENTITY_RE.findall(source))
        if extra:
            return (f"HTML entities the source does not have ({', '.join(sorted(extra))[:60]}); "
                    "write the character itself")
    if translation.count("\r") > source.count("\r"):
        return "a carriage return (CR) the source does not have"
    if translation.count("\n") > source.count("\n"):
        return "a line break the source does not have"
    return None
