"""The Redis journal on a real redis-server: the JournalBackend contract, shared by many senders."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine import RedisServer

from i18nmail import Mailer
from i18nmail.delivery import JournalBackend, Outbox, open_journal
from i18nmail.delivery.redis_journal import RedisJournal
from i18nmail.testing import RecordingTransport


@pytest.fixture()
def url(redis_server: RedisServer) -> Iterator[str]:
    redis_server.flush()
    yield redis_server.url(1)


def test_claim_record_and_skip(url: str) -> None:
    """Claim -> pending; record sent; a sent key is never granted again and never changes."""
    with RedisJournal(url) as journal:
        assert isinstance(journal, JournalBackend) and journal.get("k") is None
        claim = journal.claim("k", message_id="<a@shop.example>")
        assert claim.granted and claim.entry.state == "pending" and claim.entry.attempts == 1
        sent = journal.record("k", state="sent", reply="250 2.0.0 Ok", attempts=1)
        assert (sent.state, sent.attempts, sent.reply, sent.message_id) == ("sent", 2, "250 2.0.0 Ok", "<a@shop.example>")
        assert sent.sent is not None and sent.created <= sent.updated
        again = journal.claim("k", message_id="<a@shop.example>")
        assert not again.granted and not again.busy and again.entry.state == "sent"
        assert journal.record("k", state="failed", reply="late").state == "sent"
        assert journal.counts() == {"sent": 1}


def test_failed_key_is_claimed_again_and_rejects_need_no_claim(url: str) -> None:
    """A failed key may be retried (attempts add up); an email refused before sending is recorded with 0 attempts."""
    with RedisJournal(url) as journal:
        journal.claim("k", message_id="<a@x>")
        journal.record("k", state="failed", reply="451 4.3.0 busy")
        retry = journal.claim("k", message_id="<a@x>")
        assert retry.granted and retry.entry.attempts == 2 and retry.entry.state == "pending"
        rejected = journal.record("never-claimed", state="failed", reply="rejected: unknown scenario")
        assert (rejected.state, rejected.attempts, rejected.message_id) == ("failed", 0, "")


def test_of_many_senders_claiming_at_once_one_is_granted(url: str) -> None:
    """Eight senders (own connections, own identities) race for each of 50 keys: exactly one wins each."""
    journals = [RedisJournal(url) for _ in range(8)]
    wins: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(journals))

    def race(journal: RedisJournal) -> None:
        barrier.wait()
        for i in range(50):
            if journal.claim(f"key-{i}", message_id=f"<{i}@x>").granted:
                with lock:
                    wins.append(f"key-{i}")

    threads = [threading.Thread(target=race, args=(j,)) for j in journals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == sorted(f"key-{i}" for i in range(50))
    for journal in journals:
        journal.close()


def test_a_live_senders_claim_is_busy_until_its_lease_ends(url: str) -> None:
    """Another live sender's pending key is busy; after the lease it is granted (a host that went away)."""
    with RedisJournal(url, lease=0.5) as one, RedisJournal(url, lease=0.5) as two:
        assert one.claim("k", message_id="<a@x>").granted
        busy = two.claim("k", message_id="<a@x>")
        assert not busy.granted and busy.busy
        assert not one.claim("k", message_id="<a@x>").granted, "the same sender does not claim its own key twice"
        time.sleep(0.6)
        assert two.claim("k", message_id="<a@x>").granted


def test_a_released_claim_is_free_at_once(url: str) -> None:
    """release() (an interrupted send) leaves the key pending and free for the next sender."""
    with RedisJournal(url) as one, RedisJournal(url) as two:
        one.claim("k", message_id="<a@x>")
        one.release("k")
        assert two.claim("k", message_id="<a@x>").granted


def test_a_killed_senders_keys_are_taken_over_at_once(url: str) -> None:
    """A sender on this host SIGKILLed after claiming: its key is granted to the next one without waiting."""
    code = (
        "import os, signal, sys\n"
        "from i18nmail.delivery.redis_journal import RedisJournal\n"
        "j = RedisJournal(sys.argv[1])\n"
        "assert j.claim('k', message_id='<a@x>').granted\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, url], check=False, timeout=60)
    assert result.returncode == -signal.SIGKILL
    with RedisJournal(url) as journal:
        assert journal.get("k").state == "pending"  # type: ignore[union-attr]
        claim = journal.claim("k", message_id="<a@x>")
        assert claim.granted and claim.entry.attempts == 2


def test_url_parameters_and_expiry(url: str) -> None:
    """prefix, lease and ttl come from the URL (not passed to redis-py); entries expire after ttl."""
    journal = open_journal(url + "?prefix=shop:mail&lease=42&ttl=3600")
    assert isinstance(journal, RedisJournal)
    assert (journal.prefix, journal.lease, journal.ttl) == ("shop:mail", 42.0, 3600)
    journal.claim("k", message_id="<a@x>")
    client = journal._client
    assert 3500 < client.ttl("shop:mail:k") <= 3600
    assert journal.clear() == 1 and journal.get("k") is None
    journal.close()
    with pytest.raises(ValueError, match="redis://"):
        RedisJournal("http://127.0.0.1:6379/1")
    with pytest.raises(ValueError, match="positive"):
        RedisJournal(url + "?lease=0")


def test_two_outboxes_on_one_redis_journal_send_each_key_once(url: str) -> None:
    """Two senders (two workers) sharing the journal: a key one of them sent is skipped by the other."""
    mailer = Mailer()
    sample = mailer.scenario("refund_approved").sample("sv")
    first, second = RecordingTransport(), RecordingTransport()
    with RedisJournal(url) as j1, RedisJournal(url) as j2:
        a, b = Outbox(mailer, first, j1), Outbox(mailer, second, j2)
        statuses = [box.send(f"order-{i}", "refund_approved", locale="sv-SE", context=sample, to="a@example.se").status
                    for i in range(5) for box in (a, b)]
    assert statuses == ["sent", "skipped"] * 5
    assert len(first.sent) == 5 and second.sent == []


def test_a_killed_sender_not_yet_reaped_counts_as_gone(url: str) -> None:
    """A SIGKILLed sender whose parent has not reaped it (a zombie) frees its keys at once too."""
    code = (
        "import os, signal, sys\n"
        "from i18nmail.delivery.redis_journal import RedisJournal\n"
        "j = RedisJournal(sys.argv[1])\n"
        "assert j.claim('z', message_id='<z@x>').granted\n"
        "print('claimed', flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"claimed\n"
        deadline = time.monotonic() + 30
        while Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z":
            assert time.monotonic() < deadline, "the child did not die"
            time.sleep(0.01)
        with RedisJournal(url) as journal:
            assert journal.claim("z", message_id="<z@x>").granted  # the zombie is still in the table
    finally:
        child.wait()
        child.stdout.close()  # type: ignore[union-attr]
