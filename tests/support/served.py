"""A real `pulse serve --http` process (by default one worker, no scheduler) on a free loopback port, driven
like PulseHarness."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.slack_stub import SlackStub
from store.db import Database
from tests.support.cli import PULSE, clean_env
from tests.support.harness import SECRET, TOKEN, PulseHarness

START_TIMEOUT_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServedPulse(PulseHarness):
    """`pulse serve` as a separate process; the signed-request helpers are PulseHarness's."""

    def __init__(
        self,
        database: Database,
        stub: SlackStub,
        log_dir: Path,
        *,
        api_url: str | None = None,
        workers: int = 1,
        scheduler: bool = False,
    ) -> None:
        self.database = database
        self.stub = stub
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.sent = []
        env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url or stub.api_url,
            "DATABASE_URL": database.url,
            "PORT": str(self.port),
        }
        self.settings = Settings(**env)  # type: ignore[arg-type]
        self.log_path = log_dir / f"serve-{self.port}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own CLI
            [*PULSE, "serve", "--http", *([] if scheduler else ["--no-scheduler"]), "--workers", str(workers)],
            env=clean_env(**env),
            cwd=log_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        ends = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < ends:
            if self.process.poll() is not None:
                raise AssertionError(f"pulse serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                self.health()
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise AssertionError(f"pulse serve did not answer /healthz in {START_TIMEOUT_SECONDS} s:\n{self.log()}")

    def health(self) -> tuple[int, dict[str, Any]]:
        """GET /healthz: (status, report)."""
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
