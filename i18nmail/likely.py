"""The common locale tags without langcodes: ``sv``, ``sv-FI``, ``zh-TW``.

langcodes' data tables take longer to import than the rest of a first
render's locale work, and almost every tag a shop sees is a language code,
optionally with a country. For those, in the languages i18nmail ships, this
module gives the same answers as ``langcodes.Language.get(tag,
normalize=True)`` and ``.maximize()`` from CLDR's likely subtags as Babel
ships them (the test suite checks every such tag against langcodes: each
language with every CLDR territory). Anything else (a script subtag, a
deprecated code, another language, a region CLDR has renamed) goes to
langcodes as before.

>>> simple_tag("sv-fi"), simple_tag("zh-tw"), simple_tag("sr-latn"), simple_tag("iw")
(('sv', 'FI'), ('zh', 'TW'), None, None)
>>> likely_script("zh", "TW"), likely_script("zh", None), likely_territory("sv")
('Hant', 'Hans', 'SE')
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel.core import get_global

__all__ = ["FAST_LANGUAGES", "likely_script", "likely_territory", "simple_tag"]

#: Languages whose plain tags are answered here (the shipped catalogs and the
#: English source). ``no``/``nn`` are left to langcodes and the aliases.
FAST_LANGUAGES = frozenset({"ar", "da", "de", "en", "es", "fi", "fr", "ja", "ko", "nb", "pl", "sv", "zh"})

_SIMPLE = re.compile(r"([a-z]{2,3})(?:-([a-z]{2}))?")


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    """Current CLDR territory codes (renamed ones such as ``BU`` left out)."""
    renamed = set(get_global("territory_aliases"))
    return frozenset(code for code in get_global("territory_currencies")
                     if len(code) == 2 and code.isalpha() and code not in renamed)


def simple_tag(tag: str) -> tuple[str, str | None] | None:
    """``(language, REGION)`` of a clean lower-case tag answered here, else ``None``."""
    found = _SIMPLE.fullmatch(tag)
    if found is None or found.group(1) not in FAST_LANGUAGES:
        return None
    region = found.group(2)
    if region is None:
        return found.group(1), None
    region = region.upper()
    if region not in _territories():
        return None
    return found.group(1), region


def _likely(key: str) -> list[str] | None:
    value = get_global("likely_subtags").get(key)
    return str(value).split("_") if value else None


@lru_cache(maxsize=512)
def likely_script(language: str, region: str | None) -> str | None:
    """The script CLDR's likely subtags give *language* (in *region*)."""
    parts = (_likely(f"{language}_{region}") if region else None) or _likely(language)
    if parts and len(parts) >= 2 and len(parts[1]) == 4:
        return parts[1]
    return None


@lru_cache(maxsize=64)
def likely_territory(language: str) -> str | None:
    """The country CLDR's likely subtags give *language*."""
    parts = _likely(language)
    if parts and len(parts[-1]) == 2 and parts[-1].isalpha():
        return parts[-1]
    return None
