"""Plain tags (``sv``, ``sv-FI``, ``zh-TW``) negotiated from CLDR's likely subtags
without langcodes give exactly langcodes' answers (issue 14, item 3)."""

from __future__ import annotations

import pytest

from i18nmail import negotiation
from i18nmail.likely import FAST_LANGUAGES, _territories, simple_tag

#: Catalog ids as a shop might have them: the shipped ones plus script and region variants.
AVAILABLE = frozenset({"ar", "da", "de", "en_GB", "es", "es_MX", "fi", "fr", "fr_CA", "ja", "ko", "nb", "pl",
                       "sv", "sv_FI", "zh_Hans", "zh_Hant", "zh_Hant_HK", "de_AT"})


def all_tags() -> list[str]:
    """Every tag the fast path answers: each language alone and with every CLDR territory."""
    tags = []
    for language in sorted(FAST_LANGUAGES):
        tags.append(language)
        tags.extend(f"{language}-{region}" for region in sorted(_territories()))
    return tags


def slow_matches(tags: list[str], available: frozenset[str],
                 monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What negotiation answered through langcodes alone (the fast path switched off)."""
    with monkeypatch.context() as patch:
        patch.setattr(negotiation, "simple_tag", lambda tag: None)
        negotiation._match_one.cache_clear()
        found = {tag: negotiation._match_one(tag, available) for tag in tags}
    negotiation._match_one.cache_clear()
    return found


@pytest.mark.parametrize("available", [AVAILABLE, frozenset({"sv", "zh_Hans", "ar"})], ids=["many", "shipped"])
def test_every_fast_tag_matches_langcodes(available: frozenset[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each shipped language alone and with every CLDR territory negotiates as it does through langcodes."""
    tags = all_tags()
    assert len(tags) > 13 * 200
    expected = slow_matches(tags, available, monkeypatch)
    negotiation._match_one.cache_clear()
    for tag in tags:
        assert simple_tag(tag.lower()) is not None, tag
        assert negotiation._match_one(tag, available) == expected[tag], tag


def test_other_tags_still_go_through_langcodes() -> None:
    """Scripts, deprecated codes, aliases, renamed regions and other languages are not answered here."""
    for tag in ("zh-hant-tw", "iw", "no", "nn-no", "sv-bu", "pt-br", "sr-latn", "sv-419", "en-us-x-y", "SV-FI"):
        assert simple_tag(tag) is None, tag
    match = negotiation.negotiate("iw-IL", available={"he"}, default="en")
    assert match.tag == "he-IL" and not match.fallbacks
    assert negotiation.negotiate("nn_NO.UTF-8", available={"nb"}, default="en").tag == "nb-NO"
    assert negotiation.negotiate("zh-Hant-TW", available={"zh_Hant"}, default="en").catalogs == ("zh_Hant",)


def test_traditional_chinese_never_gets_simplified_text() -> None:
    """zh-TW and zh-HK resolve to the Traditional script on the fast path (RELIABILITY A4)."""
    for tag in ("zh-TW", "zh-HK", "zh-MO"):
        match = negotiation.negotiate(tag, available={"zh_Hans"}, default="en")
        assert match.tag == "en" and match.fallbacks, tag
    assert negotiation.negotiate("zh-CN", available={"zh_Hans"}, default="en").catalogs == ("zh_Hans",)
    assert negotiation.negotiate("zh", available={"zh_Hans"}, default="en").country == "CN"
