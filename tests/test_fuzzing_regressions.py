"""Regressions of the fuzzing campaign's defects D3, D5, D9, D11 and D13, from its reproducers.

(D1, D4, D8 and D10 are in test_message.py; the catalog defects D2, D6, D7
and D12 in test_catalog_hardening.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from pathlib import Path

import holidays
import pytest
from click.testing import CliRunner

from i18nmail import BusinessCalendar, Mailer
from i18nmail.businessdays import COUNTRY_DATA_YEARS, supported_countries
from i18nmail.cli import main
from i18nmail.exceptions import ContextError, HolidayDataUnavailable

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)


def cli(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def cli_process(*args: str, stdin: int | None = None, input: bytes | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "i18nmail", *args], check=False, stdin=stdin, input=input,
                          capture_output=True, timeout=120, env={**os.environ, **(env or {})})


# --- D3: OverflowError near datetime.min / datetime.max ------------------------------------

@pytest.mark.parametrize(("locale", "now"), [
    ("ko-KR", datetime(9999, 12, 31, 23, 59, tzinfo=UTC)),
    ("en-US", datetime(1, 1, 1, tzinfo=UTC)),
    ("sv-SE", datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12)))),
])
def test_now_at_the_datetime_limits_is_a_value_error(mailer: Mailer, locale: str, now: datetime) -> None:
    """fuzzing D3: a `now` within a day of datetime.min/max raises ValueError, not OverflowError."""
    ctx = mailer.scenario("support_acknowledgement").sample("ko")
    with pytest.raises(ValueError):
        mailer.render("support_acknowledgement", locale=locale, context=ctx, now=now)


@pytest.mark.parametrize("start", [datetime(9999, 12, 31, 23, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)])
def test_calendar_start_at_the_datetime_limits_is_holiday_data_unavailable(start: datetime) -> None:
    """fuzzing D3: BusinessCalendar.add from an instant next to the limits raises HolidayDataUnavailable."""
    with pytest.raises(HolidayDataUnavailable):
        BusinessCalendar("SE").add(start, 3)
    with pytest.raises(HolidayDataUnavailable):
        BusinessCalendar("KR").window(start, 1, 2)


@pytest.mark.parametrize("args", [
    ("render", "refund_approved", "--locale", "sv", "--sample", "--now", "9999-12-31T23:59+00:00"),
    ("window", "--country", "SE", "--from", "9999-12-31T23:00+00:00", "--days", "1"),
    ("window", "--country", "KR", "--from", "0001-01-01T00:00+00:00", "--days", "1"),
])
def test_cli_at_the_datetime_limits_prints_one_line(args: tuple[str, ...]) -> None:
    """fuzzing D3: the CLI answers an instant at the limits with one error line and exit 1."""
    result = cli_process(*args)
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stderr
    assert len(result.stderr.decode().strip().splitlines()) == 1


# --- D5: deep JSON and closed stdin --------------------------------------------------------

@pytest.mark.parametrize("payload", ["[" * 100_000, '{"customer_name": ' + "[" * 100_000])
def test_deeply_nested_context_is_a_usage_error(tmp_path: Path, payload: str) -> None:
    """fuzzing D5: JSON nested 100,000 deep exits 2 with a one-line --context message."""
    path = tmp_path / "deep.json"
    path.write_text(payload, "utf-8")
    result = cli_process("render", "refund_approved", "--locale", "sv", "--context", str(path))
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"--context" in result.stderr and b"nested too deeply" in result.stderr


def test_closed_stdin_is_a_usage_error() -> None:
    """fuzzing D5: `--context -` with stdin closed (`<&-`) exits 2 with one line, no traceback."""
    code = ("import os, sys, subprocess; os.close(0); "
            "sys.exit(subprocess.run([sys.executable, '-m', 'i18nmail', 'render', 'refund_approved', "
            "'--locale', 'sv', '--context', '-'], stdin=None, close_fds=True).returncode)")
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"stdin" in result.stderr


def test_context_from_stdin_is_utf8_whatever_the_terminal_encoding() -> None:
    """fuzzing D13: `--context -` reads UTF-8 JSON even under PYTHONIOENCODING=ascii."""
    mailer = Mailer()
    sample = mailer.scenario("refund_approved").sample("sv")
    sample["customer_name"] = "Åsa Öberg"
    sample.pop("customer_given_name", None)  # greet by the full name given here
    sample.pop("customer_family_name", None)
    body = json.dumps(sample, ensure_ascii=False).encode("utf-8")
    result = cli_process("render", "refund_approved", "--locale", "sv", "--context", "-",
                         "--format", "json", "--now", "2026-12-22T09:00+00:00", input=body,
                         env={"PYTHONIOENCODING": "utf-8", "LANG": "C"})
    assert result.returncode == 0, result.stderr
    assert "Åsa Öberg" in json.loads(result.stdout)["text"]


# --- D9: lone surrogates -------------------------------------------------------------------

@pytest.mark.parametrize("inline_css", [True, False])
@pytest.mark.parametrize("field", ["order_number", "customer_name"])
def test_lone_surrogates_are_context_errors_naming_the_field(inline_css: bool, field: str) -> None:
    """fuzzing D9: a lone surrogate in a str field is a ContextError on that field, with or without CSS inlining."""
    mailer = Mailer(inline_css=inline_css)
    ctx = dict(mailer.scenario("refund_approved").sample("sv"), **{field: "A\ud800B"})
    with pytest.raises(ContextError) as info:
        mailer.render("refund_approved", locale="sv-SE", context=ctx, now=NOW)
    assert info.value.field == field and "surrogate" in str(info.value)


# --- D11: India's lunar holidays after 2035 -------------------------------------------------

def test_india_is_covered_only_where_its_lunar_holidays_are() -> None:
    """fuzzing D11: India's calendar covers 2001-2035; 2040 raises HolidayDataUnavailable, not business days."""
    cal = BusinessCalendar("IN")
    assert cal.years_covered() == (2001, 2035)
    with pytest.raises(HolidayDataUnavailable) as info:
        cal.window(date(2040, 1, 1), 3, 5)
    assert info.value.year == 2040 and info.value.country == "IN"
    assert cal.closure_name(date(2026, 3, 4)) is not None  # Holi is still there
    result = cli("window", "--country", "IN", "--from", "2040-01-01", "--days", "3")
    assert result.exit_code == 1 and "2040" in result.output


def test_no_country_warns_inside_the_years_it_claims() -> None:
    """fuzzing D11: no supported country's holiday data warns at the edges of years_covered() (COUNTRY_DATA_YEARS is complete)."""
    noisy = []
    for code in sorted(supported_countries()):
        cal = BusinessCalendar(code)
        first, last = cal.years_covered()
        for year in {first, last, min(max(2036, first), last)}:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                holidays.country_holidays(code, years=year, categories=cal.categories)
            if any(issubclass(w.category, UserWarning) and "available" in str(w.message) for w in caught):
                noisy.append((code, year))
    assert noisy == []
    assert set(COUNTRY_DATA_YEARS) == {"IN"}


# --- D13: low and cosmetic -----------------------------------------------------------------

def _loud(*_args: object) -> object:
    raise RuntimeError("the caller's own method ran")


class _LoudInt(int):
    __str__ = __repr__ = __format__ = __abs__ = __int__ = __index__ = _loud  # type: ignore[assignment]


class _LoudDecimal(Decimal):
    __str__ = __repr__ = __format__ = __abs__ = _loud  # type: ignore[assignment]


class _LoudStr(str):
    __str__ = __format__ = _loud  # type: ignore[assignment]


class _BrokenZone(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        raise RuntimeError("caller's own utcoffset")

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)


def test_int_decimal_and_str_subclasses_are_normalised(mailer: Mailer) -> None:
    """fuzzing D13: int/Decimal/str subclasses whose methods raise render exactly like plain values."""
    plain = dict(mailer.scenario("order_cancelled_out_of_stock").sample("sv"),
                 refund_amount=Decimal("129.00"), discount_percent=Decimal(15))
    loud = dict(plain, loyalty_points=_LoudInt(plain["loyalty_points"]),
                refund_amount=_LoudDecimal("129.00"), discount_percent=_LoudDecimal("15"),
                order_number=_LoudStr(plain["order_number"]))
    a = mailer.render("order_cancelled_out_of_stock", locale="sv-SE", context=plain, now=NOW)
    b = mailer.render("order_cancelled_out_of_stock", locale="sv-SE", context=loud, now=NOW)
    assert (a.subject, a.text, a.html) == (b.subject, b.text, b.html)


def test_a_tzinfo_that_raises_is_a_value_error(mailer: Mailer) -> None:
    """fuzzing D13: a `now` whose tzinfo raises gives ValueError, not the caller's RuntimeError."""
    ctx = mailer.scenario("refund_approved").sample("sv")
    with pytest.raises(ValueError, match="tzinfo"):
        mailer.render("refund_approved", locale="sv-SE", context=ctx, now=datetime(2026, 1, 1, tzinfo=_BrokenZone()))


def test_negative_refund_amounts_are_refused(mailer: Mailer) -> None:
    """fuzzing D13: refund_amount="-129.00" is a ContextError on the field, not "-$129.00"."""
    ctx = dict(mailer.scenario("refund_approved").sample("en"), refund_amount="-129.00")
    with pytest.raises(ContextError) as info:
        mailer.render("refund_approved", locale="en-US", context=ctx, now=NOW)
    assert info.value.field == "refund_amount"


@pytest.mark.parametrize("value", ['"x?bcc=evil@attacker.example&body="@shop.example', '"<script>"@x.com'])
def test_agent_email_cannot_add_mailto_fields_or_markup(mailer: Mailer, value: str) -> None:
    """fuzzing D13: an agent_email with ?, & or < is refused, so no mailto: Bcc and no <script in HTML."""
    ctx = dict(mailer.scenario("support_acknowledgement").sample("en"), agent_email=value)
    with pytest.raises(ContextError) as info:
        mailer.render("support_acknowledgement", locale="en-US", context=ctx, now=NOW)
    assert info.value.field == "agent_email"


@pytest.mark.parametrize("verb", [("compile",), ("update",), ("stats",), ("check",)])
def test_a_misspelled_catalogs_folder_is_a_usage_error(tmp_path: Path, verb: tuple[str, ...]) -> None:
    """fuzzing D13: `--catalogs typo compile` (and update, stats, check) exits 2 instead of 0."""
    result = cli("--catalogs", str(tmp_path / "typo"), *verb)
    assert result.exit_code == 2 and "no such folder" in result.output


def test_country_codes_are_ascii() -> None:
    """fuzzing D13: `window --country ſE` is a usage error ('ſE'.upper() == 'SE')."""
    result = cli("window", "--country", "\u017fE", "--from", "2026-12-22", "--days", "3")
    assert result.exit_code == 2


def test_a_closed_output_pipe_is_one_line_on_stderr() -> None:
    """fuzzing D13: `i18nmail render ... | true` (the reader gone) exits 1 with one line, no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the first write fails with EPIPE
    try:
        result = subprocess.run([sys.executable, "-m", "i18nmail", "render", "refund_approved", "--sample",
                                 "--locale", "sv-SE", "--format", "text"], check=False, stdout=write_end,
                                stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "broken pipe" in lines[0] and "Traceback" not in lines[0]
