"""Run time and `i18nmail check` agree on every corruption kind of the fuzzing campaign (102 kinds).

Each kind damages a copy of the shipped Swedish catalog in a shop's catalogs
folder (87 ``.po`` kinds), replaces the file by something that is not a
catalog (5 file kinds), or puts a damaged ``.mo`` beside it (10 kinds). The
verdict is about validity, as ``i18nmail compile`` judges it:

* ``check`` (``i18nmail --catalogs SHOP check``, its catalog checks):
  ``flagged`` when it reports an error other than the completeness codes;
* run time (the shop folder layered over the built-in catalogs, as a
  ``Mailer`` uses them): ``flagged`` when the shop's catalog is refused (a
  recorded fallback), or when any message of ``messages.pot`` (every plural
  count of ``plurals.SAMPLE``) records a rejected translation;
* ``clean`` otherwise. An empty, fuzzy or missing entry in a shop's catalog
  is clean for both: the next layer provides the sentence.

``check`` reads ``.po`` files only; for the ``.mo`` kinds the table states
what the run time does (a damaged ``.mo`` is refused and recorded; a valid one
newer than its ``.po`` is used).
"""

from __future__ import annotations

import codecs
import os
import re
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from i18nmail.catalogs import CatalogSet, Translator
from i18nmail.checks import check_paths
from i18nmail.checks_policy import INCOMPLETE_CODES
from i18nmail.plurals import SAMPLE
from i18nmail.pofile import read_catalog
from i18nmail.render import builtin_catalogs

SV = (builtin_catalogs() / "sv" / "LC_MESSAGES" / "messages.po").read_text("utf-8")
POT = read_catalog(builtin_catalogs() / "messages.pot")
GREETING = 'msgctxt "greeting"\nmsgid "Hi %(name)s,"\nmsgstr "Hej %(name)s!"\n'
PLURAL_RULE = '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
WINDOW_FORMS = ('msgstr[0] "%(num)s arbetsdag räknat från %(start)s är %(first)s."\n'
                'msgstr[1] "%(num)s arbetsdagar räknat från %(start)s är %(first)s."\n')
assert GREETING in SV and PLURAL_RULE in SV and WINDOW_FORMS in SV
#: Counts tried at run time: msgfmt's 0..1000 and the large numbers (D7).
COUNTS = SAMPLE


def greeting(msgstr: str) -> Callable[[str], str]:
    """The greeting's msgstr line replaced by *msgstr* (PO source text, escapes included)."""
    return lambda text: text.replace(GREETING, GREETING.replace('msgstr "Hej %(name)s!"', msgstr), 1)


def rule(value: str) -> Callable[[str], str]:
    """The Plural-Forms header line replaced by *value* (one or more header lines)."""
    return lambda text: text.replace(PLURAL_RULE, value, 1)


def header(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


def forms(new: str) -> Callable[[str], str]:
    return lambda text: text.replace(WINDOW_FORMS, new, 1)


def truncate_at(fraction: float, *, boundary: bool) -> Callable[[str], str]:
    def cut(text: str) -> str:
        at = int(len(text) * fraction)
        if boundary:
            at = text.rfind("\n\n", 0, at) + 1
        else:
            at = text.find('msgstr "', at) + len('msgstr "Hej')
        return text[:at]
    return cut


CHARSET = '"Content-Type: text/plain; charset=utf-8\\n"'

#: (kind, text transformation or bytes builder, expected shared verdict)
PO_KINDS: list[tuple[str, Callable[[str], str | bytes], str]] = [
    # Plural-Forms headers
    ("plural-import", rule('"Plural-Forms: nplurals=2; plural=__import__(\'os\').system(\'id\');\\n"\n'), "flagged"),
    ("plural-lambda", rule('"Plural-Forms: nplurals=2; plural=(lambda: 1)();\\n"\n'), "flagged"),
    ("plural-dunder", rule('"Plural-Forms: nplurals=2; plural=n.__class__;\\n"\n'), "flagged"),
    ("plural-split-fields", rule('"Plural-Forms: nplurals=2;\\n"\n"plural=(n != 1);\\n"\n'), "flagged"),
    ("plural-header-twice", rule(PLURAL_RULE + '"Plural-Forms: nplurals=3; plural=(n%3);\\n"\n'), "flagged"),
    ("plural-newline-inside", rule('"Plural-Forms: nplurals=2; plural=(n\\n != 1);\\n"\n'), "flagged"),
    ("plural-missing", rule(""), "flagged"),
    ("nplurals-0", rule('"Plural-Forms: nplurals=0; plural=0;\\n"\n'), "flagged"),
    ("nplurals-1-rule-2", rule('"Plural-Forms: nplurals=1; plural=(n != 1);\\n"\n'), "flagged"),
    ("nplurals-1000", rule('"Plural-Forms: nplurals=1000; plural=(n != 1);\\n"\n'), "flagged"),
    ("nplurals-5000-digits", rule('"Plural-Forms: nplurals=' + "9" * 5000 + '; plural=(n != 1);\\n"\n'), "flagged"),
    ("plural-div-zero-small-n", rule('"Plural-Forms: nplurals=2; plural=(1/(n-3)) != 1;\\n"\n'), "flagged"),
    ("plural-95-parens", rule('"Plural-Forms: nplurals=2; plural=' + "(" * 95 + "n != 1" + ")" * 95 + ';\\n"\n'),
     "flagged"),
    ("plural-expr-1200-chars", rule('"Plural-Forms: nplurals=2; plural=' + "n != 1 && " * 120 + 'n != 1;\\n"\n'),
     "flagged"),
    ("plural-150-digit-constant", rule('"Plural-Forms: nplurals=2; plural=(n != 1) && n < ' + "9" * 150 + ';\\n"\n'),
     "clean"),
    ("plural-index-5-above-250", rule('"Plural-Forms: nplurals=2; plural=n>250 ? 5 : n != 1;\\n"\n'), "flagged"),
    ("plural-mod-zero-at-300", rule('"Plural-Forms: nplurals=2; plural=(n%(n-300)) && n != 1;\\n"\n'), "flagged"),
    ("plural-negative-above-250", rule('"Plural-Forms: nplurals=2; plural=n>250 ? 0-1 : n != 1;\\n"\n'), "flagged"),
    # Encodings
    ("charset-bogus", header(CHARSET, '"Content-Type: text/plain; charset=bogus-xyz\\n"'), "flagged"),
    ("charset-rot13", header(CHARSET, '"Content-Type: text/plain; charset=rot13\\n"'), "flagged"),
    ("charset-CHARSET", header(CHARSET, '"Content-Type: text/plain; charset=CHARSET\\n"'), "flagged"),
    ("charset-missing", header(CHARSET, '"Content-Type: text/plain\\n"'), "flagged"),
    ("charset-latin1-on-utf8", header(CHARSET, '"Content-Type: text/plain; charset=latin-1\\n"'), "flagged"),
    ("utf16-with-bom", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "flagged"),
    ("utf16-without-bom", lambda t: t.encode("utf-16-le"), "flagged"),
    ("invalid-utf8", lambda t: t.replace("Hej %(name)s!", "Hej %(name)s!\udcff", 1).encode("utf-8", "surrogateescape"),
     "flagged"),
    ("cp1252-in-utf8-file", lambda t: t.encode("utf-8").replace(b"Hej %(name)s!", "Hej %(name)s! \u2013".encode("cp1252"), 1),
     "flagged"),
    ("binary-garbage-appended", lambda t: t.encode() + bytes(range(256)), "flagged"),
    ("binary-garbage-only", lambda t: bytes(range(256)) * 4, "flagged"),
    ("utf8-bom", lambda t: codecs.BOM_UTF8 + t.encode(), "clean"),
    ("crlf-line-endings", lambda t: t.replace("\n", "\r\n"), "clean"),
    ("cr-only-line-endings", lambda t: t.replace("\n", "\r"), "flagged"),
    ("latin1-declared-and-used", lambda t: t.replace("charset=utf-8", "charset=ISO-8859-1").encode("latin-1", "replace"),
     "clean"),
    # Translations: placeholders and format
    ("placeholder-missing", forms('msgstr[0] "%(num)s arbetsdag från %(start)s."\n'
                                  'msgstr[1] "%(num)s arbetsdagar räknat från %(start)s är %(first)s."\n'), "flagged"),
    ("placeholder-misspelled", greeting('msgstr "Hej %(namn)s!"'), "flagged"),
    ("placeholder-d", greeting('msgstr "Hej %(name)d!"'), "flagged"),
    ("placeholder-r", greeting('msgstr "Hej %(name)r!"'), "flagged"),
    ("stray-percent", greeting('msgstr "Hej %(name)s, 100% klart!"'), "flagged"),
    ("positional-s", greeting('msgstr "Hej %s!"'), "flagged"),
    ("brace-attribute", greeting('msgstr "Hej %(name)s {name.__class__}!"'), "flagged"),
    ("brace-index", greeting('msgstr "Hej %(name)s {0[0]}!"'), "flagged"),
    ("brace-format-spec", greeting('msgstr "Hej %(name)s {name:>99999}!"'), "flagged"),
    ("jinja-expression", greeting('msgstr "Hej %(name)s {{ 7*7 }}!"'), "clean"),
    ("jinja-statement", greeting('msgstr "Hej %(name)s {% if x %}!"'), "flagged"),  # a stray %
    # Translations: HTML
    ("html-script", greeting('msgstr "Hej <script>alert(1)</script> %(name)s!"'), "flagged"),
    ("html-img-onerror", greeting('msgstr "Hej <img src=x onerror=alert(1)> %(name)s!"'), "flagged"),
    ("html-nested-script", greeting('msgstr "Hej <scr<script>ipt>alert(1)</script> %(name)s!"'), "flagged"),
    ("html-unterminated-tag", greeting('msgstr "Hej <a %(name)s!"'), "flagged"),
    ("html-comment-opener", greeting('msgstr "Hej <!-- %(name)s!"'), "flagged"),
    ("html-entities", greeting('msgstr "Hej &lt;script&gt; %(name)s!"'), "flagged"),
    ("html-lone-angle", greeting('msgstr "Hej %(name)s! <"'), "flagged"),
    # Translations: invisible and control characters
    ("bidi-rlo", greeting('msgstr "Hej \u202e%(name)s!"'), "flagged"),
    ("bidi-rlm", greeting('msgstr "Hej \u200f%(name)s!"'), "clean"),
    ("bidi-alm", greeting('msgstr "Hej \u061c%(name)s!"'), "clean"),
    ("escape-nul", greeting('msgstr "Hej \\x00%(name)s!"'), "flagged"),
    ("raw-nul-byte", greeting('msgstr "Hej \x00%(name)s!"'), "flagged"),
    # Translations: line breaks
    ("lf-inside", greeting('msgstr "Hej\\n%(name)s!"'), "clean"),  # check: a line-break warning only
    ("crlf-inside", greeting('msgstr "Hej\\r\\n%(name)s!"'), "flagged"),
    ("cr-at-end", greeting('msgstr "Hej %(name)s!\\r"'), "flagged"),
    ("leading-newline", greeting('msgstr "\\nHej %(name)s!"'), "flagged"),
    # PO grammar
    ("unterminated-string", greeting('msgstr "Hej %(name)s!'), "flagged"),
    ("trailing-backslash-quote", greeting('msgstr "Hej %(name)s!\\"'), "flagged"),
    ("escape-q", greeting('msgstr "Hej \\q%(name)s!"'), "flagged"),
    ("escape-777", greeting('msgstr "Hej \\777%(name)s!"'), "clean"),
    ("escape-x-without-digits", greeting('msgstr "Hej \\xZZ%(name)s!"'), "flagged"),
    ("unknown-keyword", greeting('msgstring "Hej %(name)s!"'), "flagged"),
    ("msgstr-before-msgid", header(GREETING, 'msgstr "Hej %(name)s!"\nmsgctxt "greeting"\nmsgid "Hi %(name)s,"\n'),
     "flagged"),
    ("msgid-without-msgstr", header(GREETING, 'msgctxt "greeting"\nmsgid "Hi %(name)s,"\n'), "flagged"),
    ("msgctxt-without-msgid", header(GREETING, 'msgctxt "greeting"\n'), "flagged"),
    ("duplicate-msgid", header(GREETING, GREETING + "\n" + GREETING.replace("Hej", "Hallå")), "flagged"),
    ("duplicate-active-and-obsolete", header(GREETING, GREETING + '\n#~ msgctxt "greeting"\n#~ msgid "Hi %(name)s,"\n'
                                                                  '#~ msgstr "Tjena %(name)s!"\n'), "flagged"),
    ("second-header", lambda t: t + '\nmsgid ""\nmsgstr "Language: sv\\n"\n', "flagged"),
    ("fuzzy-entry", header(GREETING, "#, fuzzy\n" + GREETING), "clean"),
    ("empty-translation", greeting('msgstr ""'), "clean"),
    # Plural entries
    ("plural-too-few-forms", forms(WINDOW_FORMS.split("\n")[0] + "\n"), "flagged"),
    ("plural-too-many-forms", forms(WINDOW_FORMS + 'msgstr[2] "%(num)s x %(start)s %(first)s."\n'), "flagged"),
    ("plural-forms-out-of-order", forms("\n".join(reversed(WINDOW_FORMS.strip().split("\n"))) + "\n"), "flagged"),
    ("plural-index-x", forms(WINDOW_FORMS.replace("msgstr[1]", "msgstr[x]")), "flagged"),
    ("plural-index-huge", forms(WINDOW_FORMS.replace("msgstr[1]", "msgstr[99999999999999999999]")), "flagged"),
    # Size and structure
    ("truncated-mid-entry", truncate_at(0.5, boundary=False), "flagged"),
    ("truncated-at-entry-boundary", truncate_at(0.5, boundary=True), "clean"),
    ("header-only", lambda t: t[: t.index("\n\n") + 1], "clean"),
    ("empty-file", lambda t: b"", "flagged"),
    ("no-header", lambda t: t[t.index("\n\n") + 2:], "flagged"),
    ("language-path-traversal", header('"Language: sv\\n"', '"Language: ../../etc/passwd\\n"'), "clean"),
    ("huge-msgstr-2mb", greeting('msgstr "Hej %(name)s! ' + "x" * 2_000_000 + '"'), "flagged"),  # D12: no sentence is 2 MB long
    ("larger-than-20mb", lambda t: t.encode() + b"#" * (20 * 1024 * 1024), "flagged"),
]


def _mo(entries: dict[str, str], *, magic: int = 0x950412DE, version: int = 0) -> bytes:
    """A .mo file (GNU layout) holding *entries*."""
    keys = sorted(entries)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(entries[k].encode() + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    offsets, out_ids, out_strs, pos = [], [], [], 0
    for k in keys:
        out_ids.append((len(k.encode()), start + pos))
        pos += len(k.encode()) + 1
    for k in keys:
        out_strs.append((len(entries[k].encode()), start + pos))
        pos += len(entries[k].encode()) + 1
    del offsets
    head = struct.pack("<7I", magic, version, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    table = b"".join(struct.pack("<2I", *p) for p in out_ids) + b"".join(struct.pack("<2I", *p) for p in out_strs)
    return head + table + ids + strs


MO_HEADER = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
GOOD_MO = _mo({"": MO_HEADER, "greeting\x04Hi %(name)s,": "Hej %(name)s!"})

#: (kind, .mo bytes, run-time verdict)
MO_KINDS: list[tuple[str, bytes, str]] = [
    ("mo-truncated", GOOD_MO[: len(GOOD_MO) // 2], "refused"),
    ("mo-bad-magic", _mo({"": MO_HEADER}, magic=0x12345678), "refused"),
    ("mo-garbage", bytes(range(256)) * 3, "refused"),
    ("mo-empty", b"", "refused"),
    ("mo-msgcount-2-31", struct.pack("<7I", 0x950412DE, 0, 2**31, 28, 28, 0, 0), "refused"),
    ("mo-offsets-past-end", struct.pack("<7I", 0x950412DE, 0, 1, 28, 36, 0, 0) + struct.pack("<4I", 5, 9999, 5, 9999),
     "refused"),
    ("mo-bad-version", _mo({"": MO_HEADER}, version=5 << 16), "refused"),
    ("mo-bogus-charset", _mo({"": "Content-Type: text/plain; charset=bogus-xyz\n"}), "refused"),
    ("mo-evil-plural", _mo({"": "Content-Type: text/plain; charset=UTF-8\n"
                                "Plural-Forms: nplurals=2; plural=__import__('os').getpid();\n"}), "refused"),
    ("mo-valid-newer-than-po", GOOD_MO, "used"),
]

def _symlink_loop(path: Path) -> None:
    other = path.with_name("loop.po")
    other.symlink_to(path)
    path.symlink_to(other)


#: (kind, how the messages.po path is made, shared verdict)
FILE_KINDS: list[tuple[str, Callable[[Path], None], str]] = [
    ("file-directory", lambda p: p.mkdir(), "flagged"),
    ("file-fifo", lambda p: os.mkfifo(p), "flagged"),
    ("file-dev-zero", lambda p: p.symlink_to("/dev/zero"), "flagged"),
    ("file-symlink-loop", lambda p: _symlink_loop(p), "flagged"),
    ("file-etc-passwd", lambda p: p.symlink_to("/etc/passwd"), "flagged"),
]


def test_the_table_has_the_102_kinds_of_the_report() -> None:
    """87 .po, 10 .mo and 5 file-type corruptions, each named once."""
    names = [k[0] for k in PO_KINDS] + [k[0] for k in MO_KINDS] + [k[0] for k in FILE_KINDS]
    assert (len(PO_KINDS), len(MO_KINDS), len(FILE_KINDS)) == (87, 10, 5)
    assert len(set(names)) == 102


#: Check codes about completeness, not validity (warnings unless --require-complete).
INCOMPLETE = INCOMPLETE_CODES


def runtime_verdict(root: Path) -> str:
    """'flagged' when the shop's catalog is refused or any translation is rejected, else 'clean'."""
    catalogs, problems = CatalogSet([root, builtin_catalogs()]).chain(["sv"])
    if problems:
        return "flagged"
    translator = Translator(catalogs, primary="sv")
    for entry in POT.entries:
        if entry.msgid_plural is None:
            if translator.gettext(entry.msgctxt, entry.msgid).problems:
                return "flagged"
            continue
        for n in COUNTS:
            if translator.ngettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n, "num").problems:
                return "flagged"
    return "clean"


def check_verdict(root: Path) -> str:
    """'flagged' when `i18nmail --catalogs SHOP check` (its catalog checks) reports a validity error."""
    builtin = builtin_catalogs()
    report = check_paths([root], rendered=False, own=[root, builtin], lower_layers=[builtin])
    return "flagged" if [f for f in report.errors if f.code not in INCOMPLETE] else "clean"


def po_path(root: Path) -> Path:
    path = root / "sv" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_the_unchanged_catalog_is_clean_for_both(tmp_path: Path) -> None:
    """The baseline: the shipped Swedish catalog is clean at run time and for check."""
    path = po_path(tmp_path)
    path.write_text(SV, "utf-8")
    assert (runtime_verdict(tmp_path), check_verdict(tmp_path)) == ("clean", "clean")


@pytest.mark.parametrize(("kind", "damage", "expected"), PO_KINDS, ids=[k[0] for k in PO_KINDS])
def test_po_corruption_same_verdict(tmp_path: Path, kind: str, damage: Callable[[str], str | bytes],
                                    expected: str) -> None:
    """Run time and check give the same verdict on this .po corruption."""
    path = po_path(tmp_path)
    data = damage(SV)
    assert data != SV, "the corruption did not change the file"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    assert (runtime_verdict(tmp_path), check_verdict(tmp_path)) == (expected, expected)


def test_an_optional_placeholder_may_be_left_out_on_both_sides(tmp_path: Path) -> None:
    """The greeting declares "Optional: name": run time and check both accept "Hej!" without it."""
    path = po_path(tmp_path)
    path.write_text(greeting('msgstr "Hej!"')(SV), "utf-8")
    assert (runtime_verdict(tmp_path), check_verdict(tmp_path)) == ("clean", "clean")


@pytest.mark.parametrize(("kind", "make", "expected"), FILE_KINDS, ids=[k[0] for k in FILE_KINDS])
def test_file_kind_same_verdict(tmp_path: Path, kind: str, make: Callable[[Path], None], expected: str) -> None:
    """A messages.po that is no regular file: refused at run time and by check, at once."""
    path = po_path(tmp_path)
    make(path)
    assert (runtime_verdict(tmp_path), check_verdict(tmp_path)) == (expected, expected)


@pytest.mark.parametrize(("kind", "data", "expected"), MO_KINDS, ids=[k[0] for k in MO_KINDS])
def test_mo_corruption_at_run_time(tmp_path: Path, kind: str, data: bytes, expected: str) -> None:
    """A damaged .mo newer than its .po is refused and recorded; a valid one is used (check reads .po only)."""
    path = po_path(tmp_path)
    path.write_text(SV, "utf-8")
    mo = path.with_suffix(".mo")
    mo.write_bytes(data)
    later = path.stat().st_mtime + 10
    os.utime(mo, (later, later))
    catalogs, problems = CatalogSet([tmp_path]).chain(["sv"])
    if expected == "refused":
        assert problems and problems[0].kind == "catalog" and "messages.mo" in problems[0].detail
        assert not re.search(r"Traceback", problems[0].detail)
    else:
        assert not problems and catalogs[0].path.endswith("messages.mo")
        assert Translator(catalogs, primary="sv").gettext("greeting", "Hi %(name)s,").text == "Hej %(name)s!"
