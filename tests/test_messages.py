"""Catalog maintenance: extract, update, init, compile, stats (RELIABILITY.md 14, 19, 21, 37)."""

from __future__ import annotations

import errno
import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from i18nmail import messages
from i18nmail.catalogs import load_mo
from i18nmail.exceptions import LocaleError, MessagesError
from i18nmail.plurals import parse_plural_forms, same_rule
from i18nmail.render import builtin_templates
from tests.catalog_builders import PLURALS, line_of, po_text, write_po, write_tree

TEMPLATE = """\
{% block subject %}
{#- Translators: Email subject, at most 60 characters. %(order)s is the order number. -#}
{{ pgettext("subject", "Order %(order)s", order=order) }}
{% endblock %}
{{ _("Order") }}
{{ _("Your parcel is on its way.") }}
{#- Translators: %(num)s is a number of parcels. -#}
{{ ngettext("%(num)s parcel", "%(num)s parcels", count) }}
"""


@pytest.fixture()
def project(tmp_path: Path) -> tuple[Path, Path]:
    """A small templates folder and an empty catalogs folder."""
    templates = write_tree(tmp_path / "templates", {"scenarios/shipped.j2": TEMPLATE})
    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    return templates, catalogs


def extracted(project: tuple[Path, Path]) -> Path:
    templates, catalogs = project
    messages.extract(templates, catalogs)
    return catalogs


SV = """\
# Reviewed by the Swedish team.
#: templates/scenarios/shipped.j2:3
#, python-format
msgctxt "subject"
msgid "Order %(order)s"
msgstr "Order %(order)s"

#: templates/scenarios/shipped.j2:5
msgid "Order"
msgstr "Beställning"

#: templates/scenarios/shipped.j2:6
msgid "Your parcel is on its way."
msgstr "Ditt paket är på väg."

#: templates/scenarios/shipped.j2:8
#, python-format
msgid "%(num)s parcel"
msgid_plural "%(num)s parcels"
msgstr[0] "%(num)s paket"
msgstr[1] "%(num)s paket"
"""


# --------------------------------------------------------------------------- extract


def test_extract_twice_leaves_the_pot_byte_identical(templates_copy: Path, tmp_path: Path) -> None:
    """Extracting the shipped templates twice writes once, then leaves the file untouched."""
    catalogs = tmp_path / "out"
    assert messages.extract(templates_copy, catalogs) is True
    pot = catalogs / "messages.pot"
    first, stamp = pot.read_bytes(), pot.stat().st_mtime_ns
    assert messages.extract(templates_copy, catalogs) is False
    assert pot.read_bytes() == first and pot.stat().st_mtime_ns == stamp
    assert b"POT-Creation-Date: 2026-01-01 00:00+0000" in first


def test_extract_output_does_not_depend_on_the_folder_name(templates_copy: Path, tmp_path: Path) -> None:
    """The same templates in two folders give the same bytes (locations are relative)."""
    other = tmp_path / "elsewhere" / "tpl"
    shutil.copytree(templates_copy, other)
    messages.extract(templates_copy, tmp_path / "a")
    messages.extract(other, tmp_path / "b")
    assert (tmp_path / "a/messages.pot").read_bytes() == (tmp_path / "b/messages.pot").read_bytes()


def test_shipped_pot_is_up_to_date() -> None:
    """The committed catalogs/messages.pot matches the shipped templates (what CI checks)."""
    from i18nmail.render import builtin_catalogs

    diff = messages.diff_template(builtin_templates(), builtin_catalogs())
    assert not diff.stale, diff.describe()


def _restamp(path: Path, babel_version: str = "9.9.9", year: str = "2031") -> None:
    """Rewrite what tools stamp on a catalog: Generated-By, the creation date, the copyright year."""
    text = path.read_text("utf-8")
    text = re.sub(r"Generated-By: Babel [^\\]+", f"Generated-By: Babel {babel_version}", text)
    text = re.sub(r"POT-Creation-Date: [^\\]+", f"POT-Creation-Date: {year}-06-01 12:00+0000", text)
    text = re.sub(r"Copyright \(C\) \d{4}", f"Copyright (C) {year}", text)
    text = text.replace('"MIME-Version', '"X-Generator: Poedit 3.5\\n"\n"MIME-Version', 1)
    path.write_text(text, "utf-8")


def test_extract_check_ignores_tool_stamps(project: tuple[Path, Path]) -> None:
    """`extract --check` passes when only Generated-By, X-Generator, the creation date or the year differ."""
    templates, catalogs = project
    messages.extract(templates, catalogs)
    pot = messages.pot_path(catalogs)
    _restamp(pot)
    assert all(stamp in pot.read_text("utf-8") for stamp in ("Babel 9.9.9", "Poedit", "(C) 2031", "2031-06-01"))
    diff = messages.diff_template(templates, catalogs)
    assert not diff.stale, diff.describe()
    assert messages.extract(templates, catalogs) is False  # and extract leaves it alone


def test_extract_check_still_sees_a_changed_translator_comment(project: tuple[Path, Path]) -> None:
    """A changed translator comment is content: `extract --check` reports the .pot stale."""
    templates, catalogs = project
    messages.extract(templates, catalogs)
    pot = messages.pot_path(catalogs)
    pot.write_text(pot.read_text("utf-8").replace("at most 60 characters", "at most 50 characters"), "utf-8")
    assert messages.diff_template(templates, catalogs).stale


def test_update_ignores_tool_stamps_in_catalogs(project: tuple[Path, Path]) -> None:
    """A catalog last written by another Babel release is left byte-identical by an update with nothing new."""
    catalogs = extracted(project)
    po = write_po(catalogs, "sv", po_text(SV))
    messages.update(catalogs)
    _restamp(po)
    _restamp(messages.pot_path(catalogs), year="2032")
    before = po.read_bytes()
    assert [r.changed for r in messages.update(catalogs)] == [False]
    assert po.read_bytes() == before


def test_extract_names_file_and_line_of_a_template_syntax_error(project: tuple[Path, Path]) -> None:
    """A broken template fails extraction with its path and line, and no .pot is written (item 21)."""
    templates, catalogs = project
    write_tree(templates, {"scenarios/broken.j2": '{% if x %}\n{{ _("Hi") }}\n{% endfi %}\n'})
    with pytest.raises(MessagesError) as info:
        messages.extract(templates, catalogs)
    assert info.value.path == str(templates / "scenarios" / "broken.j2")
    assert info.value.lineno == 3
    assert "broken.j2:3:" in str(info.value)
    assert not (catalogs / "messages.pot").exists()


def test_extract_fails_on_a_tag_unknown_to_the_extractor(project: tuple[Path, Path]) -> None:
    """A tag no extension provides is an error, not a silently skipped file (babel #1216)."""
    templates, catalogs = project
    write_tree(templates, {"scenarios/odd.j2": '{% blocktrans %}Hi{% endblocktrans %}\n'})
    with pytest.raises(MessagesError, match=r"odd\.j2:1: .*unknown tag 'blocktrans'"):
        messages.extract(templates, catalogs)


def test_extract_keeps_msgctxt_and_translator_comments(project: tuple[Path, Path]) -> None:
    """msgctxt separates the subject from the same English word; Translators: comments become #."""
    catalog = messages.read_catalog(extracted(project) / "messages.pot")
    subject = catalog.get("Order %(order)s", "subject")
    assert subject is not None and subject.context == "subject"
    assert subject.auto_comments == ["Email subject, at most 60 characters. %(order)s is the order number."]
    assert catalog.get("Order") is not None and catalog.get("Order").context is None
    plural = catalog.get("%(num)s parcel")
    assert plural.id == ("%(num)s parcel", "%(num)s parcels")
    assert plural.auto_comments == ["%(num)s is a number of parcels."]


def test_extract_check_names_added_and_removed_messages(project: tuple[Path, Path]) -> None:
    """diff_template says which messages a stale .pot lacks or still has, and writes nothing."""
    templates, catalogs = project
    extracted(project)
    before = (catalogs / "messages.pot").read_bytes()
    text = TEMPLATE.replace('{{ _("Your parcel is on its way.") }}', '{{ _("Your parcel has left.") }}')
    (templates / "scenarios/shipped.j2").write_text(text, encoding="utf-8")
    diff = messages.diff_template(templates, catalogs)
    assert diff.stale and diff.added == ("Your parcel has left.",)
    assert diff.removed == ("Your parcel is on its way.",)
    assert "added:   'Your parcel has left.'" in diff.describe()
    assert messages.extract(templates, catalogs, check=True) is True
    assert (catalogs / "messages.pot").read_bytes() == before


def test_extract_check_flags_moved_locations(project: tuple[Path, Path]) -> None:
    """A template edit that only moves a message still makes the .pot stale (its #: line)."""
    templates, catalogs = project
    extracted(project)
    (templates / "scenarios/shipped.j2").write_text("\n" + TEMPLATE, encoding="utf-8")
    diff = messages.diff_template(templates, catalogs)
    assert diff.stale and not diff.added and not diff.removed
    assert "locations or translator comments" in diff.describe()


# --------------------------------------------------------------------------- update


def test_update_marks_a_changed_message_fuzzy_with_its_previous_msgid(project: tuple[Path, Path]) -> None:
    """A reworded source keeps the old translation, fuzzy, with #| msgid for the translator."""
    templates, catalogs = project
    extracted(project)
    po = write_po(catalogs, "sv", po_text(SV))
    text = TEMPLATE.replace("Your parcel is on its way.", "Your parcel is on its way to you.")
    (templates / "scenarios/shipped.j2").write_text(text, encoding="utf-8")
    messages.extract(templates, catalogs)
    [result] = messages.update(catalogs)
    assert result.changed and result.fuzzy == ("Your parcel is on its way to you.",)
    assert result.obsolete == () and result.added == ()
    written = po.read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "Your parcel is on its way."\nmsgid "Your parcel is on its way to you."\n' \
           'msgstr "Ditt paket är på väg."' in written


def test_update_keeps_translator_comments(project: tuple[Path, Path]) -> None:
    """Comments a translator wrote (# ...) survive a merge."""
    catalogs = extracted(project)
    po = write_po(catalogs, "sv", po_text(SV))
    messages.update(catalogs)
    assert "# Reviewed by the Swedish team.\n" in po.read_text(encoding="utf-8")


def test_update_makes_removed_messages_obsolete_and_adds_new_ones(project: tuple[Path, Path]) -> None:
    """A message gone from the template becomes #~; a new one arrives untranslated."""
    templates, catalogs = project
    extracted(project)
    po = write_po(catalogs, "sv", po_text(SV))
    text = TEMPLATE.replace('{{ _("Order") }}', '{{ _("Thanks for shopping with us") }}')
    (templates / "scenarios/shipped.j2").write_text(text, encoding="utf-8")
    messages.extract(templates, catalogs)
    [result] = messages.update(catalogs, fuzzy_matching=False)
    assert result.obsolete == ("Order",) and result.added == ("Thanks for shopping with us",)
    written = po.read_text(encoding="utf-8")
    assert '#~ msgid "Order"\n#~ msgstr "Beställning"' in written
    assert 'msgid "Thanks for shopping with us"\nmsgstr ""' in written


@pytest.mark.parametrize("locale, forms", [("ko", 1), ("ar", 6)])
def test_update_gives_a_new_plural_one_msgstr_per_form(project: tuple[Path, Path], locale: str,
                                                       forms: int) -> None:
    """A plural message new to a catalog arrives with exactly nplurals empty forms."""
    catalogs = extracted(project)
    messages.init(catalogs, locale)
    po = catalogs / locale / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "%(num)s parcel"')
    po.write_text(text[:start] + text[text.index("\n\n", start) + 2:], encoding="utf-8")
    [result] = messages.update(catalogs)
    assert result.added == ("%(num)s parcel",)
    assert po.read_text(encoding="utf-8").count("msgstr[") == forms


def test_update_twice_changes_nothing(project: tuple[Path, Path]) -> None:
    """A second merge with the same template leaves every catalog byte-identical."""
    catalogs = extracted(project)
    po = write_po(catalogs, "sv", po_text(SV))
    messages.update(catalogs)
    first = po.read_bytes()
    assert [r.changed for r in messages.update(catalogs)] == [False]
    assert po.read_bytes() == first


def test_update_refuses_a_broken_catalog_before_writing_any(project: tuple[Path, Path]) -> None:
    """One unreadable catalog stops the merge with its path; the others stay untouched."""
    catalogs = extracted(project)
    good = write_po(catalogs, "da", po_text("", lang="da"))
    before = good.read_bytes()
    write_po(catalogs, "sv", po_text('msgid "a"\nmsgstr "b"\nmsgid "a"\n'))
    with pytest.raises(MessagesError, match="sv/LC_MESSAGES/messages.po"):
        messages.update(catalogs)
    assert good.read_bytes() == before


def test_update_without_a_template_says_run_extract(tmp_path: Path) -> None:
    """No messages.pot: a clear error naming the missing file."""
    with pytest.raises(MessagesError, match=r"messages\.pot: no message template; run `i18nmail extract`"):
        messages.update(tmp_path)


# --------------------------------------------------------------------------- init


@pytest.mark.parametrize("locale", ["pl", "ar", "ko"])
def test_init_writes_the_cldr_plural_rule(project: tuple[Path, Path], locale: str) -> None:
    """A new catalog gets CLDR's Plural-Forms (compared by evaluation), says so, and one msgstr[i] per form."""
    catalogs = extracted(project)
    path = messages.init(catalogs, locale)
    assert path == catalogs / locale / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    nplurals, expr = get_plural(locale)
    catalog = messages.read_catalog(path)
    written = parse_plural_forms(catalog.plural_forms)
    assert same_rule(written, parse_plural_forms(f"nplurals={nplurals}; plural={expr};"))
    assert not catalog.fuzzy
    assert f'"Language: {locale}\\n"' in text
    assert text.count("msgstr[") == nplurals
    assert f"msgstr[{nplurals - 1}]" in text and f"msgstr[{nplurals}]" not in text
    assert "#, fuzzy\nmsgid \"\"" not in text
    assert f"# Plural-Forms is CLDR's rule for {locale} ({nplurals} form" in text
    if locale in PLURALS:  # the same rule, however Babel's release happens to spell it
        assert same_rule(written, parse_plural_forms(PLURALS[locale]))


@pytest.mark.parametrize("given, folder", [("pt-br", "pt_BR"), ("zh-Hans", "zh_Hans"), ("NB", "nb")])
def test_init_normalises_the_locale(project: tuple[Path, Path], given: str, folder: str) -> None:
    """BCP 47 or POSIX spelling, any case, becomes the canonical catalog folder name."""
    catalogs = extracted(project)
    assert messages.init(catalogs, given).parent.parent.name == folder


@pytest.mark.parametrize("bad", ["../../etc/passwd", "xx", "de\x00", "", "en/../x", "sv_FI.UTF-8", "a" * 200])
def test_init_refuses_an_invalid_locale_without_touching_files(project: tuple[Path, Path], bad: str) -> None:
    """A malformed or unknown locale is a LocaleError and creates nothing (item 1)."""
    catalogs = extracted(project)
    before = sorted(catalogs.rglob("*"))
    with pytest.raises(LocaleError):
        messages.init(catalogs, bad)
    assert sorted(catalogs.rglob("*")) == before


def test_init_refuses_an_existing_catalog(project: tuple[Path, Path]) -> None:
    """init never overwrites a translator's work."""
    catalogs = extracted(project)
    po = write_po(catalogs, "sv", po_text(SV))
    with pytest.raises(MessagesError, match="exists already"):
        messages.init(catalogs, "sv")
    assert po.read_text(encoding="utf-8") == po_text(SV)


# --------------------------------------------------------------------------- compile


def test_compiled_mo_is_loadable_by_gettext_and_i18nmail(tmp_path: Path) -> None:
    """compile writes messages.mo next to the .po; gettext and load_mo read the same text."""
    po = write_po(tmp_path, "sv", po_text(SV))
    [result] = messages.compile(tmp_path)
    assert result.ok and result.messages == 4 and result.mo == str(po.with_suffix(".mo"))
    data = po.with_suffix(".mo").read_bytes()
    with po.with_suffix(".mo").open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    assert translations.pgettext("subject", "Order %(order)s") == "Order %(order)s"
    assert translations.gettext("Order") == "Beställning"
    assert translations.ngettext("%(num)s parcel", "%(num)s parcels", 5) == "%(num)s paket"
    loaded = load_mo(data, "messages.mo", "sv")
    assert loaded.messages[(None, "Your parcel is on its way.")] == "Ditt paket är på väg."
    assert loaded.nplurals == 2
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_compile_leaves_out_fuzzy_entries_and_incomplete_plurals(tmp_path: Path) -> None:
    """Fuzzy entries never reach the .mo; a plural with an empty form is left out whole (item 19)."""
    body = SV.replace('#: templates/scenarios/shipped.j2:5\n', '#: templates/scenarios/shipped.j2:5\n#, fuzzy\n')
    body = body.replace('msgstr[1] "%(num)s paket"', 'msgstr[1] ""')
    po = write_po(tmp_path, "sv", po_text(body))
    [result] = messages.compile(tmp_path)
    assert result.ok and result.messages == 2
    with po.with_suffix(".mo").open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    assert translations.gettext("Order") == "Order"
    assert translations.ngettext("%(num)s parcel", "%(num)s parcels", 1) == "%(num)s parcel"


@pytest.mark.parametrize(
    "text, needle",
    [
        (po_text(SV, fuzzy_header=True), "header is marked fuzzy"),                    # item 19
        (SV, "no header entry"),                                                       # item 19
        (po_text(SV.replace('"Beställning"', '"Beställning')), "unterminated string"),  # item 14
        (po_text(SV.replace('"Ditt paket är på väg."', '"Ditt 100% paket"')), "format-invalid"),
        (po_text(SV.replace('msgstr "Order %(order)s"', 'msgstr "Order %(ordr)s"')), "placeholder"),
        (po_text(SV, plural="nplurals=2; plural=(n == 0 ? 2 : n != 1);"), "plural-forms"),  # item 16
        (po_text(SV, plural="nplurals=3; plural=(n != 1);"), "plural-count"),          # item 15
    ],
)
def test_compile_refuses_a_broken_catalog_and_keeps_the_old_mo(tmp_path: Path, text: str, needle: str) -> None:
    """A catalog with errors or a fuzzy header is refused by name; the old .mo stays byte-identical."""
    po = write_po(tmp_path, "sv", po_text(SV))
    messages.compile(tmp_path)
    mo = po.with_suffix(".mo")
    old = mo.read_bytes()
    po.write_text(text, encoding="utf-8")
    [result] = messages.compile(tmp_path)
    assert not result.ok and result.po == str(po)
    assert any(needle in problem for problem in result.problems), result.problems
    assert mo.read_bytes() == old
    assert sorted(p.name for p in po.parent.iterdir()) == ["messages.mo", "messages.po"]


def test_compile_reports_the_line_of_a_syntax_error(tmp_path: Path) -> None:
    """The refusal names path:line of the unterminated string (item 14)."""
    text = po_text(SV.replace('"Beställning"', '"Beställning'))
    po = write_po(tmp_path, "sv", text)
    [result] = messages.compile(tmp_path)
    assert f"{po}:{line_of(text, 'Beställning')}: syntax: msgstr: unterminated string" in result.problems[0]


def test_compile_failed_write_keeps_old_mo_and_compiles_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC while writing one .mo: that locale fails with file and errno, the rest compile (item 37)."""
    sv = write_po(tmp_path, "sv", po_text(SV))
    da = write_po(tmp_path, "da", po_text(SV, lang="da"))
    messages.compile(tmp_path)
    old = sv.with_suffix(".mo").read_bytes()
    da.with_suffix(".mo").unlink()
    sv.write_text(po_text(SV.replace("Beställning", "Order")), encoding="utf-8")
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(sv.parent)):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    da_result, sv_result = messages.compile(tmp_path)
    assert da_result.ok and da.with_suffix(".mo").exists()
    assert not sv_result.ok and "No space left on device (ENOSPC)" in sv_result.problems[0]
    assert str(sv.with_suffix(".mo")) in sv_result.problems[0]
    assert sv.with_suffix(".mo").read_bytes() == old
    assert sorted(p.name for p in sv.parent.iterdir()) == ["messages.mo", "messages.po"]


def test_compile_validates_the_mo_before_replacing_the_old_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .mo that does not load back is never renamed into place."""
    po = write_po(tmp_path, "sv", po_text(SV))
    messages.compile(tmp_path)
    old = po.with_suffix(".mo").read_bytes()
    monkeypatch.setattr(messages, "_mo_bytes", lambda catalog: (b"\xde\x12\x04\x95\x00", 4))
    [result] = messages.compile(tmp_path)
    assert not result.ok and "does not load" in result.problems[0]
    assert po.with_suffix(".mo").read_bytes() == old


def test_compile_turns_a_latin1_catalog_into_utf8(tmp_path: Path) -> None:
    """An ISO-8859-1 .po with a correct header compiles to a UTF-8 .mo (item 18)."""
    po = write_po(tmp_path, "sv", po_text(SV, charset="ISO-8859-1").encode("iso-8859-1"))
    [result] = messages.compile(tmp_path)
    assert result.ok
    with po.with_suffix(".mo").open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    assert translations.info()["content-type"] == "text/plain; charset=utf-8"
    assert translations.gettext("Your parcel is on its way.") == "Ditt paket är på väg."


def test_compile_of_an_unknown_locale_is_an_error(tmp_path: Path) -> None:
    """Asking for a locale without a catalog says how to start one."""
    with pytest.raises(MessagesError, match="i18nmail init fi"):
        messages.compile(tmp_path, ["fi"])


# --------------------------------------------------------------------------- stats


def test_stats_counts_translated_fuzzy_untranslated_and_obsolete(tmp_path: Path) -> None:
    """A plural counts as translated only when every form has text; obsolete entries are counted apart."""
    body = SV.replace('#: templates/scenarios/shipped.j2:5\n', '#, fuzzy\n')
    body = body.replace('msgstr[1] "%(num)s paket"', 'msgstr[1] ""')
    body += '\n#~ msgid "Gone"\n#~ msgstr "Borta"\n'
    write_po(tmp_path, "sv", po_text(body))
    write_po(tmp_path, "da", po_text('msgid "a"\nmsgstr "b"\nmsgid "a"\n', lang="da"))
    da, sv = messages.stats(tmp_path)
    assert (sv.total, sv.translated, sv.fuzzy, sv.untranslated, sv.obsolete) == (4, 2, 1, 1, 1)
    assert sv.percent == 50.0 and sv.as_dict()["percent"] == 50.0
    assert da.error and "da/LC_MESSAGES/messages.po" in da.error
    table = messages.format_stats([da, sv])
    assert table.splitlines()[2].split() == ["sv", "2", "1", "1", "4", "50.0%"]
    assert table.splitlines()[1].split()[-1] == "error"


def test_previous_msgid_survives_later_merges_until_the_entry_is_reviewed(project: tuple[Path, Path]) -> None:
    """#| msgid stays on a fuzzy entry through further updates and is not turned into a # comment."""
    templates, catalogs = project
    extracted(project)
    po = write_po(catalogs, "sv", po_text(SV))
    text = TEMPLATE.replace("Your parcel is on its way.", "Your parcel is on its way to you.")
    (templates / "scenarios/shipped.j2").write_text(text, encoding="utf-8")
    messages.extract(templates, catalogs)
    messages.update(catalogs)
    merged = po.read_bytes()
    assert [r.changed for r in messages.update(catalogs)] == [False]
    assert po.read_bytes() == merged and b"# | msgid" not in merged
    po.write_text(po.read_text(encoding="utf-8").replace(
        '#, fuzzy\n#| msgid "Your parcel is on its way."\n', '#| msgid "Your parcel is on its way."\n'), "utf-8")
    messages.update(catalogs)
    assert "#|" not in po.read_text(encoding="utf-8") and "# |" not in po.read_text(encoding="utf-8")


def test_update_writes_long_previous_msgids_that_msgfmt_accepts(templates_copy: Path, catalogs_copy: Path) -> None:
    """A long reworded plural message gets a GNU-style multi-line #| block that msgfmt and update read back."""
    path = templates_copy / "scenarios" / "refund_denied.j2"
    path.write_text(path.read_text("utf-8").replace("we accept returns of items in like-new", "we accept returned items in like-new"),
                    "utf-8")
    messages.extract(templates_copy, catalogs_copy)
    [result] = messages.update(catalogs_copy, ["sv"])
    assert len(result.fuzzy) == 1
    po = catalogs_copy / "sv" / "LC_MESSAGES" / "messages.po"
    text = po.read_text("utf-8")
    assert '#| msgid ""\n#| "Under our refund policy, we accept returns of items in like-new condition' in text
    assert '#| msgid_plural ""\n' in text
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is required (make test installs it)"
    import subprocess

    check = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(po)], capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stderr
    assert messages.update(catalogs_copy, ["sv"])[0].changed is False


def test_compiled_mo_holds_what_msgfmt_writes(tmp_path: Path) -> None:
    """compile's .mo (written from the strict reading) loads to the same translations as msgfmt's."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is required (make test installs it)"
    body = SV + ('\nmsgctxt "button"\nmsgid "Order"\nmsgstr "Beställ"\n\n'
                 '#, fuzzy\nmsgid "Draft"\nmsgstr "Utkast"\n')
    po = write_po(tmp_path, "sv", po_text(body))
    [result] = messages.compile(tmp_path)
    assert result.ok, result.problems
    theirs = tmp_path / "msgfmt.mo"
    subprocess.run([msgfmt, "-o", str(theirs), str(po)], check=True)

    def catalog(path: Path) -> dict[object, str]:
        with path.open("rb") as fh:
            loaded: dict[object, str] = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        return {k: v for k, v in loaded.items() if k != ""}

    assert catalog(po.with_suffix(".mo")) == catalog(theirs)
