"""Benchmark: `i18nmail check` and `compile` against GNU `msgfmt --check`, same files, same run.

Prints one table of medians over --repeat runs (default 5):

* the shipped catalogs (every .po and the .pot), catalog checks only;
* the same with the rendered checks (every scenario in every locale);
* a synthetic 5,000-message catalog, checked;
* that catalog compiled to .mo (i18nmail validates and renames atomically).

msgfmt is run once per file (it merges several inputs into one output), so
its column includes one process start per file. Run from a checkout:

    .venv/bin/python bench/bench_checks.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from i18nmail import messages
from i18nmail.checks import check_paths
from i18nmail.render import Mailer, builtin_catalogs

SYNTHETIC_MESSAGES = 5000


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of *action* over *repeat* runs, after one warm-up run."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def msgfmt(files: list[Path], output: Path | None = None) -> Callable[[], None]:
    """A callable running `msgfmt --check` on each file (writing to /dev/null or *output*)."""
    exe = shutil.which("msgfmt")
    if exe is None:
        raise SystemExit("bench_checks: GNU msgfmt is not installed (apt-get install gettext)")

    def run() -> None:
        for path in files:
            target = str(output) if output is not None else "/dev/null"
            subprocess.run([exe, "--check", "-o", target, str(path)], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return run


def synthetic_catalog(folder: Path, count: int = SYNTHETIC_MESSAGES) -> Path:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per row (default 5)")
    args = parser.parse_args()
    repeat = max(1, args.repeat)

    shipped = builtin_catalogs()
    files = sorted(shipped.rglob("*.po")) + sorted(shipped.glob("*.pot"))
    mailer = Mailer()
    rows: list[tuple[str, float, float]] = []

    rows.append((f"check shipped catalogs ({len(files)} files)",
                 median_seconds(lambda: check_paths([shipped]), repeat),
                 median_seconds(msgfmt(files), repeat)))
    renders = len(mailer.scenarios()) * len(mailer.locales())
    rows.append((f"  + rendered checks ({renders} renders)",
                 median_seconds(lambda: check_paths([shipped], rendered=True, mailer=mailer), repeat),
                 median_seconds(msgfmt(files), repeat)))

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = synthetic_catalog(folder)
        rows.append((f"check synthetic catalog ({SYNTHETIC_MESSAGES} messages)",
                     median_seconds(lambda: check_paths([big]), repeat),
                     median_seconds(msgfmt([big]), repeat)))

        def compile_big() -> None:
            [result] = messages.compile(folder)
            if not result.ok:
                raise SystemExit(f"bench_checks: synthetic catalog refused: {result.problems[:3]}")

        rows.append((f"compile synthetic catalog ({SYNTHETIC_MESSAGES} messages)",
                     median_seconds(compile_big, repeat),
                     median_seconds(msgfmt([big], folder / "msgfmt.mo"), repeat)))

    version = subprocess.run(["msgfmt", "--version"], capture_output=True, text=True,
                             check=False).stdout.splitlines()[0]
    head = ("task", "i18nmail (s)", "msgfmt --check (s)", "ratio")
    body = [(name, f"{ours:.3f}", f"{theirs:.3f}", f"{ours / theirs:.1f}x") for name, ours, theirs in rows]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    print(f"median of {repeat} runs; Python {sys.version.split()[0]}; {version}")
    for row in [head, *body]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))


if __name__ == "__main__":
    main()
