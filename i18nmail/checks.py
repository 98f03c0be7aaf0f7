"""Quality checks for gettext catalogs, for translators and CI.

Every check is a small function with one signature, ``check(po) -> Iterable[Finding]``,
registered by name in :data:`CHECKS`; checks of rendered emails take a
:class:`RenderedSample` and live in :data:`RENDERED_CHECKS`. :func:`check_paths`
runs them all and returns a :class:`CheckReport` whose findings carry file, line,
a stable code and a severity, so one run reports everything::

    >>> po = parse_catalog(b'msgid ""\\nmsgstr "Content-Type: text/plain; charset=UTF-8\\\\n"\\n'
    ...                    b'"Plural-Forms: nplurals=2; plural=(n != 1);\\\\n"\\n\\n'
    ...                    b'#, python-format\\nmsgid "Hi %(name)s"\\nmsgstr "Hej %(namn)s"\\n', "sv.po",
    ...                    locale="sv")
    >>> for finding in run_checks(po):
    ...     print(finding.to_text())
    sv.po:7: placeholder-extra: unknown placeholder 'namn' (not in the source)
    sv.po:7: placeholder-missing: placeholder 'name' missing

Catalogs are read by the strict PO reader of :mod:`i18nmail.pofile`: an
unterminated string, ``msgstr`` before ``msgid`` or a bad escape is a finding
with its exact line, and reading goes on. The checks
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
too-long            E a translation over 20,000 characters (no sentence of an email is)
encoding            E bytes not in the declared charset (line, byte offset), a
                      UTF-8 file declaring another charset, UTF-16/32; W for a
                      UTF-8 byte-order mark
line-break          E a carriage return in a translation; W a line break inside
                      a translation whose source has none
header-charset      E ``charset`` missing, ``CHARSET``, unknown, not ASCII-based
header-missing      E no ``msgid ""`` header entry
header-fuzzy        W header marked ``#, fuzzy`` (``compile`` refuses it); E
                      with ``--require-complete``
header-language     W ``Language:`` differs from the catalog folder
plural-forms        E ``Plural-Forms`` malformed, unsafe, failing or out of range
                      for some n (0..1000 and large n), or missing in a catalog
                      with plural entries
plural-cldr         W the rule is neither CLDR's nor GNU gettext's traditional
                      one for the language (compared by evaluation)
plural-count        E a plural entry with too few or too many ``msgstr[i]``
untranslated        W empty translation (or empty plural form); E with
                      ``--require-complete``
fuzzy               W entry marked fuzzy (never compiled: shows the source);
                      E with ``--require-complete``
format-invalid      E stray ``%`` (``100%``, ``10 % sur``, ``%(name)``), positional
                      ``%s`` where the source has names
placeholder-missing E an argument of the source is missing: ``%(name)s``,
                      c-format/tcl-format ``%s``/``%2$d``, brace ``{name}``; not
                      for names the translator comment declares
                      ``Optional: name``; W in a plural form msgfmt checks
                      loosely (the count may be left out of a form used for one
                      number only)
placeholder-extra   E an argument the source does not have
placeholder-type    E ``%(n)d`` where the source has ``%(n)s``, ``%ld`` for ``%d``
format-hint         W an unflagged entry (plain text, as for msgfmt) whose
                      translation seems to add a directive (``%s``)
brace-field         E ``{x.attr}``, ``{0[i]}``, ``{x:>9}``; W for a plain ``{x}``
html-unsafe         E ``<script>`` & co, ``on*=`` attributes, ``javascript:`` &
                      co URLs
html-tags           E tags or attributes differ from the source (translatable
                      attributes such as ``title``/``alt`` may differ)
html-unbalanced     E tags that do not nest (when the source's do), an
                      unterminated tag or comment
                      (HTML checks run on messages whose source has real HTML
                      markup, or on every message with ``markup = "html"``)
newline             E leading/trailing newline differs from the source
whitespace          W leading/trailing spaces differ from the source
bidi                E bidi controls or invisible characters not in the source
                      (ZWSP in scripts that separate words with it, ZWNJ/ZWJ
                      where spelling needs them, balanced isolates and
                      embeddings in right-to-left languages pass)
markup              E a ``<`` that could open a tag, ``<!--``, or an HTML entity the
                      source lacks (the run-time guard's rule, :mod:`i18nmail.checks_markup`)
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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .checks_format import (
    check_brace_fields,
    check_format,
    check_format_hint,
    check_other_formats,
    check_placeholders,
)
from .checks_markup import check_markup
from .checks_policy import INCOMPLETE_CODES, CheckOptions
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

if TYPE_CHECKING:  # imported lazily by __getattr__ below
    from .checks_rendered import RENDERED_CHECKS, RenderedCheck, RenderedSample, render_checks

__all__ = [
    "CHECKS",
    "ERROR",
    "RENDERED_CHECKS",
    "WARNING",
    "CatalogCheck",
    "CheckOptions",
    "CheckReport",
    "Finding",
    "PoEntry",
    "PoFile",
    "RenderedCheck",
    "RenderedSample",
    "check_paths",
    "invisible_characters",
    "iter_findings",
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
    "other-formats": check_other_formats,
    "format-hint": check_format_hint,
    "brace-field": check_brace_fields,
    "html": check_html,
    "whitespace": check_whitespace,
    "bidi": check_bidi,
    "markup": check_markup,
    "duplicate": check_duplicates,
    "obsolete": check_obsolete,
}

_RENDERED_NAMES = {"RENDERED_CHECKS", "RenderedCheck", "RenderedSample", "render_checks"}


def __getattr__(name: str) -> Any:
    """The rendered checks are imported on first use: plain catalog checks never load them."""
    if name in _RENDERED_NAMES:
        from . import checks_rendered

        return getattr(checks_rendered, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_checks(po: PoFile, checks: Mapping[str, CatalogCheck] | None = None, *,
               options: CheckOptions | None = None) -> list[Finding]:
    """Run every catalog check on one parsed file; findings in stable order.

    With *options*, the catalog is read as they say (markup, unflagged entries)
    and the findings are filtered and graded by their policy; without, every
    finding is returned with the severity its check gives (untranslated and
    fuzzy entries as errors).
    """
    if options is not None:
        po.markup, po.unflagged_format = options.markup, options.unflagged_format
    found: list[Finding] = []
    for check in (CHECKS if checks is None else checks).values():
        found.extend(check(po))
    if options is not None:
        found = options.apply(found)
    return sorted(set(found), key=Finding.sort_key)


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every .po/.pot file under *paths*, templates first (source problems are reported there)."""
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # Not only regular files: a FIFO or a link to a device named like a
            # catalog is reported (the reader refuses it), never skipped.
            files.extend(sorted(x for x in p.rglob("*") if x.suffix in (".po", ".pot")))
        else:
            files.append(p)
    return sorted(dict.fromkeys(files), key=lambda f: (f.suffix != ".pot", str(f)))


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    # realpath, not Path.resolve(): a symlink loop named like a catalog must be
    # reported by the reader, not crash here (RuntimeError on Python 3.11).
    resolved = Path(os.path.realpath(path))
    return any(resolved == root or root in resolved.parents for root in roots)


class _LowerLayers:
    """The messages translated in the catalogs below the checked ones (a shop's built-ins)."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = roots
        self.cache: dict[str, frozenset[tuple[str | None, str]]] = {}

    def translated(self, locale: str | None) -> frozenset[tuple[str | None, str]]:
        if not locale or not self.roots:
            return frozenset()
        if locale not in self.cache:
            keys: set[tuple[str | None, str]] = set()
            for root in self.roots:
                path = root / locale / "LC_MESSAGES" / "messages.po"
                if path.is_file():
                    po = read_catalog(path)
                    keys.update((e.msgctxt, e.msgid) for e in po.entries if e.translated and not e.fuzzy)
            self.cache[locale] = frozenset(keys)
        return self.cache[locale]


def iter_findings(paths: Iterable[str | os.PathLike[str]], *, options: CheckOptions | None = None,
                  own: Sequence[str | os.PathLike[str]] = (),
                  lower_layers: Sequence[str | os.PathLike[str]] = (),
                  parsed: dict[str, PoFile] | None = None) -> Iterator[tuple[str, list[Finding]]]:
    """Check file by file and yield ``(shown path, findings)`` as each is done (one run streams).

    Files under *own* are i18nmail catalogs (every message HTML-capable %-format
    text, as the renderer uses them). A message untranslated or fuzzy in a
    checked catalog but translated in the same locale of a *lower_layers*
    folder (a shop's built-ins) is not reported. A finding about the source
    text is reported once, on the template or the first file that has it.
    *parsed*, when given, collects the first file of each locale (for rendering).
    """
    options = options or CheckOptions()
    own_roots = [Path(r).resolve() for r in own]
    own_options = options.merged(markup="html", unflagged_format="python-format")
    lower = _LowerLayers([Path(r) for r in lower_layers])
    seen_source: set[tuple[str, str | None, str | None, str]] = set()
    for path in _expand(paths):
        shown = display_path(path)
        po = read_catalog(path, display=shown)
        found = run_checks(po, options=own_options if own_roots and _inside(path, own_roots) else options)
        below = lower.translated(po.locale)
        kept = []
        for finding in found:
            if below and finding.code in INCOMPLETE_CODES and (finding.context, finding.msgid) in below:
                continue  # the layer below translates it: the email is complete
            if finding.message.startswith("source:"):
                key = (finding.code, finding.context, finding.msgid, finding.message)
                if key in seen_source:
                    continue
                seen_source.add(key)
            kept.append(finding)
        if parsed is not None:
            ident = "en" if po.is_template else po.locale
            if ident:
                parsed.setdefault(ident, po)
        yield shown, kept


def check_paths(paths: Iterable[str | os.PathLike[str]], *, rendered: bool = False,
                mailer: Any = None, templates: str | os.PathLike[str] | None = None,
                catalogs: str | os.PathLike[str] | None = None, options: CheckOptions | None = None,
                own: Sequence[str | os.PathLike[str]] | None = None,
                lower_layers: Sequence[str | os.PathLike[str]] = (),
                parsed: dict[str, PoFile] | None = None) -> CheckReport:
    """Check every ``.po``/``.pot`` file under *paths*; optionally render every email.

    With ``rendered=True`` every scenario is also rendered, with
    *mailer* (default: ``Mailer(templates=templates, catalogs=catalogs)``),
    in the locale of every checked catalog (English for a ``.pot``) and
    checked with :data:`RENDERED_CHECKS`. *own* are the folders of i18nmail
    catalogs (default: *catalogs*, when given, and the built-in one); see :func:`iter_findings` for
    *options* and *lower_layers*. Findings about files inside *lower_layers*
    (a shop's built-in catalogs) are never reported. *parsed* adds catalogs
    already read (by locale) to those the rendered checks locate findings in.
    """
    options = options or CheckOptions()
    if own is None:
        from .data import builtin_catalogs

        own_roots: list[str | os.PathLike[str]] = [catalogs] if catalogs is not None else []
        try:
            own_roots.append(builtin_catalogs())
        except I18nMailError:
            pass  # an installation without its data folders: nothing is built in
    else:
        own_roots = list(own)
    findings: list[Finding] = []
    parsed = {} if parsed is None else parsed
    shown: list[str] = []
    for name, found in iter_findings(paths, options=options, own=own_roots, lower_layers=lower_layers,
                                     parsed=parsed):
        shown.append(name)
        findings.extend(found)
    if rendered:
        from .checks_rendered import render_checks

        default = display_path(Path(catalogs)) if catalogs is not None else "catalogs"
        try:
            if mailer is None:
                from .render import Mailer

                mailer = Mailer(templates=None if templates is None else Path(templates),
                                catalogs=None if catalogs is None else Path(catalogs))
            extra = options.apply(render_checks(mailer, parsed, default_path=default, locales=parsed))
            lower_roots = [Path(r).resolve() for r in lower_layers]
            findings.extend(f for f in extra if not (lower_roots and _inside(Path(f.path), lower_roots)))
        except I18nMailError as exc:
            findings.append(Finding(default, 0, "render-error", ERROR, f"cannot render: {exc}"))
    ordered = tuple(sorted(set(findings), key=Finding.sort_key))
    return CheckReport(ordered, tuple(sorted(shown)))
