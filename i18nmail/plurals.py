"""Plural forms: read a ``Plural-Forms`` header, compile its rule safely, judge it as msgfmt does.

A rule is judged by what it *does*, never by how it is written: two rules are
the same when they pick the same form for every number in :data:`SAMPLE`
(0..1000, as msgfmt evaluates, plus large numbers such as 10**6 where some
languages switch form). ``nplurals`` has to fit the expression and the
entries; whether it matches CLDR is advice, never a reason to refuse a
catalog: GNU gettext's long-standing rules (French ``nplurals=2;
plural=(n > 1);``) are as valid as CLDR's newer ones, and a Babel release
that moves its table must not turn a working catalog into an error.

This module imports nothing of i18nmail but the standard library and, lazily,
Babel's plural table, so that ``i18nmail check`` and the run-time loader can
share it cheaply.

>>> rule = parse_plural_forms("nplurals=2; plural=(n > 1);")
>>> rule.nplurals, rule(0), rule(2)
(2, 0, 1)
>>> same_rule(rule, parse_plural_forms("nplurals=2; plural=n>1 ? 1 : 0"))
True
>>> [r.source for r in known_rules("fr")][:1]
['GNU gettext']
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = [
    "MAX_NPLURALS",
    "MAX_PLURAL_EXPR",
    "SAMPLE",
    "PluralRule",
    "cldr_rule",
    "compile_plural",
    "form_counts",
    "known_rules",
    "parse_plural_forms",
    "rule_problem",
    "same_rule",
]

#: Longest expression accepted, counted with runs of white space as one
#: character (Python's own C-expression compiler stops at 1000).
MAX_PLURAL_EXPR = 1000
#: ``nplurals`` of 1..6: CLDR knows at most six categories (zero .. other).
MAX_NPLURALS = 6
#: The numbers a rule is evaluated for: 0..1000 as msgfmt does, then large
#: numbers, where CLDR's "many" (French 1 000 000) and overflow show.
SAMPLE: tuple[int, ...] = tuple(sorted({
    *range(1001),
    *(k * 10**e for e in range(3, 10) for k in (1, 2, 5, 11, 21, 101)),
    *(10**e + d for e in (4, 5, 6, 7, 9, 12, 15, 18) for d in (1, 2, 5, 11, 12, 21)),
    10**12, 10**15, 10**18, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53, 2**63 - 1, 2**64 - 1,
}))

_PLURAL_TOKENS_RE = re.compile(r"^[\sn0-9()?:|&=!<>+\-*/%]*$")
_HEADER_RE = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.DOTALL)


def compile_plural(expr: str) -> Callable[[int], int]:
    """Compile a C plural expression safely, or raise ``ValueError`` saying why.

    Only the tokens of the C grammar are allowed before :func:`gettext.c2py`
    sees the text, so names such as ``__import__`` never reach it
    (RELIABILITY.md item 17); white space does not count towards the length
    limit. The run-time loader and ``i18nmail check`` share this one gate.

    >>> compile_plural("(n != 1)")(2)
    1
    >>> compile_plural("__import__('os')")
    Traceback (most recent call last):
    ...
    ValueError: characters not allowed in a plural expression: "'_imoprst"
    """
    compact = " ".join(expr.split())
    if len(compact) > MAX_PLURAL_EXPR:
        raise ValueError(f"expression longer than {MAX_PLURAL_EXPR} characters")
    if not _PLURAL_TOKENS_RE.match(compact):
        bad = sorted({c for c in compact if not _PLURAL_TOKENS_RE.match(c)})
        raise ValueError(f"characters not allowed in a plural expression: {''.join(bad)[:20]!r}")
    try:
        return gettext.c2py(compact)
    except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None


@dataclass(frozen=True)
class PluralRule:
    """A ``Plural-Forms`` rule: ``nplurals``, the C expression and where it comes from."""

    nplurals: int
    expr: str
    source: str = ""
    func: Callable[[int], int] = field(repr=False, compare=False, default=lambda n: 0)

    def __call__(self, n: int) -> int:
        """The form index for *n* (may raise ``ZeroDivisionError`` for a broken rule)."""
        return self.func(n)

    @property
    def header(self) -> str:
        """The rule as a ``Plural-Forms`` value."""
        return f"nplurals={self.nplurals}; plural={self.expr};"


def parse_plural_forms(value: str, *, source: str = "") -> PluralRule:
    """Parse a ``Plural-Forms`` value and compile its expression, or raise ``ValueError``.

    Only the form is checked here (``nplurals`` of 1..6, a safe expression);
    :func:`rule_problem` says whether the rule stays in range.
    """
    match = _HEADER_RE.match(value)
    if match is None:
        raise ValueError(f"malformed Plural-Forms {value[:60]!r}: write "
                         "'nplurals=INTEGER; plural=EXPRESSION;'")
    nplurals, expr = int(match.group(1)), match.group(2).strip()
    if not 1 <= nplurals <= MAX_NPLURALS:
        raise ValueError(f"nplurals={nplurals} is outside 1..{MAX_NPLURALS}")
    func = _compiled(expr)
    return PluralRule(nplurals, expr, source, func)


@functools.lru_cache(maxsize=256)
def _compiled(expr: str) -> Callable[[int], int]:
    return compile_plural(expr)


@functools.lru_cache(maxsize=256)
def _signature(rule: PluralRule) -> tuple[int, ...] | None:
    try:
        return tuple(rule(n) for n in SAMPLE)
    except (ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError):
        return None


@functools.lru_cache(maxsize=256)
def form_counts(rule: PluralRule) -> dict[int, int]:
    """How many n of 0..1000 each form is used for (msgfmt's distribution); empty if the rule fails."""
    counts: dict[int, int] = {}
    try:
        for n in range(1001):
            form = rule(n)
            counts[form] = counts.get(form, 0) + 1
    except (ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError):
        return {}
    return counts


@functools.lru_cache(maxsize=256)
def rule_problem(rule: PluralRule) -> str | None:
    """Why *rule* cannot be used, or ``None``: every number of :data:`SAMPLE` must
    give a form in ``0 .. nplurals-1`` without an arithmetic error.

    >>> rule_problem(parse_plural_forms("nplurals=1; plural=(n != 1);"))
    'plural expression gives form 1 for n=0, outside 0..0'
    >>> rule_problem(parse_plural_forms("nplurals=2; plural=n < 1000000 ? n != 1 : n % (n - 1000000);"))
    'plural expression fails for n=1000000: integer modulo by zero'
    """
    for n in SAMPLE:
        try:
            form = rule(n)
        except (ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError) as exc:
            return f"plural expression fails for n={n}: {exc}"
        if not 0 <= form < rule.nplurals:
            return (f"plural expression gives form {form} for n={n}, "
                    f"outside 0..{rule.nplurals - 1}")
    return None


def same_rule(a: PluralRule, b: PluralRule) -> bool:
    """True when *a* and *b* have the same ``nplurals`` and pick the same form for every
    number of :data:`SAMPLE` (the text of the expressions does not matter)."""
    if a.nplurals != b.nplurals:
        return False
    sig_a = _signature(a)
    return sig_a is not None and sig_a == _signature(b)


def first_difference(a: PluralRule, b: PluralRule) -> tuple[int, int, int] | None:
    """The first number of :data:`SAMPLE` for which *a* and *b* pick different forms,
    with both forms, or ``None``."""
    for n in SAMPLE:
        try:
            fa, fb = a(n), b(n)
        except (ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError):
            return None
        if fa != fb:
            return n, fa, fb
    return None


# --------------------------------------------------------------------------- reference rules

_ONE = "nplurals=1; plural=0;"
_NOT_ONE = "nplurals=2; plural=(n != 1);"
_ABOVE_ONE = "nplurals=2; plural=(n > 1);"
_EAST_SLAVIC = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
                "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);")
#: CLDR 42 and later for Romance languages: a "many" form for 1 000 000 and its multiples.
_ARABIC = ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
           "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);")
_ROMANCE_MANY_ONE = "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"
_ROMANCE_MANY_ZERO_ONE = "nplurals=3; plural=(n == 0 || n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"

#: The rules GNU gettext has long documented and shipped (its manual and
#: msginit's table), plus, for the Romance languages, the three-form rule of
#: newer CLDR releases, so that the verdict on these catalogs does not
#: depend on which Babel release is installed. Any rule equal to one of these
#: by evaluation, or to Babel's current CLDR rule, passes without a word.
TRADITIONAL: dict[str, tuple[str, ...]] = {
    **{lang: (_ONE,) for lang in ("ja", "ko", "zh", "th", "vi", "id", "ms", "km", "lo", "my")},
    **{lang: (_NOT_ONE,) for lang in ("en", "de", "nl", "sv", "da", "no", "nb", "nn", "fo", "bg",
                                      "el", "fi", "et", "he", "eo", "hu", "tr", "af", "eu", "gl")},
    **{lang: (_NOT_ONE, _ROMANCE_MANY_ONE) for lang in ("es", "it", "ca")},
    "pt": (_NOT_ONE, _ABOVE_ONE, _ROMANCE_MANY_ZERO_ONE),
    "pt_BR": (_ABOVE_ONE, _ROMANCE_MANY_ZERO_ONE),
    "fr": (_ABOVE_ONE, _ROMANCE_MANY_ZERO_ONE),
    "lv": ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",),
    "ga": ("nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",),
    "ro": ("nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",),
    "lt": ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);",),
    **{lang: (_EAST_SLAVIC,) for lang in ("ru", "uk", "be", "sr", "hr", "bs")},
    **{lang: ("nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",) for lang in ("cs", "sk")},
    "pl": ("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",),
    "sl": ("nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",),
    "ar": (_ARABIC,),
}


def _base(language: str) -> str:
    return language.replace("-", "_").split("_")[0].split("@")[0]


@functools.lru_cache(maxsize=256)
def cldr_rule(language: str) -> PluralRule | None:
    """CLDR's rule for *language* as Babel's table gives it today, or ``None``.

    >>> cldr_rule("ja").header
    'nplurals=1; plural=0;'
    """
    from babel.core import UnknownLocaleError
    from babel.messages.plurals import get_plural

    try:
        nplurals, expr = tuple(get_plural(language.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    try:
        return parse_plural_forms(f"nplurals={nplurals}; plural={expr};", source="CLDR")
    except ValueError:
        return None


@functools.lru_cache(maxsize=256)
def known_rules(language: str) -> tuple[PluralRule, ...]:
    """The rules that pass for *language* without a word: GNU gettext's traditional
    ones (see :data:`TRADITIONAL`), then CLDR's current one."""
    ident = language.replace("-", "_")
    texts: Iterable[str] = TRADITIONAL.get(ident, TRADITIONAL.get(_base(ident), ()))
    rules = [parse_plural_forms(text, source="GNU gettext") for text in texts]
    cldr = cldr_rule(ident)
    if cldr is not None:
        rules.append(cldr)
    return tuple(rules)


def cldr_advice(rule: PluralRule, language: str) -> str | None:
    """A one-line hint when *rule* is neither CLDR's rule for *language* nor a
    traditional GNU one (compared by evaluation); ``None`` when it is one of them
    or the language is unknown. Advice only: never a reason to refuse a catalog."""
    known = known_rules(language)
    if not known or any(same_rule(rule, other) for other in known):
        return None
    cldr = cldr_rule(language)
    reference = cldr if cldr is not None else known[0]
    if reference.nplurals != rule.nplurals:
        return (f"nplurals={rule.nplurals}, but {reference.source} gives {language} "
                f"{reference.nplurals} plural form{'s' if reference.nplurals != 1 else ''} "
                f"({reference.header}); valid gettext, but translators may expect the other count")
    diff = first_difference(rule, reference)
    if diff is None:
        return None
    n, mine, theirs = diff
    return (f"plural expression gives form {mine} for n={n}, {reference.source} gives {theirs} "
            f"({reference.header})")
