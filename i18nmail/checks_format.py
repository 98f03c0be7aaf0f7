"""Catalog checks of format strings, by the entry's flags as msgfmt reads them.

Python %-formats (i18nmail's own, and ``python-format`` entries anywhere),
``c-format``, ``tcl-format`` and ``python-brace-format`` (parsed in
:mod:`i18nmail.formats`); an unflagged entry is plain text, with a warning hint
when its translation seems to add a directive.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from .findings import ERROR, WARNING, Finding
from .formats import Directives, brace_format, c_format, tcl_format
from .plurals import form_counts
from .pofile import PoEntry, PoFile

__all__ = [
    "check_brace_fields",
    "check_format",
    "check_format_hint",
    "check_other_formats",
    "check_placeholders",
    "format_languages",
    "optional_placeholders",
]

#: Plural forms are evaluated for n = 0 .. PLURAL_RANGE - 1, as msgfmt does.
PLURAL_RANGE = 1001


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


def _count_names(plural_names: Iterable[str]) -> set[str]:
    names = set(plural_names)
    if "num" in names:
        return {"num"}
    return names if len(names) == 1 else set()


#: msgfmt's threshold: a plural form used for at least this many n in 0..1000 is checked strictly.
OFTEN = 5


def _form_counts(po: PoFile) -> dict[int, int]:
    if po.plural_rule is not None:
        return form_counts(po.plural_rule)
    if po.plural is None:
        return {}
    return Counter(po.plural(n) for n in range(PLURAL_RANGE))


def _single_value_forms(po: PoFile) -> set[int]:
    return {form for form, hits in _form_counts(po).items() if hits == 1}


def _strict_forms(po: PoFile) -> set[int] | None:
    """The plural forms msgfmt checks strictly (used for many n); ``None`` without a rule."""
    if po.plural is None:
        return None
    return {form for form, hits in _form_counts(po).items() if hits >= OFTEN}


_OPTIONAL_RE = re.compile(r"\boptional\s*:\s*([\w\s,%(){}]*)", re.IGNORECASE)


def optional_placeholders(entry: PoEntry) -> frozenset[str]:
    """Placeholders a translation may leave out, declared by the source's translator comment.

    The ``#.`` comment (``{# Translators: ... #}`` in a template) says
    ``Optional: name, other_name`` (case-insensitive; written as ``%(name)s`` or
    ``{name}`` works too). The comment lines are joined first, so a line break
    that Babel's wrapping puts after ``Optional:`` does not matter.

    >>> sorted(optional_placeholders(PoEntry("Hi %(name)s", 1, auto_comments=("Greeting. Optional:", "name, %(shop)s."))))
    ['name', 'shop']
    """
    names: set[str] = set()
    for match in _OPTIONAL_RE.finditer(" ".join(entry.auto_comments)):
        for word in re.split(r"[,\s]+", match.group(1)):
            name = word.strip("%(){}")
            if name.endswith((")s", ")d")):
                name = name[:-2]
            if name and (name.isidentifier() or name.isdigit()):
                names.add(name)
    return frozenset(names)


def format_languages(entry: PoEntry, po: PoFile) -> frozenset[str]:
    """The format languages of *entry*, by its flags as msgfmt reads them.

    ``c-format`` and ``possible-c-format`` count, ``no-c-format`` does not. An entry
    with no ``*-format`` flag is plain text, unless the catalog declares that its
    unflagged entries are Python %-formats (i18nmail's own catalogs: Jinja's newstyle
    gettext formats every message).
    """
    return _languages(entry.flags, po.unflagged_format)


@functools.lru_cache(maxsize=1024)
def _languages(flags: frozenset[str], unflagged_format: str) -> frozenset[str]:
    formats = [f for f in flags if f.endswith("-format")]
    langs = {f.removeprefix("possible-") for f in formats if not f.startswith("no-")}
    if not formats and unflagged_format == "python-format":
        langs.add("python-format")
    return frozenset(langs)


def _is_python(entry: PoEntry, po: PoFile) -> bool:
    return "python-format" in format_languages(entry, po)


def _i18nmail(po: PoFile) -> bool:
    """i18nmail's own catalogs: every message is a %-format and placeholders are strict."""
    return po.unflagged_format == "python-format"


def check_format(po: PoFile) -> Iterator[Finding]:
    """Every python-format msgid and msgstr is a valid %-format with no stray percent sign (items 2, 11).

    A source that is not a valid format is an error in i18nmail's own catalogs;
    elsewhere it is a warning (msgfmt then skips the entry) reported once.
    """
    source_severity = ERROR if _i18nmail(po) else WARNING
    for entry in po.checked_entries():
        if not _is_python(entry, po):
            continue
        source_bad = False
        for source in (entry.msgid, entry.msgid_plural):
            if source:
                for problem in _parse_format(source).errors[:1]:
                    source_bad = True
                    yield po.problem(entry.line, "format-invalid", f"source: {problem}",
                                     severity=source_severity, msgid=entry.msgid, context=entry.msgctxt)
        if source_bad and not _i18nmail(po):
            continue
        parsed_source = _parse_format(entry.msgid)
        source_positional = len(parsed_source.positional)
        for _index, text, line, _src in entry.forms():
            parsed = _parse_format(text)
            for problem in parsed.errors[:1]:
                yield po.problem(line, "format-invalid", problem, msgid=entry.msgid, context=entry.msgctxt)
            if not parsed.errors and parsed.positional and not source_positional:
                what = ("the source uses named values: it would print them all"
                        if parsed_source.named else "the source has no placeholder: the translation adds one")
                yield po.problem(line, "format-invalid",
                                 f"positional placeholder '%{parsed.positional[0]}' but {what} "
                                 "(write '%%' for a percent sign)", msgid=entry.msgid, context=entry.msgctxt)


def check_placeholders(po: PoFile) -> Iterator[Finding]:
    """Translations use the source's placeholders (items 9, 10), as msgfmt compares them.

    A placeholder the source's translator comment declares optional
    (``Optional: name``) may be left out. In a plural entry a form msgfmt checks
    loosely (used for few numbers) may leave one out: in i18nmail's own catalogs
    only the count, in a form used for one number; elsewhere with a warning.
    """
    single = _single_value_forms(po)
    strict_forms = _strict_forms(po)
    strict_mode = _i18nmail(po)
    for entry in po.checked_entries():
        if not _is_python(entry, po):
            continue
        src = _parse_format(entry.msgid)
        plural_src = _parse_format(entry.msgid_plural) if entry.msgid_plural is not None else None
        if src.errors or (plural_src and plural_src.errors):
            continue  # reported by check_format
        optional = optional_placeholders(entry)
        wanted: dict[str, set[str]] = {k: set(v) for k, v in src.named.items()}
        count_names: set[str] = set()
        if plural_src is not None:
            for key, convs in plural_src.named.items():
                wanted.setdefault(key, set()).update(convs)
            count_names = _count_names(plural_src.named)
        several = len(entry.msgstr) > 1
        for index, text, line, source in entry.forms():
            got = _parse_format(text)
            if got.errors:
                continue
            loose = plural_src is not None and several and (
                strict_forms is None or index not in strict_forms)
            for name in sorted(set(wanted) - set(got.named) - optional):
                if name in count_names and index in single and plural_src is not None:
                    continue  # a form used for one number only may spell it out
                if loose and not strict_mode:
                    yield po.problem(line, "placeholder-missing",
                                     f"placeholder {name!r} missing (in a form used for few numbers)",
                                     severity=WARNING, msgid=entry.msgid, context=entry.msgctxt)
                    continue
                yield po.problem(line, "placeholder-missing", f"placeholder {name!r} missing",
                                 msgid=entry.msgid, context=entry.msgctxt)
            for name in sorted(set(got.named) - set(wanted)):
                yield po.problem(line, "placeholder-extra",
                                 f"unknown placeholder {name!r} (not in the source)", msgid=entry.msgid,
                                 context=entry.msgctxt)
            for name in sorted(set(got.named) & set(wanted)):
                if not got.named[name] <= wanted[name]:
                    yield po.problem(line, "placeholder-type",
                                     f"placeholder {name!r} is %({name}){'/'.join(sorted(got.named[name]))} "
                                     f"but %({name}){'/'.join(sorted(wanted[name]))} in the source",
                                     msgid=entry.msgid, context=entry.msgctxt)
            want_pos = len(_parse_format(source).positional)
            if want_pos and len(got.positional) != want_pos and not (
                    loose and len(got.positional) < want_pos):
                code = "placeholder-missing" if len(got.positional) < want_pos else "placeholder-extra"
                yield po.problem(line, code, f"{len(got.positional)} positional placeholders, "
                                 f"the source has {want_pos}", msgid=entry.msgid, context=entry.msgctxt)


_PARSERS: dict[str, Callable[[str], Directives]] = {
    "c-format": c_format,
    "tcl-format": tcl_format,
    "python-brace-format": brace_format,
}


def _show(key: int | str, language: str) -> str:
    if language == "python-brace-format":
        return f"{{{key}}}"
    return f"argument {key}"


def check_other_formats(po: PoFile) -> Iterator[Finding]:
    """c-format (with positional ``%2$s``), tcl-format and python-brace-format, compared as msgfmt does.

    The reference is ``msgid_plural`` when there is one. Every form must be a
    valid format; a form msgfmt checks strictly (no plural, one form, or a form
    used for many numbers) must use every argument, any form uses no argument
    the source lacks, and with the same type.
    """
    strict_forms = _strict_forms(po)
    for entry in po.checked_entries():
        for language in sorted(format_languages(entry, po) & _PARSERS.keys()):
            parse = _PARSERS[language]
            reference = parse(entry.msgid_plural if entry.msgid_plural is not None else entry.msgid)
            if reference.error is not None:
                yield po.problem(entry.line, "format-invalid",
                                 f"source: not a valid {language} string: {reference.error}",
                                 severity=WARNING, msgid=entry.msgid, context=entry.msgctxt)
                continue
            optional = optional_placeholders(entry)
            several = len(entry.msgstr) > 1
            for index, text, line, _source in entry.forms():
                got = parse(text)
                if got.error is not None:
                    yield po.problem(line, "format-invalid", f"not a valid {language} string: {got.error}",
                                     msgid=entry.msgid, context=entry.msgctxt)
                    continue
                strict = entry.msgid_plural is None or not several or (
                    strict_forms is not None and index in strict_forms)
                for key in sorted(got.args.keys() - reference.args.keys(), key=str):
                    yield po.problem(line, "placeholder-extra",
                                     f"{_show(key, language)} is not in the source ({language})",
                                     msgid=entry.msgid, context=entry.msgctxt)
                if strict:
                    for key in sorted(reference.args.keys() - got.args.keys() - optional, key=str):
                        yield po.problem(line, "placeholder-missing",
                                         f"{_show(key, language)} of the source is missing ({language})",
                                         msgid=entry.msgid, context=entry.msgctxt)
                for key in sorted(got.args.keys() & reference.args.keys(), key=str):
                    if got.args[key] != reference.args[key]:
                        yield po.problem(line, "placeholder-type",
                                         f"{_show(key, language)} is {got.args[key]} in the translation, "
                                         f"{reference.args[key]} in the source ({language})",
                                         msgid=entry.msgid, context=entry.msgctxt)


_HINT_RE = re.compile(r"%(?:\([A-Za-z_]\w*\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|"
                      r"[1-9]\$?[sd]|l?[sdiu])")


def check_format_hint(po: PoFile) -> Iterator[Finding]:
    """A hint for unflagged entries (plain text, as msgfmt reads them): a translation that
    adds what looks like a directive (``%s``, ``%(x)s``) the source does not have."""
    for entry in po.checked_entries():
        if format_languages(entry, po):
            continue
        source = set(_HINT_RE.findall(entry.msgid + (entry.msgid_plural or "")))
        for _index, text, line, _src in entry.forms():
            added = sorted(set(_HINT_RE.findall(text)) - source)
            if added:
                yield po.problem(line, "format-hint",
                                 f"the translation has {added[0]!r}, the source has no such directive; "
                                 "if the program formats this string, it will fail or print garbage",
                                 severity=WARNING, msgid=entry.msgid, context=entry.msgctxt)


_BRACE_RE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*|\d+)([.\[!:][^{}]*)?\}(?!\})")


def check_brace_fields(po: PoFile) -> Iterator[Finding]:
    """``str.format`` fields in a %-formatted msgstr: attribute/index/spec are errors (item 12).

    Only for Python %-formats (i18nmail's own catalogs, or flagged python-format):
    entries flagged ``python-brace-format`` are compared by :func:`check_other_formats`.
    """
    for entry in po.checked_entries():
        if not _is_python(entry, po) or "python-brace-format" in entry.flags:
            continue
        source_fields = {m.group(0) for m in _BRACE_RE.finditer(entry.msgid + (entry.msgid_plural or ""))}
        for _index, text, line, _src in entry.forms():
            for match in _BRACE_RE.finditer(text):
                if match.group(0) in source_fields:
                    continue
                if match.group(2):
                    yield po.problem(line, "brace-field",
                                     f"format field {match.group(0)[:40]!r} uses attribute, index or "
                                     "format spec; placeholders are written %(name)s", msgid=entry.msgid,
                                     context=entry.msgctxt)
                else:
                    yield po.problem(line, "brace-field",
                                     f"{match.group(0)!r} is printed literally; placeholders are "
                                     f"written %({match.group(1)})s", severity=WARNING, msgid=entry.msgid,
                                     context=entry.msgctxt)
