"""Real Pulse processes for the resilience suite: `pulse serve --http --no-scheduler` replicas and
`pulse scheduler`, each in its own process group (SIGKILL takes gunicorn's master and workers at once)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import IncompleteRead
from pathlib import Path
from typing import Any

from bot.signing import signed_headers, slash_command_body
from bot.slack_stub import SlackStub
from tests.support.cli import PULSE, clean_env
from tests.support.harness import SECRET, TEAM, TOKEN

READY_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_env(database_url: str, stub: SlackStub, **extra: str) -> dict[str, str]:
    """What every Pulse process of the deployment needs: the database, Slack's URL, token and secret."""
    return clean_env(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=stub.api_url,
        **extra,
    )


@dataclass
class Process:
    """One running Pulse process (its own process group); what it prints is collected as it comes."""

    popen: subprocess.Popen[str]
    url: str | None = None
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line)

    def wait_for_line(self, text: str, timeout: float = 60) -> str:
        """Block until the process printed a line containing `text` (a point it reaches, not a time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in list(self.lines) if text in line]
            if found:
                return found[0]
            if self.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"never printed {text!r}: {''.join(self.lines)[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group (no clean-up runs)."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> str:
        """SIGTERM, wait, and return what it printed."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        return "".join(self.lines)


def start(args: list[str], env: dict[str, str], cwd: Path) -> Process:
    popen = subprocess.Popen(  # noqa: S603 - our own CLI
        [*PULSE, *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return Process(popen)


def start_scheduler(env: dict[str, str], cwd: Path) -> Process:
    """`pulse scheduler`: the clock alone (it ticks at start, then every minute)."""
    return start(["scheduler"], env, cwd)


def start_replica(env: dict[str, str], cwd: Path) -> Process:
    """`pulse serve --http --no-scheduler` on a free loopback port, answering /healthz."""
    port = free_port()
    replica = start(
        ["serve", "--http", "--no-scheduler", "--workers", "1", "--threads", "8"], {**env, "PORT": str(port)}, cwd
    )
    replica.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if replica.popen.poll() is not None:
            raise AssertionError(f"the replica exited: {replica.stop()}")
        try:
            with urllib.request.urlopen(replica.url + "/healthz", timeout=2):
                return replica
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)  # waiting for the process to come up
    replica.kill()
    raise AssertionError("the replica never answered /healthz")


def send_command(url: str, stub: SlackStub, command: str, text: str, *, user: str, name: str) -> dict[str, Any] | None:
    """A signed slash command to a replica; the ack's body, or None when the replica died on it."""
    body = slash_command_body(
        command=command,
        text=text,
        user_id=user,
        team_id=TEAM,
        channel_id="C0GENERAL",
        response_url=stub.response_url(name),
    )
    request = urllib.request.Request(url + "/slack/events", data=body.encode(), headers=signed_headers(SECRET, body))
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            raw = answer.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, IncompleteRead):  # killed mid-answer too
        return None
    return json.loads(raw) if raw.strip() else {}
