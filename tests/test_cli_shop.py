"""The CLI for a shop: options before or after any verb, --shop/pyproject, --strict, validate, override."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from i18nmail.cli import main
from i18nmail.preview import PreviewApp
from i18nmail.render import Mailer
from tests.catalog_builders import po_text, write_po

SHOP_TOML = """\
[tool.i18nmail.shop]
name = "Nordic Home"
support_email = "help@nordichome.se"
help_centre_url = "https://nordichome.se/help"
refund_policy_url = "https://nordichome.se/returns"
website_url = "https://nordichome.se"
brand_colour = "#0a7d5a"
currency = "SEK"
country = "SE"
locales = ["sv", "nb"]
signature_title = { en = "Customer care", sv = "Kundtjänst" }
"""


def run(*args: str) -> Result:
    """Invoke the CLI in the current directory."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def shop_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shop checkout: pyproject.toml with the shop table, empty emails/ folders."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(SHOP_TOML, "utf-8")
    (tmp_path / "emails" / "templates" / "scenarios").mkdir(parents=True)
    (tmp_path / "emails" / "catalogs").mkdir(parents=True)
    return tmp_path


VERBS = {
    "scenarios": [], "render": ["refund_status", "--locale", "sv", "--sample"],
    "window": ["--country", "SE", "--from", "2026-12-22", "--days", "3-5"],
    "extract": [], "update": [], "init": ["da"], "compile": [], "stats": [], "check": [],
    "override": ["sv", "Kind regards,", "--context", "closing"], "validate": ["-l", "sv"],
    "preview": ["--help"],
}


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("verb", sorted(VERBS))
def test_global_options_work_before_or_after_every_verb(shop_dir: Path, verb: str, where: str) -> None:
    """--templates/--catalogs/--shop/--strict parse on either side of every verb (trial, A-row on option order)."""
    shared = ["--templates", "emails/templates", "--catalogs", "emails/catalogs", "--shop", "pyproject.toml",
              "--strict"]
    if verb in ("update", "init", "compile", "stats", "check"):
        run(*shared, "extract")
    if verb in ("compile", "stats", "check"):
        run(*shared, "init", "nb")
    args = [*shared, verb, *VERBS[verb]] if where == "before" else [verb, *VERBS[verb], *shared]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


def test_repeated_catalogs_are_searched_in_order(shop_dir: Path) -> None:
    """Two --catalogs folders: the first one's sentence wins, the second fills in."""
    write_po(shop_dir / "a", "sv", po_text('msgctxt "greeting"\nmsgid "Hi %(name)s,"\nmsgstr "Tjena %(name)s!"\n'))
    write_po(shop_dir / "b", "sv", po_text('msgctxt "greeting"\nmsgid "Hi %(name)s,"\nmsgstr "Hallå %(name)s!"\n'
                                           'msgctxt "closing"\nmsgid "Kind regards,"\nmsgstr "Kram,"\n'))
    result = run("render", "refund_status", "--locale", "sv", "--sample", "--catalogs", "a", "--catalogs", "b")
    assert result.output.startswith("Tjena ") and "Kram," in result.output


def test_render_reads_the_shop_from_pyproject(shop_dir: Path) -> None:
    """Without --shop the CLI uses [tool.i18nmail.shop] of ./pyproject.toml: name, colour, title, currency."""
    result = run("render", "refund_approved", "--locale", "sv", "--sample", "--format", "html")
    assert "Nordic Home" in result.output and "#0a7d5a" in result.output and "Kundtjänst" in result.output
    assert "shop.example" not in result.output


def test_shop_option_reads_another_file(shop_dir: Path) -> None:
    """--shop FILE reads a [shop] table or top-level settings from any TOML file."""
    (shop_dir / "other.toml").write_text('[shop]\nname = "Fjord Goods"\n', "utf-8")
    result = run("render", "refund_status", "--locale", "en", "--sample", "--shop", "other.toml")
    assert "Fjord Goods" in result.output
    missing = CliRunner().invoke(main, ["--shop", "nope.toml", "scenarios"])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_strict_render_fails_on_a_fallback(shop_dir: Path) -> None:
    """--strict turns a sentence missing in the customer's language into exit 1 naming the sentence."""
    (shop_dir / "emails" / "templates" / "scenarios" / "hello.toml").write_text(
        'description = "x"\n[sample]\ncustomer_name = "Emma"\n', "utf-8")
    (shop_dir / "emails" / "templates" / "scenarios" / "hello.j2").write_text(
        '{% extends layout %}{% import components as ui with context %}'
        '{% block subject %}{{ _("Hello there") }}{% endblock %}{% block preheader %}{% endblock %}'
        '{% block body %}{{ ui.greeting() }}{% endblock %}\n', "utf-8")
    lax = CliRunner().invoke(main, ["--templates", "emails/templates", "render", "hello", "--locale", "sv",
                                    "--sample"])
    assert lax.exit_code == 0
    strict = CliRunner().invoke(main, ["render", "hello", "--locale", "sv", "--sample", "--strict",
                                       "--templates", "emails/templates"])
    assert strict.exit_code == 1 and "strict mode" in strict.output and "Hello there" in strict.output


def test_validate_exits_1_naming_file_and_line_of_a_broken_override(shop_dir: Path) -> None:
    """`i18nmail validate` reports a template syntax error in the shop's override as path:line and exits 1."""
    path = shop_dir / "emails" / "templates" / "scenarios" / "refund_status.toml"
    path.with_suffix(".j2").write_text("{% extends layout %}\n{% block subject %}{{ _('x' }}{% endblock %}\n",
                                       "utf-8")
    result = CliRunner().invoke(main, ["validate", "--templates", "emails/templates", "-l", "sv"])
    assert result.exit_code == 1
    assert "emails/templates/scenarios/refund_status.j2:2: template-syntax:" in result.output
    clean = CliRunner().invoke(main, ["validate", "-l", "sv", "--format", "json"])
    assert clean.exit_code == 0 and json.loads(clean.output)["ok"] is True


def test_override_command_writes_the_entry_and_the_pot(shop_dir: Path) -> None:
    """`override sv MSGID` puts the built-in sentence, prefilled in Swedish, into the shop catalog and .pot."""
    result = run("--catalogs", "emails/catalogs", "override", "sv", "Hi %(name)s,", "--translation",
                 "Tjena %(name)s!")
    assert result.output.startswith("emails/catalogs/sv/LC_MESSAGES/messages.po:")
    po = (shop_dir / "emails/catalogs/sv/LC_MESSAGES/messages.po").read_text("utf-8")
    assert 'msgstr "Tjena %(name)s!"' in po
    assert 'msgid "Hi %(name)s,"' in (shop_dir / "emails/catalogs/messages.pot").read_text("utf-8")
    rendered = run("--catalogs", "emails/catalogs", "render", "refund_status", "--locale", "sv", "--sample")
    assert rendered.output.startswith("Tjena ")
    usage = CliRunner().invoke(main, ["override", "sv", "Hi %(name)s,"])
    assert usage.exit_code == 2 and "--catalogs" in usage.output


def test_preview_can_be_limited_to_the_shops_locales() -> None:
    """A PreviewApp given the shop's locales offers only those."""
    mailer = Mailer(pseudo=True)
    assert PreviewApp(mailer, only=["sv-SE", "nb", "fi"]).locales() == ["fi", "nb", "sv"]
    assert "en-XA" in PreviewApp(mailer).locales()


def test_strict_with_the_example_shop_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--strict without real shop settings exits 1 naming each placeholder setting, no traceback."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--strict", "-l", "sv"])
    assert result.exit_code == 1 and "placeholder" in result.output and "help_centre_url" in result.output
    assert "Traceback" not in result.output
