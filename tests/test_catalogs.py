"""Runtime catalogs: per-message fallback, broken translations, damaged files (RELIABILITY.md B)."""

from __future__ import annotations

import html.parser
import io
import os
import struct
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from i18nmail import CatalogError, Mailer
from i18nmail.catalogs import CatalogSet, check_translation, load_mo, load_po, placeholders

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
SECRET = "SECRET-do-not-print"
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


def write_po(root: Path, locale: str, body: str, header: str = HEADER) -> Path:
    folder = root / locale / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "messages.po"
    path.write_text(header + body, "utf-8")
    return path


def entry(msgid: str, msgstr: str, context: str | None = None) -> str:
    ctx = f'msgctxt "{context}"\n' if context else ""
    return f'{ctx}msgid "{msgid}"\nmsgstr "{msgstr}"\n\n'


def render(mailer: Mailer, locale: str, **changes: object):  # type: ignore[no-untyped-def]
    sample = mailer.scenario("refund_approved").sample("en")
    sample.update(changes)
    return mailer.render("refund_approved", locale=locale, context=sample, now=NOW)


SUBJECT = "Refund approved for order %(order)s"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("Återbetalning för order", "placeholders differ"),                 # B9 dropped
        ("Återbetalning för order %(nmae)s", "placeholders differ"),        # B10 misspelled
        ("Återbetalning 100% för order %(order)s", "not a valid"),          # B11 stray %
        ("Återbetalning 10 % sur %(order)s", "not a valid"),                # B11 French space
        ("Återbetalning %(order)", "not a valid"),                          # B11 no type
        ("Order {order.__class__} %(order)s", "format fields"),             # B12, as check: brace-field
        ("Order {order} %(order)s", None),                                  # a plain {x} stays literal
        ("<script>alert(1)</script> %(order)s", "HTML tags"),               # B13
        ("Order %(order)s\u202e", "bidi"),                                  # B20
    ],
)
def test_broken_translation_falls_back_to_source(tmp_path: Path, bad: str, reason: str | None) -> None:
    """One broken translation falls back to the English source for that message, recorded."""
    write_po(tmp_path, "nl", entry(SUBJECT, bad, "subject") + entry("Order number", "Ordernummer"))
    mailer = Mailer(catalogs=tmp_path)
    email = render(mailer, "nl")
    assert "Ordernummer" in email.text  # the rest of the catalog still applies
    if reason is None:  # braces are not a placeholder syntax: printed literally, never evaluated
        assert email.subject == "Order {order} 10437"
        return
    assert email.subject == "Refund approved for order 10437"
    recorded = [f for f in email.fallbacks if f.kind == "message" and f.message == f"subject|{SUBJECT}"]
    assert recorded and reason in recorded[0].detail
    for part in (email.subject, email.text, email.html):
        assert "{'" not in part and "customer_name" not in part and SECRET not in part


def test_script_in_a_translation_never_reaches_html(tmp_path: Path) -> None:
    """A <script> or on* handler smuggled into a msgstr never reaches the HTML (RELIABILITY.md B13)."""
    write_po(tmp_path, "nl", entry("Order number", '<img src=x onerror=alert(1)>Ordernummer'))
    email = render(Mailer(catalogs=tmp_path), "nl")

    class Nodes(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in {"script", "img"} or any(k.startswith("on") for k, _ in attrs):
                self.found.append(tag)

    parser = Nodes()
    parser.feed(email.html)
    assert parser.found == []
    assert "Order number" in email.text


def test_missing_message_falls_back_per_message(tmp_path: Path) -> None:
    """A sparse regional catalog falls back to the language catalog, then English (RELIABILITY.md A7)."""
    write_po(tmp_path, "pt", entry("Order number", "Número da encomenda") + entry("Product", "Produto"))
    write_po(tmp_path, "pt_BR", entry("Product", "Item"))
    email = render(Mailer(catalogs=tmp_path), "pt-BR")
    assert "Número da encomenda" in email.text and "Item" in email.text
    assert "Refund amount" in email.text  # in neither catalog: English source
    kinds = {f.message for f in email.fallbacks if f.kind == "message"}
    assert "Order number" in kinds and "Refund amount" in kinds and "Product" not in kinds


def test_fallback_highlighting_is_only_on_request(tmp_path: Path) -> None:
    """mark_fallbacks highlights fallback sentences in HTML; normal renders never do."""
    write_po(tmp_path, "nl", entry("Order number", "Ordernummer"))
    mailer = Mailer(catalogs=tmp_path)
    sample = mailer.scenario("refund_approved").sample("en")
    plain = mailer.render("refund_approved", locale="nl", context=sample, now=NOW)
    marked = mailer.render("refund_approved", locale="nl", context=sample, now=NOW, mark_fallbacks=True)
    assert "i18nmail-fallback" not in plain.html
    assert "i18nmail-fallback" in marked.html


@pytest.mark.parametrize(
    "plural_forms",
    ["nplurals=2; plural=__import__('os').system('touch MARKER');", "nplurals=2; plural=" + "(" * 10000,
     "nplurals=2; plural=" + "n+" * 600 + "0;", "nplurals=1; plural=(n != 1);", "nplurals=9; plural=n;",
     "garbage"],
)
def test_malicious_plural_forms_are_catalog_errors(tmp_path: Path, plural_forms: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Malicious, oversized or inconsistent Plural-Forms fail to load, run no code (RELIABILITY.md B17)."""
    monkeypatch.chdir(tmp_path)
    header = HEADER.replace("nplurals=2; plural=(n != 1);", plural_forms)
    with pytest.raises(CatalogError):
        load_po((header + entry("Product", "Produkt")).encode(), "x.po", "sv")
    assert not (tmp_path / "MARKER").exists()


def test_broken_catalog_file_is_recorded_and_english_used(tmp_path: Path) -> None:
    """A catalog that cannot load is recorded as a fallback; the email is complete in English."""
    write_po(tmp_path, "nl", 'msgstr "x"\nmsgid "Product"\n')
    email = render(Mailer(catalogs=tmp_path), "nl")
    assert email.subject == "Refund approved for order 10437"
    assert any(f.kind == "catalog" for f in email.fallbacks)


def test_plural_form_count_mismatch_falls_back_to_source(tmp_path: Path) -> None:
    """A plural entry with too few forms uses the English source, never a wrong form (RELIABILITY.md B15)."""
    singular = ("Our refund policy covers returns within %(num)s day of purchase. Your request falls within that "
                "window, so we're glad to approve your refund.")
    plural = singular.replace("day of", "days of")
    body = (f'msgid "{singular}"\nmsgid_plural "{plural}"\nmsgstr[0] "Inom %(num)s dag"\n\n')
    header = HEADER.replace("nplurals=2; plural=(n != 1);", "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);")
    write_po(tmp_path, "nl", body, header)
    email = render(Mailer(catalogs=tmp_path), "nl", return_window_days=30)
    assert "within 30 days of purchase" in email.text


def test_korean_single_form_plurals(tmp_path: Path) -> None:
    """With nplurals=1; plural=0 the one form is used for every count (RELIABILITY.md B16)."""
    singular = ("Our refund policy covers returns within %(num)s day of purchase. Your request falls within that "
                "window, so we're glad to approve your refund.")
    plural = singular.replace("day of", "days of")
    body = f'msgid "{singular}"\nmsgid_plural "{plural}"\nmsgstr[0] "구매 후 %(num)s일 이내 환불 가능합니다."\n\n'
    write_po(tmp_path, "ko", body, HEADER.replace("nplurals=2; plural=(n != 1);", "nplurals=1; plural=0;"))
    mailer = Mailer(catalogs=tmp_path)
    for n in (1, 2, 5, 1000):
        assert f"구매 후 {n:,}일 이내" in render(mailer, "ko", return_window_days=n).text


def mo_bytes(messages: dict[str, str]) -> bytes:
    catalog = Catalog(locale="sv")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


GOOD_MO = mo_bytes({"Product": "Produkt"})


@pytest.mark.parametrize(
    "data",
    [b"", b"\xde\x12\x04", GOOD_MO[:20], b"\x00" * 28, struct.pack("<I", 0x950412DE) + struct.pack("<I", 5 << 16) + b"\0" * 20,
     GOOD_MO[:28] + b"\xff" * 40, GOOD_MO.replace(b"charset=utf-8", b"charset=xx-bogus")],
    ids=["empty", "3-bytes", "truncated-20", "bad-magic", "version-5", "offsets-past-eof", "unknown-charset"],
)
def test_damaged_mo_is_one_catalog_error(data: bytes) -> None:
    """Every kind of damaged .mo raises CatalogError and nothing else (RELIABILITY.md B22)."""
    with pytest.raises(CatalogError) as info:
        load_mo(data, "x.mo", "sv")
    assert info.value.path == "x.mo"


def test_good_mo_loads() -> None:
    """A compiled catalog loads with its messages."""
    assert load_mo(GOOD_MO, "x.mo", "sv").messages[(None, "Product")] == "Produkt"


def test_last_good_catalog_stays_in_service(tmp_path: Path) -> None:
    """When a catalog is replaced by a broken one, the last good version keeps serving."""
    path = write_po(tmp_path, "sv", entry("Product", "Produkt"))
    catalogs = CatalogSet([tmp_path], auto_reload=True)
    first, problems = catalogs.chain(["sv"])
    assert first[0].messages[(None, "Product")] == "Produkt" and problems == []
    path.write_text(HEADER + 'msgid "Product"\ngarbage line\n', "utf-8")
    os.utime(path, ns=(1, 10**18))
    second, problems = catalogs.chain(["sv"])
    assert second[0].messages[(None, "Product")] == "Produkt"
    assert problems and problems[0].kind == "catalog"


def test_reload_during_atomic_rewrites_never_mixes_versions(tmp_path: Path) -> None:
    """Readers reloading while a writer atomically replaces the .po see one whole version (RELIABILITY.md F36)."""
    path = write_po(tmp_path, "sv", entry("Product", "v0") + entry("Order number", "v0"))
    catalogs = CatalogSet([tmp_path], auto_reload=True)
    stop = threading.Event()
    errors: list[str] = []

    def writer() -> None:
        for version in range(1, 200):
            tmp = path.with_suffix(".tmp")
            tmp.write_text(HEADER + entry("Product", f"v{version}") + entry("Order number", f"v{version}"), "utf-8")
            os.replace(tmp, path)
        stop.set()

    def reader() -> None:
        while not stop.is_set():
            loaded, problems = catalogs.chain(["sv"])
            messages = loaded[0].messages
            if messages[(None, "Product")] != messages[(None, "Order number")]:
                errors.append("mixed versions")
            if problems:
                errors.append(str(problems[0]))

    threads = [threading.Thread(target=reader) for _ in range(4)] + [threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.parametrize(
    ("data", "expect"),
    [("\ufeff".encode() + (HEADER + entry("Product", "Produkt")).encode(), "Produkt"),
     ((HEADER.replace("UTF-8", "ISO-8859-1") + entry("Product", "Produktö")).encode("latin-1"), "Produktö")],
    ids=["utf8-bom-stripped", "latin-1-with-header"],
)
def test_accepted_encodings(data: bytes, expect: str) -> None:
    """A UTF-8 BOM is stripped and an ISO-8859-1 catalog with a correct header is read (RELIABILITY.md B18)."""
    assert load_po(data, "x.po", "sv").messages[(None, "Product")] == expect


@pytest.mark.parametrize(
    "data",
    [(HEADER + entry("Product", "Produkt")).encode("utf-16"),
     (HEADER + entry("Product", "Produkt")).replace("UTF-8", "CHARSET").encode(),
     (HEADER + entry("Product", "Produkt\u2019")).encode("cp1252")],
    ids=["utf-16", "charset-not-set", "cp1252-claiming-utf8"],
)
def test_rejected_encodings(data: bytes) -> None:
    """UTF-16, an unset charset and bytes that do not match the declared charset are CatalogErrors."""
    with pytest.raises(CatalogError):
        load_po(data, "x.po", "sv")


def test_placeholder_parsing() -> None:
    """Only %(name)s and %% are format syntax; anything else with % is invalid."""
    assert placeholders("%(a)s %(b)s 5%%") == {"a", "b"}
    for bad in ("100%", "10 % sur", "%(name)", "%s", "%d items"):
        assert placeholders(bad) is None
    assert check_translation("Hi %(name)s", "Hej %(name)s") is None


def test_without_auto_reload_each_catalog_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without auto_reload a good, broken or absent catalog is read once, not once per render."""
    import i18nmail.catalogs as catalogs_module

    write_po(tmp_path, "sv", entry("Product", "Produkt"))
    write_po(tmp_path, "nl", 'msgstr "x"\nmsgid "Product"\n')
    reads: list[str] = []
    original = catalogs_module.load_po

    def counting(data: bytes, path: str, locale: str, stamp: tuple[int, int] = (0, 0)):  # type: ignore[no-untyped-def]
        reads.append(locale)
        return original(data, path, locale, stamp)

    monkeypatch.setattr(catalogs_module, "load_po", counting)
    catalogs = CatalogSet([tmp_path])
    for _ in range(5):
        good, no_problems = catalogs.chain(["sv"])
        none, problems = catalogs.chain(["nl"])
        assert good[0].messages[(None, "Product")] == "Produkt" and no_problems == []
        assert none == [] and problems and problems[0].kind == "catalog"
        assert catalogs.chain(["fi"]) == ([], [])
    assert sorted(reads) == ["nl", "sv"]


def test_pseudo_locale_is_rebuilt_only_when_the_pot_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With auto_reload, en-XA is built once and again only after messages.pot changes."""
    import shutil

    import i18nmail.pseudo as pseudo_module
    import i18nmail.render as render_module
    from i18nmail.render import builtin_catalogs

    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    shutil.copy(builtin_catalogs() / "messages.pot", catalogs / "messages.pot")
    builds: list[int] = []
    original = pseudo_module.pseudo_catalog

    def counting(pots):  # type: ignore[no-untyped-def]
        builds.append(1)
        return original(pots)

    monkeypatch.setattr(render_module, "pseudo_catalog", counting)
    mailer = Mailer(catalogs=catalogs, auto_reload=True, pseudo=True)
    for _ in range(3):
        assert render(mailer, "en-XA").subject.startswith("[")
    assert len(builds) == 1
    pot = catalogs / "messages.pot"
    pot.write_text(pot.read_text("utf-8").replace('msgid "Order number"', 'msgid "Order number"', 1) + "\n", "utf-8")
    os.utime(pot, ns=(1, 10**18))
    render(mailer, "en-XA")
    assert len(builds) == 2
