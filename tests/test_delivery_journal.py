"""The delivery journal: SQLite rows keyed by idempotency key, claims, outcomes, Message-IDs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from i18nmail.delivery import JOURNAL_SCHEMES, Journal, JournalBackend, message_id_for, open_journal
from i18nmail.delivery.journal import check_key

MID = "<i18nmail.x@shop.example>"


def test_first_claim_is_granted_and_pending(tmp_path: Path) -> None:
    """A new key is granted: state pending, one attempt, times set, Message-ID stored."""
    journal = Journal(tmp_path / "j.sqlite", clock=lambda: 1000.0)
    claim = journal.claim("order-1", message_id=MID)
    assert claim.granted and not claim.busy
    entry = claim.entry
    assert (entry.state, entry.attempts, entry.message_id, entry.created, entry.sent) == (
        "pending", 1, MID, 1000.0, None)


def test_sent_key_is_never_claimed_again(tmp_path: Path) -> None:
    """After record(sent) a claim is refused, also from a new Journal on the same file."""
    path = tmp_path / "j.sqlite"
    journal = Journal(path, clock=lambda: 5.0)
    journal.claim("order-1", message_id=MID)
    entry = journal.record("order-1", state="sent", reply="250 2.0.0 Ok", attempts=2)
    assert (entry.state, entry.attempts, entry.reply, entry.sent) == ("sent", 3, "250 2.0.0 Ok", 5.0)
    journal.close()
    again = Journal(path).claim("order-1", message_id=MID)
    assert not again.granted and not again.busy
    assert again.entry.state == "sent"


def test_failed_key_is_claimed_again_and_attempts_add_up(tmp_path: Path) -> None:
    """A failed key is tried again on the next claim; attempts count across runs."""
    journal = Journal(tmp_path / "j.sqlite")
    journal.claim("k", message_id=MID)
    journal.record("k", state="failed", reply="451 4.3.0 later", attempts=4)
    claim = journal.claim("k", message_id=MID)
    assert claim.granted
    assert (claim.entry.state, claim.entry.attempts, claim.entry.reply) == ("pending", 6, "451 4.3.0 later")


def test_key_in_flight_in_this_journal_is_busy(tmp_path: Path) -> None:
    """A second claim while the first is in flight is refused as busy; release() lets it through."""
    journal = Journal(tmp_path / "j.sqlite")
    assert journal.claim("k", message_id=MID).granted
    second = journal.claim("k", message_id=MID)
    assert (second.granted, second.busy) == (False, True)
    journal.release("k")
    assert journal.get("k").state == "pending"  # type: ignore[union-attr]
    assert journal.claim("k", message_id=MID).granted


def test_concurrent_claims_grant_exactly_one(tmp_path: Path) -> None:
    """Of 16 threads claiming one key through two journals on one file, exactly one wins."""
    path = tmp_path / "j.sqlite"
    journals = [Journal(path), Journal(path)]
    barrier = threading.Barrier(16)
    granted: list[bool] = []

    def claim(i: int) -> None:
        barrier.wait()
        granted.append(journals[i % 2].claim("hot", message_id=MID).granted)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert granted.count(True) == 1


def test_pending_key_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    """A key left pending by a process that no longer exists is granted at once (the rerun after a crash)."""
    path = tmp_path / "j.sqlite"
    code = ("import sys; from i18nmail.delivery import Journal; "
            "Journal(sys.argv[1]).claim('k', message_id='<m@x>'); import os; os._exit(0)")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    claim = Journal(path).claim("k", message_id=MID)
    assert claim.granted
    assert claim.entry.attempts == 2


def test_pending_key_of_a_live_process_waits_for_the_lease(tmp_path: Path) -> None:
    """A key pending under another live sender is busy until the lease runs out."""
    path = tmp_path / "j.sqlite"
    now = [100.0]
    other = Journal(path, clock=lambda: now[0])
    other.claim("k", message_id=MID)  # same pid, other Journal: "another live sender"
    mine = Journal(path, lease=60, clock=lambda: now[0])
    assert mine.claim("k", message_id=MID).busy
    now[0] += 61
    assert mine.claim("k", message_id=MID).granted


def test_record_without_claim_creates_a_failed_row(tmp_path: Path) -> None:
    """An email refused before sending (bad context) is recorded as failed with zero attempts."""
    journal = Journal(tmp_path / "j.sqlite")
    entry = journal.record("bad-1", state="failed", reply="rejected: unknown scenario")
    assert (entry.state, entry.attempts, entry.reply) == ("failed", 0, "rejected: unknown scenario")
    assert journal.counts() == {"failed": 1}


def test_record_never_downgrades_a_sent_key(tmp_path: Path) -> None:
    """Once sent, a late failure record for the same key does not change it."""
    journal = Journal(tmp_path / "j.sqlite")
    journal.claim("k", message_id=MID)
    journal.record("k", state="sent", reply="250 ok")
    assert journal.record("k", state="failed", reply="late").state == "sent"


def test_entries_and_counts(tmp_path: Path) -> None:
    """entries() lists rows (optionally by state) and counts() tallies states."""
    journal = Journal(tmp_path / "j.sqlite")
    for key in ("a", "b", "c"):
        journal.claim(key, message_id=MID)
    journal.record("a", state="sent", reply="250")
    journal.record("b", state="failed", reply="550")
    assert journal.counts() == {"sent": 1, "failed": 1, "pending": 1}
    assert [e.key for e in journal.entries("pending")] == ["c"]
    assert len(list(journal.entries())) == 3


def test_journal_file_that_is_not_sqlite_is_a_value_error(tmp_path: Path) -> None:
    """A journal path holding something else gives a ValueError naming the file."""
    path = tmp_path / "j.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ValueError, match="not a usable journal"):
        Journal(path).claim("k", message_id=MID)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    """A journal in a folder that does not exist is refused up front."""
    with pytest.raises(FileNotFoundError, match="journal folder does not exist"):
        Journal(tmp_path / "nope" / "j.sqlite")


def test_rows_hold_no_customer_data(tmp_path: Path) -> None:
    """The journal table has no column for recipients or context (only key, state, reply, ids, times)."""
    path = tmp_path / "j.sqlite"
    Journal(path).claim("k", message_id=MID)
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(deliveries)")]
    assert columns == ["key", "state", "attempts", "reply", "message_id", "owner", "created", "updated", "sent"]


@pytest.mark.parametrize("key", ["", " k", "k\n", "a\x00b", "x" * 201, "k\u2028"])
def test_unusable_keys_are_refused(key: str) -> None:
    """Empty, padded, multi-line, control-character and overlong keys raise ValueError."""
    with pytest.raises(ValueError, match="idempotency key"):
        check_key(key)


def test_message_id_is_stable_and_hides_the_key() -> None:
    """The Message-ID depends only on key and domain, and does not contain the key."""
    a = message_id_for("order-10432-cancelled", "shop.example")
    assert a == message_id_for("order-10432-cancelled", "shop.example")
    assert a != message_id_for("order-10433-cancelled", "shop.example")
    assert "10432" not in a
    assert a.startswith("<i18nmail.") and a.endswith("@shop.example>")


def test_message_id_domain_is_idna_and_checked() -> None:
    """A Unicode domain is punycoded; a domain with header syntax in it is refused."""
    assert message_id_for("k", "bücher.example").endswith("@xn--bcher-kva.example>")
    with pytest.raises(ValueError, match="Message-ID domain"):
        message_id_for("k", "x>\r\nBcc: a@b")


def test_open_journal_paths_urls_and_objects(tmp_path: Path) -> None:
    """open_journal takes a path, a sqlite:// URL, a registered scheme, or a journal as is."""
    assert isinstance(open_journal(tmp_path / "a.sqlite"), Journal)
    assert open_journal(f"sqlite://{tmp_path / 'b.sqlite'}").path == str(tmp_path / "b.sqlite")  # type: ignore[attr-defined]
    journal = Journal(":memory:")
    assert open_journal(journal) is journal
    JOURNAL_SCHEMES["test"] = lambda url: journal
    try:
        assert open_journal("test://anything") is journal
    finally:
        del JOURNAL_SCHEMES["test"]
    with pytest.raises(ValueError, match="unknown journal scheme 'mongo'"):
        open_journal("mongo://localhost/0")


def test_sqlite_journal_satisfies_the_protocol() -> None:
    """Journal is a JournalBackend (the protocol a Redis journal implements too)."""
    assert isinstance(Journal(":memory:"), JournalBackend)


def test_os_pid_check_treats_missing_pid_as_dead() -> None:
    """A pid that does not exist is dead; this process is alive."""
    from i18nmail.delivery.journal import _HOST, _owner_alive

    assert _owner_alive(f"{_HOST}:{os.getpid()}:t")
    assert not _owner_alive(f"{_HOST}:{2**22 + 12345}:t")
    assert _owner_alive(f"other-host:{2**22 + 12345}:t")
