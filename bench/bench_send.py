"""How fast does ``i18nmail send`` go? 10,000 mixed-locale emails, 1 render worker against 2.

    .venv/bin/python bench/bench_send.py [--quick] [--events N] [--repeats N]

Each row runs the path ``i18nmail send`` runs (JSON Lines parsed, rendered,
built, journaled, delivered) on the same events file:

* **dry run**: every email written as an ``.eml`` file (``--dry-run DIR``);
* **render only**: the control; the same events rendered and built by
  ``prepare`` in bare worker processes with no journal, transport or
  pipeline: the most that more workers can give on this machine right now
  (on a machine busy with other work it shows no gain, and neither can the
  other rows);
* **SMTP sink**: every email sent over SMTP to an aiosmtpd sink on
  127.0.0.1 (a separate process, so it does not share the sender's GIL; on a
  2-core machine it does share the cores), with a SQLite journal.

The baseline is 1 worker, measured in the same run; the ratio is its median
time over the 2-worker median. "per core" divides the rate by the cores the
run can use (min(workers, cores)). Every figure is the median of the repeats.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from smtp_sink import make_events, write_events

from i18nmail import Mailer
from i18nmail.delivery import DirectoryTransport, Journal, Outbox, SMTPTransport
from i18nmail.delivery.events import read_events


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_sink() -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("bench_send: the aiosmtpd sink did not start")


def _run(mailer: Mailer, events: Path, workers: int, target: str, scratch: Path) -> float:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    if target == "dry":
        transport: DirectoryTransport | SMTPTransport = DirectoryTransport(folder / "out")
        journal = Journal(":memory:")
    else:
        transport = SMTPTransport(target + "?pool=2")
        journal = Journal(folder / "journal.sqlite")
    start = time.perf_counter()
    with open(events, "rb") as stream, Outbox(mailer, transport, journal) as outbox:
        report = outbox.send_many(read_events(stream), workers=workers)
    elapsed = time.perf_counter() - start
    if report.counts["sent"] != report.total:
        raise SystemExit(f"bench_send: not everything was sent: {report.summary()}")
    shutil.rmtree(folder)
    return elapsed


def _render_part(path: str, start: int, stop: int) -> int:
    """Render events[start:stop] of the file in this process (the control row)."""
    from email.headerregistry import Address

    from i18nmail.delivery import Event, prepare

    mailer = Mailer()
    sender = Address("Shop", "support", "shop.example")
    with open(path, "rb") as stream:
        events = [e for e in read_events(stream) if isinstance(e, Event)][start:stop]
    for event in events:
        prepare(mailer, event, sender=sender)
    return len(events)


def _run_control(events: Path, count: int, workers: int) -> float:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    bounds = [(i * count // workers, (i + 1) * count // workers) for i in range(workers)]
    start = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = sum(pool.map(_render_part, [str(events)] * workers, *zip(*bounds)))
    if done != count:
        raise SystemExit(f"bench_send: the control rendered {done} of {count}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 events, one repeat (a smoke run)")
    parser.add_argument("--events", type=int, default=None, help="events per run (default 10,000)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per row (default 3)")
    args = parser.parse_args(argv)
    count = args.events or (1_000 if args.quick else 10_000)
    repeats = args.repeats or (1 if args.quick else 3)
    cores = os.cpu_count() or 1

    mailer = Mailer()
    scratch = Path(tempfile.mkdtemp(prefix="i18nmail-bench-send-"))
    sink, port = _start_sink()
    try:
        events = write_events(scratch / "events.jsonl", make_events(mailer, count))
        rows = []
        paths = (("render only (control)", "control"), ("dry run (.eml files)", "dry"),
                 ("SMTP sink (aiosmtpd)", f"smtp://127.0.0.1:{port}"))
        for label, target in paths:
            medians = {}
            for workers in (1, 2):
                times = [_run_control(events, count, workers) if target == "control"
                         else _run(mailer, events, workers, target, scratch) for _ in range(repeats)]
                medians[workers] = statistics.median(times)
            for workers in (1, 2):
                rate = count / medians[workers]
                rows.append((label, workers, medians[workers], rate, rate / min(workers, cores),
                             medians[1] / medians[workers]))
    finally:
        sink.terminate()
        sink.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{count} mixed-locale emails ({len({e['locale'] for e in make_events(mailer, 13)})} locales), "
          f"median of {repeats}; {cores} cores, load average {load:.1f}")
    print(f"{'path':<22} {'workers':>7} {'median s':>9} {'emails/s':>9} {'per core':>9} {'vs 1 worker':>12}")
    for label, workers, seconds, rate, per_core, ratio in rows:
        print(f"{label:<22} {workers:>7} {seconds:>9.2f} {rate:>9.0f} {per_core:>9.0f} {ratio:>11.2f}x")


if __name__ == "__main__":
    main()
