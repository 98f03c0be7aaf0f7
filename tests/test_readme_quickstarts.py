"""The README's Celery quick start and testing example, run as written."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from engine import RedisServer, Worker
from readme import readme_files

from i18nmail.delivery import message_id_for
from i18nmail.delivery.redis_journal import RedisJournal
from i18nmail.testing import SMTPSink, assert_text_contains

#: Starts the README's app with a readiness signal for the test (the README has none).
WORKER_MODULE = """
import logging, os
from pathlib import Path
from celery.signals import worker_ready
from mailtasks import app

logging.getLogger("i18nmail.celery").setLevel(logging.INFO)


@worker_ready.connect
def _ready(**_):
    Path(os.environ["TEST_READY_FILE"]).write_text("ready", "utf-8")
"""


def test_readme_celery_quick_start_sends_once(redis_server: RedisServer, tmp_path: Path) -> None:
    """mailtasks.py in a real worker; notify.py run twice: one Swedish email, recorded sent in Redis."""
    files = readme_files("Celery workers")
    assert set(files) == {"mailtasks.py", "notify.py"}
    for name, code in files.items():
        (tmp_path / name).write_text(code, "utf-8")
    (tmp_path / "quickstart_worker.py").write_text(WORKER_MODULE, "utf-8")
    redis_server.flush()
    with SMTPSink() as sink:
        env = {"CELERY_BROKER_URL": redis_server.url(0), "SMTP_URL": sink.url,
               "I18NMAIL_JOURNAL": redis_server.url(1)}
        worker = Worker(tmp_path, env, concurrency=2, app="quickstart_worker", pythonpath=tmp_path).start()
        try:
            run_env = dict(os.environ, **env, PYTHONPATH=str(tmp_path))
            for _ in range(2):
                subprocess.run([sys.executable, "-W", "error", "notify.py"], cwd=tmp_path, env=run_env,
                               check=True, timeout=120)
            [received] = sink.wait_for(1, timeout=120)
            time.sleep(1.5)  # the second task has run (and skipped)
            assert len(sink.received) == 1
        finally:
            worker.stop()
    message = received.message
    assert message["Content-Language"] == "sv-SE"
    assert message["To"] == "Anna Lindqvist <anna@example.se>"
    assert message["Message-ID"] == message_id_for("order-10432-cancelled", "shop.example")
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert_text_contains(body.get_content(), "599,00 kr")
    with RedisJournal(redis_server.url(1)) as journal:
        entry = journal.get("order-10432-cancelled")
    assert entry is not None and entry.state == "sent" and entry.attempts == 1
    assert worker.warmed() == 2


def test_readme_testing_example_passes(tmp_path: Path) -> None:
    """The example test module of 'Testing your emails' passes under pytest, warnings as errors."""
    [(name, code)] = readme_files("Testing your emails").items()
    assert name == "tests/test_emails.py"
    (tmp_path / "test_emails.py").write_text(code, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-W", "error", "test_emails.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
