"""i18nmail.celery.register() and its defaults, without a broker (the engine tests are in test_celery.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery

import i18nmail.celery
from i18nmail.celery import TASK_NAME, SendFailed, _address
from i18nmail.delivery import SendResult


def app(**conf: object) -> Celery:
    made = Celery("shop", broker="memory://", set_as_current=False)
    made.conf.update(conf)
    return made


def test_register_names_the_task_and_makes_it_safe_to_lose_a_worker() -> None:
    """The task is i18nmail.send_email, acks late and goes back to the queue when its worker dies."""
    shop = app()
    task = i18nmail.celery.register(shop, smtp="smtp://127.0.0.1:2525", journal=":memory:", warm=False)
    assert task.name == TASK_NAME and TASK_NAME in shop.tasks
    assert task.acks_late and task.reject_on_worker_lost and task.max_retries == 8


def test_register_sets_a_short_visibility_timeout_unless_the_app_has_one() -> None:
    """Ten minutes instead of Redis's hour, a one-minute restore lock; an app's own settings are kept."""
    default = app()
    i18nmail.celery.register(default, smtp="smtp://127.0.0.1:2525", journal=":memory:")
    assert default.conf.broker_transport_options == {"visibility_timeout": 600, "unacked_mutex_expire": 60}
    own = app(broker_transport_options={"visibility_timeout": 1800, "unacked_mutex_expire": 30, "max_retries": 3})
    i18nmail.celery.register(own, smtp="smtp://127.0.0.1:2525", journal=":memory:")
    assert own.conf.broker_transport_options == {"visibility_timeout": 1800, "unacked_mutex_expire": 30,
                                                 "max_retries": 3}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"smtp": "http://mail.example"}, "smtp://"),
        ({"smtp": "smtp://mail.example?startls=1"}, "unknown parameter 'startls'"),
        ({"retry_backoff": 0}, "retry_backoff"),
        ({"max_retries": -1}, "max_retries"),
    ],
)
def test_bad_settings_fail_at_register(kwargs: dict[str, object], message: str) -> None:
    """A wrong SMTP URL or retry setting fails in the shop's code at start-up, not in every task."""
    options: dict[str, object] = {"smtp": "smtp://127.0.0.1:2525", "journal": ":memory:", **kwargs}
    with pytest.raises(ValueError, match=message):
        i18nmail.celery.register(app(), **options)  # type: ignore[arg-type]


def test_recipients_arrive_in_their_json_forms() -> None:
    """'Name <addr>', [name, addr] (a tuple after JSON) and {'name', 'email'} all name one recipient."""
    assert _address("Anna <anna@example.se>") == "Anna <anna@example.se>"
    assert _address(["Anna", "anna@example.se"]) == ("Anna", "anna@example.se")
    assert _address({"name": "Anna", "email": "anna@example.se"}) == ("Anna", "anna@example.se")
    with pytest.raises(TypeError, match="Name <addr>"):
        _address(42)


def test_send_failed_carries_the_result_and_pickles() -> None:
    """SendFailed names the key and the reason, and survives a result backend's pickling."""
    import pickle

    error = SendFailed(SendResult(key="order-1", status="failed", error="refused: 550 5.1.1 no such user"))
    assert str(error) == "order-1: failed: refused: 550 5.1.1 no such user"
    assert pickle.loads(pickle.dumps(error)).result.key == "order-1"


def test_default_mailer_reads_the_shop_from_pyproject(tmp_path: Path) -> None:
    """Without Django and without mailer=, a worker's shop comes from [tool.i18nmail.shop]."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.i18nmail.shop]\nname = "Fjällbutiken"\nsupport_email = "hej@fjall.example"\n', "utf-8")
    code = "import i18nmail.celery as c; m = c.default_mailer(); print(m.shop.name, m.shop.support_email)"
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, check=True, timeout=120)
    assert result.stdout.strip() == "Fjällbutiken hej@fjall.example"


def test_warm_up_compiles_every_scenario_in_the_default_locale() -> None:
    """A worker's warm-up leaves every scenario compiled for the shop's default locale,
    so no customer's email there waits for the compiler."""
    from i18nmail import Mailer
    from i18nmail.celery import _warm

    mailer = Mailer()
    _warm(mailer)
    compiled = {key[0] for key, entry in mailer._compiled_cache.items()
                if key[1] == mailer.negotiate(mailer.shop.default_locale).tag and entry.compiled is not None}
    assert compiled == {scenario.id for scenario in mailer.scenarios()}
