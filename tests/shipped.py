"""The shipped locales and the tags their tests and golden files render with."""

from __future__ import annotations

#: Catalog id -> the market tag rendered in tests and golden files.
MARKETS: dict[str, str] = {
    "en": "en-US",
    "sv": "sv-SE",
    "ko": "ko-KR",
    "nb": "nb-NO",
    "fi": "fi-FI",
    "da": "da-DK",
    "de": "de-DE",
    "fr": "fr-FR",
    "es": "es-ES",
    "ja": "ja-JP",
    "pl": "pl-PL",
    "ar": "ar-SA",
    "zh_Hans": "zh-Hans-CN",
    "en_GB": "en-GB",
}
#: The pseudo-locale, rendered with English sample data.
PSEUDO = ("en", "en-XA")
