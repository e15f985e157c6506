"""Apps served by gunicorn on loopback, several at once, with a chosen number of workers.

The ``Server`` record and the HTTP helpers are those of ``bench/bench_rep_journey.py``, whose
``gunicorn`` serves one app with its own fixed number of workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.bench_rep_journey import Server, free_port, http

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 30


@dataclass(frozen=True)
class App:
    """A WSGI app for gunicorn, the path that answers 200 once it is up, and its log file."""

    spec: str
    probe_path: str
    log: Path


def _wait_until_ready(app: App, port: int, master: subprocess.Popen, deadline: float) -> None:
    while True:
        if master.poll() is not None:
            raise RuntimeError(f"gunicorn {app.spec} exited:\n{app.log.read_text()[-2000:]}")
        try:
            if http(port, "GET", app.probe_path)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn {app.spec} did not answer {app.probe_path} in time")
        time.sleep(0.2)


@contextmanager
def serve(apps: list[App], env: dict[str, str], workers: int) -> Iterator[list[Server]]:
    """Serve every app with ``workers`` sync workers on its own loopback port until the end.

    The masters start together (their workers import the app meanwhile) and stop together:
    SIGTERM, which lets workers finish their requests, then SIGKILL after ``STOP_TIMEOUT_S``.
    """
    started: list[tuple[App, int, subprocess.Popen]] = []
    try:
        for app in apps:
            port = free_port()
            command = [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
            command += ["--chdir", str(ROOT), app.spec]
            with app.log.open("w") as log_file:
                master = subprocess.Popen(command, env=env, stdout=log_file, stderr=log_file)
            started.append((app, port, master))
        deadline = time.monotonic() + START_TIMEOUT_S
        for app, port, master in started:
            _wait_until_ready(app, port, master, deadline)
        yield [Server(port, master.pid) for _app, port, master in started]
    finally:
        for _app, _port, master in started:
            master.send_signal(signal.SIGTERM)
        for _app, _port, master in started:
            try:
                master.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                master.kill()
                master.wait()


def child_pids(pid: int) -> list[int]:
    """The processes that ``pid`` started (gunicorn's workers, for its master), from /proc."""
    return sorted(map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split()))


def open_sockets(pid: int) -> int:
    """Sockets a process holds open; a sync worker holds one more while it serves a request."""
    count = 0
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(descriptor).startswith("socket:")
        except OSError:  # closed meanwhile
            continue
    return count
