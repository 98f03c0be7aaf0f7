"""The strict PO reader (i18nmail.pofile): what it refuses, what it reports, what it never reads (issue 11)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from i18nmail.checks import run_checks
from i18nmail.pofile import REFUSING_CODES, PoFile, parse_catalog, read_bytes_bounded, read_catalog
from tests.catalog_builders import line_of, po_text, write_po


def codes(text: str | bytes) -> list[tuple[str, int, str]]:
    """Code, line and severity of every finding of every check on *text*."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    po = parse_catalog(data, "messages.po", locale="sv")
    return [(f.code, f.line, f.severity) for f in run_checks(po)]


def read_in_thread(path: Path) -> list[PoFile]:
    """read_catalog in a thread that must finish within 5 s (a FIFO must never block)."""
    result: list[PoFile] = []
    worker = threading.Thread(target=lambda: result.append(read_catalog(path)), daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), f"reading {path} blocked"
    return result


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    """A catalog path that is a FIFO is refused without waiting for a writer (fuzzing D6)."""
    path = tmp_path / "sv" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    [po] = read_in_thread(path)
    assert [f.message for f in po.refusal] == [
        "cannot read file: not a regular file (a FIFO, device or directory is never read)"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    """A symlink to /dev/zero is a device, not a file: refused before a byte is read (fuzzing D6)."""
    path = tmp_path / "messages.po"
    path.symlink_to("/dev/zero")
    [po] = read_in_thread(path)
    assert po.refusal and "not a regular file" in po.refusal[0].message


def test_reads_are_bounded_by_bytes_read(tmp_path: Path) -> None:
    """The limit counts bytes actually read: one byte over is refused, the limit itself is fine."""
    path = tmp_path / "big.po"
    path.write_bytes(b"#" * 101)
    with pytest.raises(ValueError, match="larger than 100 bytes"):
        read_bytes_bounded(path, limit=100)
    assert read_bytes_bounded(path, limit=101) == b"#" * 101


def test_a_missing_file_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    """An unreadable path is one refusing `syntax` finding on line 0."""
    po = read_catalog(tmp_path / "nope.po")
    assert [(f.code, f.line) for f in po.refusal] == [("syntax", 0)]


def test_duplicates_between_active_and_obsolete_entries_are_refused() -> None:
    """`#~ msgid "a"` after an active "a" is a duplicate at the obsolete line, as msgfmt says (peer-catalogs 4)."""
    text = po_text('msgid "a"\nmsgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n\n#~ msgid "z"\n#~ msgstr "y"\n\n'
                   '#~ msgid "z"\n#~ msgstr "x"\n')
    po = parse_catalog(text.encode(), "messages.po", locale="sv")
    assert [(f.code, f.line) for f in po.refusal] == [
        ("duplicate", line_of(text, '#~ msgid "a"')), ("duplicate", line_of(text, '#~ msgid "z"', 2))]
    assert "an active and an obsolete #~ entry" in po.refusal[0].message
    assert [e.msgstr[0] for e in po.entries] == ["b"]


def test_a_utf8_file_that_declares_latin1_is_an_encoding_error() -> None:
    """charset=ISO-8859-1 on a UTF-8 file would garble every accent: refused (fuzzing D12)."""
    text = po_text('msgid "Order"\nmsgstr "Beställning"\n', charset="ISO-8859-1")
    assert codes(text) == [("encoding", line_of(text, "charset="), "error")]
    latin1 = text.encode("latin-1")
    assert codes(latin1) == []


def test_carriage_returns_and_added_line_breaks_are_findings() -> None:
    """A CR in a translation is an error; an LF the source lacks is a warning (fuzzing D12)."""
    text = po_text('msgid "Hi"\nmsgstr "Hej\\rdå"\n\nmsgid "Bye"\nmsgstr "Hej\\n då"\n\n'
                   'msgid "Two\\nlines"\nmsgstr "Två\\nrader"\n')
    assert [c for c in codes(text) if c[0] == "line-break"] == [
        ("line-break", line_of(text, "Hej\\rdå"), "error"),
        ("line-break", line_of(text, "Hej\\n då"), "warning")]


def test_adjacent_literals_on_one_line_are_valid() -> None:
    """`msgid "patch" ""` is two literals joined, valid PO that msgfmt accepts (peer-catalogs 3)."""
    text = po_text('msgid "pat" "ch"\nmsgstr "lapp" ""\n')
    po = parse_catalog(text.encode(), "messages.po", locale="sv")
    assert po.findings == [] and po.entries[0].msgid == "patch" and po.entries[0].msgstr[0] == "lapp"


@pytest.mark.parametrize("text, code", [
    (po_text('msgid "a"\nmsgstr "b\n'), "syntax"),
    (po_text('msgid "a"\nmsgstr "b"\n').replace("UTF-8", "CHARSET"), "header-charset"),
    (po_text('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n'), "duplicate"),
])
def test_refusal_lists_what_makes_a_loader_refuse_the_file(text: str, code: str) -> None:
    """Syntax errors, an unusable charset and duplicates refuse the catalog as a whole."""
    po = parse_catalog(text.encode(), "messages.po", locale="sv")
    assert [f.code for f in po.refusal] == [code] and code in REFUSING_CODES


def test_a_clean_catalog_has_no_refusal(tmp_path: Path) -> None:
    """A good catalog read from disk: no finding at all, locale from its folder."""
    path = write_po(tmp_path, "sv", po_text('msgid "a"\nmsgstr "b"\n'))
    po = read_catalog(path)
    assert po.refusal == [] and po.findings == [] and po.locale == "sv"
