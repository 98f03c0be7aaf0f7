"""Catalog checks: one planted fault per catalog, asserting code, file and line (RELIABILITY.md 9-22)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from i18nmail import checks
from i18nmail.checks import (
    CHECKS,
    RENDERED_CHECKS,
    Finding,
    RenderedSample,
    check_paths,
    parse_catalog,
    run_checks,
)
from i18nmail.negotiation import Fallback
from tests.catalog_builders import line_of, po_text, write_po


def entry(msgid: str, msgstr: str, *, context: str | None = None, flags: str = "") -> str:
    """One singular entry in PO syntax (strings given already escaped)."""
    head = f"#, {flags}\n" if flags else ""
    ctx = f'msgctxt "{context}"\n' if context else ""
    return f'{head}{ctx}msgid "{msgid}"\nmsgstr "{msgstr}"\n\n'


def plural(msgid: str, msgid_plural: str, *forms: str) -> str:
    """One plural entry in PO syntax."""
    strs = "".join(f'msgstr[{i}] "{form}"\n' for i, form in enumerate(forms))
    return f'#, python-format\nmsgid "{msgid}"\nmsgid_plural "{msgid_plural}"\n{strs}\n'


GOOD = (
    entry("Order", "Beställning")
    + entry("Hi %(name)s,", "Hej %(name)s,", context="greeting", flags="python-format")
    + plural("%(num)s parcel", "%(num)s parcels", "%(num)s paket", "%(num)s paket")
    + entry('Read <a href=\\"https://shop.example/terms\\">our terms</a>.',
            'Läs <a href=\\"https://shop.example/terms\\">våra villkor</a>.')
)


def found(text: str | bytes, *, locale: str | None = "sv", name: str = "messages.po",
          only: str | None = None) -> list[Finding]:
    """Run every check (or the registry entry *only*) on *text*, read as an i18nmail catalog."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    po = parse_catalog(data, name, locale=locale, is_template=name.endswith(".pot"))
    po.markup, po.unflagged_format = "html", "python-format"
    return run_checks(po, None if only is None else {only: CHECKS[only]})


def codes(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return [(f.code, f.line, f.severity) for f in findings]


def test_a_good_catalog_has_no_findings() -> None:
    """A clean catalog (context, plural, HTML link) passes every check."""
    assert found(po_text(GOOD)) == []


# --------------------------------------------------------------------------- one fault each

#: registry name -> (catalog text, code, line needle, severity). Each plants exactly one fault.
PLANTED: dict[str, tuple[str, str, str, str]] = {
    "syntax": (po_text(GOOD + 'msgid "Bye"\nmsgstr "Hej då\n'), "syntax", 'msgstr "Hej då', "error"),
    "header": (po_text(GOOD, fuzzy_header=True), "header-fuzzy", 'msgid ""', "error"),
    "plural-forms": (po_text(GOOD, lang="ko", plural="nplurals=2; plural=(n == 0 ? 2 : n != 1);"), "plural-forms",
                     "Plural-Forms", "error"),
    "plural-count": (po_text(GOOD.replace('msgstr[1] "%(num)s paket"\n', "")), "plural-count",
                     'msgid "%(num)s parcel"', "error"),
    "untranslated": (po_text(GOOD + entry("Thanks", "")), "untranslated", 'msgid "Thanks"', "error"),
    "fuzzy": (po_text(GOOD + entry("Thanks", "Tack", flags="fuzzy")), "fuzzy", 'msgid "Thanks"', "error"),
    "format": (po_text(GOOD + entry("Save now", "Spara 100%")), "format-invalid", "Spara 100%", "error"),
    "other-formats": (po_text(GOOD + entry("%s of %d", "%s av %s", flags="c-format")), "placeholder-type",
                      "%s av %s", "error"),
    "format-hint": (po_text(GOOD + entry("Saved", "Sparat %s", flags="no-python-format")), "format-hint",
                    "Sparat %s", "warning"),
    "placeholders": (po_text(GOOD.replace('"Hej %(name)s,"', '"Hej,"')), "placeholder-missing",
                     '"Hej,"', "error"),
    "brace-field": (po_text(GOOD + entry("Hi", "Hej {name.__class__}")), "brace-field", "{name", "error"),
    "html": (po_text(GOOD + entry("Read this", "Läs <script>alert(1)</script>")), "html-unsafe",
             "<script>", "error"),
    "whitespace": (po_text(GOOD + entry("Done\\n", "Klart")), "newline", 'msgstr "Klart"', "error"),
    "bidi": (po_text(GOOD + entry("Pay", "Betala \u202e")), "bidi", "Betala", "error"),
    "duplicate": (po_text(GOOD + entry("Order", "Order")), "duplicate", '"Order"\nmsgstr "Order"', "error"),
    "obsolete": (po_text(GOOD + '#~ msgid "Gone"\n#~ msgstr "Borta"\n'), "obsolete", "#~ msgid", "warning"),
    "markup": (po_text(GOOD + entry("Read this", "Läs &lt;det här&gt;")), "markup", "Läs &lt;", "error"),
}


def test_every_registered_check_has_a_planted_fault() -> None:
    """The registry and the planted-fault table name the same checks: none is untested."""
    assert sorted(PLANTED) == sorted(CHECKS)


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_each_check_finds_its_planted_fault(name: str) -> None:
    """Each registered check, run alone, reports its fault with code, file, line and severity."""
    text, code, needle, severity = PLANTED[name]
    alone = found(text, only=name, locale="ko" if name == "plural-forms" else "sv")
    if "\n" in needle:  # the finding is on the first line of a two-line needle
        line = text[:text.index(needle)].count("\n") + 1
    else:
        line = line_of(text, needle)
    assert [(f.path, f.code, f.line, f.severity) for f in alone] == [("messages.po", code, line, severity)]


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_a_planted_fault_is_the_only_error_of_the_full_run(name: str) -> None:
    """Run with every check, a single planted fault gives findings of its own code only."""
    text, code, _needle, _severity = PLANTED[name]
    every = found(text, locale="ko" if name == "plural-forms" else "sv")
    assert {f.code for f in every} == {code}


# --------------------------------------------------------------------------- syntax (item 14)

SYNTAX = [
    ('msgid "a"\nmsgstr "b\n', 'msgstr "b', "unterminated string"),
    ('msgstr "b"\nmsgid "a"\nmsgstr "c"\n', 'msgstr "b"', "msgstr without a msgid"),
    ('msgid "a"\nmsgstr "b"\nmsgtxt "c"\n', "msgtxt", "unknown keyword 'msgtxt'"),
    ('msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 'msgid "a"', "msgid without msgstr"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr "x"\n', 'msgstr "x"', "plain msgstr in a plural entry"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', "msgstr[2]", "out of order"),
    ('msgid "a"\nmsgstr "b"\n\n#: x.j2:1\n"orphan"\nmsgid "c"\nmsgstr "d"\n', '"orphan"', "string outside"),
    ('msgid "a" x\nmsgstr "b"\n', 'msgid "a" x', "unexpected text after the closing quote"),
]


@pytest.mark.parametrize("body, needle, reason", SYNTAX)
def test_syntax_errors_are_reported_at_their_line(body: str, needle: str, reason: str | None) -> None:
    """Each kind of PO syntax error is a `syntax` error at the exact line (item 14)."""
    text = po_text(body)
    syntax = [f for f in found(text) if f.code == "syntax"]
    assert syntax and syntax[0].line == line_of(text, needle) and syntax[0].severity == "error"
    if reason:
        assert reason in syntax[0].message


@pytest.mark.parametrize("body, needle, reason", [
    ('msgid "a"\nmsgstr "b\\q"\n', 'msgstr "b\\q"', "invalid escape sequence '\\q'"),
    ('msgid "a"\nmsgstr "b \\xZZ"\n', 'msgstr "b \\xZZ"', "'\\x' (no hex digit follows)"),
    ('msgid "a"\nmsgstr "b"\n"C:\\xml"\n', '"C:\\xml"', "'\\x' (no hex digit follows)"),
])
def test_bad_escapes_are_escape_errors_and_the_entry_is_left_out(body: str, needle: str,
                                                                  reason: str) -> None:
    """An invalid escape (also "\\xZZ", which crashed) is an `escape` error at its line; the entry is not used (peer-catalogs 7)."""
    text = po_text(body)
    po = parse_catalog(text.encode(), "messages.po", locale="sv")
    problems = [(f.code, f.line) for f in run_checks(po)]
    assert problems == [("escape", line_of(text, needle))]
    assert reason in run_checks(po)[0].message
    assert po.entries == []


def test_one_run_reports_every_problem() -> None:
    """Syntax errors do not stop reading: faults before and after them are all reported."""
    text = po_text(
        entry("Hi %(name)s", "Hej %(namn)s")
        + 'msgid "Broken"\nmsgstr "Trasig\n\n'
        + entry("Save", "Spara 100%")
        + entry("Pay", "Betala \u202e")
        + entry("Order", "")
        + 'msgstr "lonely"\n\n'
        + entry("Read <b>this</b>", "Läs <i>det här</i>")
        + entry("Order", "Order")
    )
    got = {(f.code, f.line) for f in found(text)}
    assert {
        ("placeholder-missing", line_of(text, "Hej %(namn)s")),
        ("placeholder-extra", line_of(text, "Hej %(namn)s")),
        ("syntax", line_of(text, "Trasig")),
        ("format-invalid", line_of(text, "Spara 100%")),
        ("bidi", line_of(text, "Betala")),
        ("untranslated", line_of(text, 'msgid "Order"')),
        ("syntax", line_of(text, '"lonely"')),
        ("html-tags", line_of(text, "Läs <i>")),
        ("duplicate", line_of(text, 'msgid "Order"', 2)),
    } <= got


# --------------------------------------------------------------------------- encoding and header (item 18, 19)


def test_undecodable_bytes_name_line_and_byte_offset() -> None:
    """UTF-8 declared, cp1252 bytes: an encoding error with line and byte offset (item 18)."""
    text = po_text(entry("Order", "Commande") + entry("Thanks", "Merci très bien"))
    data = text.encode("cp1252")
    [problem] = [f for f in found(data) if f.code == "encoding"]
    assert problem.line == line_of(text, "Merci")
    assert f"byte offset {data.index(bytes([0xE8]))} " in problem.message and "0xe8" in problem.message


def test_latin1_catalog_with_a_correct_header_is_accepted() -> None:
    """ISO-8859-1 bytes with charset=ISO-8859-1 read fine (item 18)."""
    assert found(po_text(GOOD + entry("Thanks", "Tack så mycket"), charset="ISO-8859-1").encode("latin-1")) == []


def test_utf16_catalog_is_rejected() -> None:
    """A UTF-16 file is an encoding error, not a crash (item 18)."""
    assert codes(found(po_text(GOOD).encode("utf-16"))) == [("encoding", 1, "error")]


def test_byte_order_mark_is_a_warning_and_stripped() -> None:
    """A UTF-8 BOM is stripped (as the runtime does) with a warning (item 18, documented behaviour)."""
    assert codes(found(b"\xef\xbb\xbf" + po_text(GOOD).encode())) == [("encoding", 1, "warning")]


@pytest.mark.parametrize("charset, reason", [
    ("CHARSET", "charset not set"), ("klingon", "unknown charset"), ("rot13", "unknown charset"),
    ("UTF-16", "not ASCII-compatible"),
])
def test_bad_charsets_are_header_errors(charset: str, reason: str) -> None:
    """charset=CHARSET, unknown or non-ASCII charsets are header-charset errors at the Content-Type line."""
    text = po_text(GOOD, charset=charset)
    [problem] = [f for f in found(text) if f.code == "header-charset"]
    assert reason in problem.message and problem.line == line_of(text, "Content-Type")


def test_charset_placeholder_is_fine_in_a_template() -> None:
    """A .pot from xgettext says charset=CHARSET; that is normal for a template."""
    text = po_text(entry("Order", ""), charset="CHARSET")
    assert found(text, name="messages.pot", locale=None) == []


def test_missing_header_is_an_error() -> None:
    """A catalog without a header entry is refused (item 19)."""
    assert codes(found(GOOD)) == [("header-missing", 1, "error")]


def test_language_header_that_disagrees_with_the_folder_is_a_warning() -> None:
    """Language: da in the sv folder is a warning at the header."""
    text = po_text(GOOD, lang="da")
    assert codes(found(text)) == [("header-language", line_of(text, "Language:"), "warning")]


# --------------------------------------------------------------------------- plural forms (items 15, 16, 17)


@pytest.mark.parametrize("lang, rule, reason, code", [
    ("ko", "nplurals=2; plural=(n != 1);", "CLDR gives ko 1 plural form", "plural-cldr"),
    ("ko", "nplurals=1; plural=(n != 1);", "gives form 1 for n=0", "plural-forms"),
    ("sv", "nplurals=2; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
     "gives form 2 for n=0", "plural-forms"),
    ("sv", "nplurals=2; plural=__import__('os').system('id');", "not allowed", "plural-forms"),
    ("sv", "nplurals=2; plural=" + "(" * 10000 + "n" + ")" * 10000 + ";", "longer than", "plural-forms"),
    ("sv", "nplurals=2; plural=(n %0);", "fails for n=0", "plural-forms"),
    ("sv", "nplurals=2; plural=n < 1000000 ? n != 1 : n % (n - 1000000);", "fails for n=1000000",
     "plural-forms"),
    ("sv", "nplurals=2; plural=n < 2000000 ? n != 1 : 2;", "gives form 2 for n=2000000", "plural-forms"),
    ("sv", "nplurals=two", "malformed", "plural-forms"),
    ("sv", "nplurals=0; plural=0;", "outside 1..6", "plural-forms"),
    ("sv", "", "missing", "plural-forms"),
    ("sv", "nplurals=2; plural=(n > 1);", "CLDR gives", "plural-cldr"),
])
def test_plural_forms_header_problems(lang: str, rule: str, reason: str, code: str) -> None:
    """Plural-Forms is evaluated safely for n = 0..1000 and large n; a rule that is not CLDR's is only a warning."""
    body = entry("Order", "X") + plural("%(num)s parcel", "%(num)s parcels", "%(num)s a", "%(num)s b")
    text = po_text(body, lang=lang, plural=rule)
    if not rule:
        text = text.replace('"Plural-Forms: \\n"\n', "")
    problems = [f for f in found(text, locale=lang) if f.code.startswith("plural-")]
    assert [f.code for f in problems] == [code] and reason in problems[0].message, problems
    assert problems[0].severity == ("warning" if code == "plural-cldr" else "error")
    assert problems[0].line == (line_of(text, "Plural-Forms") if rule else 1)


def test_plural_forms_may_be_left_out_without_plural_entries() -> None:
    """A catalog with no msgid_plural needs no Plural-Forms header (msgfmt accepts it)."""
    text = po_text(entry("Order", "X")).replace('"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', "")
    assert "Plural-Forms" not in text
    assert found(text) == []


#: GNU gettext's traditional rule and CLDR's three-form rule (CLDR 42 and later) for French,
#: Spanish, Italian, Portuguese and Catalan, each with as many msgstr[i] as its nplurals.
ROMANCE_RULES = [
    ("fr", "nplurals=2; plural=(n > 1);"),
    ("fr", "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"),
    ("es", "nplurals=2; plural=(n != 1);"),
    ("es", "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"),
    ("it", "nplurals=2; plural=(n != 1);"),
    ("it", "nplurals=3; plural=n==1 ? 0 : (n!=0 && n%1000000==0) ? 1 : 2;"),
    ("pt", "nplurals=2; plural=(n != 1);"),
    ("pt", "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"),
    ("ca", "nplurals=2; plural=(n != 1);"),
    ("ca", "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"),
]


@pytest.mark.parametrize("lang, rule", ROMANCE_RULES)
def test_gnu_and_cldr_romance_plural_rules_both_pass(lang: str, rule: str) -> None:
    """fr/es/it/pt/ca with 2 (GNU) or 3 (CLDR) forms have no plural finding, whatever Babel's table says (issue 9)."""
    nplurals = int(rule.split(";")[0].split("=")[1])
    forms = [f"%(num)s f{i}" for i in range(nplurals)]
    text = po_text(plural("%(num)s parcel", "%(num)s parcels", *forms), lang=lang, plural=rule)
    assert found(text, locale=lang) == []


@pytest.mark.parametrize("rule", [
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "nplurals=3; plural=n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2",
    "nplurals=3; plural=(n==1) ? 0 : ((n%10>=2) && (n%10<=4) && !(n%100>=12 && n%100<=14)) ? 1 : 2;",
])
def test_plural_rules_are_compared_by_evaluation_not_text(rule: str) -> None:
    """Three spellings of the Polish rule all pass: rules are compared by what they compute."""
    text = po_text(plural("%(num)s parcel", "%(num)s parcels", "%(num)s a", "%(num)s b", "%(num)s c"),
                   lang="pl", plural=rule)
    assert found(text, locale="pl") == []


def test_a_long_standard_plural_rule_is_accepted() -> None:
    """Transifex's four-form Ukrainian rule (over 200 characters) is valid and passes (peer-catalogs 9)."""
    rule = ("nplurals=4; plural=(n % 1 == 0 && n % 10 == 1 && n % 100 != 11 ? 0 : n % 1 == 0 && "
            "n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : n % 1 == 0 && "
            "(n % 10 ==0 || (n % 10 >=5 && n % 10 <=9) || (n % 100 >=11 && n % 100 <=14 )) ? 2: 3);")
    assert len(rule) > 200
    text = po_text(plural("%(num)s parcel", "%(num)s parcels", *(f"%(num)s f{i}" for i in range(4))),
                   lang="uk", plural=rule)
    assert [f.code for f in found(text, locale="uk")] == ["plural-cldr"]


def test_cjk_and_thai_with_one_form_pass() -> None:
    """ko, ja, zh and th with nplurals=1; plural=0; are correct (item 16)."""
    for lang in ("ko", "ja", "zh", "th"):
        text = po_text(plural("%(num)s parcel", "%(num)s parcels", "%(num)s"), lang=lang,
                       plural="nplurals=1; plural=0;")
        assert found(text, locale=lang) == [], lang


@pytest.mark.parametrize("forms, reason, needle", [
    (("%(num)s paczka", "%(num)s paczki"), "msgstr[2] missing", 'msgid "%(num)s parcel"'),
    (("%(num)s paczka", "%(num)s paczki", "%(num)s paczek", "%(num)s x"), "msgstr[3] present", "msgstr[3]"),
])
def test_wrong_number_of_plural_forms(forms: tuple[str, ...], reason: str, needle: str) -> None:
    """Too few or too many msgstr[i] for nplurals is an error naming the entry (item 15)."""
    text = po_text(plural("%(num)s parcel", "%(num)s parcels", *forms), lang="pl")
    [problem] = found(text, locale="pl")
    assert (problem.code, problem.line) == ("plural-count", line_of(text, needle))
    assert reason in problem.message


# --------------------------------------------------------------------------- placeholders and format (items 9-12)


@pytest.mark.parametrize("msgid, msgstr, code, text", [
    ("Pay by %(refund_deadline)s", "Betala senast", "placeholder-missing",
     "placeholder 'refund_deadline' missing"),                                            # item 9
    ("Hi %(name)s", "Hej %(nmae)s", "placeholder-extra", "unknown placeholder 'nmae'"),    # item 10
    ("Hi %(name)s", "Salut %(name)s %(personne)s", "placeholder-extra", "'personne'"),     # item 10
    ("Hi %(name)s", "Hej %(name)d", "placeholder-type", "%(name)d"),
    ("100 percent", "100%", "format-invalid", "incomplete format"),                        # item 11
    ("10 off", "10 % sur", "format-invalid", "space flag"),                                # item 11
    ("Hi %(name)s", "Hej %(name)", "format-invalid", "has no conversion type"),            # item 11
    ("Hi %(name)s", "Hej %s", "format-invalid", "positional placeholder"),                 # item 2
    ("Hi %(name)s", "Hej {name.__class__}", "brace-field", "attribute, index"),            # item 12
    ("Hi", "Hej {0.__init__.__globals__}", "brace-field", "attribute, index"),             # item 12
    ("Hi", "Hej {name[0]}", "brace-field", "attribute, index"),                            # item 12
    ("Hi", "Hej {name:>99999}", "brace-field", "attribute, index"),                        # item 12
])
def test_placeholder_and_format_errors(msgid: str, msgstr: str, code: str, text: str) -> None:
    """Missing, misspelled, retyped placeholders, stray % and brace fields are errors at the msgstr line."""
    body = po_text(entry(msgid, msgstr, flags="python-format" if "%(" in msgid else ""))
    problems = [f for f in found(body) if f.code == code]
    assert problems and problems[0].severity == "error"
    assert problems[0].line == line_of(body, f'msgstr "{msgstr}"') and text in problems[0].message
    assert problems[0].msgid == msgid and problems[0].locale == "sv"


def test_plain_brace_field_is_only_a_warning() -> None:
    """{name} is printed literally: a warning that says how to write a placeholder."""
    assert codes(found(po_text(entry("Hi", "Hej {name}")))) == [("brace-field", line_of(
        po_text(entry("Hi", "Hej {name}")), "Hej {name}"), "warning")]


def test_percent_sign_written_as_double_percent_is_fine() -> None:
    """'100%%' is how a percent sign is written in a %-formatted message."""
    assert found(po_text(entry("All %(pct)s%% off", "Allt %(pct)s%% rabatt", flags="python-format"))) == []


@pytest.mark.parametrize("lang, rule, forms, ok", [
    ("sv", "nplurals=2; plural=(n != 1);", ("ett paket", "%(num)s paket"), True),
    ("pl", None, ("jedna paczka", "%(num)s paczki", "%(num)s paczek"), True),
    ("fr", "nplurals=2; plural=(n > 1);", ("un colis", "%(num)s colis"), False),
])
def test_count_may_be_left_out_of_a_form_used_for_one_number(lang: str, rule: str | None,
                                                             forms: tuple[str, ...], ok: bool) -> None:
    """'ett paket' is fine where form 0 means n == 1 only; French form 0 also covers 0, so it needs %(num)s."""
    text = po_text(plural("%(num)s parcel", "%(num)s parcels", *forms), lang=lang, plural=rule)
    problems = found(text, locale=lang)
    assert (problems == []) is ok
    if not ok:
        assert codes(problems) == [("placeholder-missing", line_of(text, "msgstr[0]"), "error")]


def test_other_languages_format_flags_are_not_checked_as_percent_formats() -> None:
    """Entries flagged c-format or python-brace-format (other projects' catalogs) skip the %-checks."""
    body = entry("%d files", "%d filer", flags="c-format") + entry("{n} files", "{n} filer", flags="python-brace-format")
    assert found(po_text(body)) == []


# --------------------------------------------------------------------------- HTML (item 13)


@pytest.mark.parametrize("msgid, msgstr, code", [
    ("Read this", "Läs <script>alert(1)</script>", "html-unsafe"),
    ('See <img src=\\"https://x/y.png\\">', 'Se <img src=\\"https://x/y.png\\" onerror=\\"steal()\\">', "html-unsafe"),
    ('<a href=\\"https://shop.example\\">Shop</a>', '<a href=\\"javascript:alert(1)\\">Butik</a>', "html-unsafe"),
    ('<a href=\\"https://shop.example\\">Shop</a>', '<a href=\\"https://evil.example\\">Butik</a>', "html-tags"),
    ("Read <b>this</b>", "Läs <b>det här", "html-tags"),
    ("<b><i>Now</i></b>", "<b><i>Nu</b></i>", "html-unbalanced"),
])
def test_html_problems(msgid: str, msgstr: str, code: str) -> None:
    """Unsafe HTML is always an error; tags and attributes must match the source and nest (item 13)."""
    text = po_text(entry(msgid, msgstr))
    problems = [f for f in found(text) if f.code == code]
    assert problems and {f.line for f in problems} == {line_of(text, f'msgstr "{msgstr[:4]}')}
    assert {f.severity for f in problems} == {"error"}


def test_entities_and_lone_angle_brackets_are_not_html() -> None:
    """'< 5 days' and '&amp;' are text, not tags."""
    assert found(po_text(entry("Less than 5 days &amp; more", "Mindre än < 5 dagar &amp; mer"))) == []


# --------------------------------------------------------------------------- whitespace, bidi, duplicates, obsolete


def test_leading_and_trailing_spaces_differing_is_a_warning() -> None:
    """A trailing space the source lacks is a whitespace warning; a newline mismatch an error."""
    text = po_text(entry("Done", "Klart ") + entry("\\nLine", "Rad"))
    assert codes(found(text)) == [("whitespace", line_of(text, '"Klart "'), "warning"),
                                  ("newline", line_of(text, 'msgstr "Rad"'), "error")]


@pytest.mark.parametrize("msgstr, lang, ok", [
    ("Betala \u202eexe.pdf", "sv", False),          # RLO
    ("Betala\u200b nu", "sv", False),               # zero-width space
    ("Betala\x00", "sv", False),                     # NUL
    ("ادفع \u2067%(x)s\u2069 الآن", "ar", True),     # balanced isolate in RTL
    ("ادفع \u2067%(x)s الآن", "ar", False),          # unbalanced
    ("ادفع \u200f الآن", "ar", True),                # RLM
    ("Betala \u2067nu\u2069", "sv", False),         # isolates in an LTR language
    ("👨\u200d👩\u200d👧", "sv", True),               # emoji ZWJ sequence
])
def test_bidi_and_invisible_characters(msgstr: str, lang: str, ok: bool) -> None:
    """Bidi controls and invisible characters not in the source are errors, with RTL exceptions (item 20)."""
    msgid = "Pay %(x)s now" if "%(x)s" in msgstr else "Pay"
    text = po_text(entry(msgid, msgstr.replace("\x00", "\\0"), flags="python-format" if "%(" in msgid else ""),
                   lang=lang, plural="nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && "
                   "n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);" if lang == "ar" else None)
    problems = [f for f in found(text, locale=lang) if f.code == "bidi"]
    assert (problems == []) is ok, problems


def test_characters_already_in_the_source_are_allowed() -> None:
    """An invisible character the msgid has may stay in the msgstr."""
    assert found(po_text(entry("a\u200bb", "c\u200bd"))) == []


def test_duplicates_name_the_first_definition() -> None:
    """A repeated msgctxt+msgid is an error pointing at both lines; another context is fine (item 19)."""
    text = po_text(entry("Order", "Order") + entry("Order", "Beställning", context="noun") + entry("Order", "X"))
    [problem] = found(text)
    first = line_of(text, 'msgid "Order"')
    assert (problem.code, problem.line) == ("duplicate", line_of(text, 'msgid "Order"', 3))
    assert f"first on line {first}" in problem.message


def test_obsolete_entries_are_ignored_except_for_one_warning() -> None:
    """A broken obsolete entry is not checked; the file gets a single obsolete warning (item 19)."""
    text = po_text(GOOD + '#~ msgid "Hi %(name)s"\n#~ msgstr "Hej %(namn)s 100%"\n\n#~ msgid "B"\n#~ msgstr "C"\n')
    [problem] = found(text)
    assert (problem.code, problem.severity, problem.line) == ("obsolete", "warning", line_of(text, "#~ msgid"))
    assert "2 obsolete entries" in problem.message


def test_fuzzy_entries_are_reported_but_not_content_checked() -> None:
    """A fuzzy entry is one `fuzzy` finding; its outdated text is not linted."""
    text = po_text(entry("Hi %(name)s", "Hej %(namn)s", flags="fuzzy, python-format"))
    assert codes(found(text)) == [("fuzzy", line_of(text, 'msgid "Hi'), "error")]


def test_template_is_checked_for_source_problems_only() -> None:
    """A .pot has no translations: no untranslated findings, but a stray % in a source is reported."""
    text = po_text(entry("Order", "") + entry("Save 100% now", ""))
    assert codes(found(text, name="messages.pot", locale=None)) == [
        ("format-invalid", line_of(text, "Save 100%"), "error")]


# --------------------------------------------------------------------------- reports


def test_report_formats(tmp_path: Path) -> None:
    """Text, JSON and GitHub forms carry path, line, code and severity; errors decide ok."""
    path = write_po(tmp_path, "sv", po_text(entry("Hi %(name)s", "Hej %(namn)s") + entry("Done", "Klart ")))
    report = check_paths([tmp_path], own=[tmp_path])
    assert not report.ok and len(report.errors) == 2 and len(report.warnings) == 1
    line = line_of(path.read_text(encoding="utf-8"), "Hej %(namn)s")
    shown = report.files[0]
    assert shown.endswith("sv/LC_MESSAGES/messages.po")
    assert f"{shown}:{line}: placeholder-missing: placeholder 'name' missing\n" in report.to_text()
    assert report.to_text().endswith("2 errors, 1 warnings in 1 files\n")
    doc = json.loads(report.to_json())
    assert doc["errors"] == 2 and doc["warnings"] == 1 and doc["files"] == [shown]
    assert doc["findings"][0] == {"path": shown, "line": line, "code": "placeholder-extra", "severity": "error",
                                  "message": "unknown placeholder 'namn' (not in the source)",
                                  "locale": "sv", "msgid": "Hi %(name)s", "context": None}
    github = report.to_github().splitlines()
    assert github[0] == f"::error file={shown},line={line},title=placeholder-extra::unknown placeholder " \
                        "'namn' (not in the source)"
    assert github[2].startswith("::warning ")


def test_github_annotations_escape_newlines_and_percent() -> None:
    """Workflow-command metacharacters in a message are escaped, so one finding is one line."""
    report = checks.CheckReport((Finding("a,b.po", 3, "x", "error", "100%\nnext"),))
    assert report.to_github() == "::error file=a%2Cb.po,line=3,title=x::100%25%0Anext\n"


def test_a_missing_file_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    """An unreadable path becomes a syntax finding on that path."""
    report = check_paths([tmp_path / "nope.po"])
    assert [f.code for f in report.findings] == ["syntax"] and "cannot read" in report.findings[0].message


# --------------------------------------------------------------------------- against msgfmt

MSGFMT_CASES = {
    "unterminated": 'msgid "a"\nmsgstr "b\n',
    "msgstr-first": 'msgstr "b"\nmsgid "a"\nmsgstr "c"\n',
    "bad-escape": 'msgid "a"\nmsgstr "b\\q"\n',
    "duplicate": 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n',
    "no-msgstr": 'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n',
    "few-forms": 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n',
    "format": '#, python-format\nmsgid "Hi %(name)s"\nmsgstr "Hej %(namn)s"\n',
    "newline": 'msgid "a\\n"\nmsgstr "b"\n',
}


@pytest.mark.parametrize("name", sorted(MSGFMT_CASES))
def test_whatever_msgfmt_check_rejects_we_reject_too(tmp_path: Path, name: str) -> None:
    """On the same broken catalog, `msgfmt --check` fails and i18nmail reports an error."""
    path = tmp_path / f"{name}.po"
    path.write_text(po_text(MSGFMT_CASES[name]), encoding="utf-8")
    msgfmt = subprocess.run([shutil.which("msgfmt") or "msgfmt", "--check", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True, check=False)
    assert msgfmt.returncode != 0, msgfmt.stderr
    assert check_paths([path]).errors


def test_msgfmt_and_we_accept_the_same_good_catalog(tmp_path: Path) -> None:
    """A clean catalog passes `msgfmt --check` and i18nmail alike."""
    path = tmp_path / "good.po"
    path.write_text(po_text(GOOD + plural("%(num)s day", "%(num)s days", "%(num)s dag", "%(num)s dagar")),
                    encoding="utf-8")
    msgfmt = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, check=False)
    assert msgfmt.returncode == 0 and check_paths([path]).ok


# --------------------------------------------------------------------------- rendered checks


def sample(subject: str = "Din återbetalning", *, locale: str = "sv", fallbacks: tuple[Any, ...] = (),
           text: str = "Hej", po: Any = None) -> RenderedSample:
    email = SimpleNamespace(subject=subject, preheader="", text=text, html=f"<p>{text}</p>", fallbacks=fallbacks)
    return RenderedSample("refund_approved", locale, email, "sv.po", 7, (po,) if po else ())


def rendered(check: str, s: RenderedSample) -> list[tuple[str, str, int]]:
    return [(f.code, f.severity, f.line) for f in RENDERED_CHECKS[check](s)]


def test_subject_length_limits() -> None:
    """Over 60 characters is an error, over 40 a warning (phones show less), at the subject's line."""
    assert rendered("subject-length", sample("x" * 61)) == [("subject-length", "error", 7)]
    assert rendered("subject-length", sample("x" * 41)) == [("subject-length", "warning", 7)]
    assert rendered("subject-length", sample("x" * 40)) == []


def test_subject_that_fell_back_is_checked_in_its_own_language() -> None:
    """A subject shown in English because it is untranslated is not measured against Swedish."""
    fell = (Fallback(kind="message", detail="not translated", locale="sv", message="subject|Refund"),)
    assert rendered("subject-length", sample("x" * 70, fallbacks=fell)) == []


def test_subject_shouting_and_repeated_punctuation_are_warnings() -> None:
    """ALL-CAPS words and '!!' in a subject are warnings."""
    assert rendered("subject-caps", sample("Din ÅTERBETALNING")) == [("subject-caps", "warning", 7)]
    assert rendered("subject-punctuation", sample("Klart!!")) == [("subject-punctuation", "warning", 7)]
    assert rendered("subject-caps", sample("Order 10437 (SE)")) == []


def test_bidi_controls_in_a_subject_are_errors() -> None:
    """An override in a subject is an error; balanced isolates in Arabic are fine."""
    assert rendered("subject-bidi", sample("Order \u202e7341")) == [("subject-bidi", "error", 7)]
    assert rendered("subject-bidi", sample("طلب \u2068A-1\u2069", locale="ar")) == []


@pytest.mark.parametrize("text", ["Hej %(name)s", "Hej {'name': 'Ada', 'email': 'a@x'}", "Hej {{ name }}"])
def test_leftover_placeholders_in_output_are_errors(text: str) -> None:
    """%(name)s, a printed dict or Jinja syntax in any rendered part is an error (item 11)."""
    assert ("leftover", "error", 7) in rendered("leftover", sample(text=text))


def test_fallbacks_are_reported_once_at_the_message_line() -> None:
    """A rejected translation is reported at its msgstr line; untranslated ones are left to `untranslated`."""
    text = po_text(entry("Order", "Order %(x)s") + entry("Thanks", ""))
    po = parse_catalog(text.encode(), "sv.po", locale="sv")
    fell = (
        Fallback(kind="message", detail="translation rejected", locale="sv", message="Order"),
        Fallback(kind="message", detail="not translated in 'sv'", locale="sv", message="Thanks"),
        Fallback(kind="message", detail="not translated in 'sv'", locale="sv", message="New"),
        Fallback(kind="catalog", detail="sv.po: damaged", locale="sv"),
    )
    got = [(f.code, f.line, f.message) for f in RENDERED_CHECKS["fallback"](sample(fallbacks=fell, po=po))]
    assert got == [
        ("fallback", line_of(text, 'msgstr "Order %(x)s"'), "'Order': translation rejected"),
        ("fallback", 0, "'New': not translated in 'sv' (missing from the catalog: run `i18nmail update`)"),
        ("fallback", 0, "catalog: sv.po: damaged"),
    ]


def test_render_errors_become_findings() -> None:
    """A scenario that cannot render is a render-error finding, and the run goes on."""

    class Broken:
        catalogs = SimpleNamespace(virtual={"en_XA": None})

        def scenarios(self) -> list[Any]:
            return [SimpleNamespace(id="refund_approved", sample=lambda tag: {})]

        def locales(self) -> list[str]:
            return ["en", "en-XA", "sv"]

        def render(self, scenario: str, **kwargs: Any) -> Any:
            raise ValueError("missing order_number")

    found_ = checks.render_checks(Broken())
    assert sorted((f.code, f.locale) for f in found_) == [("render-error", "en"), ("render-error", "sv")]


def test_rendered_checks_point_at_the_subject_in_a_shop_catalog(tmp_path: Path) -> None:
    """A 70-character subject in a shop's own catalog is reported at its msgstr line there."""
    long = "Vi har tagit emot din förfrågan om ärendet och återkommer snart (%(ticket)s)"
    text = po_text("#: templates/scenarios/support_acknowledgement.j2:5\n"
                   + entry("We've received your request (ticket %(ticket)s)", long, context="subject",
                           flags="python-format"))
    path = write_po(tmp_path, "sv", text)
    report = check_paths([tmp_path], rendered=True, catalogs=tmp_path)
    mine = [f for f in report.findings if f.path == str(path)]
    assert [(f.code, f.severity, f.line, f.locale) for f in mine] == [
        ("subject-length", "error", line_of(text, 'msgstr "Vi har'), "sv")]
    assert "support_acknowledgement: subject is 71 characters" in mine[0].message
    assert {f.locale for f in report.findings} == {"sv"}  # only the checked catalog's locale is rendered
