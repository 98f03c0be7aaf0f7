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

Catalogs are read by the strict PO reader of :mod:`i18nmail.pofile`: an
unterminated string, ``msgstr`` before ``msgid`` or a bad escape is a finding
with its exact line, and reading goes on (RELIABILITY.md item 14). The checks
live in :mod:`i18nmail.checks_structure` (the file, header, plural forms,
completeness, duplicates), :mod:`i18nmail.checks_format` (format strings),
:mod:`i18nmail.checks_text` (HTML, white space, bidi) and
:mod:`i18nmail.checks_rendered` (rendered emails); this module registers them
and runs them over files. Every public name stays importable from here.

Codes (``E`` error, fails ``i18nmail check``; ``W`` warning):

=================== = ==========================================================
syntax              E PO grammar: unterminated string, ``msgstr`` without
                      ``msgid``, unknown keyword, unreadable or irregular file
escape              E an invalid escape sequence (``\\q``, ``\\x`` without digits)
encoding            E bytes not in the declared charset (line, byte offset), a
                      UTF-8 file declaring another charset, UTF-16/32; W for a
                      UTF-8 byte-order mark
line-break          E a carriage return in a translation; W a line break inside
                      a translation whose source has none
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
markup              E a ``<``, ``<!--``, entity or line break the source lacks (the
                      run-time guard's rule, :mod:`i18nmail.checks_markup`)
duplicate           E the same msgctxt + msgid twice (also an active and an
                      obsolete entry), or a second header
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

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .checks_format import check_brace_fields, check_format, check_placeholders
from .checks_markup import check_markup
from .checks_rendered import RENDERED_CHECKS, RenderedCheck, RenderedSample, render_checks
from .checks_structure import (
    check_duplicates,
    check_fuzzy,
    check_header,
    check_obsolete,
    check_plural_count,
    check_plural_forms,
    check_syntax,
    check_untranslated,
)
from .checks_text import check_bidi, check_html, check_whitespace, invisible_characters
from .exceptions import I18nMailError
from .findings import ERROR, WARNING, CheckReport, Finding, display_path
from .pofile import PoEntry, PoFile, parse_catalog, read_catalog

__all__ = [
    "CHECKS",
    "ERROR",
    "RENDERED_CHECKS",
    "WARNING",
    "CatalogCheck",
    "CheckReport",
    "Finding",
    "PoEntry",
    "PoFile",
    "RenderedCheck",
    "RenderedSample",
    "check_paths",
    "invisible_characters",
    "parse_catalog",
    "read_catalog",
    "render_checks",
    "run_checks",
]

CatalogCheck = Callable[[PoFile], Iterable[Finding]]

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
    "markup": check_markup,
    "duplicate": check_duplicates,
    "obsolete": check_obsolete,
}


def run_checks(po: PoFile, checks: Mapping[str, CatalogCheck] | None = None) -> list[Finding]:
    """Run every catalog check on one parsed file; findings in stable order."""
    found: list[Finding] = []
    for check in (CHECKS if checks is None else checks).values():
        found.extend(check(po))
    return sorted(set(found), key=Finding.sort_key)


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # Not only regular files: a FIFO or a link to a device named like a
            # catalog is reported (the reader refuses it), never skipped.
            files.extend(sorted(x for x in p.rglob("*") if x.suffix in (".po", ".pot")))
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
        po = read_catalog(path, display=display_path(path))
        findings.extend(run_checks(po))
        key = "en" if po.is_template else po.locale
        if key:
            parsed.setdefault(key, po)
    if rendered:
        default = display_path(Path(catalogs)) if catalogs is not None else "catalogs"
        try:
            if mailer is None:
                from .render import Mailer

                mailer = Mailer(templates=None if templates is None else Path(templates),
                                catalogs=None if catalogs is None else Path(catalogs))
            findings.extend(render_checks(mailer, parsed, default_path=default, locales=parsed))
        except I18nMailError as exc:
            findings.append(Finding(default, 0, "render-error", ERROR, f"cannot render: {exc}"))
    ordered = tuple(sorted(set(findings), key=Finding.sort_key))
    return CheckReport(ordered, tuple(display_path(p) for p in files))
