"""The Celery app the engine tests run in real worker processes, configured from the environment.

``TEST_BROKER_URL``, ``TEST_SMTP_URL`` and ``TEST_JOURNAL_URL`` name the
redis-server and SMTP sink the test started; ``TEST_VISIBILITY_TIMEOUT`` is
short so a killed worker's tasks come back within seconds. (The defaults only
let pytest's doctest collection import the module.)
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import worker_ready

import i18nmail.celery

app = Celery("i18nmail-tests", broker=os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
    worker_prefetch_multiplier=4,
    broker_transport_options={
        "visibility_timeout": float(os.environ.get("TEST_VISIBILITY_TIMEOUT", "600")),
        "unacked_restore_interval": 1,
        "unacked_mutex_expire": 5,  # a worker killed during a restore sweep blocks the next for 5 s
    },
)
send_email = i18nmail.celery.register(
    app,
    smtp=os.environ.get("TEST_SMTP_URL", "smtp://127.0.0.1:25"),
    journal=os.environ.get("TEST_JOURNAL_URL", "redis://127.0.0.1:6379/1"),
    retry_backoff=0.2,
    retry_backoff_max=1.0,
)
logging.getLogger("i18nmail.celery").setLevel(logging.INFO)


@worker_ready.connect
def _announce(**_: Any) -> None:
    Path(os.environ["TEST_READY_FILE"]).write_text(str(os.getpid()), "utf-8")
