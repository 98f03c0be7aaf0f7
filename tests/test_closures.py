"""The closure table: the market files parse, name their sources, and change the calendars."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from i18nmail.businessdays import BusinessCalendar
from i18nmail.closures import (
    DATA_DIR,
    MARKETS,
    load_market,
    load_markets,
    market,
    parse_market,
    target_closures,
)

SHIPPED = ["AT", "CH", "CN", "DE", "DK", "ES", "FI", "FR", "GB", "JP", "KR", "NO", "PL", "SA", "SE", "US"]


def test_every_shipped_market_has_a_documented_file() -> None:
    """Each market the locales serve, plus AT and CH, has one file with sources and a comment header."""
    assert sorted(set(MARKETS) - {"TARGET"}) == SHIPPED
    for country in [*SHIPPED, "TARGET"]:
        path = DATA_DIR / f"{country}.toml"
        text = path.read_text("utf-8")
        assert text.startswith("# "), f"{path.name} must open with a comment saying what is counted"
        found = MARKETS[country]
        assert found.sources and all(s.strip() for s in found.sources)
        assert all(rule.source.strip() for rule in (*found.closures, *found.open_days))


def test_target_members_and_closing_days() -> None:
    """Euro-area members get TARGET's six closing days from the year they joined; others none."""
    assert sorted(target_closures("FR", 2026)) == [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1),
        date(2026, 12, 25), date(2026, 12, 26),
    ]  # fmt: skip
    assert target_closures("HR", 2022) == {} and len(target_closures("HR", 2023)) == 6
    assert target_closures("BG", 2026) and target_closures("SE", 2026) == {}
    assert target_closures("CH", 2026) == {} and target_closures("GB", 2026) == {}


def test_euro_area_country_without_a_file_gets_target_days() -> None:
    """Italy has no market file but is in the euro area: 26 Dec 2029 (a Wednesday) and Good Friday are closed."""
    cal = BusinessCalendar("IT")
    assert not cal.is_business_day(date(2029, 12, 26))
    assert not cal.is_business_day(date(2026, 4, 3))  # Good Friday: TARGET closed, no Italian holiday


def test_france_and_spain_count_target_days_and_national_holidays() -> None:
    """FR Good Friday and ES Easter Monday (TARGET) are closed, and so are their TARGET-open holidays."""
    fr, es = BusinessCalendar("FR"), BusinessCalendar("ES")
    assert not fr.is_business_day(date(2026, 4, 3)) and not es.is_business_day(date(2026, 4, 6))
    assert not fr.is_business_day(date(2026, 7, 14)) and not es.is_business_day(date(2026, 10, 12))
    assert fr.window(date(2026, 4, 1), 3, 5) == (date(2026, 4, 8), date(2026, 4, 10))


def test_germany_and_austria_december() -> None:
    """DE closes 24 and 31 Dec; AT closes 24 Dec (OeNB) and keeps 31 Dec closed; 21 Dec 2026 + 3-5 is 28-30 Dec."""
    de, at = BusinessCalendar("DE"), BusinessCalendar("AT")
    assert de.window(date(2026, 12, 21), 3, 5) == (date(2026, 12, 28), date(2026, 12, 30))
    assert de.closure_name(date(2027, 12, 24)) == "Christmas Eve (bank holiday)"
    assert not at.is_business_day(date(2026, 12, 24)) and not at.is_business_day(date(2026, 4, 3))


def test_switzerland_sic_closing_days() -> None:
    """Switzerland: Berchtold's Day, 1 May and Whit Monday are closed; SIC clears on 24 and 31 Dec."""
    cal = BusinessCalendar("CH")
    for day in (date(2026, 1, 2), date(2026, 5, 1), date(2026, 5, 25), date(2027, 3, 26)):
        assert not cal.is_business_day(day), day
    assert cal.is_business_day(date(2026, 12, 24)) and cal.is_business_day(date(2026, 12, 31))


def test_gb_defaults_to_england_and_wales_and_other_nations_are_selectable() -> None:
    """GB counts Easter Monday and the Summer bank holiday; Scotland counts 2 Jan instead."""
    england = BusinessCalendar("GB")
    assert england.subdivision == "ENG"
    assert england.window(date(2026, 8, 26), 3, 5) == (date(2026, 9, 1), date(2026, 9, 3))
    scotland = BusinessCalendar("GB", subdivision="SCT")
    assert not scotland.is_business_day(date(2026, 1, 2))
    assert scotland.is_business_day(date(2026, 4, 6))


def test_us_fed_opens_on_the_friday_before_a_saturday_holiday() -> None:
    """US: 3 Jul 2026 and 24/31 Dec 2027 are Fed business days; 5 Jul 2027 (Sunday holiday) is closed."""
    cal = BusinessCalendar("US")
    for day in (date(2026, 7, 3), date(2027, 6, 18), date(2027, 12, 24), date(2027, 12, 31)):
        assert cal.is_business_day(day), day
    assert not cal.is_business_day(date(2027, 7, 5))


def test_saudi_eid_follows_sama_and_later_years_are_estimated() -> None:
    """SA: a card refund started 15 Mar 2026 lands 25-29 Mar (SAMA); years after 2029 are estimates."""
    cal = BusinessCalendar("SA")
    assert cal.window(date(2026, 3, 15), 3, 5) == (date(2026, 3, 25), date(2026, 3, 29))
    assert cal.is_business_day(date(2026, 3, 24)) and cal.is_business_day(date(2026, 5, 31))
    assert cal.estimated_years(date(2029, 12, 1), date(2030, 1, 10)) == (2030,)


def test_parse_errors_name_the_file_and_the_key() -> None:
    """A malformed market file is a ValueError naming the file and what is wrong."""
    base = 'country = "XX"\nname = "X"\nsources = ["s"]\n'
    cases = {
        'country = "XX"\nname = "X"\n': "'sources'",
        base + "colour = 1\n": "unknown key 'colour'",
        base + '[[closure]]\nname = "A"\nevery = "12-24"\n': "'source' is required",
        base + '[[closure]]\nname = "A"\nsource = "s"\n': "exactly one of",
        base + '[[closure]]\nname = "A"\nsource = "s"\nevery = "13-01"\n': "'MM-DD'",
        base + '[[closure]]\nname = "A"\nsource = "s"\ndates = ["2026-03-23..2026-03-17"]\n': "runs forward",
        base + '[[closure]]\nname = "A"\nsource = "s"\neaster = 400\n': "days after Easter",
        base + 'open_observed = ["Friday"]\n': "'open_observed'",
        'country = "X"\nname = "X"\nsources = ["s"]\n': "ISO 3166",
        "country = ": "not valid TOML",
    }
    for text, message in cases.items():
        with pytest.raises(ValueError, match="XX.toml") as info:
            parse_market(text, "XX.toml")
        assert message in str(info.value), (text, str(info.value))


def test_a_market_file_is_named_after_its_country(tmp_path: Path) -> None:
    """load_market refuses a file whose name is not its country code."""
    path = tmp_path / "IT.toml"
    path.write_text('country = "IE"\nname = "Ireland"\nsources = ["s"]\n', "utf-8")
    with pytest.raises(ValueError, match="named IT.toml"):
        load_market(path)


def test_a_shop_can_add_a_market(tmp_path: Path) -> None:
    """A new file (here Portugal's 24 Dec) merged into MARKETS closes that day for new calendars."""
    (tmp_path / "PT.toml").write_text(
        '# Portugal\ncountry = "PT"\nname = "Portugal"\nsources = ["example"]\n'
        '[[closure]]\nname = "Christmas Eve"\nevery = "12-24"\nsource = "example"\n', "utf-8")
    before = BusinessCalendar("PT").is_business_day(date(2026, 12, 24))
    MARKETS.update(load_markets(tmp_path))
    try:
        assert before and not BusinessCalendar("PT").is_business_day(date(2026, 12, 24))
    finally:
        del MARKETS["PT"]


def test_unconfirmed_islamic_holidays_make_a_year_estimated() -> None:
    """The package's unconfirmed Islamic dates (UAE 2030, an Islamic-calendar country in 2080) are estimates."""
    ae = BusinessCalendar("AE")
    assert ae.estimated_years(date(2026, 1, 1), date(2026, 12, 31)) == ()
    assert ae.estimated_years(date(2029, 12, 20), date(2030, 1, 10)) == (2029, 2030)
    assert BusinessCalendar("EG").estimated_years(date(2080, 1, 1), date(2080, 12, 31)) == (2080,)
    assert BusinessCalendar("SA").estimated_years(date(2026, 1, 1), date(2029, 12, 31)) == ()  # SAMA
    assert BusinessCalendar("SE").estimated_years(date(2026, 1, 1), date(2080, 12, 31)) == ()


def test_a_calendar_reads_only_its_own_market_file_and_target() -> None:
    """A fresh process that builds one calendar parses that country's file and TARGET's, not all of them."""
    code = ("import i18nmail.closures as c\n"
            "from i18nmail.businessdays import BusinessCalendar\n"
            "BusinessCalendar('FI').window(__import__('datetime').date(2026, 12, 22), 3, 5)\n"
            "print('MARKETS' in vars(c), sorted(c._READ))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split(maxsplit=1) == ["False", "['FI', 'TARGET']\n"]


def test_markets_is_loaded_on_first_use_and_then_decides() -> None:
    """MARKETS holds every file once used, and a change to it is what market() answers from then on."""
    code = ("import i18nmail.closures as c\n"
            "se = c.market('se')\n"
            "from i18nmail.closures import MARKETS\n"
            "assert MARKETS['SE'] == se and c.MARKETS is MARKETS and len(MARKETS) >= 17\n"
            "MARKETS['SE'] = c.load_market(c.DATA_DIR / 'NO.toml')\n"
            "print(c.market('SE').country, c.market('../SE'), c.market('ZZ'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["NO", "None", "None"]


def test_a_path_is_never_a_market() -> None:
    """market() answers None for anything but a plain code, never reading a file outside the folder."""
    for code in ("../SE", "SE/../SE", "", "S E", "SE.toml", "é"):
        assert market(code) is None, code


def test_a_broken_market_file_names_itself_on_every_load(tmp_path: Path) -> None:
    """load_market of a file that is not TOML raises the same ValueError each time (nothing is cached)."""
    path = tmp_path / "PT.toml"
    path.write_text('country = "PT"\nname = [\n', "utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(ValueError, match="not valid TOML") as info:
            load_market(path)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and "PT.toml" in messages[0]
