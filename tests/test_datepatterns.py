"""The project's own date, time and range patterns (issue: emails do not change when Babel changes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from i18nmail.datepatterns import PATTERNS, DatePatterns, patterns_for
from i18nmail.formatting import Formatter

MOMENT = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
SAME_MONTH = (date(2026, 11, 26), date(2026, 11, 30))
SAME_YEAR = (date(2026, 11, 30), date(2026, 12, 2))
NEW_YEAR = (date(2026, 12, 29), date(2027, 1, 4))

# locale, zone, running-text date, weekday date, event time, three ranges.
EXPECTED = [
    ("en_US", "America/New_York", "January 4, 2027", "Monday, January 4, 2027", "Nov 23, 2026, 3:15 AM",
     "Thu, Nov 26 – Mon, Nov 30, 2026", "Mon, Nov 30 – Wed, Dec 2, 2026",
     "Tue, Dec 29, 2026 – Mon, Jan 4, 2027"),
    ("en_AU", "Europe/London", "4 January 2027", "Monday 4 January 2027", "23 Nov 2026 at 08:15",
     "Thu 26 – Mon 30 Nov 2026", "Mon 30 Nov – Wed 2 Dec 2026", "Tue 29 Dec 2026 – Mon 4 Jan 2027"),
    ("sv_SE", "Europe/Stockholm", "4 januari 2027", "måndag 4 januari 2027", "23 nov. 2026 kl. 09.15",
     "tors 26 – mån 30 nov. 2026", "mån 30 nov. – ons 2 dec. 2026", "tis 29 dec. 2026 – mån 4 jan. 2027"),
    ("nb_NO", "Europe/Oslo", "4. januar 2027", "mandag 4. januar 2027", "23. nov. 2026 kl. 09.15",
     "tor. 26. – man. 30. nov. 2026", "man. 30. nov. – ons. 2. des. 2026",
     "tir. 29. des. 2026 – man. 4. jan. 2027"),
    ("da_DK", "Europe/Copenhagen", "4. januar 2027", "mandag den 4. januar 2027", "23. nov. 2026 kl. 09.15",
     "tors. 26. – man. 30. nov. 2026", "man. 30. nov. – ons. 2. dec. 2026",
     "tirs. 29. dec. 2026 – man. 4. jan. 2027"),
    ("fi_FI", "Europe/Helsinki", "4.1.2027", "maanantai 4.1.2027", "23.11.2026 klo 10.15",
     "to 26.11. – ma 30.11.2026", "ma 30.11. – ke 2.12.2026", "ti 29.12.2026 – ma 4.1.2027"),
    ("de_DE", "Europe/Berlin", "4. Januar 2027", "Montag, 4. Januar 2027", "23.11.2026, 09:15 Uhr",
     "Do., 26. – Mo., 30. Nov. 2026", "Mo., 30. Nov. – Mi., 2. Dez. 2026",
     "Di., 29. Dez. 2026 – Mo., 4. Jan. 2027"),
    ("de_AT", "Europe/Vienna", "4. Jänner 2027", "Montag, 4. Jänner 2027", "23.11.2026, 09:15 Uhr",
     "Do., 26. – Mo., 30. Nov. 2026", "Mo., 30. Nov. – Mi., 2. Dez. 2026",
     "Di., 29. Dez. 2026 – Mo., 4. Jän. 2027"),
    ("fr_FR", "Europe/Paris", "4 janvier 2027", "lundi 4 janvier 2027", "23 novembre 2026 à 09:15",
     "jeu. 26 – lun. 30 nov. 2026", "lun. 30 nov. – mer. 2 déc. 2026",
     "mar. 29 déc. 2026 – lun. 4 janv. 2027"),
    ("es_ES", "Europe/Madrid", "4 de enero de 2027", "lunes 4 de enero de 2027",
     "23 de noviembre de 2026, a las 9:15", "jue. 26 – lun. 30 nov. 2026",
     "lun. 30 nov. – mié. 2 dic. 2026", "mar. 29 dic. 2026 – lun. 4 ene. 2027"),
    ("pl_PL", "Europe/Warsaw", "4 stycznia 2027", "poniedziałek, 4 stycznia 2027",
     "23 listopada 2026, godz. 09:15", "26–30 listopada 2026", "30 listopada – 2 grudnia 2026",
     "29 grudnia 2026 – 4 stycznia 2027"),
    ("ko_KR", "Asia/Seoul", "2027년 1월 4일", "2027년 1월 4일(월)", "2026년 11월 23일(월) 오후 5:15",
     "2026년 11월 26일(목) ~ 30일(월)", "2026년 11월 30일(월) ~ 12월 2일(수)",
     "2026년 12월 29일(화) ~ 2027년 1월 4일(월)"),
    ("ja_JP", "Asia/Tokyo", "2027年1月4日", "2027年1月4日（月）", "2026年11月23日（月）17:15",
     "2026年11月26日（木）～30日（月）", "2026年11月30日（月）～12月2日（水）",
     "2026年12月29日（火）～2027年1月4日（月）"),
    ("zh_Hans_CN", "Asia/Shanghai", "2027年1月4日", "2027年1月4日（周一）", "2026年11月23日 16:15",
     "2026年11月26日（周四）至11月30日（周一）", "2026年11月30日（周一）至12月2日（周三）",
     "2026年12月29日（周二）至2027年1月4日（周一）"),
    ("ar_SA", "Asia/Riyadh", "4 يناير 2027", "الاثنين، 4 يناير 2027", "23 نوفمبر 2026، الساعة 11:15 ص",
     "الخميس 26 – الاثنين 30 نوفمبر 2026", "الاثنين 30 نوفمبر – الأربعاء 2 ديسمبر 2026",
     "الثلاثاء 29 ديسمبر 2026 – الاثنين 4 يناير 2027"),
]


@pytest.mark.parametrize("row", EXPECTED, ids=[row[0] for row in EXPECTED])
def test_each_shipped_language_writes_dates_times_and_ranges_its_own_way(row: tuple[str, ...]) -> None:
    """Dates, weekday dates, event times and the three kinds of range are exactly the project's patterns."""
    locale, zone, day, weekday_day, when, same_month, same_year, new_year = row
    fmt = Formatter.get(locale, zone, "EUR")
    assert fmt.date(date(2027, 1, 4)) == day
    assert fmt.weekday_date(date(2027, 1, 4)) == weekday_day
    assert fmt.datetime(MOMENT) == when
    assert fmt.date_range(*SAME_MONTH) == same_month
    assert fmt.date_range(*SAME_YEAR) == same_year
    assert fmt.date_range(*NEW_YEAR) == new_year


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_no_time_shows_an_offset(key: str) -> None:
    """No project pattern writes a UTC/GMT offset or a zone: times are in the customer's zone."""
    patterns = PATTERNS[key]
    for hour in (0, 9, 12, 17, 23):
        text = patterns.format(datetime(2026, 3, 29, hour, 5, tzinfo=timezone(timedelta(hours=2))),
                               patterns.datetime)
        assert "UTC" not in text and "GMT" not in text and "+" not in text


def test_french_writes_the_first_of_the_month_as_1er() -> None:
    """French writes "1er janvier", every other day as a number."""
    fmt = Formatter.get("fr_FR", "Europe/Paris", "EUR")
    assert fmt.date(date(2027, 1, 1)) == "1er janvier 2027"
    assert fmt.date(date(2027, 1, 2)) == "2 janvier 2027"


def test_a_one_day_range_is_one_date() -> None:
    """A range whose first and last day are the same is written as one date."""
    assert Formatter.get("pl_PL", "Europe/Warsaw", "PLN").date_range(date(2027, 1, 5), date(2027, 1, 5)) == (
        "wtorek, 5 stycznia 2027")


@pytest.mark.parametrize(("language", "region", "script", "key"), [
    ("en", "GB", None, "en_GB"), ("en", "IE", None, "en_GB"), ("en", "NZ", None, "en_GB"),
    ("en", None, None, "en"), ("en", "CA", None, "en"), ("no", "NO", None, "nb"), ("nn", None, None, "nb"),
    ("sv", "FI", None, "sv"), ("de", "CH", None, "de"), ("zh", None, None, "zh_Hans"),
])
def test_patterns_are_chosen_by_language_region_and_script(language: str, region: str | None,
                                                           script: str | None, key: str) -> None:
    """Commonwealth English writes British dates, Norwegian reads Bokmål, Simplified Chinese is the default."""
    assert patterns_for(language, region, script) is PATTERNS[key]


@pytest.mark.parametrize(("language", "region", "script"), [("zh", "TW", None), ("zh", "HK", None),
                                                            ("zh", "CN", "Hant"), ("nl", "NL", None)])
def test_traditional_chinese_and_unlisted_languages_have_no_project_patterns(
        language: str, region: str | None, script: str | None) -> None:
    """Traditional Chinese never gets Simplified date words; an unlisted language uses CLDR."""
    assert patterns_for(language, region, script) is None


def test_unsupported_pattern_fields_are_refused_when_defined() -> None:
    """A pattern with a field the formatter does not know fails at definition, not in an email."""
    with pytest.raises(ValueError, match="unsupported pattern field 'QQQ'"):
        DatePatterns(days=("x",) * 7, days_abbr=("x",) * 7, months=("x",) * 12, months_abbr=("x",) * 12,
                     periods=("a", "p"), date="QQQ y", weekday_date="y", datetime="y", range_day=("y", "-", "y"),
                     range_month=("y", "-", "y"), range_year=("y", "-", "y"), single="y")


def test_quoted_text_and_apostrophes() -> None:
    """Quoted pattern text is copied as is; two apostrophes write one."""
    assert PATTERNS["en"].format(date(2027, 1, 4), "'week of' d 'o''clock'") == "week of 4 o'clock"


def test_no_rendered_email_shows_a_utc_or_gmt_offset() -> None:
    """Every scenario in every shipped locale, at two moments: no "UTC+"/"GMT+" offset anywhere in an email."""
    import re

    from shipped import MARKETS, PSEUDO

    from i18nmail import Mailer

    offset = re.compile(r"(?:UTC|GMT)\s*[+\-\u2212]\s*\d")
    mailer = Mailer(pseudo=True)
    for now in (datetime(2026, 12, 22, 9, 0, tzinfo=UTC), datetime(2027, 7, 1, 22, 30, tzinfo=UTC)):
        for catalog, tag in [*MARKETS.items(), PSEUDO]:
            for scenario in mailer.scenarios():
                email = mailer.render(scenario.id, locale=tag, context=scenario.sample(catalog, now=now), now=now)
                for part in (email.subject, email.preheader, email.text, email.html):
                    assert not offset.search(part), (tag, scenario.id, offset.search(part))


def test_remembered_dates_belong_to_their_own_language() -> None:
    """A date written once is remembered per language: de and de_AT keep their own month names."""
    from datetime import date

    from i18nmail.datepatterns import patterns_for

    german, austrian = patterns_for("de"), patterns_for("de_AT")
    assert german is not None and austrian is not None
    day = date(2027, 1, 4)
    for _ in range(2):
        assert german.format(day, german.date) == "4. Januar 2027"
        assert austrian.format(day, austrian.date) == "4. Jänner 2027"
