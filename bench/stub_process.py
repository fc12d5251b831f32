"""The Slack stub in a process of its own, at idle CPU priority.

The stub stands in for Slack, whose servers do not share Pulse's CPUs in production: run in the
benchmark's own process at normal priority it would take CPU from the server under test (only during
Pulse's scenarios, since the bare app posts no replies), which is not what is being measured.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import quote


@dataclass(frozen=True)
class Reply:
    """One post the stub received on a response_url."""

    name: str
    payload: dict[str, Any]
    time: float


def _serve(channel: Connection, users: dict[str, dict[str, Any]]) -> None:
    from bot.slack_stub import SlackStub

    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)
    with SlackStub() as stub:
        stub.users.update(users)
        channel.send((stub.api_url, stub.base_url))
        while True:
            request = channel.recv()
            if request is None:
                return
            kind, prefix = request
            posts = [p for p in stub.responses() if p.name.startswith(prefix)]
            channel.send(len(posts) if kind == "count" else [Reply(p.name, p.payload, p.time) for p in posts])


class StubProcess:
    """`SlackStub`'s URLs and recorded response_url posts, served from a child process."""

    def __init__(self, users: dict[str, dict[str, Any]]) -> None:
        context = multiprocessing.get_context("spawn")
        self._channel, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, users), name="slack-stub", daemon=True)
        self._process.start()
        self.api_url, self.base_url = self._channel.recv()

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/response/{quote(name, safe='')}"

    def responses(self, prefix: str = "") -> list[Reply]:
        """The response_url posts whose name starts with `prefix`."""
        self._channel.send(("list", prefix))
        replies: list[Reply] = self._channel.recv()
        return replies

    def count(self, prefix: str = "") -> int:
        """How many response_url posts have a name starting with `prefix`."""
        self._channel.send(("count", prefix))
        count: int = self._channel.recv()
        return count

    def close(self) -> None:
        if self._process.is_alive():
            self._channel.send(None)
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()

    def __enter__(self) -> StubProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
