"""The README's Django quick start, run as written: a project built from its code blocks,
tested by Django's own test runner (system checks, test database, locmem outbox)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from readme import readme_files

BASE_SETTINGS = """
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "quickstart-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = ["orders"]
ROOT_URLCONF = "quickstart.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LANGUAGE_CODE = "en-us"
"""

PROJECT_URLS = """
from django.urls import include, path
urlpatterns = [path("", include("orders.urls"))]
"""


def test_readme_django_quick_start_runs_under_djangos_test_runner(tmp_path: Path) -> None:
    """settings, model, view, urls and tests from the README pass `django test`, system check included."""
    files = readme_files("In a Django project")
    assert set(files) == {"settings.py", "orders/models.py", "orders/views.py", "orders/urls.py", "orders/tests.py"}
    (tmp_path / "quickstart").mkdir()
    (tmp_path / "orders").mkdir()
    for package in ("quickstart", "orders"):
        (tmp_path / package / "__init__.py").write_text("", "utf-8")
    (tmp_path / "quickstart" / "settings.py").write_text(BASE_SETTINGS + files.pop("settings.py"), "utf-8")
    (tmp_path / "quickstart" / "urls.py").write_text(PROJECT_URLS, "utf-8")
    for name, code in files.items():
        (tmp_path / name).write_text(code, "utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])))
    result = subprocess.run(
        [sys.executable, "-W", "error", "-m", "django", "test", "orders", "--settings=quickstart.settings",
         "--verbosity=1", "--noinput"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert re.search(r"Ran 1 test in .*\n\nOK", output), output
