"""Locale negotiation (RELIABILITY.md section A)."""

from __future__ import annotations

import sys

import pytest

from i18nmail.negotiation import (
    MAX_HEADER_LENGTH,
    bcp47,
    catalog_id,
    negotiate,
    parse_accept_language,
    parse_tag,
)

AVAILABLE = frozenset({"sv", "nb", "ko", "fi", "de", "fr", "ar", "zh_Hans", "ja"})


@pytest.mark.parametrize(
    ("requested", "tag", "catalogs", "country"),
    [
        ("sv-FI", "sv-FI", ("sv",), "FI"),
        ("sv_FI.UTF-8@euro", "sv-FI", ("sv",), "FI"),
        ("nb_NO.UTF-8", "nb-NO", ("nb",), "NO"),
        ("no", "nb", ("nb",), "NO"),
        ("nn-NO", "nb-NO", ("nb",), "NO"),
        ("ko", "ko", ("ko",), "KR"),
        ("EN_us", "en-US", (), "US"),
        ("de_DE@euro", "de-DE", ("de",), "DE"),
        ("zh-CN", "zh-CN", ("zh_Hans",), "CN"),
    ],
)
def test_accepted_forms(requested: str, tag: str, catalogs: tuple[str, ...], country: str) -> None:
    """BCP 47, POSIX ids with codeset/modifier and aliases all negotiate to the same catalog."""
    match = negotiate(requested, available=AVAILABLE, default="en")
    assert (match.tag, match.catalogs, match.country) == (tag, catalogs, country)
    assert match.fallbacks == ()


def test_region_picks_formatting_language_picks_text() -> None:
    """sv-FI reads the Swedish catalog and formats with Finland's CLDR data."""
    match = negotiate("sv-FI", available=AVAILABLE, default="en")
    assert match.babel_id == "sv_FI"
    assert match.language == "sv"


def test_norwegian_text_and_dates_agree() -> None:
    """'no' uses Bokmål for both the catalog and Babel (RELIABILITY.md A5)."""
    match = negotiate("no", available=AVAILABLE, default="en")
    assert match.catalogs == ("nb",)
    assert match.babel_id.startswith("nb")


@pytest.mark.parametrize(
    "hostile",
    ["../../etc/passwd", "..\\..\\x", "/etc/x", "en/../../x", "%2e%2e%2f", "de\x00", "", "   ",
     None, 123, b"de", "x" * 10_000, "xx", "C", "POSIX", "<script>"],
)
def test_bad_locales_fall_back_to_default(hostile: object) -> None:
    """Hostile, empty, wrongly typed and unsupported locales give the default, recorded."""
    match = negotiate(hostile, available=AVAILABLE, default="en")
    assert match.tag == "en"
    assert match.catalogs == ()
    assert match.fallbacks and match.fallbacks[0].kind == "locale"
    assert len(match.fallbacks[0].locale or "") <= 210


@pytest.mark.parametrize("traditional", ["zh-Hant-TW", "zh-TW", "zh-HK", "zh-Hant"])
def test_traditional_chinese_never_gets_simplified(traditional: str) -> None:
    """A Traditional Chinese request never reads the Simplified catalog (RELIABILITY.md A4)."""
    match = negotiate(traditional, available=AVAILABLE, default="en")
    assert "zh_Hans" not in match.catalogs


@pytest.mark.parametrize("simplified", ["zh-Hans-CN", "zh", "zh-CN", "zh-SG"])
def test_simplified_chinese_requests(simplified: str) -> None:
    """Simplified Chinese requests read the zh_Hans catalog."""
    assert negotiate(simplified, available=AVAILABLE, default="en").catalogs == ("zh_Hans",)


def test_accept_language_header_picks_first_available() -> None:
    """An Accept-Language header is ordered by q and the first supported tag wins."""
    header = "xx-YY;q=1, fi;q=0.4, sv-FI;q=0.8, *;q=0.1"
    assert negotiate(header, available=AVAILABLE, default="en").tag == "sv-FI"


@pytest.mark.parametrize(
    "header",
    ["x" * 100_000, ",".join(["de"] * 5000), "*", "de;q=0, fr;q=0", "de;q=abc", ";;;", "en-US;q=1.5"],
)
def test_hostile_accept_language_is_bounded(header: str) -> None:
    """Huge or malformed Accept-Language headers parse quickly to a bounded list."""
    tags = parse_accept_language(header)
    assert len(tags) <= 32
    assert all(len(t) <= MAX_HEADER_LENGTH for t in tags)
    negotiate(header, available=AVAILABLE, default="en")  # never raises


def test_environment_variables_do_not_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Negotiation ignores LANG, LC_ALL and LC_MONETARY (RELIABILITY.md A6)."""
    before = negotiate("sv_FI.UTF-8@euro", available=AVAILABLE, default="en")
    for name in ("LANG", "LC_ALL", "LC_MONETARY"):
        monkeypatch.setenv(name, "tr_TR.ISO-8859-9")
    after = negotiate("sv_FI.UTF-8@euro", available=AVAILABLE, default="en")
    assert before == after


def test_parse_tag_rejects_long_strings_without_regex_work() -> None:
    """Strings longer than the limit are refused outright."""
    assert parse_tag("a" * 65) is None
    assert parse_tag("sv-FI") is not None


def test_catalog_id_and_bcp47_round_trip() -> None:
    """Catalog ids and BCP 47 tags convert both ways."""
    assert catalog_id("zh-Hans") == "zh_Hans"
    assert bcp47("zh_Hans") == "zh-Hans"
    assert bcp47(catalog_id("sv-FI")) == "sv-FI"


def test_no_file_is_opened_for_a_hostile_locale(mailer, now) -> None:  # type: ignore[no-untyped-def]
    """Rendering with path-like locales opens no file outside the package (RELIABILITY.md A1)."""
    sample = mailer.scenario("refund_approved").sample("en")
    mailer.render("refund_approved", locale="en", context=sample, now=now)  # warm caches
    opened: list[str] = []

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and args and isinstance(args[0], (str, bytes)):
            opened.append(str(args[0]))

    sys.addaudithook(hook)
    hostile = ["../../etc/passwd", "..\\..\\x", "/etc/x", "en/../../x", "%2e%2e%2f", "de\x00"]
    for value in hostile:
        email = mailer.render("refund_approved", locale=value, context=sample, now=now)
        assert email.locale == "en"
    recorded = list(opened)
    opened.clear()
    assert not [p for p in recorded if "passwd" in p or "/etc/x" in p or ".." in p or "%2e" in p]


@pytest.mark.parametrize(("requested", "catalogs", "babel_id", "country"), [
    ("en-GB", ("en_GB",), "en_GB", "GB"),
    ("en-AU", ("en_GB",), "en_AU", "AU"),
    ("en-IE", ("en_GB",), "en_IE", "IE"),
    ("en-NZ", ("en_GB",), "en_NZ", "NZ"),
    ("en-ZA", ("en_GB",), "en_ZA", "ZA"),
    ("en-US", (), "en_US", "US"),
    ("en", (), "en", "US"),
])
def test_commonwealth_english_reads_the_en_gb_catalog(requested: str, catalogs: tuple[str, ...], babel_id: str,
                                                      country: str) -> None:
    """GB, IE, AU, NZ and other CLDR en_001 regions get British text, with their own dates and country."""
    match = negotiate(requested, available=AVAILABLE | {"en_GB"}, default="en")
    assert (match.catalogs, match.babel_id, match.country) == (catalogs, babel_id, country)
    assert match.fallbacks == ()


def test_en_au_renders_british_text_with_australian_dates(mailer: object) -> None:
    """An en-AU customer reads the en_GB catalog (no fallback) with dates in day-month order."""
    from datetime import UTC, datetime

    from i18nmail import Mailer

    assert isinstance(mailer, Mailer)
    now = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
    email = mailer.render("refund_status", locale="en-AU", context=mailer.scenario("refund_status").sample("en_GB", now=now),
                          now=now)
    assert email.fallbacks == ()
    assert "working days" in email.text and "21 December 2026" in email.text
