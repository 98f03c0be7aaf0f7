"""Format strings of other languages, parsed the way GNU msgfmt compares them.

Each parser returns a :class:`Directives`: the arguments a string consumes
(by position or by name, with a type) or why it is not a valid format
string. ``c-format`` (printf, including positional ``%2$s`` and ``*`` widths),
``tcl-format`` and ``python-brace-format`` are covered here; Python's
``%``-format, which i18nmail itself uses, is parsed in
:mod:`i18nmail.checks_format`.

>>> c_format("%2$s of %1$d").args
{1: 'int', 2: 'string'}
>>> c_format("100%").error
"'%' at the end of the string"
>>> brace_format("{name} has {count:>3} items").args
{'name': '', 'count': ''}
>>> brace_format("{name]}").error
"'name]' is not a field name"
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass, field

__all__ = ["Directives", "brace_format", "c_format", "tcl_format"]


@dataclass(frozen=True)
class Directives:
    """The arguments of a format string (``{position or name: type}``), or an error."""

    args: dict[int | str, str] = field(default_factory=dict)
    error: str | None = None


_C_RE = re.compile(
    r"%(?:(?P<num>[1-9][0-9]*)\$)?(?P<flags>[-+ #0'I]*)"
    r"(?P<width>\*(?:[1-9][0-9]*\$)?|[0-9]+)?"
    r"(?:\.(?P<prec>\*(?:[1-9][0-9]*\$)?|[0-9]*))?"
    r"(?P<len>hh|h|ll|l|L|q|j|z|Z|t)?"
    r"(?:(?P<conv>[diouxXeEfFgGaAcspnCSm%])|<PRI(?P<pri>[diouxX])[A-Z0-9_]*>)")
_TCL_RE = re.compile(
    r"%(?:(?P<num>[1-9][0-9]*)\$)?(?P<flags>[-+ #0]*)(?P<width>\*|[0-9]+)?"
    r"(?:\.(?P<prec>\*|[0-9]*))?(?P<len>h|l)?(?P<conv>[duioxXcsfeEgG%])")
_C_TYPES = {**dict.fromkeys("di", "int"), **dict.fromkeys("ouxX", "uint"),
            **dict.fromkeys("eEfFgGaA", "double"), "c": "char", "s": "string", "p": "pointer",
            "n": "count", "C": "wchar", "S": "wstring"}


def _printf(text: str, pattern: re.Pattern[str], language: str) -> Directives:
    numbered: dict[int, str] = {}
    sequential: list[str] = []
    kinds: set[bool] = set()
    pos = 0
    while True:
        pos = text.find("%", pos)
        if pos < 0:
            break
        match = pattern.match(text, pos)
        if match is None:
            if pos + 1 >= len(text):
                return Directives(error="'%' at the end of the string")
            return Directives(error=f"{text[pos:pos + 6]!r} is not a valid {language} directive")
        pos = match.end()
        conv = match.group("conv")
        if conv == "%":
            if match.end() - match.start() != 2:
                return Directives(error=f"{match.group(0)!r} is not a valid {language} directive")
            continue
        if conv == "m":
            continue  # glibc's strerror(errno): takes no argument
        if conv is None:  # <PRId64> & co, inttypes.h macros
            typ = "pri " + ("int" if match.group("pri") in "di" else "uint")
        else:
            length = match.group("len") or ""
            typ = f"{length} {_C_TYPES[conv]}".strip()
        consumed: list[tuple[str | None, str]] = []
        for part in ("width", "prec"):
            value = match.group(part) or ""
            if value.startswith("*"):
                consumed.append((value[1:-1] or None, "int"))
        consumed.append((match.group("num"), typ))
        for num, typ_ in consumed:
            kinds.add(num is not None)
            if num is None:
                sequential.append(typ_)
            else:
                index = int(num)
                if numbered.get(index, typ_) != typ_:
                    return Directives(error=f"argument {index} is used with two types")
                numbered[index] = typ_
    if len(kinds) > 1:
        return Directives(error="mixes numbered (%1$s) and unnumbered (%s) arguments")
    if numbered:
        missing = [i for i in range(1, max(numbered) + 1) if i not in numbered]
        if missing:
            return Directives(error=f"argument {missing[0]} is never used, but a later one is")
        return Directives(dict(sorted(numbered.items())))
    return Directives({i + 1: typ for i, typ in enumerate(sequential)})


@functools.lru_cache(maxsize=8192)
def c_format(text: str) -> Directives:
    """Parse a C (printf) format string."""
    return _printf(text, _C_RE, "c-format")


@functools.lru_cache(maxsize=8192)
def tcl_format(text: str) -> Directives:
    """Parse a Tcl ``format`` string."""
    return _printf(text, _TCL_RE, "tcl-format")


_FIELD_RE = re.compile(r"^(?:[^\W\d]\w*|[0-9]+)?(?:\.[^\W\d]\w*|\[[^\]]+\])*$")


@functools.lru_cache(maxsize=8192)
def brace_format(text: str) -> Directives:
    """Parse a Python ``str.format`` string (``{name}``, ``{0.attr}``, ``{x[k]!r:>{w}}``)."""
    args: dict[int | str, str] = {}
    auto = manual = False
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as exc:
        return Directives(error=str(exc))
    stack = [pieces]
    while stack:
        for _literal, name, spec, conversion in stack.pop():
            if name is None:
                continue
            if not _FIELD_RE.match(name):
                return Directives(error=f"{name[:30]!r} is not a field name")
            if conversion is not None and conversion not in "rsa":
                return Directives(error=f"unknown conversion '!{conversion}' in {{{name}}}")
            head = re.split(r"[.\[]", name, maxsplit=1)[0]
            if head == "":
                auto = True
                key: int | str = len([k for k in args if isinstance(k, int)])
            elif head.isdigit():
                manual = True
                key = int(head)
            else:
                key = head
            args[key] = ""
            if spec and "{" in spec:
                try:
                    stack.append(list(string.Formatter().parse(spec)))
                except ValueError as exc:
                    return Directives(error=str(exc))
    if auto and manual:
        return Directives(error="mixes automatic {} and numbered {0} fields")
    return Directives(args)
