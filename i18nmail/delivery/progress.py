"""Progress for a batch: a bar on a terminal, a summary line every few seconds otherwise.

Both go to stderr, so stdout stays clean for the final table.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO

import click

from .results import SendReport

__all__ = ["Reporter", "make_reporter"]

#: Seconds between two summary lines when stderr is not a terminal.
SUMMARY_EVERY = 5.0


class Reporter(Protocol):
    """Called with the report after each email, and once more at the end."""

    def __call__(self, report: SendReport, *, final: bool = False) -> None: ...


def _silent(report: SendReport, *, final: bool = False) -> None:
    return None


class _Callback:
    def __init__(self, callback: Callable[[SendReport], None]) -> None:
        self.callback = callback

    def __call__(self, report: SendReport, *, final: bool = False) -> None:
        if not final:
            self.callback(report)


class _Summaries:
    """One line per ``every`` seconds, and one at the end (logs, CI, cron)."""

    def __init__(self, stream: TextIO, every: float, total: int | None) -> None:
        self.stream, self.every, self.total = stream, every, total
        self.last = time.monotonic()

    def __call__(self, report: SendReport, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < self.every:
            return
        self.last = now
        of = f" of {self.total}" if self.total is not None else ""
        state = "stopped" if final and report.interrupted else "done" if final else "progress"
        click.echo(f"i18nmail send: {state}: {report.summary()}{of}", file=self.stream)


class _Bar:
    """A click progress bar; its label carries the running counts."""

    def __init__(self, stream: TextIO, total: int | None) -> None:
        self.bar = click.progressbar(length=total or 0, label="sending", file=stream,
                                     show_pos=True, show_eta=total is not None, width=30)
        self.bar.__enter__()
        self.seen = 0

    def __call__(self, report: SendReport, *, final: bool = False) -> None:
        done = report.total
        counts = report.counts
        self.bar.label = (f"sent {counts['sent']} skipped {counts['skipped']} "
                          f"rejected {counts['rejected']} failed {counts['failed']}")
        if done > self.seen:
            self.bar.update(done - self.seen)
            self.seen = done
        if final:
            self.bar.__exit__(None, None, None)


def make_reporter(progress: bool | Callable[[SendReport], None], *, total: int | None,
                  stream: TextIO | None = None, every: float = SUMMARY_EVERY) -> Reporter:
    """The reporter for ``send_many(progress=...)``."""
    if callable(progress):
        return _Callback(progress)
    if not progress:
        return _silent
    out = stream or sys.stderr
    if out.isatty():
        return _Bar(out, total)
    return _Summaries(out, every, total)
