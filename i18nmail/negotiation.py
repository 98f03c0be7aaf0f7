"""Locale negotiation: the one place where BCP 47 ``sv-FI`` and Babel ``sv_FI`` meet.

A customer's locale arrives as whatever a profile field, a browser or a server
hands over: ``"sv-FI"``, ``"nb_NO.UTF-8"``, ``"sv_FI@euro"``, ``"no"``, an
``Accept-Language`` header, ``None`` or something hostile. :func:`negotiate`
turns it into a :class:`LocaleMatch`: which catalogs to read (language), which
CLDR data to format with and which country's calendar and currency to use
(region), and what fell back on the way.

Nothing here touches the file system: a locale string is checked against a
strict syntax and matched against the *set* of catalog ids found at start-up,
so no path is ever built from it (RELIABILITY.md, item 1).

>>> m = negotiate("sv-FI", available={"sv", "ko"}, default="en")
>>> m.tag, m.catalogs, m.babel_id, m.region
('sv-FI', ('sv',), 'sv_FI', 'FI')
>>> negotiate("nn_NO.UTF-8", available={"nb"}, default="en").tag
'nb-NO'
>>> negotiate("../../etc/passwd", available={"sv"}, default="en").tag
'en'
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import babel
import babel.localedata
from babel.core import get_global

from .exceptions import safe_repr
from .likely import likely_script, likely_territory, simple_tag

if TYPE_CHECKING:
    import langcodes

__all__ = [
    "MAX_HEADER_LENGTH",
    "MAX_TAG_LENGTH",
    "Fallback",
    "LocaleMatch",
    "bcp47",
    "catalog_id",
    "negotiate",
    "normalise_country",
    "parse_accept_language",
    "parse_tag",
    "primary_zone",
]

#: Longer locale strings are refused before any regular expression runs.
MAX_TAG_LENGTH = 64
#: An ``Accept-Language`` header is cut here before parsing (RELIABILITY.md A8).
MAX_HEADER_LENGTH = 500
#: At most this many language ranges of a header are considered.
MAX_HEADER_ITEMS = 32

#: Languages whose catalogs live under another language's id. Norwegian
#: ``no`` and Nynorsk ``nn`` read the Bokmål catalog (and Bokmål CLDR data, so
#: text and dates agree: RELIABILITY.md A5).
LANGUAGE_ALIASES: dict[str, str] = {"no": "nb", "nn": "nb"}

_TAG_RE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,6}")
_POSIX_SUFFIX_RE = re.compile(r"^([^.@]+)(?:\.[A-Za-z0-9_-]{1,20})?(?:@[A-Za-z0-9_-]{1,20})?$")
_Q_RE = re.compile(r"^q=([01](?:\.\d{0,3})?)$")
_CATALOG_ID_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|\d{3}))?$")


@dataclass(frozen=True)
class Fallback:
    """One thing that did not go as asked, recorded on the rendered email.

    ``kind`` is ``"locale"`` (the requested locale was not used as is),
    ``"message"`` (one sentence came from a later catalog or the English
    source), ``"catalog"`` (a catalog file could not be loaded),
    ``"country"`` (no customer country was known and one was assumed) or
    ``"calendar"`` (another country's bank days were counted, or the
    window reaches a year whose bank closures are estimated).
    """

    kind: str
    detail: str
    locale: str | None = None
    message: str | None = None

    def __str__(self) -> str:
        about = f" [{self.message!r}]" if self.message else ""
        return f"{self.kind}{about}: {self.detail}"


@dataclass(frozen=True)
class LocaleMatch:
    """The outcome of negotiation.

    ``tag`` is the BCP 47 tag actually used (``"sv-FI"``); ``language`` and
    ``region`` its parts; ``catalogs`` the catalog ids to read, most specific
    first (English source text comes after them); ``babel_id`` the CLDR
    locale used for formatting; ``country`` the region or the language's
    most likely country, for currency and the business-day calendar.
    """

    tag: str
    language: str
    script: str | None
    region: str | None
    catalogs: tuple[str, ...]
    babel_id: str
    country: str
    fallbacks: tuple[Fallback, ...] = field(default=())

    @property
    def babel_locale(self) -> babel.Locale:
        """The Babel ``Locale`` for formatting (cached per id)."""
        return _babel_locale(self.babel_id)


@lru_cache(maxsize=256)
def _babel_locale(babel_id: str) -> babel.Locale:
    return babel.Locale.parse(babel_id)


def parse_tag(value: object) -> langcodes.Language | None:
    """Parse one locale string into a ``langcodes.Language``, or ``None``.

    Accepts BCP 47 and POSIX forms (codeset and modifier are dropped, case and
    separators normalised); returns ``None`` for anything else, including
    ``C``/``POSIX``, non-strings, empty and over-long strings.

    >>> parse_tag("sv_FI.UTF-8@euro").to_tag()
    'sv-FI'
    >>> parse_tag("EN_us").to_tag()
    'en-US'
    >>> parse_tag("de\\x00") is None, parse_tag(b"de") is None, parse_tag("x" * 10_000) is None
    (True, True, True)
    """
    clean = _clean_tag(value)
    return None if clean is None else _parse_clean(clean)


def _clean_tag(value: object) -> str | None:
    """The lower-case, hyphenated form of a well-formed locale string, else ``None``."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_TAG_LENGTH:
        return None
    posix = _POSIX_SUFFIX_RE.match(text)
    if posix is None:
        return None
    text = posix.group(1)
    if text.upper() in {"C", "POSIX"} or not _TAG_RE.fullmatch(text):
        return None
    return text.replace("_", "-").lower()


@lru_cache(maxsize=1024)
def _parse_clean(tag: str) -> langcodes.Language | None:
    import langcodes  # imported on first use: its data tables are slow to load

    try:
        lang = langcodes.Language.get(tag, normalize=True)
    except (langcodes.tag_parser.LanguageTagError, ValueError, KeyError):
        return None
    if not lang.language or not re.fullmatch(r"[a-z]{2,3}", lang.language):
        return None
    return lang


def parse_accept_language(header: str) -> list[str]:
    """Return the language ranges of an ``Accept-Language`` header, best first.

    The header is cut to :data:`MAX_HEADER_LENGTH` characters and at most
    :data:`MAX_HEADER_ITEMS` ranges are read, so parsing is linear and bounded.
    ``*`` and ranges with ``q=0`` are dropped.

    >>> parse_accept_language("da, en-GB;q=0.8, en;q=0.7, *;q=0.1")
    ['da', 'en-GB', 'en']
    >>> parse_accept_language("fr;q=0, *")
    []
    """
    ranges: list[tuple[float, int, str]] = []
    for index, item in enumerate(header[:MAX_HEADER_LENGTH].split(",")[:MAX_HEADER_ITEMS]):
        name, _, params = item.strip().partition(";")
        name = name.strip()
        if not name or name == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            param = param.strip().replace(" ", "")
            if not param:
                continue
            q = _Q_RE.match(param)
            if q is None:
                quality = -1.0
                break
            quality = min(float(q.group(1)), 1.0)
        if quality > 0:
            ranges.append((-quality, index, name))
    ranges.sort()
    return [name for _, _, name in ranges]


def bcp47(catalog: str) -> str:
    """Return the BCP 47 form of a catalog id: ``zh_Hans`` -> ``zh-Hans``.

    >>> bcp47("zh_Hans"), bcp47("pt_BR")
    ('zh-Hans', 'pt-BR')
    """
    return catalog.replace("_", "-")


def catalog_id(tag: str) -> str:
    """Return the catalog (POSIX-style) id of a BCP 47 tag, or raise ``ValueError``.

    >>> catalog_id("zh-hans"), catalog_id("nb"), catalog_id("pt-br")
    ('zh_Hans', 'nb', 'pt_BR')
    """
    lang = parse_tag(tag)
    if lang is None:
        raise ValueError(f"not a locale tag: {safe_repr(tag)}")
    parts = [LANGUAGE_ALIASES.get(lang.language or "", lang.language or "")]
    if lang.script:
        parts.append(lang.script)
    if lang.territory:
        parts.append(lang.territory)
    result = "_".join(parts)
    if not _CATALOG_ID_RE.match(result):
        raise ValueError(f"not a catalog locale: {safe_repr(tag)}")
    return result


def _candidates(lang: langcodes.Language) -> tuple[str, str | None, str | None, list[str]]:
    """Catalog ids to try for *lang*, most specific first.

    A script that is not the language's default script never falls back to
    the bare language: ``zh-TW`` (Traditional) must not get ``zh`` text when
    ``zh`` is Simplified (RELIABILITY.md A4).
    """
    import langcodes

    language = LANGUAGE_ALIASES.get(lang.language or "", lang.language or "")
    region = lang.territory
    maximized = langcodes.Language.get(language).maximize()
    default_script = maximized.script
    script = lang.script or (
        langcodes.Language.get(f"{language}-{region}").maximize().script
        if region
        else default_script
    )
    return language, script, region, _names(language, script, region, default_script)


def _names(language: str, script: str | None, region: str | None, default_script: str | None) -> list[str]:
    names: list[str] = []
    if script and region:
        names.append(f"{language}_{script}_{region}")
    if region and (script is None or script == default_script):
        names.append(f"{language}_{region}")
        for parent in _regional_parents(f"{language}_{region}"):
            names.extend(n for n in (parent, REGIONAL_CATALOGS.get(parent)) if n and n not in names)
    if script:
        names.append(f"{language}_{script}")
    if script is None or script == default_script:
        names.append(language)
    return names


#: The catalog that serves a CLDR regional parent locale. CLDR makes
#: ``en_001`` ("international English": GB, IE, AU, NZ, ZA, IN, SG, HK and
#: most other Commonwealth regions, and via ``en_150`` English in Europe) the
#: parent of those regions; their customers read British spelling, so they get
#: the ``en_GB`` catalog before the US-English source. Formatting still uses
#: their own CLDR locale (``en_AU`` dates, AUD).
REGIONAL_CATALOGS: dict[str, str] = {"en_001": "en_GB"}


@lru_cache(maxsize=512)
def _regional_parents(locale_id: str) -> tuple[str, ...]:
    """CLDR's parent locales of *locale_id* (``en_AU`` -> ``en_001``), nearest first."""
    exceptions = get_global("parent_exceptions")
    parents: list[str] = []
    current = exceptions.get(locale_id)
    while current and current != "root" and current not in parents and len(parents) < 4:
        parents.append(current)
        current = exceptions.get(current)
    return tuple(parents)


def _babel_id(language: str, script: str | None, region: str | None) -> str:
    for parts in ((language, script, region), (language, region), (language, script), (language,)):
        if None in parts:
            continue
        name = "_".join(p for p in parts if p)
        if babel.localedata.exists(name):
            return name
    return language


@lru_cache(maxsize=1024)
def _match_one(tag: str, available: frozenset[str]) -> LocaleMatch | None:
    clean = _clean_tag(tag)
    if clean is None:
        return None
    quick = simple_tag(clean)  # "sv", "sv-FI": CLDR's likely subtags, without langcodes
    tag_script: str | None = None
    if quick is not None:
        language, region = quick
        default_script = likely_script(language, None)
        script = likely_script(language, region) if region else default_script
        names = _names(language, script, region, default_script)
    else:
        lang = _parse_clean(clean)
        if lang is None:
            return None
        tag_script = lang.script
        language, script, region, names = _candidates(lang)
    chain = tuple(name for name in names if name in available)
    if not chain and language != "en":
        return None
    if not babel.localedata.exists(language):
        return None
    if region:
        country = region
    elif quick is not None:
        country = likely_territory(language) or "US"
    else:
        import langcodes

        country = langcodes.Language.get(language).maximize().territory or "US"
    parts = [language]
    if tag_script:
        parts.append(tag_script)
    if region:
        parts.append(region)
    return LocaleMatch(
        tag="-".join(parts),
        language=language,
        script=script,
        region=region,
        catalogs=chain,
        babel_id=_babel_id(language, script, region),
        country=country,
    )


def negotiate(
    requested: object,
    *,
    available: Collection[str],
    default: str = "en",
) -> LocaleMatch:
    """Choose the locale to render in.

    *requested* may be a tag, a POSIX locale or an ``Accept-Language``
    header; *available* holds the catalog ids present (``"sv"``, ``"zh_Hans"``);
    *default* is the shop's default tag. English needs no catalog: it is the
    source language. When nothing usable was asked for, the default is used
    and the reason recorded in ``fallbacks``; this function never raises for
    customer input.

    >>> negotiate("de, sv;q=0.9", available={"sv"}, default="en").tag
    'sv'
    >>> m = negotiate("xx", available={"sv"}, default="en")
    >>> m.tag, m.fallbacks[0].kind
    ('en', 'locale')
    """
    pool = frozenset(available)
    if isinstance(requested, str) and any(ch in requested for ch in ",;*"):
        for item in parse_accept_language(requested):
            found = _match_one(item, pool)
            if found is not None:
                return found
        reason = "no language in the Accept-Language header is supported"
    elif isinstance(requested, str):
        found = _match_one(requested[: MAX_TAG_LENGTH + 1], pool)
        if found is not None:
            return found
        if parse_tag(requested) is None:
            reason = "not a well-formed locale"
        else:
            reason = "no catalog for this language"
    elif requested is None:
        reason = "no locale given"
    else:
        reason = f"a locale must be a string, not {type(requested).__name__}"
    chosen = _match_one(default, pool)
    if chosen is None:  # pragma: no cover - Mailer validates its default at start-up
        chosen = _match_one("en", pool)
        assert chosen is not None
    note = Fallback(
        kind="locale",
        detail=f"{reason}; used the default locale {chosen.tag!r}",
        locale=safe_repr(requested, 80),
    )
    return LocaleMatch(
        tag=chosen.tag,
        language=chosen.language,
        script=chosen.script,
        region=chosen.region,
        catalogs=chosen.catalogs,
        babel_id=chosen.babel_id,
        country=chosen.country,
        fallbacks=(note,),
    )


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    """ISO 3166 alpha-2 codes CLDR knows as real territories (with a currency history)."""
    groups = {"EU", "EZ", "UN", "QO", "ZZ"}  # unions and "unknown", not countries
    codes = get_global("territory_currencies")
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha() and c not in groups)


def normalise_country(value: object) -> str:
    """Check a customer's country (ISO 3166 alpha-2) and return it upper-case.

    The country chooses the business-day calendar, the default time zone and
    the default currency; the language of the email never does.

    >>> normalise_country("sa"), normalise_country(" SE ")
    ('SA', 'SE')
    >>> normalise_country("Saudi Arabia")
    Traceback (most recent call last):
    ...
    ValueError: expected an ISO 3166 country code such as 'SE', got 'Saudi Arabia'
    """
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 3166 country code, got {type(value).__name__}")
    code = value.strip().upper()
    if len(code) != 2 or code not in _countries():
        raise ValueError(f"expected an ISO 3166 country code such as 'SE', got {safe_repr(value, 40)}")
    return code


#: Main zone of countries that span several, for customers who gave no zone.
PRIMARY_ZONES: dict[str, str] = {
    "US": "America/New_York", "CA": "America/Toronto", "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo", "MX": "America/Mexico_City", "RU": "Europe/Moscow",
    "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "CN": "Asia/Shanghai", "DE": "Europe/Berlin",
    "ID": "Asia/Jakarta", "KZ": "Asia/Almaty", "AR": "America/Argentina/Buenos_Aires",
    "CL": "America/Santiago", "NZ": "Pacific/Auckland", "EC": "America/Guayaquil",
}


@lru_cache(maxsize=512)
def primary_zone(country: str) -> str:
    """The main time zone of a country (``SE`` -> ``Europe/Stockholm``), from CLDR,
    or ``LookupError`` for a country without one clear zone.

    >>> primary_zone("KR"), primary_zone("SE"), primary_zone("US")
    ('Asia/Seoul', 'Europe/Stockholm', 'America/New_York')
    """
    if country in PRIMARY_ZONES:
        return PRIMARY_ZONES[country]
    zones = get_global("territory_zones").get(country)
    if not zones or len(zones) != 1:
        raise LookupError(country)
    return str(zones[0])
