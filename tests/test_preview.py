"""The preview server over real HTTP: pages, live reload and safety (RELIABILITY.md 38)."""

from __future__ import annotations

import http.client
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from i18nmail import Mailer
from i18nmail.cli import main
from i18nmail.preview import EMAIL_CSP, PreviewServer, serve

#: Emails are rendered as of this moment, so pages are reproducible.
NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
FOOTER = "You're receiving this email because you placed an order with or contacted %(shop)s."
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


class Reply(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: str


def fetch(server: PreviewServer, target: str, *, method: str = "GET", host: str | None = None) -> Reply:
    """One request with urllib; error statuses are returned, not raised."""
    request = urllib.request.Request(server.url.rstrip("/") + target, method=method)
    if host is not None:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.headers, response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        with exc:
            return Reply(exc.code, exc.headers, exc.read().decode("utf-8"))


class Links(HTMLParser):
    """Collects ``<a href>`` and ``<iframe>`` attributes of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.iframes: list[dict[str, str | None]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.extend(v for k, v in attrs if k == "href" and v)
        elif tag == "iframe":
            self.iframes.append(dict(attrs))


def _query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


@pytest.fixture(scope="module")
def preview() -> Iterator[PreviewServer]:
    server = serve(Mailer(auto_reload=True, pseudo=True), now=lambda: NOW)
    yield server
    server.shutdown()


@pytest.fixture()
def start() -> Iterator[Callable[..., PreviewServer]]:
    """Start a server on a private mailer (tmp catalogs/templates); shut it down after."""
    servers: list[PreviewServer] = []

    def _start(**mailer_options: object) -> PreviewServer:
        server = serve(Mailer(auto_reload=True, **mailer_options), now=lambda: NOW)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.shutdown()


def _set_translation(po_path: Path, msgid: str, msgstr: str, locale: str) -> None:
    """Set one msgstr in *po_path* (created if missing) and make its mtime move.

    Uses Babel's PO parser, the one the runtime loader uses.
    """
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
    else:
        po_path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=locale)
    message = catalog.get(msgid)
    if message is None:
        catalog.add(msgid, msgstr)
    else:
        message.string = msgstr
        message.flags.discard("fuzzy")
    with po_path.open("wb") as handle:
        write_po(handle, catalog)
    _touch_later(po_path)


def _touch_later(path: Path) -> None:
    stamp = time.time() + 5 + (os.stat(path).st_mtime % 1)
    os.utime(path, (stamp, stamp))


# -- pages -------------------------------------------------------------------------


def test_binds_loopback_by_default(preview: PreviewServer) -> None:
    """serve() listens on 127.0.0.1 unless told otherwise, and says where."""
    assert preview.server_address[0] == "127.0.0.1"
    assert preview.url.startswith("http://127.0.0.1:")


def test_index_lists_every_scenario_and_locale(preview: PreviewServer) -> None:
    """The index links every scenario x locale pair, pseudo-locale included."""
    reply = fetch(preview, "/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    mailer = preview.app.mailer
    pairs = {(q["scenario"][0], q["locale"][0]) for q in map(_query, Links(reply.body).links)
             if "scenario" in q and "locale" in q}
    expected = {(s.id, tag) for s in mailer.scenarios() for tag in preview.app.locales()}
    assert expected <= pairs
    assert "en-XA" in preview.app.locales()
    assert 'class="cell error"' not in reply.body


def test_every_scenario_locale_page_renders(preview: PreviewServer) -> None:
    """Every email page linked from the index answers 200 with the sandboxed iframes."""
    links = sorted({link for link in Links(fetch(preview, "/").body).links if link.startswith("/email?")})
    assert len(links) >= len(preview.app.mailer.scenarios()) * len(preview.app.locales())
    for link in links:
        reply = fetch(preview, link)
        assert reply.status == 200, (link, reply.body[:500])
        frames = Links(reply.body).iframes
        assert [f["class"] for f in frames] == ["email phone", "email desktop"]
        assert all(f["sandbox"] == "" for f in frames)


def test_email_page_shows_subject_text_and_switchers(preview: PreviewServer) -> None:
    """The email page shows the subject and text part and links to every locale and scenario."""
    mailer = preview.app.mailer
    email = mailer.render("refund_approved", locale="en", context=mailer.scenario("refund_approved").sample("en"),
                          now=preview.app.now() if preview.app.now else None)
    reply = fetch(preview, "/email?scenario=refund_approved&locale=en")
    assert reply.status == 200
    assert f'<dd id="subject" lang="en" dir="ltr">{email.subject}</dd>' in reply.body
    assert "Order number" in reply.body
    links = [_query(link) for link in Links(reply.body).links]
    switch_locale = {q["locale"][0] for q in links if q.get("scenario") == ["refund_approved"]}
    switch_scenario = {q["scenario"][0] for q in links if q.get("locale") == ["en"]}
    assert set(preview.app.locales()) <= switch_locale
    assert {s.id for s in mailer.scenarios()} <= switch_scenario


@pytest.mark.parametrize("view, kinds", [
    ("phone", ["email phone"]),
    ("desktop", ["email desktop"]),
    ("both", ["email phone", "email desktop"]),
])
def test_view_selects_phone_or_desktop_width(preview: PreviewServer, view: str, kinds: list[str]) -> None:
    """view=phone|desktop|both chooses which widths of the email are shown."""
    reply = fetch(preview, f"/email?scenario=refund_denied&locale=en&view={view}")
    assert [f["class"] for f in Links(reply.body).iframes] == kinds


def test_compare_adds_english_original(preview: PreviewServer) -> None:
    """compare=1 puts the English original next to the translated email."""
    locale = next(tag for tag in preview.app.locales() if tag != "en")
    reply = fetch(preview, f"/email?scenario=refund_approved&locale={locale}&compare=1")
    sources = [_query(str(f["src"]))["locale"][0] for f in Links(reply.body).iframes]
    assert sources == [locale, locale, "en"]


def test_region_variant_is_accepted(preview: PreviewServer) -> None:
    """A known locale plus a CLDR region (en-GB) renders in that region's format."""
    reply = fetch(preview, "/email?scenario=refund_approved&locale=en-GB")
    assert reply.status == 200
    assert '<dd id="rendered-as">en-GB · ltr</dd>' in reply.body


def test_raw_email_is_served_under_strict_csp(preview: PreviewServer) -> None:
    """The email HTML itself gets the restrictive CSP (no scripts, sandboxed)."""
    reply = fetch(preview, "/raw?scenario=support_acknowledgement&locale=en")
    assert reply.status == 200
    assert reply.headers["Content-Security-Policy"] == EMAIL_CSP
    assert "default-src 'none'" in EMAIL_CSP and "sandbox" in EMAIL_CSP
    assert reply.body.lstrip().startswith("<!DOCTYPE html>") or "<style>" in reply.body[:200]
    assert '<html lang="en" dir="ltr">' in reply.body


@pytest.mark.parametrize("target", [
    "/", "/email?scenario=refund_approved&locale=en", "/raw?scenario=refund_approved&locale=en",
    "/preview.css", "/nope", "/email?scenario=nope", "/email?bad=1",
])
def test_security_headers_on_every_response(preview: PreviewServer, target: str) -> None:
    """Every response, error or not, carries CSP, nosniff, Referrer-Policy and no-store."""
    reply = fetch(preview, target)
    for name in SECURITY_HEADERS:
        assert reply.headers[name], name
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in reply.headers["Content-Security-Policy"]


def test_head_sends_headers_without_body(preview: PreviewServer) -> None:
    """HEAD answers like GET, with an empty body."""
    reply = fetch(preview, "/email?scenario=refund_approved&locale=en", method="HEAD")
    assert reply.status == 200 and reply.body == ""
    assert int(reply.headers["Content-Length"]) > 1000


# -- hostile input ----------------------------------------------------------------------


HOSTILE_LOCALES = ["../../etc/passwd", "..\\..\\x", "/etc/x", "en/../../x", "%2e%2e%2f", "de\x00",
                   "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "EN_us", "en-ZZ",
                   "xx", "", "sv_FI.UTF-8@euro", "x" * 300]


@pytest.mark.parametrize("locale", HOSTILE_LOCALES)
def test_hostile_locale_gets_404_with_value_escaped(preview: PreviewServer, locale: str) -> None:
    """A locale outside the known list is a 404 page that shows the value escaped, never a traceback."""
    reply = fetch(preview, "/email?scenario=refund_approved&locale=" + quote(locale, safe=""))
    assert reply.status == 404
    assert "Unknown locale" in reply.body
    assert "<script>alert" not in reply.body and "<img src=x" not in reply.body
    assert "Traceback" not in reply.body


@pytest.mark.parametrize("scenario", ["nope", "../templates/layouts/email.html", "<script>x</script>",
                                      "refund_approved.j2", "REFUND_APPROVED", "x" * 5000])
def test_unknown_scenario_gets_404(preview: PreviewServer, scenario: str) -> None:
    """A scenario outside the known list is a 404 (or 414 when absurdly long), escaped."""
    reply = fetch(preview, "/raw?scenario=" + quote(scenario, safe="") + "&locale=en")
    assert reply.status == (414 if len(scenario) > 1000 else 404)
    assert "<script>x" not in reply.body and "Traceback" not in reply.body


def test_unknown_scenario_suggests_the_close_one(preview: PreviewServer) -> None:
    """A misspelled scenario names the one that was probably meant."""
    reply = fetch(preview, "/email?scenario=refund_aproved&locale=en")
    assert reply.status == 404 and "Did you mean &#39;refund_approved&#39;?" in reply.body


@pytest.mark.parametrize("target", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/catalogs/sv/LC_MESSAGES/messages.po",
    "/templates/layouts/email.html.j2", "/preview.css/../../pyproject.toml", "/email/../raw",
])
def test_paths_are_routes_not_files(preview: PreviewServer, target: str) -> None:
    """Only the fixed routes exist; a path is never looked up on disk."""
    reply = fetch(preview, target)
    assert reply.status == 404
    assert "Traceback" not in reply.body and "[build-system]" not in reply.body


@pytest.mark.parametrize("query, fragment", [
    ("template=../../x", "Unknown parameter"),
    ("scenario=refund_approved&scenario=refund_denied&locale=en", "given twice"),
    ("scenario=refund_approved&locale=en&view=tablet", "view must be"),
    ("scenario=refund_approved&locale=en&compare=yes", "compare must be"),
    ("scenario=refund_approved&locale=%ff%fe", "malformed"),
    ("locale=en", "scenario parameter is required"),
    ("&".join(f"p{i}=1" for i in range(50)), "malformed"),
])
def test_bad_query_gets_400(preview: PreviewServer, query: str, fragment: str) -> None:
    """Malformed, unknown, repeated or out-of-range parameters get 400 with a reason."""
    reply = fetch(preview, "/email?" + query)
    assert reply.status == 400
    assert fragment in reply.body


def test_megabyte_query_string_gets_414(preview: PreviewServer) -> None:
    """A 1 MB query string is refused (414) with the usual security headers."""
    reply = fetch(preview, "/email?scenario=" + "a" * 1_000_000)
    assert reply.status == 414
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "Traceback" not in reply.body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8025", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "<script>", ""])
def test_foreign_host_header_gets_400(preview: PreviewServer, host: str) -> None:
    """A Host header naming another machine (DNS rebinding) gets 400."""
    reply = fetch(preview, "/", host=host)
    assert reply.status == 400
    assert "<script>" not in reply.body.split("<body>")[1]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "LOCALHOST:8025", "[::1]:1234"])
def test_loopback_host_headers_are_served(preview: PreviewServer, host: str) -> None:
    """Loopback names, with or without a port, are served."""
    assert fetch(preview, "/preview.css", host=host).status == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_other_methods_get_405(preview: PreviewServer, method: str) -> None:
    """Only GET and HEAD are served; anything else is 405 with an Allow header."""
    reply = fetch(preview, "/", method=method)
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, HEAD"


def test_absolute_form_target_is_refused(preview: PreviewServer) -> None:
    """A target that is not a local path gets 4xx (http.server turns //host/x into /host/x: 404)."""
    connection = http.client.HTTPConnection(*preview.server_address[:2], timeout=10)
    try:
        for target, status in (("http://evil.example/", 400), ("//evil.example/x", 404)):
            connection.request("GET", target, headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            assert response.status == status, target
            connection.close()
    finally:
        connection.close()


def test_hundred_concurrent_requests(preview: PreviewServer) -> None:
    """100 concurrent requests in several locales all succeed."""
    locales = preview.app.locales()
    targets = [f"/email?scenario=refund_status&locale={locales[i % len(locales)]}" for i in range(100)]
    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(lambda t: fetch(preview, t).status, targets))
    assert statuses == [200] * 100


# -- fallbacks, live reload and broken files ----------------------------------------------


def _unshipped_locale(mailer: Mailer) -> str:
    return next(tag for tag in ("nb", "it", "nl", "pt", "cs") if tag not in mailer.locales())


def test_fallback_sentences_are_marked_in_preview_only(tmp_path: Path, start: Callable[..., PreviewServer]) -> None:
    """In a sparse catalog, untranslated sentences are highlighted in the preview and listed."""
    catalogs = tmp_path / "catalogs"
    locale = _unshipped_locale(Mailer())
    _set_translation(catalogs / locale / "LC_MESSAGES" / "messages.po", FOOTER, "SPARSE %(shop)s", locale)
    server = start(catalogs=catalogs)
    raw = fetch(server, f"/raw?scenario=refund_approved&locale={locale}")
    assert raw.status == 200
    assert 'class="i18nmail-fallback"' in raw.body and "SPARSE" in raw.body
    page = fetch(server, f"/email?scenario=refund_approved&locale={locale}")
    assert '<ul id="fallbacks">' in page.body and "fallback-message" in page.body
    index = fetch(server, "/")
    assert 'class="cell fallback"' in index.body
    real = server.app.mailer.render("refund_approved", locale=locale,
                                    context=server.app.mailer.scenario("refund_approved").sample(locale))
    assert "i18nmail-fallback" not in real.html


def test_edited_po_shows_on_next_load(catalogs_copy: Path, start: Callable[..., PreviewServer]) -> None:
    """Saving a .po shows the new text on the next page load, without restart or compile."""
    server = start(catalogs=catalogs_copy)
    locale = next(tag for tag in server.app.locales() if tag not in ("en", "en-XA"))
    po = catalogs_copy / locale.replace("-", "_") / "LC_MESSAGES" / "messages.po"
    target = f"/email?scenario=refund_approved&locale={locale}"
    assert "EDIT-ONE" not in fetch(server, target).body
    _set_translation(po, FOOTER, "EDIT-ONE %(shop)s", locale)
    assert "EDIT-ONE" in fetch(server, target).body
    _set_translation(po, FOOTER, "EDIT-NUMBER-TWO %(shop)s", locale)
    page = fetch(server, target).body
    assert "EDIT-NUMBER-TWO" in page and "EDIT-ONE" not in page
    assert "EDIT-NUMBER-TWO" in fetch(server, "/raw?scenario=refund_approved&locale=" + locale).body


def test_broken_po_keeps_last_good_and_names_file_and_line(catalogs_copy: Path,
                                                          start: Callable[..., PreviewServer]) -> None:
    """A .po with a syntax error shows an alert naming file:line; the last good text stays."""
    server = start(catalogs=catalogs_copy)
    locale = next(tag for tag in server.app.locales() if tag not in ("en", "en-XA"))
    po = catalogs_copy / locale.replace("-", "_") / "LC_MESSAGES" / "messages.po"
    _set_translation(po, FOOTER, "GOOD-VERSION %(shop)s", locale)
    target = f"/email?scenario=refund_approved&locale={locale}"
    assert "GOOD-VERSION" in fetch(server, target).body
    good = po.read_text("utf-8")
    po.write_text(good + '\nmsgid "zz-no-msgstr"\n', "utf-8")
    _touch_later(po)
    reply = fetch(server, target)
    assert reply.status == 200
    # The line number is whatever CatalogError carries (the catalogs module's job to get right).
    assert 'id="problems"' in reply.body and re.search(re.escape(f"{po}:") + r"\d+: syntax error", reply.body)
    assert "GOOD-VERSION" in reply.body
    assert f"{po}:" in fetch(server, "/").body
    po.write_text(good, "utf-8")
    _touch_later(po)
    assert 'id="problems"' not in fetch(server, target).body


def test_broken_template_shows_error_page_and_server_survives(templates_copy: Path,
                                                              start: Callable[..., PreviewServer]) -> None:
    """A template syntax error gives a 500 page naming the file and line; other pages still work."""
    server = start(templates=templates_copy)
    template = templates_copy / "scenarios" / "refund_denied.j2"
    good = template.read_text("utf-8")
    assert fetch(server, "/email?scenario=refund_denied&locale=en").status == 200
    template.write_text(good + "\n{% if %}\n", "utf-8")
    _touch_later(template)
    reply = fetch(server, "/email?scenario=refund_denied&locale=en")
    assert reply.status == 500
    assert f"scenarios/refund_denied.j2:{good.count(chr(10)) + 2}" in reply.body
    assert "Traceback" not in reply.body
    index = fetch(server, "/")
    assert index.status == 200 and 'class="cell error"' in index.body
    assert fetch(server, "/email?scenario=refund_approved&locale=en").status == 200
    template.write_text(good, "utf-8")
    _touch_later(template)
    assert fetch(server, "/email?scenario=refund_denied&locale=en").status == 200


# -- command line -----------------------------------------------------------------------


def test_cli_has_preview_with_host_and_port() -> None:
    """`i18nmail preview --help` documents --host (127.0.0.1) and --port (8025)."""
    result = CliRunner().invoke(main, ["preview", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "127.0.0.1" in result.output
    assert "--port" in result.output and "8025" in result.output


def test_cli_rejects_bad_port() -> None:
    """A port outside 0-65535 is a usage error (exit 2)."""
    result = CliRunner().invoke(main, ["preview", "--port", "70000"])
    assert result.exit_code == 2


def test_cli_reports_missing_folder() -> None:
    """A --catalogs folder that does not exist is one error line, exit non-zero, no server."""
    result = CliRunner().invoke(main, ["preview", "--catalogs", "/nonexistent/catalogs", "--port", "0"])
    assert result.exit_code == 1
    assert "no such folder" in result.output
