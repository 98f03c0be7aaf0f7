"""The project's own date, time and date-range patterns for the shipped languages.

CLDR is the starting point, but CLDR changes between Babel releases: month
abbreviations (Finnish ``marrask.`` became ``marras``), day periods (Korean
``AM`` became ``오전``), interval patterns (Chinese ``至`` became `` – ``) and the
space before AM/PM all moved in recent releases, and some CLDR patterns are
not what shops write (raw UTC offsets, ``26–pon., 30 lis``). An email must not
change because a dependency was upgraded, so every pattern and every name an
email shows in a shipped language lives here, written the way that market's
customer service writes it, and is applied without asking Babel. Languages
not listed here (a shop's own catalog in Dutch, say) fall back to Babel's CLDR
patterns in :mod:`i18nmail.formatting`.

Pattern letters follow CLDR/LDML, restricted to what emails use: ``d dd``
(day), ``M MM MMM MMMM`` (month number, abbreviated, wide), ``y`` (year),
``E``/``EEE`` and ``EEEE`` (weekday abbreviated, wide), ``H HH h hh`` (hour),
``mm`` (minute), ``a`` (day period) and ``'quoted text'``.

>>> from datetime import date
>>> patterns_for("sv", "SE").format(date(2026, 12, 29), "EEEE d MMMM y")
'tisdag 29 december 2026'
>>> patterns_for("sv", "SE").range(date(2026, 11, 26), date(2026, 11, 30))
'tors 26 – mån 30 nov. 2026'
>>> patterns_for("pl", "PL").range(date(2026, 12, 29), date(2026, 12, 31))
'29–31 grudnia 2026'
>>> patterns_for("nl", "NL") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Final

__all__ = ["PATTERNS", "DatePatterns", "patterns_for"]

#: The types, under names the fields ``date`` and ``datetime`` do not shadow.
_Date = date
_DateTime = datetime

_TOKEN = re.compile(r"'((?:[^']|'')*)'|([A-Za-z])\2*")
_SUPPORTED = frozenset({"d", "dd", "M", "MM", "MMM", "MMMM", "y", "E", "EEE", "EEEE",
                        "H", "HH", "h", "hh", "mm", "a"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DatePatterns:
    """How one language (and region group) writes dates, times and ranges.

    ``range_*`` are ``(first, separator, last)``: ``range_day`` when both dates
    share month and year, ``range_month`` when they share the year only,
    ``range_year`` otherwise.
    """

    days: tuple[str, ...]           # EEEE, Monday first
    days_abbr: tuple[str, ...]      # E / EEE
    months: tuple[str, ...]         # MMMM, as inside a date ("grudnia", "joulukuuta")
    months_abbr: tuple[str, ...]    # MMM
    periods: tuple[str, str]        # a: before noon, after noon
    date: str                       # a date in running text
    weekday_date: str               # a date with its weekday
    datetime: str                   # date and time of an event, in the customer's zone
    range_day: tuple[str, str, str]
    range_month: tuple[str, str, str]
    range_year: tuple[str, str, str]
    single: str                     # a "range" of one day
    first_of_month: str | None = None  # French "1er"
    zone: str = "{datetime} {zone}"  # a time shown in another zone than the customer's
    _formatted: dict[tuple[_Date, str], str] = field(default_factory=dict, compare=False, repr=False, init=False)
    _compiled: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict, compare=False,
                                                             repr=False)

    def __post_init__(self) -> None:
        for name in ("days", "days_abbr"):
            if len(getattr(self, name)) != 7:
                raise ValueError(f"{name} needs 7 names, Monday first")
        for name in ("months", "months_abbr"):
            if len(getattr(self, name)) != 12:
                raise ValueError(f"{name} needs 12 names")
        for pattern in (self.date, self.weekday_date, self.datetime, self.single,
                        *self.range_day[::2], *self.range_month[::2], *self.range_year[::2]):
            self._tokens(pattern)

    def _tokens(self, pattern: str) -> tuple[tuple[str, str], ...]:
        found = self._compiled.get(pattern)
        if found is None:
            tokens: list[tuple[str, str]] = []
            pos = 0
            for match in _TOKEN.finditer(pattern):
                if match.start() > pos:
                    tokens.append(("", pattern[pos:match.start()]))
                if match.group(1) is not None:
                    tokens.append(("", match.group(1).replace("''", "'") or "'"))
                else:
                    letters = match.group(0)
                    if letters not in _SUPPORTED:
                        raise ValueError(f"unsupported pattern field {letters!r} in {pattern!r}")
                    tokens.append((letters, ""))
                pos = match.end()
            if pos < len(pattern):
                tokens.append(("", pattern[pos:]))
            found = tuple(tokens)
            self._compiled[pattern] = found
        return found

    def format(self, value: _Date | _DateTime, pattern: str) -> str:
        """Write *value* with *pattern* (a datetime is taken as it is: move it to
        the customer's zone first).

        A date is written once per pattern and remembered: every email of a
        day shows the same few dates (refund windows, "valid until").
        """
        if type(value) is _Date:
            key = (value, pattern)
            found = self._formatted.get(key)
            if found is None:
                found = self._write(value, pattern)
                if len(self._formatted) >= 2048:
                    self._formatted.clear()
                self._formatted[key] = found
            return found
        return self._write(value, pattern)

    def _write(self, value: _Date | _DateTime, pattern: str) -> str:
        out: list[str] = []
        for letters, text in self._tokens(pattern):
            if not letters:
                out.append(text)
            elif letters == "d":
                first = self.first_of_month if value.day == 1 else None
                out.append(first or str(value.day))
            elif letters == "dd":
                out.append(f"{value.day:02d}")
            elif letters == "M":
                out.append(str(value.month))
            elif letters == "MM":
                out.append(f"{value.month:02d}")
            elif letters == "MMM":
                out.append(self.months_abbr[value.month - 1])
            elif letters == "MMMM":
                out.append(self.months[value.month - 1])
            elif letters == "y":
                out.append(str(value.year))
            elif letters in ("E", "EEE"):
                out.append(self.days_abbr[value.weekday()])
            elif letters == "EEEE":
                out.append(self.days[value.weekday()])
            else:
                if not isinstance(value, _DateTime):
                    raise TypeError(f"pattern field {letters!r} needs a datetime")
                if letters == "H":
                    out.append(str(value.hour))
                elif letters == "HH":
                    out.append(f"{value.hour:02d}")
                elif letters in ("h", "hh"):
                    hour = value.hour % 12 or 12
                    out.append(f"{hour:02d}" if letters == "hh" else str(hour))
                elif letters == "mm":
                    out.append(f"{value.minute:02d}")
                else:  # "a"
                    out.append(self.periods[value.hour >= 12])
        return "".join(out)

    def range(self, first: _Date, last: _Date) -> str:
        """Write the dates *first* to *last* as this language writes a range."""
        if first == last:
            return self.format(first, self.single)
        if (first.year, first.month) == (last.year, last.month):
            left, sep, right = self.range_day
        elif first.year == last.year:
            left, sep, right = self.range_month
        else:
            left, sep, right = self.range_year
        return f"{self.format(first, left)}{sep}{self.format(last, right)}"


_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_DAYS_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_EN_MONTHS_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DE_DAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_DE_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
              "Oktober", "November", "Dezember")
_DE_MONTHS_ABBR = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",
                   "Nov.", "Dez.")
_CJK_MONTHS = tuple(f"{n}月" for n in range(1, 13))

_EN_US = DatePatterns(
    days=_EN_DAYS, days_abbr=_EN_DAYS_ABBR, months=_EN_MONTHS, months_abbr=_EN_MONTHS_ABBR,
    periods=("AM", "PM"),
    date="MMMM d, y",                           # December 31, 2026
    weekday_date="EEEE, MMMM d, y",             # Monday, January 4, 2027
    datetime="MMM d, y, h:mm a",                # Nov 23, 2026, 3:15 AM
    range_day=("EEE, MMM d", " – ", "EEE, MMM d, y"),
    range_month=("EEE, MMM d", " – ", "EEE, MMM d, y"),
    range_year=("EEE, MMM d, y", " – ", "EEE, MMM d, y"),
    single="EEE, MMM d, y",
)

_EN_GB = DatePatterns(
    days=_EN_DAYS, days_abbr=_EN_DAYS_ABBR, months=_EN_MONTHS, months_abbr=_EN_MONTHS_ABBR,
    periods=("am", "pm"),
    date="d MMMM y",                            # 31 December 2026
    weekday_date="EEEE d MMMM y",               # Monday 4 January 2027
    datetime="d MMM y 'at' HH:mm",              # 23 Nov 2026 at 08:15
    range_day=("EEE d", " – ", "EEE d MMM y"),
    range_month=("EEE d MMM", " – ", "EEE d MMM y"),
    range_year=("EEE d MMM y", " – ", "EEE d MMM y"),
    single="EEE d MMM y",
)

_SV = DatePatterns(
    days=("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    days_abbr=("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    months=("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
            "september", "oktober", "november", "december"),
    months_abbr=("jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.",
                 "nov.", "dec."),
    periods=("fm", "em"),
    date="d MMMM y",                            # 31 december 2026
    weekday_date="EEEE d MMMM y",               # måndag 4 januari 2027
    datetime="d MMM y 'kl.' HH.mm",             # 23 nov. 2026 kl. 09.15 (Språkrådet)
    range_day=("EEE d", " – ", "EEE d MMM y"),  # tors 26 – mån 30 nov. 2026
    range_month=("EEE d MMM", " – ", "EEE d MMM y"),
    range_year=("EEE d MMM y", " – ", "EEE d MMM y"),
    single="EEE d MMM y",
)

_NB = DatePatterns(
    days=("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    days_abbr=("man.", "tir.", "ons.", "tor.", "fre.", "lør.", "søn."),
    months=("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
            "oktober", "november", "desember"),
    months_abbr=("jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.",
                 "nov.", "des."),
    periods=("a.m.", "p.m."),
    date="d. MMMM y",                           # 31. desember 2026
    weekday_date="EEEE d. MMMM y",              # mandag 4. januar 2027
    datetime="d. MMM y 'kl.' HH.mm",            # 23. nov. 2026 kl. 09.15
    range_day=("EEE d.", " – ", "EEE d. MMM y"),
    range_month=("EEE d. MMM", " – ", "EEE d. MMM y"),
    range_year=("EEE d. MMM y", " – ", "EEE d. MMM y"),
    single="EEE d. MMM y",
)

_DA = DatePatterns(
    days=("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    days_abbr=("man.", "tirs.", "ons.", "tors.", "fre.", "lør.", "søn."),
    months=("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
            "oktober", "november", "december"),
    months_abbr=("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.",
                 "nov.", "dec."),
    periods=("AM", "PM"),
    date="d. MMMM y",                           # 31. december 2026
    weekday_date="EEEE 'den' d. MMMM y",        # onsdag den 6. januar 2027
    datetime="d. MMM y 'kl.' HH.mm",            # 23. nov. 2026 kl. 09.15
    range_day=("EEE d.", " – ", "EEE d. MMM y"),
    range_month=("EEE d. MMM", " – ", "EEE d. MMM y"),
    range_year=("EEE d. MMM y", " – ", "EEE d. MMM y"),
    single="EEE d. MMM y",
)

_FI = DatePatterns(
    days=("maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai"),
    days_abbr=("ma", "ti", "ke", "to", "pe", "la", "su"),
    months=("tammikuuta", "helmikuuta", "maaliskuuta", "huhtikuuta", "toukokuuta", "kesäkuuta",
            "heinäkuuta", "elokuuta", "syyskuuta", "lokakuuta", "marraskuuta", "joulukuuta"),
    months_abbr=("tammik.", "helmik.", "maalisk.", "huhtik.", "toukok.", "kesäk.", "heinäk.",
                 "elok.", "syysk.", "lokak.", "marrask.", "jouluk."),
    periods=("ap.", "ip."),
    # Finnish shops write dates in numbers: 31.12.2026, ti 29.12. – to 31.12.2026.
    date="d.M.y",
    weekday_date="EEEE d.M.y",                  # tiistai 5.1.2027
    datetime="d.M.y 'klo' H.mm",                # 23.11.2026 klo 10.15
    range_day=("EEE d.M.", " – ", "EEE d.M.y"),
    range_month=("EEE d.M.", " – ", "EEE d.M.y"),
    range_year=("EEE d.M.y", " – ", "EEE d.M.y"),
    single="EEE d.M.y",
)

_DE = DatePatterns(
    days=_DE_DAYS, days_abbr=("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."),
    months=_DE_MONTHS, months_abbr=_DE_MONTHS_ABBR,
    periods=("AM", "PM"),
    date="d. MMMM y",                           # 31. Dezember 2026
    weekday_date="EEEE, d. MMMM y",             # Montag, 4. Januar 2027
    datetime="dd.MM.y, HH:mm 'Uhr'",            # 23.11.2026, 09:15 Uhr (DIN 5008)
    range_day=("EEE, d.", " – ", "EEE, d. MMM y"),
    range_month=("EEE, d. MMM", " – ", "EEE, d. MMM y"),
    range_year=("EEE, d. MMM y", " – ", "EEE, d. MMM y"),
    single="EEE, d. MMM y",
)

_DE_AT = replace(
    _DE,
    months=("Jänner", *_DE_MONTHS[1:]),
    months_abbr=("Jän.", *_DE_MONTHS_ABBR[1:]),
)

_FR = DatePatterns(
    days=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    days_abbr=("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
            "octobre", "novembre", "décembre"),
    months_abbr=("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                 "oct.", "nov.", "déc."),
    periods=("AM", "PM"),
    date="d MMMM y",                            # 31 décembre 2026, 1er janvier 2027
    weekday_date="EEEE d MMMM y",               # lundi 4 janvier 2027
    datetime="d MMMM y 'à' HH:mm",              # 23 novembre 2026 à 09:15
    range_day=("EEE d", " – ", "EEE d MMM y"),
    range_month=("EEE d MMM", " – ", "EEE d MMM y"),
    range_year=("EEE d MMM y", " – ", "EEE d MMM y"),
    single="EEE d MMM y",
    first_of_month="1er",
)

_ES = DatePatterns(
    days=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    # RAE abbreviations, with their period.
    days_abbr=("lun.", "mar.", "mié.", "jue.", "vie.", "sáb.", "dom."),
    months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
            "septiembre", "octubre", "noviembre", "diciembre"),
    months_abbr=("ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.",
                 "nov.", "dic."),
    periods=("a. m.", "p. m."),
    date="d 'de' MMMM 'de' y",                  # 31 de diciembre de 2026
    weekday_date="EEEE d 'de' MMMM 'de' y",     # lunes 4 de enero de 2027 (no comma: RAE)
    datetime="d 'de' MMMM 'de' y, 'a las' H:mm",  # 23 de noviembre de 2026, a las 9:15
    range_day=("EEE d", " – ", "EEE d MMM y"),  # jue. 26 – lun. 30 nov. 2026
    range_month=("EEE d MMM", " – ", "EEE d MMM y"),
    range_year=("EEE d MMM y", " – ", "EEE d MMM y"),
    single="EEE d MMM y",
)

_PL = DatePatterns(
    days=("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    days_abbr=("pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz."),
    months=("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
            "września", "października", "listopada", "grudnia"),
    months_abbr=("sty.", "lut.", "mar.", "kwi.", "maj", "cze.", "lip.", "sie.", "wrz.", "paź.",
                 "lis.", "gru."),
    periods=("AM", "PM"),
    date="d MMMM y",                            # 31 grudnia 2026
    weekday_date="EEEE, d MMMM y",              # wtorek, 5 stycznia 2027
    datetime="d MMMM y, 'godz.' HH:mm",         # 23 listopada 2026, godz. 09:15
    range_day=("d", "–", "d MMMM y"),           # 29–31 grudnia 2026
    range_month=("d MMMM", " – ", "d MMMM y"),  # 30 listopada – 2 grudnia 2026
    range_year=("d MMMM y", " – ", "d MMMM y"),
    single="EEEE, d MMMM y",
)

_KO = DatePatterns(
    days=("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"),
    days_abbr=("월", "화", "수", "목", "금", "토", "일"),
    months=tuple(f"{n}월" for n in range(1, 13)), months_abbr=tuple(f"{n}월" for n in range(1, 13)),
    periods=("오전", "오후"),
    date="y년 M월 d일",                          # 2026년 12월 31일
    weekday_date="y년 M월 d일(E)",               # 2027년 1월 4일(월)
    datetime="y년 M월 d일(E) a h:mm",            # 2026년 11월 23일(월) 오후 5:15
    range_day=("y년 M월 d일(E)", " ~ ", "d일(E)"),
    range_month=("y년 M월 d일(E)", " ~ ", "M월 d일(E)"),
    range_year=("y년 M월 d일(E)", " ~ ", "y년 M월 d일(E)"),
    single="y년 M월 d일(E)",
)

_JA = DatePatterns(
    days=("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日"),
    days_abbr=("月", "火", "水", "木", "金", "土", "日"),
    months=_CJK_MONTHS, months_abbr=_CJK_MONTHS,
    periods=("午前", "午後"),
    # One width for brackets, as in the catalog's （注文番号：…）.
    date="y年M月d日",                            # 2026年12月31日
    weekday_date="y年M月d日（E）",               # 2027年1月4日（月）
    datetime="y年M月d日（E）H:mm",               # 2026年11月23日（月）17:15
    range_day=("y年M月d日（E）", "～", "d日（E）"),
    range_month=("y年M月d日（E）", "～", "M月d日（E）"),
    range_year=("y年M月d日（E）", "～", "y年M月d日（E）"),
    single="y年M月d日（E）",
)

_ZH_HANS = DatePatterns(
    days=("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
    days_abbr=("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    months=_CJK_MONTHS, months_abbr=_CJK_MONTHS,
    periods=("上午", "下午"),
    date="y年M月d日",                            # 2026年12月31日
    weekday_date="y年M月d日（E）",               # 2026年12月31日（周四）
    datetime="y年M月d日 HH:mm",                  # 2026年11月23日 16:15
    range_day=("y年M月d日（E）", "至", "M月d日（E）"),  # 2026年12月25日（周五）至12月29日（周二）
    range_month=("y年M月d日（E）", "至", "M月d日（E）"),
    range_year=("y年M月d日（E）", "至", "y年M月d日（E）"),
    single="y年M月d日（E）",
)

_AR_DAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
_AR_MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
              "أكتوبر", "نوفمبر", "ديسمبر")
_AR = DatePatterns(
    days=_AR_DAYS, days_abbr=_AR_DAYS, months=_AR_MONTHS, months_abbr=_AR_MONTHS,
    periods=("ص", "م"),
    # Latin digits, as Saudi e-commerce and banking apps write them (see formatting).
    date="d MMMM y",                            # 31 ديسمبر 2026
    weekday_date="EEEE، d MMMM y",              # الخميس، 31 ديسمبر 2026
    datetime="d MMMM y، 'الساعة' h:mm a",       # 23 نوفمبر 2026، الساعة 11:15 ص
    range_day=("EEEE d", " – ", "EEEE d MMMM y"),   # الخميس 26 – الاثنين 30 نوفمبر 2026
    range_month=("EEEE d MMMM", " – ", "EEEE d MMMM y"),
    range_year=("EEEE d MMMM y", " – ", "EEEE d MMMM y"),
    single="EEEE d MMMM y",
)

#: Patterns by key: a language, or ``language_Script``/``language_REGION`` where
#: a region or script writes dates differently.
PATTERNS: Final[dict[str, DatePatterns]] = {
    "ar": _AR,
    "da": _DA,
    "de": _DE,
    "de_AT": _DE_AT,
    "en": _EN_US,
    "en_GB": _EN_GB,
    "es": _ES,
    "fi": _FI,
    "fr": _FR,
    "ja": _JA,
    "ko": _KO,
    "nb": _NB,
    "pl": _PL,
    "sv": _SV,
    "zh_Hans": _ZH_HANS,
}

#: English regions that write dates the US way; every other region writes
#: them the British way (CLDR's en_001 family: GB, IE, AU, NZ, IN, ZA, ...).
_US_STYLE_ENGLISH = frozenset({"US", "AS", "GU", "MP", "PR", "UM", "VI", "CA", "PH", "MH"})
_SIMPLIFIED_REGIONS = frozenset({"CN", "SG", "MY"})


def patterns_for(language: str, region: str | None = None, script: str | None = None,
                 ) -> DatePatterns | None:
    """The project's patterns for a language and region, or ``None`` when the
    language has none (the caller then uses CLDR through Babel).

    >>> patterns_for("en", "AU") is PATTERNS["en_GB"], patterns_for("en", "US") is PATTERNS["en"]
    (True, True)
    >>> patterns_for("zh", "TW") is None, patterns_for("zh", "CN", "Hans") is PATTERNS["zh_Hans"]
    (True, True)
    """
    if language == "en":
        return PATTERNS["en"] if region is None or region in _US_STYLE_ENGLISH else PATTERNS["en_GB"]
    if language == "zh":
        simplified = script == "Hans" or (script is None and (region is None or region in _SIMPLIFIED_REGIONS))
        return PATTERNS["zh_Hans"] if simplified else None
    if language in ("no", "nn"):
        language = "nb"
    if region is not None and f"{language}_{region}" in PATTERNS:
        return PATTERNS[f"{language}_{region}"]
    return PATTERNS.get(language)
