"""The catalog commands: extract, update, init, compile, stats, check (exit codes 0/1/2, output shapes)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from i18nmail.cli import main
from i18nmail.plurals import parse_plural_forms, same_rule
from i18nmail.render import builtin_templates
from tests.catalog_builders import PLURALS, line_of, po_text, write_po, write_tree

TEMPLATE = """\
{% block subject %}{{ pgettext("subject", "Order %(order)s", order=order) }}{% endblock %}
{{ _("Your parcel is on its way.") }}
{{ ngettext("%(num)s parcel", "%(num)s parcels", count) }}
"""

SV = """\
#, python-format
msgctxt "subject"
msgid "Order %(order)s"
msgstr "Order %(order)s"

msgid "Your parcel is on its way."
msgstr "Ditt paket är på väg."

#, python-format
msgid "%(num)s parcel"
msgid_plural "%(num)s parcels"
msgstr[0] "%(num)s paket"
msgstr[1] "%(num)s paket"
"""


ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def shop(tmp_path: Path) -> tuple[Path, Path]:
    """A shop's own templates and catalogs folders, with an extracted template."""
    templates = write_tree(tmp_path / "templates", {"scenarios/shipped.j2": TEMPLATE})
    catalogs = tmp_path / "catalogs"
    assert run("--templates", str(templates), "--catalogs", str(catalogs), "extract").exit_code == 0
    return templates, catalogs


def on(shop: tuple[Path, Path], *args: str) -> Result:
    templates, catalogs = shop
    return run("--templates", str(templates), "--catalogs", str(catalogs), *args)


# --------------------------------------------------------------------------- extract


def test_extract_check_passes_on_the_shipped_templates() -> None:
    """`extract --check` exits 0 on the repository's templates and messages.pot (as CI runs it)."""
    result = run("extract", "--check")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("messages.pot is up to date")


def test_extract_twice_reports_up_to_date(shop: tuple[Path, Path]) -> None:
    """A second extract writes nothing and says so."""
    result = on(shop, "extract")
    assert result.exit_code == 0 and result.output.strip().endswith("messages.pot is up to date")


def test_extract_check_exits_1_naming_added_and_removed_messages(shop: tuple[Path, Path]) -> None:
    """A stale .pot fails `extract --check` with the messages that changed, and nothing is written."""
    templates, catalogs = shop
    before = (catalogs / "messages.pot").read_bytes()
    (templates / "scenarios/shipped.j2").write_text(TEMPLATE.replace("on its way", "on the way"), "utf-8")
    result = on(shop, "extract", "--check")
    assert result.exit_code == 1
    assert "messages.pot is out of date; run `i18nmail extract`" in result.stderr
    assert "added:   'Your parcel is on the way.'" in result.stderr
    assert "removed: 'Your parcel is on its way.'" in result.stderr
    assert (catalogs / "messages.pot").read_bytes() == before


def test_extract_check_with_no_pot_exits_1(tmp_path: Path) -> None:
    """No messages.pot at all: `extract --check` fails and says to run extract."""
    write_tree(tmp_path / "t", {"a.j2": '{{ _("Hi") }}'})
    result = run("--templates", str(tmp_path / "t"), "--catalogs", str(tmp_path / "c"), "extract", "--check")
    assert result.exit_code == 1 and "missing; run `i18nmail extract`" in result.stderr


def test_extract_with_a_broken_template_exits_1_with_file_and_line(shop: tuple[Path, Path]) -> None:
    """A template syntax error is one line on stderr with path:line, never a traceback."""
    templates, _catalogs = shop
    write_tree(templates, {"scenarios/broken.j2": "{% if x %}\n\n{% endfor %}\n"})
    result = on(shop, "extract")
    assert result.exit_code == 1
    assert re.search(r"broken\.j2:3: template syntax error: Encountered unknown tag 'endfor'", result.stderr)
    assert "Traceback" not in result.output + result.stderr


def test_extract_templates_without_catalogs_is_a_usage_error(tmp_path: Path) -> None:
    """--templates alone would write a shop's messages into i18nmail's own catalogs: exit 2."""
    result = run("--templates", str(tmp_path), "extract")
    assert result.exit_code == 2 and "--templates needs --catalogs too" in result.stderr


# --------------------------------------------------------------------------- init, update


def test_init_creates_a_catalog_with_the_cldr_plural_rule(shop: tuple[Path, Path]) -> None:
    """`init pl` writes the catalog and prints its Plural-Forms."""
    result = on(shop, "init", "pl")
    assert result.exit_code == 0
    assert "pl/LC_MESSAGES/messages.po (Plural-Forms: nplurals=3; plural=" in result.output
    printed = result.output.split("(Plural-Forms: ", 1)[1].rsplit(")", 1)[0]
    assert same_rule(parse_plural_forms(printed), parse_plural_forms(PLURALS["pl"]))


def test_init_of_an_existing_catalog_exits_1(shop: tuple[Path, Path]) -> None:
    """init never overwrites: exit 1 and a hint to use update."""
    assert on(shop, "init", "sv").exit_code == 0
    result = on(shop, "init", "sv")
    assert result.exit_code == 1 and "exists already; use `i18nmail update`" in result.stderr


@pytest.mark.parametrize("locale", ["../../etc", "xx", "sv_FI.UTF-8"])
def test_init_with_a_bad_locale_is_a_usage_error(shop: tuple[Path, Path], locale: str) -> None:
    """A malformed or unknown locale is a usage error (exit 2) that creates nothing."""
    _templates, catalogs = shop
    result = on(shop, "init", locale)
    assert result.exit_code == 2 and "Invalid value for LOCALE" in result.stderr
    assert sorted(p.name for p in catalogs.iterdir()) == ["messages.pot"]


def test_update_lists_what_became_fuzzy(shop: tuple[Path, Path]) -> None:
    """`update` prints per locale what is new, fuzzy and obsolete; exit 0."""
    templates, catalogs = shop
    write_po(catalogs, "sv", po_text(SV))
    (templates / "scenarios/shipped.j2").write_text(TEMPLATE.replace("on its way", "on its way to you"), "utf-8")
    assert on(shop, "extract").exit_code == 0
    result = on(shop, "update")
    assert result.exit_code == 0
    assert "sv: updated " in result.output and "(0 new, 1 fuzzy, 0 obsolete)" in result.output
    assert "  fuzzy:    'Your parcel is on its way to you.'" in result.output
    again = on(shop, "update")
    assert "sv: unchanged" in again.output
    assert '#| msgid "Your parcel is on its way."' in (catalogs / "sv/LC_MESSAGES/messages.po").read_text("utf-8")


def test_update_of_an_unknown_locale_exits_1(shop: tuple[Path, Path]) -> None:
    """--locale naming a missing catalog fails and says how to start it."""
    result = on(shop, "update", "--locale", "fi")
    assert result.exit_code == 1 and "i18nmail init fi" in result.stderr


# --------------------------------------------------------------------------- compile


def test_compile_writes_every_mo(shop: tuple[Path, Path]) -> None:
    """`compile` compiles each catalog and exits 0."""
    _templates, catalogs = shop
    write_po(catalogs, "sv", po_text(SV))
    write_po(catalogs, "da", po_text(SV, lang="da"))
    result = on(shop, "compile")
    assert result.exit_code == 0
    assert "da: compiled 3 messages to" in result.output and "sv: compiled 3 messages to" in result.output
    assert (catalogs / "sv/LC_MESSAGES/messages.mo").is_file()


def test_compile_refuses_a_fuzzy_header_with_exit_1_and_compiles_the_rest(shop: tuple[Path, Path]) -> None:
    """A fuzzy header is refused by file name (pybabel exits 0 here); the other locale is compiled."""
    _templates, catalogs = shop
    write_po(catalogs, "sv", po_text(SV, fuzzy_header=True))
    write_po(catalogs, "da", po_text(SV, lang="da"))
    result = on(shop, "compile")
    assert result.exit_code == 1
    assert "sv: refused " in result.stderr and "header-fuzzy" in result.stderr
    assert "1 of 2 catalogs not compiled" in result.stderr
    assert "da: compiled 3 messages" in result.output
    assert not (catalogs / "sv/LC_MESSAGES/messages.mo").exists()


# --------------------------------------------------------------------------- stats


def test_stats_text_and_json(shop: tuple[Path, Path]) -> None:
    """`stats` prints a table; --format json gives one object per locale with counts and percent."""
    _templates, catalogs = shop
    write_po(catalogs, "sv", po_text(SV.replace('"Ditt paket är på väg."', '""')))
    text = on(shop, "stats")
    assert text.exit_code == 0
    assert text.output.splitlines()[1].split() == ["sv", "2", "0", "1", "3", "66.7%"]
    data = json.loads(on(shop, "stats", "--format", "json").stdout)
    assert data == [{"locale": "sv", "path": str(catalogs / "sv/LC_MESSAGES/messages.po"), "total": 3,
                     "translated": 2, "fuzzy": 0, "untranslated": 1, "obsolete": 0, "error": None,
                     "percent": 66.7}]


def test_stats_of_an_unreadable_catalog_exits_1(shop: tuple[Path, Path]) -> None:
    """A catalog that cannot be parsed shows as an error row, the reason on stderr, exit 1."""
    _templates, catalogs = shop
    write_po(catalogs, "sv", po_text('msgid "a"\nmsgstr "b"\nmsgid "a"\n'))
    result = on(shop, "stats")
    assert result.exit_code == 1 and "error" in result.output and "sv/LC_MESSAGES/messages.po" in result.stderr


# --------------------------------------------------------------------------- check


def test_check_a_clean_catalog_exits_0(tmp_path: Path) -> None:
    """A clean catalog given as PATH: summary line, exit 0."""
    write_po(tmp_path, "sv", po_text(SV))
    result = run("check", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output == "0 errors, 0 warnings in 1 files\n"


def test_check_text_output_names_file_line_and_code(tmp_path: Path) -> None:
    """Each finding is path:line: code: message; errors give exit 1, warnings are marked."""
    text = po_text(SV.replace('"Order %(order)s"\n\nmsgid', '"Order %(ordr)s"\n\nmsgid', 1)
                   .replace('msgstr "Order %(order)s"', 'msgstr "Order %(ordr)s"')
                   .replace('"Ditt paket är på väg."', '"Ditt paket är på väg. "'))
    path = write_po(tmp_path, "sv", text)
    result = run("check", str(path))
    assert result.exit_code == 1
    line = line_of(text, "%(ordr)s")
    assert f"{path}:{line}: placeholder-missing: placeholder 'order' missing\n" in result.output
    assert f"{path}:{line_of(text, 'väg. ')}: whitespace: " in result.output
    assert result.output.splitlines()[-1] == "2 errors, 1 warnings in 1 files"


def test_check_json_shape(tmp_path: Path) -> None:
    """--format json: counts, files and findings with path, line, code, severity, message, locale, msgid, context."""
    path = write_po(tmp_path, "sv", po_text(SV + '\n#, python-format\nmsgid "Save"\nmsgstr "Spara 100%"\n'))
    result = run("check", "--format", "json", str(tmp_path))
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert sorted(doc) == ["errors", "files", "findings", "warnings"]
    assert doc["errors"] == 1 and doc["warnings"] == 0 and doc["files"] == [str(path)]
    [finding] = doc["findings"]
    assert sorted(finding) == ["code", "context", "line", "locale", "message", "msgid", "path", "severity"]
    assert (finding["code"], finding["severity"], finding["locale"], finding["msgid"]) == (
        "format-invalid", "error", "sv", "Save")


def test_check_github_annotations(tmp_path: Path) -> None:
    """--format github prints one workflow command per finding and a summary on stderr."""
    path = write_po(tmp_path, "sv", po_text(SV + '\nmsgid "Pay"\nmsgstr "Betala\u202e"\n\nmsgid "Done"\nmsgstr "Klart "\n'))
    result = run("check", "--format", "github", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"::error file=[^,]+messages\.po,line=\d+,title=bidi::invisible or bidi character "
                        r"U\+202E RIGHT-TO-LEFT OVERRIDE not in the source", lines[0])
    assert lines[1].startswith("::warning file=") and ",title=whitespace::" in lines[1]
    assert "1 errors, 1 warnings in 1 files" in result.stderr


def test_check_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    """A PATH that does not exist is exit 2."""
    assert run("check", str(tmp_path / "nope")).exit_code == 2


def test_check_a_foreign_catalog_outside_the_gettext_layout(tmp_path: Path) -> None:
    """Any .po file works: the language comes from its Language header; no rendering happens."""
    path = tmp_path / "ko.po"
    path.write_text(po_text(SV.replace("paket", "개").replace('msgstr[1] "%(num)s 개"\n', ""),
                            lang="ko"), encoding="utf-8")
    result = run("check", "--format", "json", str(path))
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["findings"] == []


def test_check_of_the_catalogs_folder_includes_rendered_checks(tmp_path: Path) -> None:
    """Checking the configured catalogs folder renders every scenario: a long subject is found."""
    catalogs = tmp_path / "catalogs"
    long = "Vi har tagit emot din förfrågan om ärendet och återkommer snart (%(ticket)s)"
    text = po_text('#: templates/scenarios/support_acknowledgement.j2:5\n#, python-format\nmsgctxt "subject"\n'
                   f"msgid \"We've received your request (ticket %(ticket)s)\"\nmsgstr \"{long}\"\n")
    path = write_po(catalogs, "sv", text)
    result = run("--catalogs", str(catalogs), "check", "--format", "json")
    doc = json.loads(result.stdout)
    mine = [f for f in doc["findings"] if f["path"] == str(path)]
    assert [(f["code"], f["line"]) for f in mine] == [("subject-length", line_of(text, 'msgstr "Vi har'))]
    assert result.exit_code == 1


def test_shipped_catalogs_pass_check() -> None:
    """`i18nmail check` on the shipped catalogs, rendered checks included, finds no error (exit 0)."""
    result = run("check", "--require-complete", "--format", "json")
    doc = json.loads(result.stdout)
    assert [f for f in doc["findings"] if f["severity"] == "error"] == []
    assert result.exit_code == 0
    assert any(f.endswith("catalogs/messages.pot") for f in doc["files"]) and len(doc["files"]) >= 13


def test_catalog_commands_are_in_the_help() -> None:
    """`i18nmail --help` lists the six catalog verbs."""
    result = run("--help")
    for verb in ("extract", "update", "init", "compile", "stats", "check"):
        assert re.search(rf"^  {verb}\b", result.output, re.MULTILINE), verb


def test_writing_commands_refuse_the_installed_package_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In an installed wheel the built-in catalogs belong to the package: update asks for --catalogs."""
    from i18nmail import data

    packaged = Path(data.__file__).resolve().parent / "_data_test_catalogs"
    monkeypatch.setattr(data, "builtin_catalogs", lambda: packaged)
    monkeypatch.setattr(data, "builtin_templates", lambda: builtin_templates())
    result = run("update")
    assert result.exit_code == 2 and "give your own folder with --catalogs DIR" in result.stderr
    assert not packaged.exists()
    shutil.rmtree(packaged, ignore_errors=True)


# --------------------------------------------------------------------------- pre-commit hooks


def hooks() -> dict[str, dict[str, str]]:
    """The hooks of .pre-commit-hooks.yaml (a flat YAML list of mappings, read without a YAML library)."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        key, _, value = line.lstrip("- ").partition(":")
        if line.startswith("- "):
            current = {}
        current[key.strip()] = value.strip()
        if key.strip() == "id":
            found[value.strip()] = current
    return found


def test_pre_commit_hooks_define_extract_and_check() -> None:
    """The repository offers i18nmail-extract (extract --check) and i18nmail-check to other projects."""
    defined = hooks()
    assert sorted(defined) == ["i18nmail-check", "i18nmail-extract"]
    assert defined["i18nmail-extract"]["entry"] == "i18nmail"
    assert defined["i18nmail-extract"]["args"] == "[extract, --check]"
    assert defined["i18nmail-extract"]["pass_filenames"] == "false"
    assert defined["i18nmail-check"]["args"] == "[check]" and defined["i18nmail-check"]["pass_filenames"] == "true"
    assert all(hook["language"] == "python" for hook in defined.values())


def test_pre_commit_hooks_run_as_pre_commit_would(shop: tuple[Path, Path]) -> None:
    """entry + args (+ filenames) work: extract --check passes, check fails on a broken staged .po."""
    templates, catalogs = shop
    options = ["--templates", str(templates), "--catalogs", str(catalogs)]
    defined = hooks()
    extract_args = defined["i18nmail-extract"]["args"].strip("[]").split(", ")
    assert run(*options, *extract_args).exit_code == 0
    good = write_po(catalogs, "sv", po_text(SV))
    bad = write_po(catalogs, "da", po_text(SV.replace('"Ditt paket är på väg."', '"100%"'), lang="da"))
    check_args = defined["i18nmail-check"]["args"].strip("[]").split(", ")
    assert run(*options, *check_args, str(good)).exit_code == 0
    result = run(*options, *check_args, str(good), str(bad))
    assert result.exit_code == 1 and "format-invalid" in result.stdout
