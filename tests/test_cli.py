"""The i18nmail command line: scenarios, render, window (exit codes 0/1/2)."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from i18nmail import Mailer
from i18nmail.cli import main

NOW = "2026-12-22T09:00:00+00:00"


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_scenarios_json_lists_fields_and_samples() -> None:
    """`scenarios --format json` gives id, typed required/optional fields and a JSON-ready sample."""
    result = run("scenarios", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data) == 14
    first = {d["id"]: d for d in data}["refund_approved"]
    assert {"name": "refund_amount", "type": "money"}.items() <= first["required"][2].items() or any(
        f["name"] == "refund_amount" and f["type"] == "money" for f in first["required"])
    assert first["sample"]["refund_amount"] == "129.00"


def test_scenarios_text_lists_ids() -> None:
    """`scenarios` prints one line per scenario."""
    result = run("scenarios")
    assert result.exit_code == 0 and "refund_not_received" in result.output


def test_render_json_has_all_parts() -> None:
    """`render --format json` prints subject, preheader, text, html, locale and fallbacks."""
    result = run("render", "refund_approved", "--locale", "en-US", "--sample", "--format", "json", "--now", NOW)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"subject", "preheader", "text", "html", "locale", "fallbacks"} <= set(data)
    assert data["locale"] == "en-US" and data["fallbacks"] == []


def test_render_context_file_and_stdin_agree(tmp_path: Path) -> None:
    """--context FILE and --context - give the same email as --sample with the same data."""
    # The sample's relative dates ("today-1") resolved at the same now as the render.
    context = Mailer().scenario("refund_status").sample("en", now=datetime.fromisoformat(NOW))
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps(context), "utf-8")
    from_file = run("render", "refund_status", "--locale", "en", "--context", str(path), "--now", NOW)
    from_stdin = run("render", "refund_status", "--locale", "en", "--context", "-", "--now", NOW,
                     input=json.dumps(context))
    from_sample = run("render", "refund_status", "--locale", "en", "--sample", "--now", NOW)
    assert from_file.exit_code == from_stdin.exit_code == 0
    assert from_file.output == from_stdin.output == from_sample.output


def test_render_eml_is_a_parseable_message() -> None:
    """`render --format eml` prints a MIME message with the customer as recipient."""
    result = run("render", "refund_approved", "--locale", "en", "--sample", "--format", "eml", "--now", NOW,
                 "--recipient", "emma@example.org")
    assert result.exit_code == 0
    msg = email.message_from_string(result.output, policy=email.policy.default)
    assert msg["To"] == "emma@example.org"
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Content-Language"] == "en"


def test_unknown_scenario_exits_1_with_suggestion() -> None:
    """An unknown scenario is one line on stderr with a suggestion, exit code 1."""
    result = CliRunner().invoke(main, ["render", "refund_aproved", "--locale", "en", "--sample"])
    assert result.exit_code == 1
    assert "Did you mean 'refund_approved'" in result.output
    assert "Traceback" not in result.output


def test_bad_context_exits_1_naming_the_field(tmp_path: Path) -> None:
    """A context with a float amount fails with the field named."""
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps({"customer_name": "A", "order_number": "1", "refund_amount": 1.5,
                                "refund_method": "card"}), "utf-8")
    result = CliRunner().invoke(main, ["render", "refund_approved", "--locale", "en", "--context", str(path)])
    assert result.exit_code == 1
    assert "refund_amount" in result.output and "Traceback" not in result.output


def test_invalid_json_is_a_usage_error(tmp_path: Path) -> None:
    """Malformed JSON context is a usage error (exit 2) with the line number."""
    path = tmp_path / "ctx.json"
    path.write_text("{\n  'single quotes': 1\n}", "utf-8")
    result = CliRunner().invoke(main, ["render", "refund_approved", "--locale", "en", "--context", str(path)])
    assert result.exit_code == 2 and "line 2" in result.output


def test_sample_and_context_are_exclusive() -> None:
    """Giving neither or both of --sample and --context is a usage error (exit 2)."""
    assert CliRunner().invoke(main, ["render", "refund_approved", "--locale", "en"]).exit_code == 2
    both = CliRunner().invoke(main, ["render", "refund_approved", "--locale", "en", "--sample", "--context", "-"])
    assert both.exit_code == 2


def test_naive_now_is_a_usage_error() -> None:
    """--now with a time but no offset is refused."""
    result = CliRunner().invoke(main, ["render", "refund_status", "--locale", "en", "--sample", "--now",
                                       "2026-12-22T09:00"])
    assert result.exit_code == 2


def test_window_prints_two_dates_and_a_sentence() -> None:
    """`window` for SE from 2026-12-22, 3-5 days, prints 2026-12-29 and 2027-01-04."""
    result = run("window", "--country", "SE", "--from", "2026-12-22", "--days", "3-5", "--locale", "sv")
    assert result.exit_code == 0
    first_line, sentence = result.output.strip().splitlines()
    assert first_line.split() == ["2026-12-29", "2027-01-04"]
    assert "2026" in sentence


def test_window_json() -> None:
    """`window --format json` gives ISO dates and the text."""
    result = run("window", "--country", "KR", "--from", "2026-09-23", "--days", "2", "--format", "json")
    data = json.loads(result.output)
    assert data["first"] == data["last"] == "2026-09-29"  # Chuseok 24-26 Sept, then the weekend
    assert data["text"]


def test_window_bad_days_is_a_usage_error() -> None:
    """--days must be N or LOW-HIGH with LOW <= HIGH."""
    assert CliRunner().invoke(main, ["window", "--country", "SE", "--from", "2026-12-22", "--days", "5-3"]).exit_code == 2
    assert CliRunner().invoke(main, ["window", "--country", "SE", "--from", "2026-12-22", "--days", "x"]).exit_code == 2


def test_window_unknown_country_exits_1() -> None:
    """An unknown country is a clear error, exit 1."""
    result = CliRunner().invoke(main, ["window", "--country", "QQ", "--from", "2026-12-22", "--days", "3-5"])
    assert result.exit_code == 1 and "QQ" in result.output


def test_python_dash_m_works() -> None:
    """`python -m i18nmail` runs the same command line."""
    result = subprocess.run([sys.executable, "-m", "i18nmail", "scenarios"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and "refund_approved" in result.stdout


def test_pseudo_locale_renders_from_the_cli() -> None:
    """`render --locale en-XA` shows the pseudo-locale."""
    result = run("render", "refund_status", "--locale", "en-XA", "--sample", "--now", NOW)
    assert result.exit_code == 0 and result.stdout.startswith("[")
