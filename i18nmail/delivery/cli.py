"""``i18nmail send``: deliver a JSON Lines file of events, once per key.

Exit code 0 when every event was sent or skipped as already sent; 1 when any
was rejected or failed, or the run was stopped (run the same command again to
continue); 2 for usage errors.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from typing import IO, Any

import click

from ..exceptions import I18nMailError
from .events import count_lines, read_events
from .journal import Journal, JournalBackend, open_journal
from .outbox import Outbox
from .results import SendResult
from .transport import DirectoryTransport, SMTPTransport, Transport

__all__ = ["send_command"]


@contextmanager
def _stop_on_ctrl_c(stop: threading.Event) -> Iterator[None]:
    """First Ctrl+C: finish the emails in flight and stop. Second: quit at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        stop.set()
        click.echo("\ni18nmail send: stopping after the emails in flight "
                   "(Ctrl+C again to quit at once)", err=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _open_events(source: str, stack: ExitStack) -> tuple[IO[bytes], int | None]:
    if source == "-":
        return sys.stdin.buffer, None
    try:
        stream: IO[bytes] = stack.enter_context(open(source, "rb"))  # noqa: SIM115
    except OSError as exc:
        raise click.BadParameter(f"cannot read {source}: {exc.strerror}", param_hint="EVENTS") from None
    return stream, count_lines(stream)


def _reason(result: SendResult) -> str:
    where = f"line {result.line}: " if result.line else ""
    key = f"{result.key}: " if result.key else ""
    return f"{where}{key}{result.status}: {result.error or result.reply or ''}"


@click.command("send")
@click.argument("events", metavar="EVENTS")
@click.option("--smtp", "smtp_url", metavar="URL",
              help="smtp://[user:pass@]host[:port][?starttls=1] or smtps://...; credentials may come "
                   "from I18NMAIL_SMTP_USERNAME / I18NMAIL_SMTP_PASSWORD.")
@click.option("--journal", "journal_path", metavar="FILE",
              help="SQLite journal file (or a URL of a registered journal store): keys already "
                   "sent are skipped, so a rerun continues.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Render in this many processes.")
@click.option("--rate", type=click.FloatRange(min=0.001), default=None, metavar="N",
              help="At most N messages per second.")
@click.option("--dry-run", "dry_run", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Write each email as DIR/<message-id>.eml instead of sending (no journal).")
@click.option("--rejects", "rejects_path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Where rejected and failed events go, one JSON object per line "
                   "[default: EVENTS.rejects.jsonl, or rejects.jsonl for stdin].")
@click.option("--sender", default=None, help="From address [default: the shop's name and support address].")
@click.pass_obj
def send_command(settings: Any, events: str, smtp_url: str | None, journal_path: str | None, workers: int,
                 rate: float | None, dry_run: Path | None, rejects_path: Path | None, sender: str | None) -> None:
    """Send the emails in EVENTS (JSON Lines, or - for stdin), once per key.

    Each line: {"key", "scenario", "locale", "context", "to"}, where "to" is
    "Name <addr>" or {"name", "email"}. Bad lines go to the rejects file with
    their line number and reason; the run goes on.
    """
    if dry_run is not None:
        if smtp_url or journal_path or rate is not None:
            raise click.UsageError("--dry-run writes files only: leave out --smtp, --journal and --rate")
    elif not smtp_url or journal_path is None:
        raise click.UsageError("give --smtp URL and --journal FILE (or --dry-run DIR)")
    if rejects_path is None:
        rejects_path = Path("rejects.jsonl") if events == "-" else Path(events + ".rejects.jsonl")
    stop = threading.Event()
    with ExitStack() as stack:
        stream, total = _open_events(events, stack)
        try:
            transport: Transport
            journal: JournalBackend
            if dry_run is not None:
                transport = DirectoryTransport(dry_run)
                journal = Journal(":memory:")
            else:
                assert smtp_url is not None and journal_path is not None
                transport = SMTPTransport(smtp_url, rate=rate)
                journal = open_journal(journal_path)
            stack.callback(journal.close)
            stack.callback(transport.close)
            mailer = settings.mailer()
            outbox = Outbox(mailer, transport, journal, sender=sender)
        except (I18nMailError, ValueError, TypeError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
        try:
            rejects = stack.enter_context(open(rejects_path, "w", encoding="utf-8"))
        except OSError as exc:
            raise click.BadParameter(f"cannot write {rejects_path}: {exc.strerror}",
                                     param_hint="--rejects") from None

        def on_result(result: SendResult) -> None:
            if result.status in ("rejected", "failed"):
                rejects.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
                rejects.flush()

        with _stop_on_ctrl_c(stop):
            try:
                report = outbox.send_many(read_events(stream), workers=workers, progress=True,
                                          stop=stop, on_result=on_result, total=total)
            except (sqlite3.Error, OSError, BrokenProcessPool) as exc:
                raise click.ClickException(
                    f"stopped: {exc}; every email already recorded stays recorded, "
                    "run the same command again to continue") from None
    if not report.problems:
        rejects_path.unlink(missing_ok=True)  # no stale file from an earlier run
    for result in report.problems[:20]:
        click.echo(f"i18nmail send: {_reason(result)}", err=True)
    if len(report.problems) > 20:
        click.echo(f"i18nmail send: ... and {len(report.problems) - 20} more", err=True)
    if report.problems:
        click.echo(f"i18nmail send: {len(report.problems)} rejected or failed, listed in {rejects_path}",
                   err=True)
    click.echo(report.table())
    if report.interrupted:
        click.echo("i18nmail send: stopped; run the same command again to continue", err=True)
    sys.exit(0 if report.ok else 1)
