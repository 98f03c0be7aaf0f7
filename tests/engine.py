"""The real engine for the Celery tests and benchmark: redis-server and Celery worker processes.

Nothing is mocked: :class:`RedisServer` runs the Debian ``redis-server`` on a
free loopback port (no persistence, its own folder), :class:`Worker` runs
``celery worker`` with the prefork pool in its own process group, configured
through the environment for ``tests/celery_app.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

import redis

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """``redis-server`` on 127.0.0.1, started and stopped by the test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> Self:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing: make test installs the Debian package redis-server")
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "redis.log").open("wb")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--daemonize", "no", "--loglevel", "warning"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        client = redis.Redis.from_url(self.url())
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start: {(self.folder / 'redis.log').read_text()}")
                time.sleep(0.05)
        client.close()
        return self

    def flush(self) -> None:
        client = redis.Redis.from_url(self.url())
        client.flushall()
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Worker:
    """``celery -A <module> worker`` with *concurrency* prefork processes.

    ``env`` configures ``tests/celery_app.py`` (broker, SMTP and journal
    URLs); the log goes to ``folder/<name>.log``.
    """

    def __init__(self, folder: Path, env: dict[str, str], *, concurrency: int = 2, name: str = "w1",
                 app: str = "celery_app", pythonpath: Path = HERE) -> None:
        self.folder = folder
        self.env = env
        self.concurrency = concurrency
        self.name = name
        self.app = app
        self.pythonpath = pythonpath
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / f"{name}.log"
        self.ready = folder / f"{name}.ready"

    def start(self, *, timeout: float = 90.0) -> Self:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ready.unlink(missing_ok=True)
        env = dict(os.environ, **self.env, TEST_READY_FILE=str(self.ready))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.pythonpath), env.get("PYTHONPATH")]))
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", self.app, "worker", "--pool", "prefork",
                 "--concurrency", str(self.concurrency), "--hostname", f"{self.name}@%h",
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "warning"],
                cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not self.ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"celery worker did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.05)
        return self

    def warmed(self) -> int:
        """How many worker processes logged that they warmed their mailer."""
        return self.log.read_text("utf-8", "replace").count("i18nmail: worker process warm")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the worker's running processes."""
        if self.process is None:
            return 0.0
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if len(fields) > 12 and fields[2] == str(self.process.pid):
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """SIGKILL the worker's main process (its pool processes die with it), and wait."""
        if self.process is None:
            return
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while _group_alive(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _group_alive(self.process.pid):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL whatever is left."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if _group_alive(self.process.pid):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None


def _group_alive(pgid: int) -> bool:
    """Is a process of group *pgid* still running (zombies waiting to be reaped do not count)?"""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False
