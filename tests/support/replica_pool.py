"""Real `pulse serve --http --no-scheduler` processes on one database, driven with signed requests like
PulseHarness drives the in-process app (same `command` and `click`), for concurrency tests across replicas."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.settings import Settings
from bot.slack_stub import SlackStub
from store.db import Database
from tests.support.cli import PULSE, clean_env
from tests.support.harness import SECRET, TOKEN, PulseHarness
from tests.support.replicas import READY_SECONDS, free_port


class Replica(PulseHarness):
    """One `pulse serve --http --no-scheduler` process (gunicorn, one worker, threads) on `database`."""

    def __init__(
        self, database: Database, stub: SlackStub, cwd: Path, env: dict[str, str], *, threads: int = 4
    ) -> None:
        """Start the process on a free loopback port (`wait_ready` waits until it answers)."""
        self.database = database
        self.stub = stub
        port = free_port()
        self.settings = Settings(
            SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=stub.api_url, DATABASE_URL=database.url
        )
        self.url = f"http://127.0.0.1:{port}"
        self.sent: list[tuple[str, dict[str, str]]] = []
        self.log = cwd / f"replica-{port}.log"
        environment = clean_env(
            DATABASE_URL=database.url,
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=stub.api_url,
            PORT=str(port),
            **env,
        )
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own CLI
                [*PULSE, "serve", "--http", "--no-scheduler", "--workers", "1", "--threads", str(threads)],
                cwd=cwd,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        """Wait until the process answers /healthz."""
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pulse serve exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if json.load(answer)["ok"] is True:
                        return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)  # waiting for a process to come up, not for time to pass
        raise RuntimeError(f"pulse serve did not answer /healthz in {READY_SECONDS} s: {self.log.read_text()}")

    def stop(self) -> None:
        """Ask the process to stop (gunicorn finishes the requests in flight); `close` waits for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is left to finish

    def close(self) -> None:
        """Stop the process and wait until it has exited."""
        self.stop()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def traces(self) -> list[str]:
        """The stack traces the process logged (each from its "Traceback" line to the exception's line)."""
        text = self.log.read_text()
        return [part.split("\n\n")[0][-3000:] for part in text.split("Traceback")[1:]]
