"""Catalog defects of the fuzzing campaign at run time: D2 (unterminated markup), D12 (text-changing corruptions)."""

from __future__ import annotations

import html.parser
from datetime import UTC, datetime
from pathlib import Path

import pytest
from catalog_builders import po_text, write_po

from i18nmail import Mailer
from i18nmail.markup import markup_problem

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
HOSTILE_NAME = "x href=javascript:alert(document.domain) onmouseover=alert(1)"


def greeting_catalog(root: Path, msgstr: str) -> Path:
    """A shop catalogs folder whose Swedish greeting is *msgstr* (PO-escaped already)."""
    body = f'msgctxt "greeting"\nmsgid "Hi %(name)s,"\nmsgstr "{msgstr}"\n'
    write_po(root, "sv", po_text(body))
    return root


class _Elements(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs.extend((tag, name, value) for name, value in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


def render(catalogs: Path | None, name: str = "Anna Lindqvist", **kwargs: object):  # type: ignore[no-untyped-def]
    mailer = Mailer(catalogs=catalogs, **kwargs)  # type: ignore[arg-type]
    ctx = dict(mailer.scenario("refund_approved").sample("sv"), customer_name=name)
    # The greeting must carry the (possibly hostile) name itself, not the sample's given name.
    ctx.pop("customer_given_name", None)
    ctx.pop("customer_family_name", None)
    return mailer.render("refund_approved", locale="sv-SE", context=ctx, now=NOW)


@pytest.mark.parametrize("inline_css", [True, False])
def test_unterminated_tag_in_a_translation_falls_back(tmp_path: Path, inline_css: bool) -> None:
    """fuzzing D2: msgstr "Hej <a %(name)s!" falls back (listed); a hostile name never becomes attributes."""
    email = render(greeting_catalog(tmp_path, "Hej <a %(name)s!"), HOSTILE_NAME, inline_css=inline_css)
    found = parse(email.html)
    assert not [a for a in found.attrs if a[1].lower().startswith("on")]
    assert not [a for a in found.attrs if (a[2] or "").lower().startswith("javascript")]
    assert [f for f in email.fallbacks if f.message == "greeting|Hi %(name)s,"
            and "does not open one of the source's tags" in f.detail]
    assert "Hej <a" not in email.text


def test_comment_opener_in_a_translation_falls_back(tmp_path: Path) -> None:
    """fuzzing D2: msgstr "Hej <!-- %(name)s!" falls back; the HTML part keeps all its visible text."""
    baseline = render(None)
    email = render(greeting_catalog(tmp_path, "Hej <!-- %(name)s!"))
    assert [f for f in email.fallbacks if "HTML comment" in f.detail]
    broken = parse(email.html)
    assert not [c for c in broken.comments if "Anna" in c]
    visible = " ".join("".join(broken.text).split())
    assert "Anna Lindqvist" in visible
    # Only the greeting differs (English source instead of "Hej"), not the rest of the body.
    assert abs(len(visible) - len(" ".join("".join(parse(baseline.html).text).split()))) < 40


@pytest.mark.parametrize(("msgstr", "reason"), [
    ("Hej \u202b%(name)s!", "U+202B"),
    ("Hej \u2067%(name)s!", "U+2067"),
    ("Hej %(name)s!\\r", "carriage return"),
    ("\\nHej %(name)s!", "leading or trailing line break"),
    ("Hej\\r\\n%(name)s!", "carriage return"),
    ("Hej &lt;script&gt; %(name)s!", "entities"),
    ("Hej &amp; %(name)s!", "entities"),
    ("Hej %(name)s! <", "does not open"),
])
def test_text_changing_translations_fall_back(tmp_path: Path, msgstr: str, reason: str) -> None:
    """fuzzing D12: bidi embeddings and isolates, CR/LF and HTML entities in a shop's translation fall back, listed."""
    email = render(greeting_catalog(tmp_path, msgstr))
    assert [f for f in email.fallbacks if f.message == "greeting|Hi %(name)s," and reason in f.detail]
    assert email.text.startswith("Hej Anna Lindqvist!\n")  # the built-in Swedish sentence
    assert "\r" not in email.text and "&lt;" not in email.text and "\u202b" not in email.html


@pytest.mark.parametrize(("source", "translation"), [
    ("Read <b>this</b>", "Läs <b>det här</b>"),
    ("Hi %(name)s,", "Hej %(name)s!"),
    ("a\nb", "c\nd"),
    ("Fish &amp; chips", "Fisk &amp; pommes"),
    ("<!-- x --> y", "<!-- x --> z"),
])
def test_markup_the_source_has_is_allowed(source: str, translation: str) -> None:
    """The strict rule allows exactly the tags, comments, entities and line breaks of the source."""
    assert markup_problem(source, translation) is None


@pytest.mark.parametrize("translation", [
    "Hej <a %(name)s!", "Hej <!-- %(name)s", "Hej < b>", "Hej <b>", "<?xml ?> Hej", "<!DOCTYPE x> Hej",
    "Hej <a href='x'>", "Hej &#60;script&#62;", "Hej &#x3c;", "Hej\r", "Hej\n",
])
def test_markup_the_source_lacks_is_refused(translation: str) -> None:
    """Any '<', comment, declaration, entity or line break that the source lacks is a problem."""
    assert markup_problem("Hi %(name)s", translation) is not None


# --- D6: only regular files are read -------------------------------------------------------

def _render_in_thread(catalogs: Path) -> object:
    import threading

    box: list[object] = []
    thread = threading.Thread(target=lambda: box.append(render(catalogs)), daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the render blocked on the catalog file"
    return box[0]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_catalog_paths_that_are_not_regular_files_are_refused(tmp_path: Path, kind: str) -> None:
    """fuzzing D6: a FIFO, a link to /dev/zero or a folder as messages.po is a recorded catalog fallback, at once."""
    import os

    path = tmp_path / "sv" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    email = _render_in_thread(tmp_path)
    problems = [f for f in email.fallbacks if f.kind == "catalog"]  # type: ignore[attr-defined]
    assert problems and ("not a regular file" in problems[0].detail or kind == "folder")
    assert email.text.startswith("Hej Anna Lindqvist!")  # type: ignore[attr-defined]


def test_reads_are_bounded_by_bytes_read(tmp_path: Path) -> None:
    """fuzzing D6: read_catalog_file stops after limit + 1 bytes, whatever stat() says."""
    from i18nmail.catalogs import read_catalog_file
    from i18nmail.exceptions import CatalogError

    path = tmp_path / "big.po"
    path.write_bytes(b"#" * 5000)
    assert read_catalog_file(path, limit=5000) == b"#" * 5000
    with pytest.raises(CatalogError, match="larger than 4999 bytes"):
        read_catalog_file(path, limit=4999)


# --- D7: plural rules evaluated safely for every n ---------------------------------------

@pytest.mark.parametrize(("rule", "n"), [
    ("n>250 ? 5 : n != 1", 251),
    ("(n%(n-300)) && n != 1", 300),
    ("n>250 ? 0-1 : n != 1", 251),
])
def test_a_plural_rule_broken_for_large_n_falls_back_per_message(catalogs_copy: Path, rule: str, n: int) -> None:
    """fuzzing D7: a rule that fails or picks a missing form for one n falls back for that message only, listed."""
    po = catalogs_copy / "sv" / "LC_MESSAGES" / "messages.po"
    text = po.read_text("utf-8")
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text
    po.write_text(text.replace("plural=(n != 1);", f"plural={rule};"), "utf-8")
    mailer = Mailer(catalogs=catalogs_copy)
    ctx = dict(mailer.scenario("refund_approved").sample("sv"), return_window_days=n)
    email = mailer.render("refund_approved", locale="sv-SE", context=ctx, now=NOW)
    assert [f for f in email.fallbacks if "Plural-Forms" in f.detail and f"n={n}" in f.detail]
    assert "Tack för att du hörde av dig" in email.text  # the rest is still Swedish
    ok = mailer.render("refund_approved", locale="sv-SE", context=dict(ctx, return_window_days=30), now=NOW)
    assert not [f for f in ok.fallbacks if "Plural-Forms" in f.detail]


def test_bidi_marks_in_a_translation_are_allowed_as_check_allows_them(tmp_path: Path) -> None:
    """RLM and ALM may appear in a translation (check allows them); the text part drops them."""
    email = render(greeting_catalog(tmp_path, "Hej \u200f%(name)s\u061c!"))
    assert not [f for f in email.fallbacks if f.message == "greeting|Hi %(name)s,"]
    assert email.text.startswith("Hej Anna Lindqvist!")


def test_a_huge_translation_refuses_the_catalog_on_both_sides(tmp_path: Path) -> None:
    """fuzzing D12: a multi-megabyte msgstr is never pasted into emails: run time falls back
    (recorded) and check reports it at its line."""
    catalogs = greeting_catalog(tmp_path, "Hej " + "x" * 30_000 + " %(name)s!")
    email = render(catalogs)
    assert "x" * 100 not in email.text
    assert [f for f in email.fallbacks if f.kind == "catalog" and "too-long" in f.detail]
    from i18nmail.checks import check_paths

    report = check_paths([catalogs])
    assert [f.code for f in report.findings if f.code == "too-long"] == ["too-long"]
