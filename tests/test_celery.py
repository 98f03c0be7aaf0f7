"""i18nmail.celery on the real engine: redis-server, Celery worker processes, an aiosmtpd sink.

Every test starts a real ``celery worker`` (prefork, 2 processes) on a real
``redis-server`` broker with the Redis journal, and checks what an SMTP server
on loopback received.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from engine import RedisServer, Worker
from shipped import MARKETS

from i18nmail import Mailer
from i18nmail.delivery import message_id_for
from i18nmail.delivery.redis_journal import RedisJournal
from i18nmail.testing import SMTPSink

#: Locale strings as customer profiles hold them: market tags, POSIX names, bare languages.
LOCALES = [*MARKETS.values(), "nb_NO.UTF-8", "sv-FI", "ko", "de-AT", "xx-YY"]
SCENARIOS = ["order_cancelled_out_of_stock", "refund_approved", "support_acknowledgement"]
DOMAIN = "shop.example"  # the default Shop's support address: Message-IDs use its domain


@pytest.fixture()
def sink() -> Iterator[SMTPSink]:
    with SMTPSink() as running:
        yield running


@pytest.fixture()
def engine(redis_server: RedisServer, sink: SMTPSink) -> Iterator[dict[str, Any]]:
    """A clean broker and journal, a producer app and a way to start workers on them.

    Worker folders are not pytest's tmp_path: a minutes-long test must not lose its worker's
    log when other pytest sessions on the machine rotate the shared basetemp folders.
    """
    redis_server.flush()
    folder = tempfile.TemporaryDirectory(prefix="i18nmail-celery-")
    tmp_path = Path(folder.name)
    env = {
        "TEST_BROKER_URL": redis_server.url(0),
        "TEST_SMTP_URL": sink.url,
        "TEST_JOURNAL_URL": redis_server.url(1),
        "TEST_VISIBILITY_TIMEOUT": "8",
    }
    producer = Celery("producer", broker=redis_server.url(0))
    producer.conf.broker_connection_retry_on_startup = True
    journal = RedisJournal(redis_server.url(1))
    workers: list[Worker] = []

    def worker(name: str = "w1") -> Worker:
        started = Worker(tmp_path, env, concurrency=2, name=name).start()
        workers.append(started)
        return started

    yield {"producer": producer, "journal": journal, "worker": worker, "sink": sink}
    for w in workers:
        w.stop()
    journal.close()
    producer.close()
    folder.cleanup()


def events(count: int, prefix: str) -> list[tuple[str, str, str, dict[str, Any], str]]:
    """*count* tasks' arguments: mixed scenarios and locales, one recipient per key."""
    mailer = Mailer()
    samples = {(s, tag): mailer.scenario(s).sample(_catalog(mailer, tag)) for s in SCENARIOS for tag in LOCALES}
    out = []
    for i, (scenario, tag) in zip(range(count), itertools.cycle(itertools.product(SCENARIOS, LOCALES))):
        out.append((f"{prefix}-{i}", scenario, tag, samples[scenario, tag], f"Customer {i} <c{i}@example.org>"))
    return out


def _catalog(mailer: Mailer, tag: str) -> str:
    match = mailer.negotiate(tag)
    return match.catalogs[0] if match.catalogs else "en"


def enqueue(producer: Celery, batch: list[tuple[str, str, str, dict[str, Any], str]]) -> None:
    with producer.producer_or_acquire() as publisher:
        for args in batch:
            producer.send_task("i18nmail.send_email", args=list(args), producer=publisher)


def wait_until(condition: Any, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.1)


def received_ids(sink: SMTPSink) -> Counter[str]:
    return Counter(r.message_id for r in sink.received)


def test_two_thousand_tasks_each_delivered_exactly_once(engine: dict[str, Any]) -> None:
    """2,000 tasks in 18 locale spellings, plus 100 sent twice by the shop: one email per key, in its language."""
    batch = events(2000, "bulk")
    sink: SMTPSink = engine["sink"]
    worker = engine["worker"]()
    # Both pool processes warm their mailer when they start, before any task exists.
    wait_until(lambda: worker.warmed() == 2, timeout=60, what="both pool processes to warm up")
    enqueue(engine["producer"], batch + batch[:100])
    sink.wait_for(2000, timeout=600)
    wait_until(lambda: engine["journal"].counts().get("sent") == 2000, timeout=120, what="the journal")
    time.sleep(1.0)  # the 100 repeated tasks have had time to (not) send again
    ids = received_ids(sink)
    expected = {message_id_for(key, DOMAIN) for key, *_ in batch}
    assert set(ids) == expected and max(ids.values()) == 1, f"duplicates: {[i for i, n in ids.items() if n > 1][:5]}"
    received = sink.received
    assert len(received) == 2000 and all(len(r.recipients) == 1 for r in received)
    by_id = {r.message_id: r for r in received}
    mailer = Mailer()
    for key, scenario, tag, _, to in batch[:: 97]:
        message = by_id[message_id_for(key, DOMAIN)].message
        assert message["Content-Language"] == mailer.negotiate(tag).tag
        assert message["To"] == to


def test_worker_killed_mid_run_loses_nothing(engine: dict[str, Any]) -> None:
    """A worker SIGKILLed mid-run and restarted: every key is delivered; a copy only from the documented window."""
    batch = events(600, "kill")
    sink: SMTPSink = engine["sink"]
    first = engine["worker"]("w1")
    enqueue(engine["producer"], batch)
    sink.wait_for(150, timeout=300)
    first.kill()
    at_kill = len(sink.received)
    assert at_kill < 600, "the worker was killed before the run ended"
    engine["worker"]("w2")
    sink.wait_for(600, timeout=300)
    wait_until(lambda: engine["journal"].counts().get("sent") == 600, timeout=120, what="every key sent")
    time.sleep(1.0)
    ids = received_ids(sink)
    expected = {message_id_for(key, DOMAIN) for key, *_ in batch}
    assert set(ids) == expected, "nothing lost"
    doubled = [i for i, n in ids.items() if n > 1]
    # Only a process killed between the server's 250 and the journal write can send a key
    # again, with the same Message-ID: at most one key per pool process.
    print(f"\nkilled after {at_kill} of 600 delivered; keys received twice: {len(doubled)}")
    assert len(doubled) <= 2 and all(ids[i] == 2 for i in doubled)


def test_permanent_refusal_is_a_recorded_failure_not_a_retry(engine: dict[str, Any]) -> None:
    """A 550 for one recipient: recorded failed in the journal after one attempt; the others are delivered."""
    sink: SMTPSink = engine["sink"]
    sink.refuse("blocked@example.org", "550 5.1.1 <blocked@example.org>: mailbox unavailable")
    batch = events(20, "refuse")
    key, scenario, tag, context, _ = batch[0]
    batch[0] = (key, scenario, tag, context, "Blocked <blocked@example.org>")
    engine["worker"]()
    enqueue(engine["producer"], batch)
    sink.wait_for(19, timeout=120)
    journal: RedisJournal = engine["journal"]
    wait_until(lambda: journal.get(key) is not None and journal.get(key).state == "failed",  # type: ignore[union-attr]
               timeout=60, what="the failure in the journal")
    time.sleep(2.0)  # longer than every retry countdown of the test app
    entry = journal.get(key)
    assert entry is not None and entry.state == "failed" and entry.attempts == 1
    assert "550 5.1.1" in entry.reply
    assert sink.rcpt_attempts("blocked@example.org") == 1
    assert len(sink.received) == 19


def test_transient_failures_are_retried_until_delivered(engine: dict[str, Any]) -> None:
    """451 three times: the transport retries once, then Celery retries with backoff; delivered once."""
    sink: SMTPSink = engine["sink"]
    sink.refuse("busy@example.org", "451 4.3.0 try again later", times=3)
    key, scenario, tag, context, _ = events(1, "transient")[0]
    engine["worker"]()
    enqueue(engine["producer"], [(key, scenario, tag, context, "busy@example.org")])
    sink.wait_for(1, timeout=60)
    journal: RedisJournal = engine["journal"]
    wait_until(lambda: journal.get(key) is not None and journal.get(key).state == "sent",  # type: ignore[union-attr]
               timeout=60, what="the key sent")
    entry = journal.get(key)
    assert entry is not None and entry.attempts == 4
    assert sink.rcpt_attempts("busy@example.org") == 4 and len(sink.received) == 1


def test_an_email_that_cannot_be_built_fails_at_once(engine: dict[str, Any]) -> None:
    """An unknown scenario or a bad address is recorded as failed (rejected) with zero sends."""
    sink: SMTPSink = engine["sink"]
    good = events(3, "mixed")
    bad = [("bad-scenario", "order_cancelld", "sv-SE", {}, "a@example.org"),
           ("bad-address", "refund_approved", "sv-SE", good[1][3], "a@example.org, b@example.org")]
    engine["worker"]()
    enqueue(engine["producer"], bad + good)
    sink.wait_for(3, timeout=60)
    journal: RedisJournal = engine["journal"]
    wait_until(lambda: all(journal.get(k) is not None for k, *_ in bad), timeout=60, what="the rejects")
    for key, *_ in bad:
        entry = journal.get(key)
        assert entry is not None and entry.state == "failed" and entry.attempts == 0
        assert entry.reply.startswith("rejected: ")
    assert "Did you mean 'order_cancelled" in journal.get("bad-scenario").reply  # type: ignore[union-attr]
