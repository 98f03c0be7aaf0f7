"""Catalog checks of a file's structure: reading problems, header, plural forms,
completeness, duplicates and obsolete entries.

Each check has the signature ``check(po) -> Iterable[Finding]`` and is
registered by name in :data:`i18nmail.checks.CHECKS`.
"""

from __future__ import annotations

from collections.abc import Iterator

from .findings import WARNING, Finding
from .plurals import cldr_advice, parse_plural_forms, rule_problem
from .pofile import PoFile, duplicate_findings

__all__ = [
    "check_duplicates",
    "check_fuzzy",
    "check_header",
    "check_obsolete",
    "check_plural_count",
    "check_plural_forms",
    "check_syntax",
    "check_untranslated",
]


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
    base = language.split("@")[0].split("_")[0].lower()
    # zh_CN in a zh_Hans folder, sr@latin in sr_Latn: the same language, written two ways.
    if po.locale and language and base != po.locale.split("_")[0]:
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
        plural_entry = next((e for e in po.entries if e.msgid_plural is not None and not e.fuzzy
                             and any(e.msgstr.values())), None)
        if plural_entry is not None:
            yield po.problem(line, "plural-forms",
                             f"Plural-Forms header missing, but the catalog has plural translations "
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
        if entry.msgid_plural is None or entry.fuzzy or not any(entry.msgstr.values()):
            continue  # msgfmt leaves fuzzy and untranslated entries out (reported by their checks)
        count = len(entry.msgstr)
        if count < n:
            yield po.problem(entry.line, "plural-count",
                             f"{count} plural forms but nplurals={n}: msgstr[{count}] missing",
                             msgid=entry.msgid, context=entry.msgctxt)
        elif count > n:
            yield po.problem(entry.msgstr_lines.get(n, entry.line), "plural-count",
                             f"msgstr[{n}] present but nplurals={n}", msgid=entry.msgid, context=entry.msgctxt)


def check_untranslated(po: PoFile) -> Iterator[Finding]:
    """Entries (or plural forms) with no translation."""
    if po.is_template:
        return
    for entry in po.entries:
        if entry.fuzzy:
            continue
        empty = [i for i, text in sorted(entry.msgstr.items()) if not text]
        if empty and len(empty) == len(entry.msgstr):
            yield po.problem(entry.line, "untranslated", "not translated", msgid=entry.msgid, context=entry.msgctxt)
        elif empty:
            forms = ", ".join(f"msgstr[{i}]" for i in empty)
            yield po.problem(entry.line, "untranslated", f"{forms} empty", msgid=entry.msgid, context=entry.msgctxt)


def check_fuzzy(po: PoFile) -> Iterator[Finding]:
    """Entries marked fuzzy: never compiled, so they render in English."""
    if po.is_template:
        return
    for entry in po.entries:
        if entry.fuzzy:
            yield po.problem(entry.line, "fuzzy",
                             "fuzzy translation: review it and remove '#, fuzzy'", msgid=entry.msgid, context=entry.msgctxt)


def check_obsolete(po: PoFile) -> Iterator[Finding]:
    """Obsolete (``#~``) entries are ignored; one warning per file counts them (item 19)."""
    if po.obsolete:
        count = len(po.obsolete)
        yield po.problem(po.obsolete[0].line, "obsolete",
                         f"{count} obsolete entr{'y' if count == 1 else 'ies'} (#~) ignored; "
                         "delete them once translators no longer need them", severity=WARNING)


def check_duplicates(po: PoFile) -> Iterator[Finding]:
    """The same msgid (and msgctxt) twice, also an active and an obsolete entry (item 19, msgfmt)."""
    yield from duplicate_findings(po)
