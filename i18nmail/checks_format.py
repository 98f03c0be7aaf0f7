"""Catalog checks of format strings: %-format validity, placeholders, ``str.format`` fields."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .findings import WARNING, Finding
from .pofile import PoEntry, PoFile

__all__ = ["check_brace_fields", "check_format", "check_placeholders"]

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


def _single_value_forms(po: PoFile) -> set[int]:
    if po.plural is None:
        return set()
    counts = Counter(po.plural(n) for n in range(PLURAL_RANGE))
    return {form for form, hits in counts.items() if hits == 1}


def _percent_formatted(entry: PoEntry) -> bool:
    """Whether ``%`` formatting applies to *entry*.

    i18nmail formats every message with ``%`` (as Jinja's newstyle gettext
    does), flagged ``python-format`` or not. Entries flagged with another
    language's format (``c-format``, ``python-brace-format``...) or with
    ``no-python-format``, as in catalogs of other projects, are left alone.
    """
    if "python-format" in entry.flags:
        return True
    return not any(flag.endswith("-format") for flag in entry.flags)


def check_format(po: PoFile) -> Iterator[Finding]:
    """Every msgid and msgstr is a valid %-format with no stray percent sign (items 2, 11)."""
    for entry in po.checked_entries():
        if not _percent_formatted(entry):
            continue
        for source in (entry.msgid, entry.msgid_plural):
            if source:
                for problem in _parse_format(source).errors[:1]:
                    yield po.problem(entry.line, "format-invalid", f"source: {problem}",
                                     msgid=entry.msgid, context=entry.msgctxt)
        source_positional = len(_parse_format(entry.msgid).positional)
        for _index, text, line, _src in entry.forms():
            parsed = _parse_format(text)
            for problem in parsed.errors[:1]:
                yield po.problem(line, "format-invalid", problem, msgid=entry.msgid, context=entry.msgctxt)
            if not parsed.errors and parsed.positional and not source_positional:
                yield po.problem(line, "format-invalid",
                                 f"positional placeholder '%{parsed.positional[0]}' but the source "
                                 "uses named values: it would print them all (write '%%' for a "
                                 "percent sign)", msgid=entry.msgid, context=entry.msgctxt)


def check_placeholders(po: PoFile) -> Iterator[Finding]:
    """Translations use exactly the source's placeholders (items 9, 10)."""
    single = _single_value_forms(po)
    for entry in po.checked_entries():
        if not _percent_formatted(entry):
            continue
        src = _parse_format(entry.msgid)
        plural_src = _parse_format(entry.msgid_plural) if entry.msgid_plural is not None else None
        if src.errors or (plural_src and plural_src.errors):
            continue  # reported by check_format
        wanted: dict[str, set[str]] = {k: set(v) for k, v in src.named.items()}
        count_names: set[str] = set()
        if plural_src is not None:
            for key, convs in plural_src.named.items():
                wanted.setdefault(key, set()).update(convs)
            count_names = _count_names(plural_src.named)
        for index, text, line, source in entry.forms():
            got = _parse_format(text)
            if got.errors:
                continue
            for name in sorted(set(wanted) - set(got.named)):
                if name in count_names and index in single and plural_src is not None:
                    continue  # a form used for one number only may spell it out
                yield po.problem(line, "placeholder-missing", f"placeholder {name!r} missing",
                                 msgid=entry.msgid, context=entry.msgctxt)
            for name in sorted(set(got.named) - set(wanted)):
                yield po.problem(line, "placeholder-extra",
                                 f"unknown placeholder {name!r} (not in the source)", msgid=entry.msgid, context=entry.msgctxt)
            for name in sorted(set(got.named) & set(wanted)):
                if not got.named[name] <= wanted[name]:
                    yield po.problem(line, "placeholder-type",
                                     f"placeholder {name!r} is %({name}){'/'.join(sorted(got.named[name]))} "
                                     f"but %({name}){'/'.join(sorted(wanted[name]))} in the source",
                                     msgid=entry.msgid, context=entry.msgctxt)
            want_pos = len(_parse_format(source).positional)
            if want_pos and len(got.positional) != want_pos:
                code = "placeholder-missing" if len(got.positional) < want_pos else "placeholder-extra"
                yield po.problem(line, code, f"{len(got.positional)} positional placeholders, "
                                 f"the source has {want_pos}", msgid=entry.msgid, context=entry.msgctxt)


_BRACE_RE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*|\d+)([.\[!:][^{}]*)?\}(?!\})")


def check_brace_fields(po: PoFile) -> Iterator[Finding]:
    """``str.format`` fields in a msgstr: attribute/index/spec are errors (item 12)."""
    for entry in po.checked_entries():
        source_fields = {m.group(0) for m in _BRACE_RE.finditer(entry.msgid + (entry.msgid_plural or ""))}
        for _index, text, line, _src in entry.forms():
            for match in _BRACE_RE.finditer(text):
                if match.group(0) in source_fields:
                    continue
                if match.group(2):
                    yield po.problem(line, "brace-field",
                                     f"format field {match.group(0)[:40]!r} uses attribute, index or "
                                     "format spec; placeholders are written %(name)s", msgid=entry.msgid, context=entry.msgctxt)
                else:
                    yield po.problem(line, "brace-field",
                                     f"{match.group(0)!r} is printed literally; placeholders are "
                                     f"written %({match.group(1)})s", severity=WARNING, msgid=entry.msgid, context=entry.msgctxt)
