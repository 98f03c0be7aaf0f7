"""Every error i18nmail raises, in one tree.

Each class also inherits the builtin exception a caller would naturally catch,
so ``except ValueError`` around a render with bad data works as expected::

    I18nMailError
     +-- LocaleError(ValueError)            a locale string that cannot be used
     +-- ConfigError(ValueError)            a setting a strict Mailer refuses (placeholder addresses)
     +-- CatalogError(OSError)              a .po/.mo file that cannot be loaded
     +-- RenderError                         a render that cannot produce a whole email
     |    +-- UnknownScenarioError(LookupError)
     |    +-- ContextError(ValueError)       missing or wrongly typed context field
     |    +-- TemplateError                  a template that fails to load or render
     |    +-- StrictModeError                a strict Mailer met a fallback; lists them all
     +-- HolidayDataUnavailable(ValueError) a date outside the holiday tables
     +-- MessagesError                       extract / update / compile failed

Errors carry the data a caller needs (``.scenario``, ``.field``, ``.path``,
``.lineno``, ``.locale``) and say what to do next.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CatalogError",
    "ConfigError",
    "ContextError",
    "HolidayDataUnavailable",
    "I18nMailError",
    "LocaleError",
    "MessagesError",
    "RenderError",
    "StrictModeError",
    "TemplateError",
    "UnknownScenarioError",
    "safe_repr",
]

#: Longest ``repr()`` of customer input that goes into a message or a log.
REPR_LIMIT = 200


def safe_repr(value: object, limit: int = REPR_LIMIT) -> str:
    """Return ``repr(value)`` cut to *limit* characters, for logs and errors.

    >>> safe_repr("x" * 500)[:12], len(safe_repr("x" * 500))
    ("'xxxxxxxxxxx", 201)
    """
    text = repr(value)
    if len(text) > limit:
        text = text[:limit] + "\N{HORIZONTAL ELLIPSIS}"
    return text


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest choice, or ``""``.

    >>> did_you_mean("refund_aproved", ["refund_approved", "refund_denied"])
    " Did you mean 'refund_approved'?"
    """
    import difflib  # only a mistyped name needs it

    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean {matches[0]!r}?" if matches else ""


class I18nMailError(Exception):
    """The root of every error i18nmail raises on purpose."""


class LocaleError(I18nMailError, ValueError):
    """A locale string that is malformed or cannot be served.

    Rendering never raises this for a customer's locale (it falls back to the
    shop's default and records why); it is raised where a locale is a
    command-line or configuration choice, such as ``init LOCALE``.
    """

    def __init__(self, message: str, *, locale: object = None) -> None:
        super().__init__(message)
        self.locale = locale


class ConfigError(I18nMailError, ValueError):
    """Settings that cannot be used as given, such as a ``Shop`` whose links and
    address still point at reserved example domains under ``strict=True``.
    ``problems`` lists each setting."""

    def __init__(self, message: str, *, problems: Iterable[str] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message + "".join(f"\n  {p}" for p in self.problems))


class CatalogError(I18nMailError, OSError):
    """A catalog file that cannot be read, parsed or trusted.

    ``path`` is the file, ``lineno`` the 1-based line when known, ``reason``
    the short cause. ``str()`` reads ``path:line: reason`` as compilers do.
    """

    def __init__(self, path: object, reason: str, *, lineno: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.lineno = lineno
        where = f"{self.path}:{lineno}" if lineno else self.path
        super().__init__(f"{where}: {reason}")

    def __str__(self) -> str:  # OSError would print its errno form otherwise
        return str(self.args[0])


class RenderError(I18nMailError):
    """A render that cannot produce a complete email. Nothing was produced."""

    def __init__(self, message: str, *, scenario: str | None = None) -> None:
        super().__init__(message)
        self.scenario = scenario


class UnknownScenarioError(RenderError, LookupError):
    """The scenario id is not known to this mailer."""

    def __init__(self, scenario: str, known: Iterable[str]) -> None:
        known = sorted(known)
        hint = did_you_mean(scenario, known) or f" Known scenarios: {', '.join(known)}."
        super().__init__(f"unknown scenario {safe_repr(scenario)}.{hint}", scenario=scenario)
        self.known = known


class ContextError(RenderError, ValueError):
    """A context field is missing, unknown, or of the wrong type."""

    def __init__(self, message: str, *, scenario: str | None, field: str | None) -> None:
        prefix = f"{scenario}: " if scenario else ""
        where = f"field {field!r}: " if field else ""
        super().__init__(f"{prefix}{where}{message}", scenario=scenario)
        self.field = field


class TemplateError(RenderError):
    """A template that is missing, fails to parse, or fails while rendering."""

    def __init__(
        self,
        message: str,
        *,
        scenario: str | None = None,
        path: str | None = None,
        lineno: int | None = None,
    ) -> None:
        where = f"{path}:{lineno}: " if path and lineno else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}", scenario=scenario)
        self.path = path
        self.lineno = lineno


class StrictModeError(RenderError):
    """A ``Mailer(strict=True)`` met fallbacks: the email would mix languages,
    use a catalog that did not load, or guess the currency.

    ``fallbacks`` lists every one of them (each with ``kind``, ``detail``,
    ``locale`` and ``message``); nothing was returned.
    """

    def __init__(self, fallbacks: Iterable[object], *, scenario: str | None = None,
                 locale: str | None = None) -> None:
        self.fallbacks = tuple(fallbacks)
        self.locale = locale
        where = f"{scenario} in {locale}" if scenario and locale else (scenario or locale or "render")
        lines = "".join(f"\n  {item}" for item in self.fallbacks)
        super().__init__(f"strict mode: {where} has {len(self.fallbacks)} fallback(s):{lines}",
                         scenario=scenario)


class HolidayDataUnavailable(I18nMailError, ValueError):
    """A business-day computation reached a year the holiday data does not cover.

    Without this, every weekday of such a year would silently count as a
    business day.
    """

    def __init__(self, message: str, *, country: str | None = None, year: int | None = None):
        super().__init__(message)
        self.country = country
        self.year = year


class MessagesError(I18nMailError):
    """Extraction, merging or compiling of catalogs failed; nothing was written."""

    def __init__(self, message: str, *, path: str | None = None, lineno: int | None = None):
        where = f"{path}:{lineno}: " if path and lineno else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}")
        self.path = path
        self.lineno = lineno
