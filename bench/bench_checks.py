"""Benchmark: `i18nmail check` and `compile` against GNU msgfmt, as a user runs them (one process each).

Prints one table of medians over --repeat runs (default 3), each row timed
against msgfmt in the same run:

* check, one process per file: a loop of `i18nmail check FILE` against a loop
  of `msgfmt --check FILE` over the same catalogs (a pre-commit hook, a CI
  step per file); target at most 3x;
* check, one process for all: `i18nmail check FOLDER` against the msgfmt loop
  (msgfmt has no mode that checks many catalogs in one process); target 1.5x;
* compile a 5,000- and a 50,000-message catalog: `i18nmail compile` against
  `msgfmt --check -o messages.mo`; target at most 2x, and linear.

The catalogs are Django's admin catalogs (installed with the test extra).
Run from a checkout:

    .venv/bin/python bench/bench_checks.py [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import django

BIN = Path(sys.executable).parent
PER_FILE = 40


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of *action* over *repeat* runs, after one warm-up run."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _exe(name: str) -> str:
    found = shutil.which(name) if name == "msgfmt" else str(BIN / name)
    if not found or not Path(found).exists():
        raise SystemExit(f"bench_checks: {name} is not installed")
    return found


def loop(command: Sequence[str], files: Sequence[Path]) -> Callable[[], None]:
    """A callable that runs *command* + one file, once per file."""
    def run() -> None:
        for path in files:
            subprocess.run([*command, str(path)], check=False, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)

    return run


def once(command: Sequence[str]) -> Callable[[], None]:
    """A callable that runs *command* once."""
    def run() -> None:
        subprocess.run(list(command), check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return run


def synthetic_catalog(folder: Path, count: int) -> Path:
    """A clean Swedish catalog of *count* messages: placeholders, HTML, plurals, contexts."""
    header = (
        'msgid ""\nmsgstr ""\n"Project-Id-Version: bench\\n"\n"Language: sv\\n"\n'
        '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    )
    parts = [header]
    for i in range(count):
        kind = i % 4
        parts.append(f"#. Message {i}.\n#: templates/scenarios/s{i % 50}.j2:{i}\n")
        if kind == 0:
            parts.append(f'#, python-format\nmsgid "Hello %(name)s, order {i} is on its way."\n'
                         f'msgstr "Hej %(name)s, order {i} är på väg."\n\n')
        elif kind == 1:
            parts.append(f'msgid "Read <a href=\\"https://shop.example/{i}\\">our terms</a>."\n'
                         f'msgstr "Läs <a href=\\"https://shop.example/{i}\\">våra villkor</a>."\n\n')
        elif kind == 2:
            parts.append(f'#, python-format\nmsgid "%(num)s parcel {i}"\nmsgid_plural "%(num)s parcels {i}"\n'
                         f'msgstr[0] "%(num)s paket {i}"\nmsgstr[1] "%(num)s paket {i}"\n\n')
        else:
            parts.append(f'msgctxt "subject"\nmsgid "Refund {i} approved"\nmsgstr "Återbetalning {i} godkänd"\n\n')
    path = folder / "sv" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per row (default 3)")
    parser.add_argument("--quick", action="store_true", help="fewer files and one timed run")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else max(1, args.repeat)
    i18nmail, msgfmt = _exe("i18nmail"), _exe("msgfmt")

    admin = Path(django.__file__).resolve().parent / "contrib" / "admin" / "locale"
    files = sorted(admin.rglob("*.po"))
    some = files[:: max(1, len(files) // (10 if args.quick else PER_FILE))]
    rows: list[tuple[str, float, float, float]] = []

    def row(name: str, ours: Callable[[], None], theirs: Callable[[], None], target: float) -> None:
        rows.append((name, median_seconds(ours, repeat), median_seconds(theirs, repeat), target))

    row(f"check, one process per file ({len(some)} files)",
        loop([i18nmail, "check"], some), loop([msgfmt, "--check", "-o", "/dev/null"], some), 3.0)
    row(f"check, one process for all ({len(files)} files)",
        once([i18nmail, "check", str(admin)]), loop([msgfmt, "--check", "-o", "/dev/null"], files), 1.5)
    with tempfile.TemporaryDirectory() as tmp:
        for count in (5_000, 50_000):
            folder = Path(tmp) / str(count)
            big = synthetic_catalog(folder, count)
            row(f"compile, {count:,} messages",
                once([i18nmail, "--catalogs", str(folder), "compile"]),
                once([msgfmt, "--check", "-o", str(folder / "msgfmt.mo"), str(big)]), 2.0)

    version = subprocess.run([msgfmt, "--version"], capture_output=True, text=True,
                             check=False).stdout.splitlines()[0]
    head = ("task", "i18nmail (s)", "msgfmt (s)", "ratio", "target", "met")
    body = [(name, f"{ours:.3f}", f"{theirs:.3f}", f"{ours / theirs:.1f}x", f"{target:.1f}x",
             "yes" if ours / theirs <= target else "no") for name, ours, theirs, target in rows]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    print(f"median of {repeat} runs; Python {sys.version.split()[0]}; {version}")
    for r in [head, *body]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))))


if __name__ == "__main__":
    main()
