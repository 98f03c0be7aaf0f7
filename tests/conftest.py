"""Shared fixtures: one Mailer for the session, a fixed clock, catalog copies."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import golden_drift
import pytest
from engine import RedisServer

pytest.register_assert_rewrite("i18nmail.testing")

from i18nmail import Mailer
from i18nmail.render import builtin_catalogs, builtin_templates
from i18nmail.testing import FIXED_NOW

#: The fixtures shops get from i18nmail.testing (i18nmail_now, i18nmail_layer, ...).
pytest_plugins = ["i18nmail.testing"]

#: The fixed "now" of rendered tests and golden files.
NOW = FIXED_NOW
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def mailer() -> Mailer:
    return Mailer(pseudo=True)


@pytest.fixture()
def now() -> datetime:
    return NOW


@pytest.fixture()
def catalogs_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped catalogs that a test may break."""
    target = tmp_path / "catalogs"
    shutil.copytree(builtin_catalogs(), target, ignore=shutil.ignore_patterns("*.mo"))
    return target


@pytest.fixture()
def templates_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped templates that a test may edit."""
    target = tmp_path / "templates"
    shutil.copytree(builtin_templates(), target)
    return target


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server on a free loopback port for the whole session (flush it before use)."""
    with tempfile.TemporaryDirectory(prefix="i18nmail-redis-") as folder, RedisServer(Path(folder)) as server:
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Under ``I18NMAIL_GOLDEN=drift`` (make test-latest), print the golden drift report."""
    if golden_drift.DRIFT_MODE:
        terminalreporter.section("golden drift")
        for line in golden_drift.report():
            terminalreporter.write_line(line)
