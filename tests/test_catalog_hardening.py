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
    ("Hej \u200f%(name)s!", "U+200F"),
    ("Hej \u061c%(name)s!", "U+061C"),
    ("Hej %(name)s!\\r", "carriage return"),
    ("Hej\\n%(name)s!", "line break"),
    ("Hej\\r\\n%(name)s!", "carriage return"),
    ("Hej &lt;script&gt; %(name)s!", "entities"),
    ("Hej &amp; %(name)s!", "entities"),
    ("Hej %(name)s! <", "does not open"),
])
def test_text_changing_translations_fall_back(tmp_path: Path, msgstr: str, reason: str) -> None:
    """fuzzing D12: RLM/ALM marks, CR/LF and HTML entities in a shop's translation fall back to the next layer, listed."""
    email = render(greeting_catalog(tmp_path, msgstr))
    assert [f for f in email.fallbacks if f.message == "greeting|Hi %(name)s," and reason in f.detail]
    assert email.text.startswith("Hej Anna Lindqvist!\n")  # the built-in Swedish sentence
    assert "\r" not in email.text and "&lt;" not in email.text and "\u200f" not in email.html


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
