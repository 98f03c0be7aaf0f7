"""Celery throughput: tasks per second with 1 and 2 worker processes, on the real engine.

    .venv/bin/python bench/bench_celery.py [--quick] [--tasks N]

Starts a redis-server (broker and Redis journal), an aiosmtpd sink on loopback
and a ``celery worker`` (prefork) with 1, then 2 processes; each run enqueues
N ``i18nmail.send_email`` tasks in mixed locales and times them from the first
enqueue to the last message received by the sink. The baseline, measured in
the same run, is the delivery ``Outbox`` sending the same emails in one
process without Celery (render, journal, SMTP: the work each task does).
Every figure is the median of several runs; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from celery import Celery
from engine import RedisServer, Worker

from i18nmail import Mailer
from i18nmail.delivery import Outbox, SMTPTransport
from i18nmail.delivery.redis_journal import RedisJournal
from i18nmail.testing import SMTPSink

LOCALES = ["en-US", "sv-SE", "ko-KR", "nb_NO.UTF-8", "fi-FI", "de-DE", "fr-FR", "ja-JP", "pl-PL", "ar-SA"]
SCENARIO = "order_cancelled_out_of_stock"


def make_events(count: int, prefix: str) -> list[list[object]]:
    mailer = Mailer()
    samples = {}
    for tag in LOCALES:
        match = mailer.negotiate(tag)
        samples[tag] = mailer.scenario(SCENARIO).sample(match.catalogs[0] if match.catalogs else "en")
    return [[f"{prefix}-{i}", SCENARIO, LOCALES[i % len(LOCALES)], samples[LOCALES[i % len(LOCALES)]],
             f"Customer {i} <c{i}@example.org>"] for i in range(count)]


def run_celery(folder: Path, server: RedisServer, concurrency: int, count: int, run: int) -> tuple[float, float]:
    server.flush()
    with SMTPSink() as sink:
        env = {"TEST_BROKER_URL": server.url(0), "TEST_SMTP_URL": sink.url, "TEST_JOURNAL_URL": server.url(1)}
        worker = Worker(folder, env, concurrency=concurrency, name=f"bench-c{concurrency}-{run}").start()
        try:
            deadline = time.monotonic() + 120
            while worker.warmed() < concurrency and time.monotonic() < deadline:
                time.sleep(0.05)
            producer = Celery("bench", broker=server.url(0))
            producer.conf.broker_connection_retry_on_startup = True
            events = make_events(count, f"c{concurrency}-{run}")
            cpu = worker.cpu_seconds()
            start = time.perf_counter()
            with producer.producer_or_acquire() as publisher:
                for args in events:
                    producer.send_task("i18nmail.send_email", args=args, producer=publisher)
            sink.wait_for(count, timeout=900)
            elapsed = time.perf_counter() - start
            cpu = worker.cpu_seconds() - cpu
            producer.close()
        finally:
            worker.stop()
    return count / elapsed, cpu / count * 1000


def run_outbox(server: RedisServer, count: int, run: int) -> tuple[float, float]:
    server.flush()
    with SMTPSink() as sink:
        journal = RedisJournal(server.url(1))
        outbox = Outbox(Mailer(), SMTPTransport(sink.url), journal)
        events = make_events(count, f"direct-{run}")
        outbox.send("warm", SCENARIO, locale="sv-SE", context=events[1][3], to="w@example.org")  # type: ignore[arg-type]
        for tag in LOCALES:  # the Celery workers warm every locale before their first task
            outbox.mailer.render(SCENARIO, locale=tag, context=events[LOCALES.index(tag)][3])  # type: ignore[arg-type]
        cpu = time.process_time()
        start = time.perf_counter()
        for key, scenario, locale, context, to in events:
            outbox.send(key, scenario, locale=locale, context=context, to=to)  # type: ignore[arg-type]
        sink.wait_for(count + 1, timeout=600)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        outbox.transport.close()
        journal.close()
    return count / elapsed, cpu / count * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer tasks, one run each")
    parser.add_argument("--tasks", type=int, default=None, help="tasks per run (default 400, quick 100)")
    args = parser.parse_args(argv)
    count = args.tasks or (100 if args.quick else 400)
    repeats = 1 if args.quick else 3
    with tempfile.TemporaryDirectory(prefix="i18nmail-bench-") as tmp, RedisServer(Path(tmp) / "redis") as server:
        rows: list[tuple[str, float, float]] = []
        runs = [run_outbox(server, count, r) for r in range(repeats)]
        rows.append(("Outbox.send, one process, no Celery (baseline)", statistics.median(r[0] for r in runs),
                     statistics.median(r[1] for r in runs)))
        for concurrency in (1, 2):
            runs = [run_celery(Path(tmp), server, concurrency, count, r) for r in range(repeats)]
            rows.append((f"Celery worker, {concurrency} process{'es' if concurrency > 1 else ''}",
                         statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)))
    base = rows[0][1]
    one = rows[1][1]
    print(f"{count} emails per run ({', '.join(LOCALES)}), median of {repeats} run(s)")
    print(f"{'':50} {'emails/s':>9} {'vs baseline':>12} {'vs 1 process':>13} {'CPU ms/email':>13}")
    for label, rate, cpu_ms in rows:
        print(f"{label:50} {rate:9.0f} {rate / base:11.2f}x {rate / one:12.2f}x {cpu_ms:13.1f}")
    print("CPU ms/email: the sender's processes only (the baseline's includes the in-process SMTP sink);")
    print("on a busy 2-core machine emails/s follows the load, CPU per email does not.")


if __name__ == "__main__":
    main()
