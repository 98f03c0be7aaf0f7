"""Run every benchmark in this folder and print their tables (``make bench``).

    .venv/bin/python bench/run.py [--quick]
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def main() -> None:
    extra = [a for a in sys.argv[1:] if a == "--quick"]
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        print(f"== {path.stem} ==")
        start = time.perf_counter()
        module.main(extra)
        print(f"({time.perf_counter() - start:.1f} s)\n")


if __name__ == "__main__":
    main()
