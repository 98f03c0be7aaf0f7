"""`pip install .` (not editable) gives a package that renders translated emails."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
from datetime import datetime, timezone
from i18nmail import Mailer
import i18nmail
assert "site-packages" in i18nmail.__file__, i18nmail.__file__
m = Mailer()
s = m.scenario("refund_approved").sample("sv")
e = m.render("refund_approved", locale="sv-SE", context=s, now=datetime(2026, 12, 22, 9, tzinfo=timezone.utc))
print(json.dumps({"subject": e.subject, "fallbacks": [str(f) for f in e.fallbacks], "locales": m.locales()}))
"""


def test_wheel_ships_templates_and_catalogs_and_renders(tmp_path: Path) -> None:
    """A wheel built from the checkout contains templates and catalogs and renders Swedish when installed."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(dist), str(ROOT)], check=True, cwd=tmp_path)
    wheel = next(dist.glob("i18nmail-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "i18nmail/_data/templates/scenarios/refund_approved.j2" in names
    assert "i18nmail/_data/catalogs/messages.pot" in names
    assert "i18nmail/_data/catalogs/sv/LC_MESSAGES/messages.po" in names
    assert "i18nmail/bank_calendars/DE.toml" in names and "i18nmail/bank_calendars/TARGET.toml" in names
    assert not [n for n in names if n.endswith(".mo")]
    integrations = {"i18nmail/testing.py", "i18nmail/celery.py", "i18nmail/django/apps.py",
                    "i18nmail/django/checks.py", "i18nmail/delivery/redis_journal.py"}
    assert integrations <= set(names), sorted(integrations - set(names))

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, cwd=tmp_path)
    result = subprocess.run([str(python), "-c", SCRIPT], capture_output=True, text=True, cwd=tmp_path,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, check=True)
    data = __import__("json").loads(result.stdout)
    assert data["fallbacks"] == []
    assert data["subject"].startswith("Återbetalning")
    assert "sv" in data["locales"]
    cli = subprocess.run([str(env_dir / "bin" / "i18nmail"), "render", "refund_status", "--locale", "sv",
                          "--sample"], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert cli.stdout.startswith("Hej")
