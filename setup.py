"""Build hook: ship the top-level ``templates/`` and ``catalogs/`` in the wheel.

The repository keeps both folders at the top level (translators and designers
find them there); the installed package finds them as ``i18nmail/_data/``.
Everything else is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("templates", "catalogs")
IGNORED = shutil.ignore_patterns("*.mo", "__pycache__", "*~", ".*")


class build_py_with_data(build_py):  # noqa: N801 - setuptools naming
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "i18nmail" / "_data"
        for name in SHIPPED:
            source = ROOT / name
            if not source.is_dir():
                raise SystemExit(f"setup.py: {source} is missing; cannot build i18nmail")
            destination = target / name
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(source, destination, ignore=IGNORED)


setup(cmdclass={"build_py": build_py_with_data})
