"""What a translation may carry beyond its source: markup, entities, line breaks.

One strict rule set: the run-time guard (:func:`i18nmail.catalogs.check_translation`)
applies all of it, and ``i18nmail check`` reports the part its other checks do
not already cover (:mod:`i18nmail.checks_markup`). A translation is a
sentence, not HTML: it may repeat the tags, comments and entities of its
source, and nothing else.

* A ``<`` that could start a tag (before a letter, ``/``, ``!`` or ``?``, or
  at the very end) and is not one of the source's tags is refused, whether or
  not a ``>`` follows: ``Hej <a %(name)s!`` would turn a customer's name into
  attributes of a link (fuzzing D2, RELIABILITY.md item 13). ``< 5 dagar`` is
  text, as HTML reads it.
* ``<!--`` or ``<!DOCTYPE``/``<?`` the source does not have is refused: a
  comment opener hides the rest of the HTML part (fuzzing D2).
* HTML entities the source does not have (``&lt;``, ``&amp;``) are refused:
  the HTML part shows the character, the text part and the subject the
  entity (fuzzing D12).
* A carriage return the source does not have is refused, and so is a leading
  or trailing line break that differs from the source (``check``: codes
  ``line-break`` and ``newline``). A line break inside the sentence is allowed,
  as ``check`` allows it with a warning.

>>> markup_problem("Hi %(name)s,", "Hej <a %(name)s!")
"a '<' that does not open one of the source's tags (an unterminated tag?)"
>>> markup_problem("Hi %(name)s,", "Hej <!-- %(name)s!")
'an HTML comment the source does not have'
>>> markup_problem("Read <b>this</b>", "Läs <b>det här</b>") is None
True
>>> markup_problem("Less than 5 days", "Mindre än < 5 dagar") is None
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


_TAG_START_RE = re.compile(r"<(?=[A-Za-z/!?]|$)")


def _stray_angles(text: str) -> int:
    """How many ``<`` of *text* could open a tag but are not part of a complete one."""
    return len(_TAG_START_RE.findall(_TAG_RE.sub("", text)))


def markup_problem(source: str, translation: str, *, compare_tags: bool = True,
                   comments: bool = True, line_breaks: bool = True) -> str | None:
    """Why *translation* carries markup or line breaks its *source* does not, or ``None``.

    ``compare_tags=False`` leaves out the comparison of complete tags,
    ``comments=False`` the comment and declaration rule and
    ``line_breaks=False`` the line-break rules (``check`` has its own checks
    for those: ``html-tags``, ``html-unbalanced``, ``line-break``, ``newline``).
    """
    if "<" in translation or "<" in source:
        if comments and Counter(_COMMENT_RE.findall(translation)) - Counter(_COMMENT_RE.findall(source)):
            return "an HTML comment the source does not have"
        if comments and (Counter(_DECLARATION_RE.findall(translation))
                         - Counter(_DECLARATION_RE.findall(source))):
            return "an HTML declaration or processing instruction the source does not have"
        if compare_tags and tags(translation) != tags(source):
            return "HTML tags differ from the source"
        if _stray_angles(translation) > _stray_angles(source):
            return "a '<' that does not open one of the source's tags (an unterminated tag?)"
    if "&" in translation:
        extra = Counter(_ENTITY_RE.findall(translation)) - Counter(_ENTITY_RE.findall(source))
        if extra:
            return (f"HTML entities the source does not have ({', '.join(sorted(extra))[:60]}); "
                    "write the character itself")
    if line_breaks:
        if translation.count("\r") > source.count("\r"):
            return "a carriage return (CR) the source does not have"
        if (translation.startswith("\n"), translation.endswith("\n")) != (source.startswith("\n"),
                                                                          source.endswith("\n")):
            return "a leading or trailing line break that differs from the source"
    return None
