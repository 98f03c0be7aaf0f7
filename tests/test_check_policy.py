"""`check` on any project's catalogs: checks by what a catalog is, a policy the project sets (issue 12),
optional placeholders (issue 10 item 2) and a shop's folder on top of the built-ins (issue 15 B3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from i18nmail import checks
from i18nmail.checks import CheckOptions, check_paths, parse_catalog, run_checks
from i18nmail.cli import main
from i18nmail.data import builtin_catalogs
from i18nmail.messages import stats
from tests.catalog_builders import line_of, po_text, write_po


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def generic(body: str, *, lang: str = "sv", **options: object) -> list[tuple[str, int, str]]:
    """Code, line and severity of the findings on a catalog of another project (plain gettext)."""
    text = po_text(body, lang=lang)
    po = parse_catalog(text.encode(), "messages.po", locale=lang)
    return [(f.code, f.line, f.severity) for f in run_checks(po, options=CheckOptions(**options))]  # type: ignore[arg-type]


def entry(msgid: str, msgstr: str, flags: str = "") -> str:
    return (f"#, {flags}\n" if flags else "") + f'msgid "{msgid}"\nmsgstr "{msgstr}"\n\n'


# --------------------------------------------------------------------------- formats by flag


@pytest.mark.parametrize("flags, msgid, msgstr, code", [
    ("c-format", "%s%ld line, ", "%ld Zeile, ", "placeholder-type"),          # arguments shift (vim de)
    ("c-format", "%s of %d", "%2$d av %1$s", None),                           # positional, reordered
    ("c-format", "%1$s of %2$d", "%2$d av %1$s", None),
    ("c-format", "%s of %d", "%s av", "placeholder-missing"),
    ("c-format", "cannot read %s", "kan inte läsa %s %d", "placeholder-extra"),
    ("c-format", "100%% done", "100% klart", "format-invalid"),
    ("tcl-format", "Error getting diffs: %s", "Fel vid hämtning av skillnader:", "placeholder-missing"),
    ("python-brace-format", "Invalid search query: {error_message}", "Ogiltig sökning: {felmeddelande}",
     "placeholder-extra"),
    ("python-brace-format", "'{name}' has type '{current}'", "'{name]' har typen '{current}'", "format-invalid"),
    ("python-brace-format", "{count} items in {name}", "{name} har {count} saker", None),
    ("python-format", "%(num)d files", "%(num)s filer", "placeholder-type"),
    ("no-c-format", "100% sure", "100 % säker", None),
    ("", "Save 100%", "Spara 100 %", None),                                   # unflagged: plain text
])
def test_format_checks_follow_the_entrys_flags(flags: str, msgid: str, msgstr: str, code: str | None) -> None:
    """c-format (positional too), tcl-format, python-brace-format are compared like msgfmt; unflagged is text."""
    found = generic(entry(msgid, msgstr, flags))
    errors = [c for c, _line, severity in found if severity == "error"]
    assert (code in errors) if code is not None else errors == [], found


def test_an_unflagged_translation_that_adds_a_directive_is_a_hint() -> None:
    """git's "cannot pread pack file" -> "... %s": a warning, not an error (peer-catalogs 5)."""
    body = entry("cannot pread pack file", "Kann Paketdatei %s nicht lesen")
    assert generic(body, lang="de") == [("format-hint", line_of(po_text(body, lang="de"), "Kann Paketdatei"),
                                         "warning")]


def test_a_form_used_for_few_numbers_may_drop_an_argument_as_msgfmt_allows() -> None:
    """c-format plural: msgstr[0] of a Czech-like rule (n==1) may say "one" without %d."""
    body = ('#, c-format\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "jeden soubor"\n'
            'msgstr[1] "%d soubory"\nmsgstr[2] "%d souborů"\n\n')
    text = po_text(body, lang="cs").replace(
        "nplurals=2; plural=(n != 1);", "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;")
    po = parse_catalog(text.encode(), "messages.po", locale="cs")
    assert [f for f in run_checks(po, options=CheckOptions()) if f.severity == "error"] == []


# --------------------------------------------------------------------------- markup


@pytest.mark.parametrize("msgid, msgstr", [
    ("git show [<options>] <object>...", "git show [<Optionen>] <Objekt>..."),
    ("Rhys Jones <rhys@example.org>", "Rhys Jones <rhys@example.org>, Anna <anna@example.org>"),
    ('Use the log <link xref=\\"function\\">function</link>.', 'Utilisez la <link xref=\\"function\\">fonction</link>.'),
    ('Mail <a href=\\"mailto:help@example.org\\">us</a>', 'Skriv till <a href=\\"mailto:help@example.org\\">oss</a>'),
    ('<img src=\\"x.png\\" alt=\\"Logo\\">', '<img src=\\"x.png\\" alt=\\"Logotyp\\">'),
    ("Use <![ here", "Använd <![ 1]> här"),
])
def test_html_checks_only_real_markup(msgid: str, msgstr: str) -> None:
    """Placeholders in <>, mail addresses, Mallard links, mailto:, translated alt= and '<![' pass (peer-catalogs 2, 7)."""
    assert generic(entry(msgid, msgstr)) == []


@pytest.mark.parametrize("msgstr, code", [
    ('Läs <em>%(q)s</em', "html-unbalanced"),
    ('Läs <em>%(q)s</em> <!-- resten', "html-unbalanced"),
    ('Läs <b>%(q)s</b>', "html-tags"),
])
def test_broken_markup_in_a_real_html_message_is_an_error(msgstr: str, code: str) -> None:
    """`</em` and an open `<!--` in a translation of real markup are errors (fuzzing D2, wagtail ca)."""
    found = generic(entry("Read <em>%(q)s</em>", msgstr, "python-format"))
    assert [c for c, _line, severity in found if severity == "error"] == [code]


def test_markup_none_turns_html_checks_off() -> None:
    """markup = "none" (a project without HTML) skips every HTML check."""
    assert generic(entry("Read <em>this</em>", "Läs <b>det"), markup="none") == []


# --------------------------------------------------------------------------- scripts


def test_zero_width_space_is_normal_in_khmer_but_not_in_estonian() -> None:
    """ZWSP separates words in Khmer; in Latin text it is a machine-translation artefact (peer-catalogs 10)."""
    assert [c for c in generic(entry("Corona check", "កូរ៉ូណា\u200bឆេក"), lang="km") if c[0] == "bidi"] == []
    assert [c for c, _l, _s in generic(entry("Choose another item", "Valige teine \u200b\u200büksus"), lang="et")] == [
        "bidi"]


def test_balanced_embeddings_pass_in_hebrew() -> None:
    """RLE ... PDF balanced in a right-to-left language is normal; an RLO never is."""
    assert generic(entry("File x.txt", "קובץ \u202bx.txt\u202c"), lang="he") == []
    assert [c for c, _l, _s in generic(entry("File", "קובץ \u202e"), lang="he")] == ["bidi"]


# --------------------------------------------------------------------------- policy


def test_untranslated_and_fuzzy_are_warnings_unless_complete_is_required(tmp_path: Path) -> None:
    """Partial translations are valid gettext: exit 0 with warnings; --require-complete makes exit 1."""
    path = write_po(tmp_path, "sv", po_text(entry("Order", "") + entry("Thanks", "Tack", "fuzzy")))
    relaxed = run("check", str(path))
    assert relaxed.exit_code == 0 and "untranslated: not translated (warning)" in relaxed.output
    strict = run("check", "--require-complete", str(path))
    assert strict.exit_code == 1 and "2 errors" in strict.output


def test_select_and_ignore_on_the_command_line(tmp_path: Path) -> None:
    """--ignore drops a code, --select keeps only a family; exit follows what is left."""
    path = write_po(tmp_path, "sv", po_text(entry("Hi %(name)s", "Hej %(namn)s", "python-format")
                                            + entry("Done", "Klart ")))
    assert run("check", str(path)).exit_code == 1
    assert run("check", "--ignore", "placeholder-extra,placeholder-missing", str(path)).exit_code == 0
    doc = json.loads(run("check", "--format", "json", "--select", "whitespace", str(path)).stdout)
    assert {f["code"] for f in doc["findings"]} == {"whitespace"}


def test_pyproject_sets_the_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """[tool.i18nmail.check] in ./pyproject.toml is read; the command line overrides it."""
    path = write_po(tmp_path, "sv", po_text(entry("Order", "")))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.i18nmail.check]\nrequire-complete = true\n', encoding="utf-8")
    assert run("check", str(path)).exit_code == 1
    (tmp_path / "pyproject.toml").write_text('[tool.i18nmail.check]\nrequire-complete = true\n'
                                             'ignore = ["untranslated"]\n', encoding="utf-8")
    assert run("check", str(path)).exit_code == 0


def test_a_bad_configuration_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown key in [tool.i18nmail.check] is exit 2 naming the file and the key."""
    path = write_po(tmp_path, "sv", po_text(entry("Order", "Order")))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.i18nmail.check]\nrequire_complete = true\n', encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 2 and "unknown key 'require_complete'" in result.output


def test_a_crash_is_exit_2_never_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An internal error in a check exits 2 with a one-line message, so CI can tell it from findings."""
    path = write_po(tmp_path, "sv", po_text(entry("Order", "Order")))

    def broken(po: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setitem(checks.CHECKS, "broken", broken)
    result = run("check", str(path))
    assert result.exit_code == 2 and "internal error in check: RuntimeError: boom" in result.output


@pytest.mark.parametrize("body, code, exit_code", [
    (entry("a", "b \\xZZ"), "escape", 1),
    (entry("Open <b>x</b>", "Ouvrir <![ 1]> <b>x</b>"), None, 0),
])
def test_the_two_former_crash_inputs_are_read(tmp_path: Path, body: str, code: str | None, exit_code: int) -> None:
    """"\\xZZ" is an invalid escape (an error, as msgfmt says); "<![" is text: neither crashes (peer-catalogs 7)."""
    path = write_po(tmp_path, "sv", po_text(body))
    result = run("check", "--format", "json", str(path))
    assert result.exit_code == exit_code
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ([code] if code else [])


def test_source_problems_are_reported_once(tmp_path: Path) -> None:
    """A bad msgid shared by three catalogs and the template is one finding, on the template (peer-catalogs 4)."""
    bad = entry("%b %d, %Y", "%b %d, %Y", "python-format")
    (tmp_path / "messages.pot").write_text(po_text(entry("%b %d, %Y", "", "python-format")), encoding="utf-8")
    for lang in ("sv", "da", "nb"):
        write_po(tmp_path, lang, po_text(bad, lang=lang))
    source = [f for f in check_paths([tmp_path]).findings if f.message.startswith("source:")]
    assert [f.path.endswith("messages.pot") for f in source] == [True]


# --------------------------------------------------------------------------- optional placeholders


def test_a_placeholder_declared_optional_may_be_left_out() -> None:
    """`#. Optional: name` lets a greeting drop %(name)s; other placeholders stay required (issue 10 item 2)."""
    body = ('#. A greeting. Optional: name\n#, python-format\nmsgid "Hi %(name)s, about %(order)s"\n'
            'msgstr "Dzień dobry, w sprawie %(order)s"\n\n'
            '#. Optional: name\n#, python-format\nmsgid "Bye %(name)s, %(shop)s"\nmsgstr "Do widzenia"\n\n')
    text = po_text(body, lang="pl")
    found = generic(body, lang="pl")
    assert found == [("placeholder-missing", line_of(text, 'msgstr "Do widzenia"'), "error")]


# --------------------------------------------------------------------------- a shop's folder


def test_a_shops_folder_is_checked_on_top_of_the_builtin_catalogs(tmp_path: Path) -> None:
    """Messages the built-in sv translates count as translated; no finding names a file of the package (issue 15 B3)."""
    shop = tmp_path / "catalogs"
    body = ('#, python-format\nmsgctxt "subject"\nmsgid "Cancellation confirmed for order %(order)s"\n'
            'msgstr ""\n\n'
            '#, python-format\nmsgctxt "subject"\nmsgid "About your refund request for order %(order)s"\n'
            'msgstr "Din återbetalning, order %(order)s"\n\n')
    write_po(shop, "sv", po_text(body))
    result = run("--catalogs", str(shop), "check", "--require-complete", "--format", "json")
    doc = json.loads(result.stdout)
    package = builtin_catalogs().resolve()
    assert not [f for f in doc["findings"] if package in Path(f["path"]).resolve().parents]
    assert not [f for f in doc["findings"] if f["code"] in ("untranslated", "fuzzy")]
    assert result.exit_code == 0, doc["findings"]
    [row] = stats(shop, lower_layers=[builtin_catalogs()])
    assert (row.total, row.translated, row.untranslated) == (2, 2, 0)
    [alone] = stats(shop)
    assert alone.untranslated == 1
    [shown] = json.loads(run("--catalogs", str(shop), "stats", "--format", "json").stdout)
    assert (shown["translated"], shown["untranslated"]) == (2, 0)


def test_check_imports_only_what_checking_needs(tmp_path: Path) -> None:
    """`i18nmail check FILE` loads no renderer, holidays, langcodes or Jinja (peer-catalogs 9: startup cost)."""
    path = write_po(tmp_path, "sv", po_text(entry("Order", "Order")))
    code = ("import sys\nfrom click.testing import CliRunner\nfrom i18nmail.cli import main\n"
            f"result = CliRunner().invoke(main, ['check', {str(path)!r}])\n"
            "assert result.exit_code == 0, result.output\n"
            "heavy = ('holidays', 'langcodes', 'jinja2', 'i18nmail.render', 'i18nmail.businessdays',"
            " 'i18nmail.negotiation', 'i18nmail.messages')\n"
            "print(sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
