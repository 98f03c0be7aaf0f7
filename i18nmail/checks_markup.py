r"""The run-time guard's markup rule as a catalog check, so ``check`` and the run time agree.

:func:`i18nmail.markup.markup_problem` is what the run time applies to every
translation before it uses it. In i18nmail's own catalogs (``markup =
"html"``: every message may be HTML) the parts no other check covers are
errors here (code ``markup``, at the line of the ``msgstr``): a ``<`` that
could start a tag but is not one of the source's tags, and an HTML entity the
source lacks (``&lt;script&gt;`` shows as the character in the HTML part but
as the entity in the text part and subject: fuzzing D12). Differing or open
tags and comments are ``html-*`` findings, line breaks ``line-break`` and
``newline`` findings of the other checks.

>>> from i18nmail.pofile import parse_catalog
>>> po = parse_catalog(b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
...                    b'msgid "Hi %(name)s,"\nmsgstr "Hej &lt;%(name)s!"\n', "sv.po", locale="sv")
>>> po.markup = "html"
>>> [f.to_text() for f in check_markup(po)]
['sv.po:5: markup: HTML entities the source does not have (&lt;); write the character itself']
"""

from __future__ import annotations

from collections.abc import Iterator

from .findings import Finding
from .markup import markup_problem
from .pofile import PoFile

__all__ = ["check_markup"]


def check_markup(po: PoFile) -> Iterator[Finding]:
    """Markup, entities and line breaks the source does not have (fuzzing D2, D12)."""
    if po.markup != "html":
        return
    for entry in po.checked_entries():
        for _index, text, line, source in entry.forms():
            problem = markup_problem(source, text, compare_tags=False, comments=False, line_breaks=False)
            if problem is not None:
                yield po.problem(line, "markup", problem, msgid=entry.msgid, context=entry.msgctxt)
