"""Shared fixtures: one Mailer for the session, a fixed clock, catalog copies."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import golden_drift
import pytest

from i18nmail import Mailer
from i18nmail.render import builtin_catalogs, builtin_templates

#: The fixed "now" of rendered tests and golden files.
NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Under ``I18NMAIL_GOLDEN=drift`` (make test-latest), print the golden drift report."""
    if golden_drift.DRIFT_MODE:
        terminalreporter.section("golden drift")
        for line in golden_drift.report():
            terminalreporter.write_line(line)
