"""The long-lived objects of one Pulse process, built once: settings, database, Slack client and helpers."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_sdk import WebClient

from bot.canvases import CanvasWriter
from bot.delivery import Deliverer
from bot.directory import Directory
from bot.settings import Settings
from bot.slack_client import make_web_client
from domain.access import Actor
from store.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")
POOL_THREADS = 16  # work that outlives a request's ack (slow replies, button clicks)


class ContextPool(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's context (e.g. the request's lock-wait deadline)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


@dataclass
class Runtime:
    """Everything the listeners, the clock and the console share."""

    settings: Settings
    database: Database
    client: WebClient
    directory: Directory
    deliverer: Deliverer
    pool: ThreadPoolExecutor

    @classmethod
    def build(cls, settings: Settings, database: Database, client: WebClient | None = None) -> Runtime:
        """Build once per process (`client` defaults to one for SLACK_API_URL with the bot token)."""
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        client = client or make_web_client(token, settings.slack_api_url)
        return cls(
            settings=settings,
            database=database,
            client=client,
            directory=Directory(database, client, settings.tz),
            deliverer=Deliverer(
                database,
                client,
                history_check=settings.history_check,
                canvases=CanvasWriter(
                    database, client, enabled=settings.canvases, admins=settings.admins, tz=settings.tz
                ),
            ),
            pool=ContextPool(max_workers=POOL_THREADS, thread_name_prefix="pulse-work"),
        )

    def actor(self, team_id: str, user_id: str, channel_id: str | None) -> Actor:
        """The caller as the signed payload names them; admin only by PULSE_ADMINS."""
        return Actor(team_id=team_id, user_id=user_id, channel_id=channel_id, is_admin=user_id in self.settings.admins)

    def within(self, seconds: float, work: Callable[[], T]) -> T | None:
        """The result of `work` if it finishes within `seconds`, else None (it goes on in the background)."""
        try:
            return self.pool.submit(work).result(timeout=seconds)
        except TimeoutError:
            return None

    def close(self) -> None:
        """Finish the work in flight (at process exit)."""
        self.pool.shutdown(wait=True)
