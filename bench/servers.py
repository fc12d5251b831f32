"""The servers under test, started as a user starts them: `pulse serve --http` from the venv, and the bare Bolt
app under gunicorn with the same settings, each on a free loopback port with a scrubbed environment."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from bench.proc import process_tree, tree_cpu_seconds

LOOPBACK = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
PULSE = Path(sys.executable).parent / "pulse"  # the console script of this venv
# Inherited variables that would change what a server does: every server gets a clean set.
SCRUBBED_PREFIXES = ("SLACK_", "PULSE_", "GUNICORN_")
SCRUBBED = frozenset({"DATABASE_URL", "PORT", "WEB_CONCURRENCY", "PYTHONPATH"})


@dataclass(frozen=True)
class ServeSettings:
    """`pulse serve`'s defaults, given to both servers (Pulse's other options keep their defaults)."""

    workers: int = 2
    threads: int = 8


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def scrubbed_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without Slack, Pulse or gunicorn settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES) and k not in SCRUBBED}
    return {**env, **extra}


def run_pulse(args: list[str], env: dict[str, str], workdir: Path, timeout: float = 120) -> str:
    """Run a `pulse` CLI command to completion; its output, or RuntimeError with it."""
    done = subprocess.run(  # noqa: S603 - our own argv, no shell
        [str(PULSE), *args], env=env, cwd=workdir, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"pulse {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done.stdout


class Server:
    """A server process in its own session (Ctrl-C reaches only us), always stopped on exit."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, workdir: Path) -> None:
        self.name, self.argv, self.env, self.port, self.workdir = name, argv, env, port, workdir
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
                self.argv,
                env=self.env,
                cwd=self.workdir,  # no .env or gunicorn.conf.py of the repo is read
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    def wait_ready(self, processes: int, timeout: float = 90.0) -> None:
        """Wait until /healthz answers, the tree has `processes` processes and its start-up CPU has settled."""
        deadline = time.monotonic() + timeout
        url = f"http://{LOOPBACK}:{self.port}/healthz"
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} was not ready within {timeout:.0f} s:\n{self.log_tail()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and len(process_tree(self.pid)) >= processes:
                    break
            time.sleep(0.2)
        self.wait_quiet(max(30.0, deadline - time.monotonic()))

    def wait_quiet(self, timeout: float = 30.0, busy: float = 0.02, interval: float = 0.5) -> None:
        """Wait (at most `timeout` s) until the tree uses under `busy` CPU seconds per `interval`."""
        deadline = time.monotonic() + timeout
        previous = tree_cpu_seconds(self.pid)
        while time.monotonic() < deadline:
            time.sleep(interval)
            current = tree_cpu_seconds(self.pid)
            if current - previous < busy:
                return
            previous = current

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (graceful), then SIGKILL for the whole process group if it lingers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the group of the session this server started
            process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # job processes left behind by a dead master


def pulse_server(env: dict[str, str], workdir: Path, settings: ServeSettings, *, scheduler: bool) -> Server:
    """`pulse serve --http` with `env` (which holds PORT) and `settings`."""
    argv = [str(PULSE), "serve", "--http", "--workers", str(settings.workers), "--threads", str(settings.threads)]
    argv += [] if scheduler else ["--no-scheduler"]
    return Server("pulse", argv, scrubbed_env(env), int(env["PORT"]), workdir)


def bare_server(env: dict[str, str], workdir: Path, settings: ServeSettings) -> Server:
    """The bare Bolt app (bench/bare_app.py) under gunicorn's gthread workers, as `pulse serve` runs them."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(settings.workers)]
    argv += ["--threads", str(settings.threads), "--bind", f"{LOOPBACK}:{port}", "--timeout", "30"]
    argv += ["--graceful-timeout", "20", "bench.bare_app:create_wsgi()"]
    return Server("bare", argv, scrubbed_env({**env, "PYTHONPATH": str(REPO_ROOT)}), port, workdir)
