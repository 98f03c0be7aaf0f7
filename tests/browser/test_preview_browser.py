"""The preview server driven by a real Chromium (Debian's, through Playwright).

These tests never skip: without ``/usr/bin/chromium`` they fail and say what to
install (``make test`` installs it, and the CJK and Arabic fonts, when run as
root). Set ``I18NMAIL_CHROMIUM`` to use a Chromium elsewhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from playwright.sync_api import BrowserContext, Frame, Page, ViewportSize, sync_playwright

from i18nmail import Mailer
from i18nmail.preview import PreviewServer, serve

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("I18NMAIL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
FOOTER = "You're receiving this email because you placed an order with or contacted %(shop)s."
PHONE: ViewportSize = {"width": 375, "height": 800}
DESKTOP: ViewportSize = {"width": 1280, "height": 1000}


@contextmanager
def chromium(tmp_path: Path, viewport: ViewportSize = DESKTOP) -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile; fails the test if Chromium is missing."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium. "
            "Run `make test` as root (it installs it), or `sudo apt-get install chromium "
            "fonts-noto-cjk fonts-noto-core`, or set I18NMAIL_CHROMIUM to its path.",
            pytrace=False,
        )
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport=viewport, locale="en-US", timezone_id="UTC",
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture()
def start() -> Iterator[Callable[..., PreviewServer]]:
    """Start a preview server (live reload on); shut it down after the test."""
    servers: list[PreviewServer] = []

    def _start(**mailer_options: object) -> PreviewServer:
        server = serve(Mailer(auto_reload=True, **mailer_options), now=lambda: NOW)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.shutdown()


def watch_errors(page: Page) -> list[str]:
    """Collect console errors and uncaught page errors (CSP violations show up here)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def email_frame(page: Page, kind: str = "phone") -> Frame:
    """The document inside the ``iframe.email.<kind>`` of an email page."""
    frame = page.locator(f"iframe.email.{kind}").element_handle().content_frame()
    assert frame is not None, f"no {kind} iframe"
    frame.wait_for_load_state()
    return frame


def overflow(frame: Frame) -> dict[str, int]:
    return frame.evaluate("() => ({scroll: document.documentElement.scrollWidth,"
                          " client: document.documentElement.clientWidth})")


def subject_of(server: PreviewServer, scenario: str, locale: str) -> str:
    mailer = server.app.mailer
    tag = mailer.negotiate(locale)
    context = mailer.scenario(scenario).sample(tag.catalogs[0] if tag.catalogs else "en")
    return mailer.render(scenario, locale=locale, context=context, now=NOW).subject


def test_click_through_index_switch_locale_and_check_direction(tmp_path: Path,
                                                               start: Callable[..., PreviewServer]) -> None:
    """Index -> scenario -> another locale in clicks; subject shown, email lang/dir right, no overflow."""
    server = start(pseudo=True)
    locales = server.app.locales()
    with chromium(tmp_path) as context:
        page = context.new_page()
        errors = watch_errors(page)
        page.goto(server.url)
        rows = page.locator("#matrix tbody tr")
        assert rows.count() == len(server.app.mailer.scenarios())
        page.locator('#matrix tbody tr[data-scenario="refund_approved"] th a').click()
        page.wait_for_url(re.compile(r"/email\?scenario=refund_approved&locale=en"))
        assert page.locator("#subject").inner_text() == subject_of(server, "refund_approved", "en")
        english = email_frame(page)
        assert english.locator("html").get_attribute("lang") == "en"
        assert english.locator("html").get_attribute("dir") == "ltr"
        assert page.locator("iframe.email.phone").get_attribute("sandbox") == ""

        targets = [tag for tag in ("ko", "ar") if tag in locales] or [next(t for t in locales if t != "en")]
        for tag in targets:
            page.locator(f'#locales a[data-locale="{tag}"]').click()
            page.wait_for_url(re.compile(rf"locale={re.escape(tag)}(&|$)"))
            assert page.locator("#subject").inner_text() == subject_of(server, "refund_approved", tag)
            frame = email_frame(page)
            assert frame.locator("html").get_attribute("lang") == tag
            expected_dir = "rtl" if tag == "ar" else "ltr"
            assert frame.locator("html").get_attribute("dir") == expected_dir
            assert page.locator("#subject").get_attribute("dir") == expected_dir
            width = overflow(frame)
            assert width["client"] == 375 and width["scroll"] <= width["client"], (tag, width)
            page.screenshot(path=str(tmp_path / f"email-{tag}.png"), full_page=True)
            page.locator("iframe.email.phone").screenshot(path=str(tmp_path / f"phone-{tag}.png"))

        page.locator('nav.scenarios a:text-is("refund_denied")').click()
        page.wait_for_url(re.compile(r"scenario=refund_denied"))
        assert page.locator("#subject").inner_text() == subject_of(server, "refund_denied", targets[-1])
        assert errors == []
    for tag in targets:
        assert (tmp_path / f"email-{tag}.png").stat().st_size > 10_000
        assert (tmp_path / f"phone-{tag}.png").stat().st_size > 5_000


def test_no_horizontal_overflow_at_phone_width(tmp_path: Path, start: Callable[..., PreviewServer]) -> None:
    """At a 375 px viewport no email overflows sideways: English, RTL Arabic and the long pseudo-locale."""
    server = start(pseudo=True)
    locales = [tag for tag in ("en", "ar", "en-XA") if tag in server.app.locales()]
    failures = []
    with chromium(tmp_path, viewport=PHONE) as context:
        page = context.new_page()
        errors = watch_errors(page)
        for scenario in server.app.mailer.scenarios():
            for tag in locales:
                response = page.goto(f"{server.url}raw?scenario={scenario.id}&locale={tag}")
                assert response is not None and response.status == 200
                width = overflow(page.main_frame)
                if width["scroll"] > width["client"]:
                    failures.append(f"{scenario.id} [{tag}]: scrollWidth {width['scroll']} > {width['client']}")
        page.screenshot(path=str(tmp_path / "phone-last.png"), full_page=True)
        assert errors == []
    assert failures == []
    assert (tmp_path / "phone-last.png").stat().st_size > 5_000


def test_po_edit_appears_after_reload(tmp_path: Path, catalogs_copy: Path,
                                      start: Callable[..., PreviewServer]) -> None:
    """Saving a .po and reloading the page shows the new sentence in the email and the text part."""
    server = start(catalogs=catalogs_copy)
    tag = next(t for t in server.app.locales() if t != "en")
    po_path = catalogs_copy / tag.replace("-", "_") / "LC_MESSAGES" / "messages.po"
    with chromium(tmp_path) as context:
        page = context.new_page()
        page.goto(f"{server.url}email?scenario=support_acknowledgement&locale={tag}")
        assert "LIVE-EDIT" not in email_frame(page).locator("body").inner_text()
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        message = catalog.get(FOOTER)
        assert message is not None
        message.string = "LIVE-EDIT %(shop)s"
        message.flags.discard("fuzzy")
        with po_path.open("wb") as handle:
            write_po(handle, catalog)
        later = po_path.stat().st_mtime + 5
        os.utime(po_path, (later, later))
        page.reload()
        assert "LIVE-EDIT Example Shop" in email_frame(page).locator("body").inner_text()
        # An Arabic text part isolates the shop name (FSI...PDI, invisible).
        text_part = page.locator("#text").inner_text().replace("\u2068", "").replace("\u2069", "")
        assert "LIVE-EDIT Example Shop" in text_part
        page.screenshot(path=str(tmp_path / "after-edit.png"), full_page=True)
    assert (tmp_path / "after-edit.png").stat().st_size > 10_000
