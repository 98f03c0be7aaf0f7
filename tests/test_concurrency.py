"""Many threads rendering in different locales at once (RELIABILITY.md F35)."""

from __future__ import annotations

import asyncio
import builtins
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import babel
import pytest

from i18nmail import Mailer

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
SCENARIO = "refund_processed"


@pytest.fixture()
def fast_switching() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def locale_markers(mailer: Mailer) -> dict[str, tuple[str, str]]:
    """For each locale: its rendered subject and its CLDR name for December."""
    markers = {}
    for tag in [t for t in mailer.locales() if t != "en"] + ["en-US"]:
        match = mailer.negotiate(tag)
        sample = mailer.scenario(SCENARIO).sample(match.catalogs[0] if match.catalogs else "en")
        subject = mailer.render(SCENARIO, locale=tag, context=sample, now=NOW).subject
        december = babel.Locale.parse(match.babel_id).months["format"]["abbreviated"][12]
        markers[tag] = (subject, december)
    return markers


def test_sixteen_threads_never_mix_locales(fast_switching: None) -> None:
    """16 threads rendering in different locales each get only their own text and CLDR data."""
    mailer = Mailer()
    markers = locale_markers(mailer)
    assert len(markers) >= 2
    tags = sorted(markers)
    samples = {}
    for tag in tags:
        match = mailer.negotiate(tag)
        samples[tag] = mailer.scenario(SCENARIO).sample(match.catalogs[0] if match.catalogs else "en")
    expected = {tag: mailer.render(SCENARIO, locale=tag, context=samples[tag], now=NOW) for tag in tags}
    globals_before = [(id(env.globals), dict(env.globals)) for env in (mailer._text_env, mailer._html_env)]
    builtins_before = dict(vars(builtins))
    barrier = threading.Barrier(16)
    failures: list[str] = []

    def worker(index: int) -> None:
        barrier.wait()
        for i in range(60):
            tag = tags[(index + i) % len(tags)]
            email = mailer.render(SCENARIO, locale=tag, context=samples[tag], now=NOW)
            if email != expected[tag]:
                failures.append(f"{tag}: output differs from the single-threaded render")
            for other, (subject, _month) in markers.items():
                if other != tag and subject != markers[tag][0] and subject in email.text + email.subject:
                    failures.append(f"{tag}: contains {other}'s subject")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    after = [(id(env.globals), dict(env.globals)) for env in (mailer._text_env, mailer._html_env)]
    assert after == globals_before
    assert dict(vars(builtins)) == builtins_before


def test_asyncio_tasks_in_threads_get_their_own_locale() -> None:
    """200 asyncio tasks rendering through a thread pool each get the locale they asked for."""
    mailer = Mailer()
    tags = [t for t in mailer.locales()] + ["en-US"]

    async def main() -> list[tuple[str, str]]:
        loop = asyncio.get_running_loop()

        async def one(i: int) -> tuple[str, str]:
            tag = tags[i % len(tags)]
            sample = mailer.scenario(SCENARIO).sample(tag)
            email = await loop.run_in_executor(
                None, lambda: mailer.render(SCENARIO, locale=tag, context=sample, now=NOW))
            return tag, email.locale

        return await asyncio.gather(*(one(i) for i in range(200)))

    for asked, got in asyncio.run(main()):
        assert mailer.negotiate(asked).tag == got


def test_babel_month_names_do_not_leak_between_locales(fast_switching: None) -> None:
    """Formatting 'he' then 'nb' in turns across threads gives each its own month names."""
    from i18nmail.formatting import Formatter

    results: dict[str, set[str]] = {"he_IL": set(), "nb_NO": set()}
    lock = threading.Lock()

    def worker(locale: str) -> None:
        fmt = Formatter.get(locale, "UTC", "EUR")
        for _ in range(300):
            text = fmt.date(datetime(2026, 12, 1, tzinfo=UTC))
            with lock:
                results[locale].add(text)

    threads = [threading.Thread(target=worker, args=(loc,)) for loc in ("he_IL", "nb_NO") * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results["he_IL"]) == 1 and len(results["nb_NO"]) == 1
    assert "desember" in next(iter(results["nb_NO"]))
