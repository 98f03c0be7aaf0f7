"""Outbox: render, claim, send, record; once per key, against a real aiosmtpd on loopback."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from smtp_sink import SMTPSink, make_events

from i18nmail import Mailer, Shop
from i18nmail.delivery import Journal, Outbox, SendResult, SMTPTransport, message_id_for

DOMAIN = "shop.example"


_OPEN: list[Outbox] = []


@pytest.fixture(autouse=True)
def _close_outboxes() -> Iterator[None]:
    """Close every Outbox a test made (its SMTP connections and journal)."""
    yield
    while _OPEN:
        _OPEN.pop().close()


def make_outbox(*args: Any, **kwargs: Any) -> Outbox:
    outbox = Outbox(*args, **kwargs)
    _OPEN.append(outbox)
    return outbox


def outbox_for(mailer: Mailer, sink: SMTPSink, journal: Journal, **transport: Any) -> Outbox:
    transport.setdefault("backoff", 0.001)
    transport.setdefault("max_backoff", 0.05)
    return make_outbox(mailer, SMTPTransport(sink.url, **transport), journal)


def check_received(sink: SMTPSink, events: list[dict[str, Any]]) -> dict[str, int]:
    """Every message parses, has one recipient, is in its event's language; returns copies per key."""
    by_id = {message_id_for(e["key"], DOMAIN): e for e in events}
    copies: Counter[str] = Counter()
    for received in sink.received:
        msg = received.message()
        assert len(received.rcpt_tos) == 1
        assert msg.get_all("To") is not None and len(msg.get_all("To")) == 1
        assert len(msg["To"].addresses) == 1
        assert msg["To"].addresses[0].addr_spec == received.rcpt_tos[0]
        event = by_id[msg["Message-ID"]]
        assert msg["Content-Language"] == event["locale"]
        html = msg.get_body(("html",))
        assert html is not None and f'lang="{event["locale"]}"' in html.get_content()
        copies[event["key"]] += 1
    return dict(copies)


def test_send_delivers_once_and_skips_the_second_time(mailer: Mailer, tmp_path: Path) -> None:
    """send() delivers a parsable email with the key's Message-ID; the same key again is skipped."""
    context = mailer.scenario("refund_approved").sample("sv")
    with SMTPSink() as sink:
        outbox = outbox_for(mailer, sink, Journal(tmp_path / "j.sqlite"))
        first = outbox.send("order-1-refund", "refund_approved", locale="sv-SE", context=context,
                            to="Åsa Berg <asa@example.se>")
        second = outbox.send("order-1-refund", "refund_approved", locale="sv-SE", context=context,
                             to="Åsa Berg <asa@example.se>")
    assert (first.status, first.attempts, first.locale) == ("sent", 1, "sv-SE")
    assert first.message_id == message_id_for("order-1-refund", DOMAIN)
    assert first.reply == "250 2.0.0 Ok: queued"
    assert second.status == "skipped"
    assert len(sink.received) == 1
    msg = sink.received[0].message()
    assert msg["Message-ID"] == first.message_id
    assert msg["Content-Language"] == "sv-SE"
    assert sink.received[0].rcpt_tos == ["asa@example.se"]
    assert sink.received[0].mail_from == "support@shop.example"


def test_bad_context_is_rejected_recorded_and_sent_once_fixed(mailer: Mailer, tmp_path: Path) -> None:
    """A context error sends nothing and is journaled as failed; the fixed event is sent under the same key."""
    journal = Journal(tmp_path / "j.sqlite")
    good = mailer.scenario("refund_approved").sample("de")
    bad = {k: v for k, v in good.items() if k != "order_number"}
    with SMTPSink() as sink:
        outbox = outbox_for(mailer, sink, journal)
        rejected = outbox.send("k1", "refund_approved", locale="de-DE", context=bad, to="kunde@example.de")
        assert sink.received == []
        assert rejected.status == "rejected" and "order_number" in (rejected.error or "")
        assert journal.get("k1").state == "failed"  # type: ignore[union-attr]
        assert journal.get("k1").reply.startswith("rejected: ")  # type: ignore[union-attr]
        fixed = outbox.send("k1", "refund_approved", locale="de-DE", context=good, to="kunde@example.de")
    assert fixed.status == "sent"
    assert len(sink.received) == 1


@pytest.mark.parametrize("to", ["a@x.com, b@y.com", "Bob\r\nBcc: evil@x.com <bob@x.com>", "not an address"])
def test_bad_recipient_is_rejected_before_sending(mailer: Mailer, to: str) -> None:
    """A To value that is not exactly one mailbox is rejected; nothing reaches the server."""
    context = mailer.scenario("refund_approved").sample("en")
    with SMTPSink() as sink:
        outbox = outbox_for(mailer, sink, Journal(":memory:"))
        result = outbox.send("k", "refund_approved", locale="en", context=context, to=to)
    assert result.status == "rejected"
    assert sink.received == []


def test_unknown_scenario_is_rejected_with_a_hint(mailer: Mailer) -> None:
    """An unknown scenario is rejected and the error suggests the close name."""
    with SMTPSink() as sink:
        outbox = outbox_for(mailer, sink, Journal(":memory:"))
        result = outbox.send("k", "refund_aproved", locale="en", context={}, to="a@example.com")
    assert result.status == "rejected"
    assert "Did you mean 'refund_approved'?" in (result.error or "")


def test_refused_recipient_is_failed_with_the_servers_reply(mailer: Mailer, tmp_path: Path) -> None:
    """A 550 for the recipient: failed, one attempt, the reply in the result and the journal."""
    journal = Journal(tmp_path / "j.sqlite")
    context = mailer.scenario("refund_approved").sample("fi")
    with SMTPSink(refuse={"gone@example.fi"}) as sink:
        outbox = outbox_for(mailer, sink, journal)
        result = outbox.send("k", "refund_approved", locale="fi-FI", context=context, to="gone@example.fi")
    assert (result.status, result.attempts) == ("failed", 1)
    assert result.refused == {"gone@example.fi": "550 5.1.1 No such user here"}
    assert "550 5.1.1" in (result.error or "")
    entry = journal.get("k")
    assert entry is not None and entry.state == "failed" and "550 5.1.1 No such user here" in entry.reply


def test_sender_defaults_to_the_shop_and_can_be_given(tmp_path: Path) -> None:
    """The From and envelope sender come from the Shop unless Outbox(sender=...) says otherwise."""
    mailer = Mailer(Shop(name="Nordic Home", support_email="help@nordichome.example"))
    context = mailer.scenario("refund_approved").sample("sv")
    with SMTPSink() as sink:
        make_outbox(mailer, SMTPTransport(sink.url), Journal(":memory:")).send(
            "a", "refund_approved", locale="sv-SE", context=context, to="x@example.se")
        make_outbox(mailer, SMTPTransport(sink.url), Journal(":memory:"), sender="Kundtjänst <kund@nordichome.example>").send(
            "b", "refund_approved", locale="sv-SE", context=context, to="x@example.se")
    first, second = (r.message() for r in sink.received)
    assert first["From"].addresses[0].addr_spec == "help@nordichome.example"
    assert first["Message-ID"].endswith("@nordichome.example>")
    assert second["From"].addresses[0].display_name == "Kundtjänst"
    assert sink.received[1].mail_from == "kund@nordichome.example"


# -- many, with faults ----------------------------------------------------------------


def test_send_many_through_random_421_451_and_dropped_connections(mailer: Mailer, tmp_path: Path) -> None:
    """Random 421/451 replies and connections dropped during DATA: every key arrives exactly once."""
    events = make_events(mailer, 260)
    journal = Journal(tmp_path / "j.sqlite")
    with SMTPSink(transient=0.08, drop_every=11, seed=7) as sink:
        report = outbox_for(mailer, sink, journal, retries=10, pool=2).send_many(events)
    assert report.counts["sent"] == 260 and report.ok, report.problems[:3]
    assert sink.dropped, "the fault did not trigger"
    copies = check_received(sink, events)
    assert set(copies) == {e["key"] for e in events}
    assert set(copies.values()) == {1}
    assert journal.counts() == {"sent": 260}
    assert sum(e.attempts for e in journal.entries()) > 260


def test_send_many_records_refused_recipients_and_sends_the_rest(mailer: Mailer, tmp_path: Path) -> None:
    """550 for some recipients: those keys fail with the reply, every other key is sent once."""
    events = make_events(mailer, 120)
    refused = {f"customer{i}@example.com" for i in range(0, 120, 9)}
    journal = Journal(tmp_path / "j.sqlite")
    with SMTPSink(refuse=refused) as sink:
        report = outbox_for(mailer, sink, journal).send_many(events)
    assert report.counts["failed"] == len(refused)
    assert report.counts["sent"] == 120 - len(refused)
    assert not report.ok
    failed = {r.key: r for r in report.problems}
    for r in failed.values():
        assert r.reply and "550 5.1.1" in r.reply and r.line is None
    copies = check_received(sink, events)
    assert set(copies.values()) == {1} and len(copies) == 120 - len(refused)
    assert journal.counts() == {"sent": 120 - len(refused), "failed": len(refused)}


def test_rerun_of_a_batch_sends_nothing(mailer: Mailer, tmp_path: Path) -> None:
    """The same batch a second time is all skipped; the server sees no new message."""
    events = make_events(mailer, 60)
    journal = Journal(tmp_path / "j.sqlite")
    with SMTPSink() as sink:
        outbox = outbox_for(mailer, sink, journal)
        first = outbox.send_many(events)
        second = outbox.send_many(events)
    assert first.counts["sent"] == 60
    assert second.counts["skipped"] == 60 and second.ok
    assert len(sink.received) == 60


def test_stop_finishes_in_flight_and_a_rerun_continues(mailer: Mailer, tmp_path: Path) -> None:
    """Setting stop mid-batch leaves no key pending; the rerun sends exactly the rest."""
    events = make_events(mailer, 80)
    journal = Journal(tmp_path / "j.sqlite")
    stop = threading.Event()

    def stop_after_20(result: SendResult) -> None:
        if result.status == "sent" and journal.counts().get("sent", 0) >= 20:
            stop.set()

    with SMTPSink() as sink:
        outbox = outbox_for(mailer, sink, journal, pool=2)
        first = outbox.send_many(events, stop=stop, on_result=stop_after_20)
        assert first.interrupted and not first.ok
        assert "pending" not in journal.counts()
        assert 20 <= first.counts["sent"] < 80
        second = outbox.send_many(events)
    assert second.counts["sent"] + first.counts["sent"] == 80
    copies = check_received(sink, events)
    assert len(copies) == 80 and set(copies.values()) == {1}


class RecordingFactory:
    """A picklable Mailer factory that leaves one file per build (to count builds per process)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self) -> Mailer:
        (self.folder / f"{os.getpid()}-{len(list(self.folder.iterdir()))}").touch()
        return Mailer()


def test_two_render_workers_build_one_mailer_each(mailer: Mailer, tmp_path: Path) -> None:
    """workers=2 renders in two processes, each building its Mailer exactly once."""
    builds = tmp_path / "builds"
    builds.mkdir()
    events = make_events(mailer, 200)
    with SMTPSink() as sink:
        outbox = make_outbox(mailer, SMTPTransport(sink.url, pool=2), Journal(tmp_path / "j.sqlite"),
                        mailer_factory=RecordingFactory(builds))
        report = outbox.send_many(events, workers=2)
    assert report.counts["sent"] == 200
    pids = [p.name.split("-")[0] for p in builds.iterdir()]
    assert len(pids) == 2 and len(set(pids)) == 2 and str(os.getpid()) not in pids
    copies = check_received(sink, events)
    assert len(copies) == 200 and set(copies.values()) == {1}


def test_default_worker_mailer_matches_the_parents_shop(tmp_path: Path) -> None:
    """Without a factory, workers rebuild a Mailer with the parent's Shop (sender domain, names)."""
    mailer = Mailer(Shop(name="Nordic Home", support_email="help@nordichome.example"))
    events = make_events(mailer, 30)
    with SMTPSink() as sink:
        make_outbox(mailer, SMTPTransport(sink.url), Journal(":memory:")).send_many(events, workers=2)
    assert len(sink.received) == 30
    assert all(r.mail_from == "help@nordichome.example" for r in sink.received)
    assert all("Nordic Home" in r.message()["From"].addresses[0].display_name for r in sink.received)


def test_send_many_rejects_a_bad_event_and_goes_on(mailer: Mailer) -> None:
    """An event missing fields is rejected; the others are sent."""
    events: list[Any] = make_events(mailer, 5)
    events.insert(2, {"key": "broken"})
    with SMTPSink() as sink:
        report = outbox_for(mailer, sink, Journal(":memory:")).send_many(events)
    assert report.counts["sent"] == 5 and report.counts["rejected"] == 1
    assert "context" in (report.problems[0].error or "")


def test_workers_must_be_positive(mailer: Mailer) -> None:
    """workers=0 is a ValueError."""
    outbox = make_outbox(mailer, SMTPTransport("smtp://127.0.0.1:1"), Journal(":memory:"))
    with pytest.raises(ValueError, match="workers"):
        outbox.send_many([], workers=0)


class BrokenTransport:
    """A transport with a bug: it raises instead of returning a Delivery."""

    pool_size = 1

    def send(self, message: bytes, *, sender: str, recipients: Any) -> Any:
        raise RuntimeError("transport bug")

    def close(self) -> None:
        pass


def test_a_transport_bug_stops_the_batch_and_is_raised(mailer: Mailer) -> None:
    """An exception inside a sender thread stops send_many and is re-raised; the key stays pending."""
    journal = Journal(":memory:")
    outbox = make_outbox(mailer, BrokenTransport(), journal)
    with pytest.raises(RuntimeError, match="transport bug"):
        outbox.send_many(make_events(mailer, 10))
    assert journal.counts() == {"pending": 1}
    assert journal.claim("evt-000000", message_id="<m@x>").granted  # released, so a rerun may send it


class DyingFactory:
    """A Mailer factory whose worker process dies while starting."""

    def __call__(self) -> Mailer:
        os._exit(3)


def test_a_dead_render_worker_is_raised_and_nothing_is_claimed(mailer: Mailer) -> None:
    """A render worker that dies breaks the run with BrokenProcessPool; no key is left pending."""
    from concurrent.futures.process import BrokenProcessPool

    journal = Journal(":memory:")
    outbox = make_outbox(mailer, SMTPTransport("smtp://127.0.0.1:1"), journal, mailer_factory=DyingFactory())
    with pytest.raises(BrokenProcessPool):
        outbox.send_many(make_events(mailer, 10), workers=2)
    assert journal.counts() == {}


def test_worker_recipe_pickles_and_rebuilds_the_same_mailer(templates_copy: Path, catalogs_copy: Path) -> None:
    """The recipe a render worker gets survives pickling and rebuilds the shop, layers and modes."""
    import pickle

    from i18nmail.delivery.workers import MailerRecipe

    shop = Shop(name="Nordic Home", support_email="help@nordichome.example",
                signature_title={"en": "Customer care", "sv": "Kundtjänst"})
    mailer = Mailer(shop, templates=[templates_copy], catalogs=[catalogs_copy], inline_css=False)
    rebuilt = pickle.loads(pickle.dumps(MailerRecipe.of(mailer)))()
    assert rebuilt.shop == shop
    assert rebuilt.template_roots == mailer.template_roots
    assert rebuilt.catalog_roots == mailer.catalog_roots
    assert (rebuilt.pseudo, rebuilt.strict) == (mailer.pseudo, mailer.strict)
