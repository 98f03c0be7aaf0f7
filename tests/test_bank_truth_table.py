"""The truth table: every day of 2026 and 2027 in the 14 markets the locales serve.

Written by hand from each market's central bank or banking association (the
source of every group is in the comment above it), not from the code: for
each market and year, the weekdays on which banks do not process an ordinary
transfer or refund credit, and the weekend days on which they do. Every other
weekday is a business day and every other weekend day is not. The test
compares all 730 days with ``BusinessCalendar.is_business_day``.

Where "truth" is a choice (France and Spain: a public holiday on which TARGET
settles counts as closed), the comment says so; README "Bank days" explains.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from i18nmail.businessdays import BusinessCalendar
from i18nmail.closures import MARKETS

WEEKEND = {"SA": {4, 5}}  # Friday-Saturday; everyone else Saturday-Sunday

# (country, year) -> {"MM-DD": why}, weekdays on which banks are closed.
CLOSED: dict[tuple[str, int], dict[str, str]] = {
    # Sweden. Riksbank RIX bank holidays; Sevenday bank's 2026/27 closure list;
    # Midsummer Eve, Christmas Eve and New Year's Eve are not bank days
    # (finansleksikon, samuelssonsrapport). National Day 6 Jun falls on a weekend
    # both years; Good Friday, Easter Monday and Ascension are public holidays.
    ("SE", 2026): {"01-01": "New Year's Day", "01-06": "Epiphany", "04-03": "Good Friday",
                   "04-06": "Easter Monday", "05-01": "May Day", "05-14": "Ascension",
                   "06-19": "Midsummer Eve", "12-24": "Christmas Eve", "12-25": "Christmas Day",
                   "12-31": "New Year's Eve"},
    ("SE", 2027): {"01-01": "New Year's Day", "01-06": "Epiphany", "03-26": "Good Friday",
                   "03-29": "Easter Monday", "05-06": "Ascension", "06-25": "Midsummer Eve",
                   "12-24": "Christmas Eve", "12-31": "New Year's Eve"},
    # Norway. Norges Bank NBO settlement days (public holidays and 24 Dec); DNB and
    # Vossabanken: 31 Dec is not a payment day. Maundy Thursday is a holiday.
    ("NO", 2026): {"01-01": "New Year's Day", "04-02": "Maundy Thursday", "04-03": "Good Friday",
                   "04-06": "Easter Monday", "05-01": "Labour Day", "05-14": "Ascension",
                   "05-25": "Whit Monday", "12-24": "Christmas Eve (Norges Bank)",
                   "12-25": "Christmas Day", "12-31": "New Year's Eve (DNB)"},
    ("NO", 2027): {"01-01": "New Year's Day", "03-25": "Maundy Thursday", "03-26": "Good Friday",
                   "03-29": "Easter Monday", "05-06": "Ascension",
                   "05-17": "Constitution Day and Whit Monday", "12-24": "Christmas Eve (Norges Bank)",
                   "12-31": "New Year's Eve (DNB)"},
    # Denmark. Danmarks Nationalbank "Banklukkedage 2026" and "2027", the exact lists
    # (Store Bededag was abolished from 2024; the Friday after Ascension stays a
    # bank closing day).
    ("DK", 2026): {"01-01": "New Year's Day", "04-02": "Maundy Thursday", "04-03": "Good Friday",
                   "04-06": "Easter Monday", "05-14": "Ascension", "05-15": "Day after Ascension",
                   "05-25": "Whit Monday", "06-05": "Constitution Day", "12-24": "Christmas Eve",
                   "12-25": "Christmas Day", "12-31": "New Year's Eve"},
    ("DK", 2027): {"01-01": "New Year's Day", "03-25": "Maundy Thursday", "03-26": "Good Friday",
                   "03-29": "Easter Monday", "05-06": "Ascension", "05-07": "Day after Ascension",
                   "05-17": "Whit Monday", "12-24": "Christmas Eve", "12-31": "New Year's Eve"},
    # Finland. Bank of Finland banking holidays; YTK: Christmas Eve and Epiphany are
    # not banking days; Midsummer Eve is a bank holiday; OP's exceptions list.
    # Independence Day 6 Dec is a Monday in 2027.
    ("FI", 2026): {"01-01": "New Year's Day", "01-06": "Epiphany", "04-03": "Good Friday",
                   "04-06": "Easter Monday", "05-01": "May Day", "05-14": "Ascension",
                   "06-19": "Midsummer Eve", "12-24": "Christmas Eve", "12-25": "Christmas Day"},
    ("FI", 2027): {"01-01": "New Year's Day", "01-06": "Epiphany", "03-26": "Good Friday",
                   "03-29": "Easter Monday", "05-06": "Ascension", "06-25": "Midsummer Eve",
                   "12-06": "Independence Day", "12-24": "Christmas Eve"},
    # Germany. Nationwide public holidays; TARGET closing days (ECB); Bankfeiertage
    # 24 and 31 Dec: no bookings (de.wikipedia "Bankfeiertag", GLS Bank glossary).
    ("DE", 2026): {"01-01": "New Year's Day", "04-03": "Good Friday", "04-06": "Easter Monday",
                   "05-01": "Labour Day", "05-14": "Ascension", "05-25": "Whit Monday",
                   "12-24": "Heiligabend (Bankfeiertag)", "12-25": "Christmas Day",
                   "12-31": "Silvester (Bankfeiertag)"},
    ("DE", 2027): {"01-01": "New Year's Day", "03-26": "Good Friday", "03-29": "Easter Monday",
                   "05-06": "Ascension", "05-17": "Whit Monday",
                   "12-24": "Heiligabend (Bankfeiertag)", "12-31": "Silvester (Bankfeiertag)"},
    # France. TARGET closing days (ECB): 1 Jan, Good Friday (no interbank SEPA
    # transfer: cbanque, FBF), Easter Monday, 1 May, 25 Dec. Public holidays on which
    # TARGET is open (Code du travail L3133-1: 8 May, Ascension, Whit Monday, 14 Jul,
    # 1 Nov, 11 Nov) count as closed BY CHOICE: branches are shut (README).
    ("FR", 2026): {"01-01": "New Year's Day", "04-03": "Good Friday (TARGET)",
                   "04-06": "Easter Monday", "05-01": "Labour Day", "05-08": "Victory Day (choice)",
                   "05-14": "Ascension (choice)", "05-25": "Whit Monday (choice)",
                   "07-14": "Bastille Day (choice)", "11-11": "Armistice Day (choice)",
                   "12-25": "Christmas Day"},
    ("FR", 2027): {"01-01": "New Year's Day", "03-26": "Good Friday (TARGET)",
                   "03-29": "Easter Monday", "05-06": "Ascension (choice)",
                   "05-17": "Whit Monday (choice)", "07-14": "Bastille Day (choice)",
                   "11-01": "All Saints' Day (choice)", "11-11": "Armistice Day (choice)"},
    # Spain. TARGET closing days (ECB; ING via Faro de Vigo: no transfers on them,
    # whatever the national calendar): Easter Monday and 26 Dec included. National
    # holidays (BOE fiestas laborales) on which TARGET is open count as closed BY
    # CHOICE, as in France. Holy Thursday is regional only.
    ("ES", 2026): {"01-01": "New Year's Day", "01-06": "Epiphany (choice)",
                   "04-03": "Good Friday", "04-06": "Easter Monday (TARGET)", "05-01": "Labour Day",
                   "10-12": "Fiesta Nacional (choice)", "12-08": "Immaculate Conception (choice)",
                   "12-25": "Christmas Day"},
    ("ES", 2027): {"01-01": "New Year's Day", "01-06": "Epiphany (choice)",
                   "03-26": "Good Friday", "03-29": "Easter Monday (TARGET)",
                   "10-12": "Fiesta Nacional (choice)", "11-01": "All Saints' Day (choice)",
                   "12-06": "Constitution Day (choice)", "12-08": "Immaculate Conception (choice)"},
    # Poland. KIR Elixir stops on statutory days off (ustawa o dniach wolnych od
    # pracy), Wigilia included from 2025 (tvn24, telepolis); 31 Dec has two sessions.
    ("PL", 2026): {"01-01": "New Year's Day", "01-06": "Epiphany", "04-06": "Easter Monday",
                   "05-01": "Labour Day", "06-04": "Corpus Christi", "11-11": "Independence Day",
                   "12-24": "Wigilia", "12-25": "Christmas Day"},
    ("PL", 2027): {"01-01": "New Year's Day", "01-06": "Epiphany", "03-29": "Easter Monday",
                   "05-03": "Constitution Day", "05-27": "Corpus Christi", "11-01": "All Saints' Day",
                   "11-11": "Independence Day", "12-24": "Wigilia"},
    # Japan. Banking Act Enforcement Order art. 5: national holidays (Act on National
    # Holidays, with substitute and "sandwiched" days) and 31 Dec-3 Jan.
    ("JP", 2026): {"01-01": "New Year (bank)", "01-02": "Bank holiday", "01-12": "Coming of Age Day",
                   "02-11": "Foundation Day", "02-23": "Emperor's Birthday", "03-20": "Vernal Equinox",
                   "04-29": "Showa Day", "05-04": "Greenery Day", "05-05": "Children's Day",
                   "05-06": "Substitute for 3 May", "07-20": "Marine Day", "08-11": "Mountain Day",
                   "09-21": "Respect for the Aged Day", "09-22": "Citizens' holiday (between two holidays)",
                   "09-23": "Autumnal Equinox", "10-12": "Sports Day", "11-03": "Culture Day",
                   "11-23": "Labour Thanksgiving Day", "12-31": "Bank holiday"},
    ("JP", 2027): {"01-01": "New Year (bank)", "01-11": "Coming of Age Day", "02-11": "Foundation Day",
                   "02-23": "Emperor's Birthday", "03-22": "Substitute for the Vernal Equinox (21 Mar)",
                   "04-29": "Showa Day", "05-03": "Constitution Day", "05-04": "Greenery Day",
                   "05-05": "Children's Day", "07-19": "Marine Day", "08-11": "Mountain Day",
                   "09-20": "Respect for the Aged Day", "09-23": "Autumnal Equinox",
                   "10-11": "Sports Day", "11-03": "Culture Day", "11-23": "Labour Thanksgiving Day",
                   "12-31": "Bank holiday"},
    # South Korea. Public holidays and substitute holidays (Regulations on Holidays of
    # Government Offices); Constitution Day a holiday again from 2026 (Seoul Shinmun
    # 2026-01-29); banks close on Labour Day (wowtv, homesearch); local election day
    # 3 Jun 2026; on 31 Dec only the KRX and the FX market close (hankyoreh, hankyung).
    ("KR", 2026): {"01-01": "New Year's Day", "02-16": "Seollal", "02-17": "Seollal",
                   "02-18": "Seollal", "03-02": "Substitute for Independence Movement Day",
                   "05-01": "Labour Day", "05-05": "Children's Day",
                   "05-25": "Substitute for Buddha's Birthday", "06-03": "Local election day",
                   "07-17": "Constitution Day", "08-17": "Substitute for Liberation Day",
                   "09-24": "Chuseok", "09-25": "Chuseok",
                   "10-05": "Substitute for National Foundation Day", "10-09": "Hangul Day",
                   "12-25": "Christmas Day"},
    ("KR", 2027): {"01-01": "New Year's Day", "02-08": "Seollal", "02-09": "Substitute for Seollal",
                   "03-01": "Independence Movement Day", "05-03": "Substitute for Labour Day",
                   "05-05": "Children's Day", "05-13": "Buddha's Birthday",
                   "07-19": "Substitute for Constitution Day", "08-16": "Substitute for Liberation Day",
                   "09-14": "Chuseok", "09-15": "Chuseok", "09-16": "Chuseok",
                   "10-04": "Substitute for National Foundation Day",
                   "10-11": "Substitute for Hangul Day", "12-27": "Substitute for Christmas Day"},
    # China 2026. 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, Xinhua via gmw.cn):
    # 1-3 Jan, 15-23 Feb, 4-6 Apr, 1-5 May, 19-21 Jun, 25-27 Sep, 1-7 Oct.
    ("CN", 2026): {"01-01": "New Year", "01-02": "New Year (调休)", "02-16": "Spring Festival",
                   "02-17": "Spring Festival", "02-18": "Spring Festival", "02-19": "Spring Festival",
                   "02-20": "Spring Festival", "02-23": "Spring Festival", "04-06": "Qingming",
                   "05-01": "Labour Day", "05-04": "Labour Day", "05-05": "Labour Day",
                   "06-19": "Dragon Boat", "09-25": "Mid-Autumn", "10-01": "National Day",
                   "10-02": "National Day", "10-05": "National Day", "10-06": "National Day",
                   "10-07": "National Day"},
    # Saudi Arabia. SAMA's 2026-2029 schedule for financial institutions (Zawya and
    # Gulf Business, 2025-09-18): Eid al-Fitr 17-23 Mar 2026 and 7-11 Mar 2027, Eid
    # al-Adha 24-28 May 2026 and 16-20 May 2027, Founding Day 22 Feb, National Day
    # 23 Sep. Banks reopen the day after each range (no "observed" days).
    ("SA", 2026): {"02-22": "Founding Day", "03-17": "Eid al-Fitr", "03-18": "Eid al-Fitr",
                   "03-19": "Eid al-Fitr", "03-22": "Eid al-Fitr", "03-23": "Eid al-Fitr",
                   "05-24": "Eid al-Adha", "05-25": "Eid al-Adha", "05-26": "Eid al-Adha",
                   "05-27": "Eid al-Adha", "05-28": "Eid al-Adha", "09-23": "National Day"},
    ("SA", 2027): {"02-22": "Founding Day", "03-07": "Eid al-Fitr", "03-08": "Eid al-Fitr",
                   "03-09": "Eid al-Fitr", "03-10": "Eid al-Fitr", "03-11": "Eid al-Fitr",
                   "05-16": "Eid al-Adha", "05-17": "Eid al-Adha", "05-18": "Eid al-Adha",
                   "05-19": "Eid al-Adha", "05-20": "Eid al-Adha", "09-23": "National Day"},
    # United States. Federal Reserve K.8 "Holidays Observed by the Federal Reserve
    # System 2026-2030": a Saturday holiday leaves the Friday before open (3 Jul 2026;
    # 18 Jun, 24 Dec and 31 Dec 2027), a Sunday holiday closes the Monday after.
    ("US", 2026): {"01-01": "New Year's Day", "01-19": "Martin Luther King Jr. Day",
                   "02-16": "Washington's Birthday", "05-25": "Memorial Day", "06-19": "Juneteenth",
                   "09-07": "Labor Day", "10-12": "Columbus Day", "11-11": "Veterans Day",
                   "11-26": "Thanksgiving Day", "12-25": "Christmas Day"},
    ("US", 2027): {"01-01": "New Year's Day", "01-18": "Martin Luther King Jr. Day",
                   "02-15": "Washington's Birthday", "05-31": "Memorial Day",
                   "07-05": "Independence Day (Sunday, observed Monday)", "09-06": "Labor Day",
                   "10-11": "Columbus Day", "11-11": "Veterans Day", "11-25": "Thanksgiving Day"},
    # United Kingdom (England and Wales). Banking and Financial Dealings Act 1971
    # Sch. 1 and the gov.uk bank holiday list; Bacs, CHAPS and Faster Payments
    # settlement follow it. Boxing Day 2026 and Christmas/Boxing Day 2027 fall on
    # weekends and are substituted on the next weekdays.
    ("GB", 2026): {"01-01": "New Year's Day", "04-03": "Good Friday", "04-06": "Easter Monday",
                   "05-04": "Early May bank holiday", "05-25": "Spring bank holiday",
                   "08-31": "Summer bank holiday", "12-25": "Christmas Day",
                   "12-28": "Boxing Day (substitute)"},
    ("GB", 2027): {"01-01": "New Year's Day", "03-26": "Good Friday", "03-29": "Easter Monday",
                   "05-03": "Early May bank holiday", "05-31": "Spring bank holiday",
                   "08-30": "Summer bank holiday", "12-27": "Christmas Day (substitute)",
                   "12-28": "Boxing Day (substitute)"},
    # Switzerland 2026 (beyond the 14: the de-CH/fr-CH market). SIC's CHF settlement
    # holidays for 2026 as a payment provider publishes them (Nium: 1-2 Jan, 3 and
    # 6 Apr, 1, 14 and 25 May, 1 Aug, 25-26 Dec), matching QuantLib's Swiss calendar.
    # 1 Aug and 26 Dec 2026 fall on a Saturday; 24 and 31 Dec are clearing days.
    ("CH", 2026): {"01-01": "New Year's Day", "01-02": "Berchtold's Day", "04-03": "Good Friday",
                   "04-06": "Easter Monday", "05-01": "Labour Day", "05-14": "Ascension",
                   "05-25": "Whit Monday", "12-25": "Christmas Day"},
}

# (country, year) -> {"MM-DD": why}, weekend days on which banks work.
OPEN: dict[tuple[str, int], dict[str, str]] = {
    # China 2026: the make-up working days (上班) of the State Council notice.
    ("CN", 2026): {"01-04": "Sunday worked for New Year", "02-14": "Saturday worked for Spring Festival",
                   "02-28": "Saturday worked for Spring Festival",
                   "05-09": "Saturday worked for Labour Day",
                   "09-20": "Sunday worked for National Day", "10-10": "Saturday worked for National Day"},
}

#: China 2027: the State Council's notice is not published yet. Only the statutory
#: days (全国年节及纪念日放假办法, 2024 revision) that fall on weekdays are certain.
CN_2027_CERTAIN = {"01-01": "New Year", "02-05": "Spring Festival Eve", "02-08": "Spring Festival, day 3",
                   "04-05": "Qingming", "06-09": "Dragon Boat", "09-15": "Mid-Autumn",
                   "10-01": "National Day"}

MARKETS_14 = ["SE", "NO", "DK", "FI", "DE", "FR", "ES", "PL", "JP", "KR", "CN", "SA", "US", "GB"]
CASES = [(c, y) for c in MARKETS_14 for y in (2026, 2027) if (c, y) != ("CN", 2027)] + [("CH", 2026)]


def days_of(year: int) -> list[date]:
    """Every date of *year*."""
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize(("country", "year"), CASES, ids=[f"{c}-{y}" for c, y in CASES])
def test_every_day_matches_the_truth_table(country: str, year: int) -> None:
    """Every day of the year is a business day exactly when the market's banks process payments."""
    cal = BusinessCalendar(country)
    weekend = WEEKEND.get(country, {5, 6})
    closed = {date.fromisoformat(f"{year}-{md}") for md in CLOSED[(country, year)]}
    opened = {date.fromisoformat(f"{year}-{md}") for md in OPEN.get((country, year), {})}
    assert all(d.weekday() not in weekend for d in closed), "truth table lists a weekend day as closed"
    assert all(d.weekday() in weekend for d in opened), "truth table lists a weekday as opened"
    wrong = []
    for day in days_of(year):
        truth = (day.weekday() not in weekend and day not in closed) or day in opened
        if cal.is_business_day(day) != truth:
            wrong.append(f"{day} {day:%a}: library {'open' if not truth else 'closed'}, banks "
                         f"{'open' if truth else 'closed'}")
    assert wrong == []


def test_china_2027_is_estimated_but_keeps_the_statutory_days() -> None:
    """China 2027 is flagged as estimated, and its certain statutory weekdays are closed."""
    cal = BusinessCalendar("CN")
    assert cal.estimated_years(date(2026, 12, 1), date(2027, 1, 10)) == (2027,)
    assert cal.estimated_years(date(2026, 1, 1), date(2026, 12, 31)) == ()
    for md in CN_2027_CERTAIN:
        assert not cal.is_business_day(date.fromisoformat(f"2027-{md}")), md


def test_verified_years_of_each_file_are_in_the_truth_table() -> None:
    """A market file claims a year as verified only when this truth table checks it."""
    for country, found in MARKETS.items():
        for year in found.verified:
            assert (country, year) in CASES, (country, year)
    for country, year in CASES:
        assert year in MARKETS[country].verified, (country, year)
