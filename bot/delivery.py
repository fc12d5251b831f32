"""Sends what the outbox holds: renders markup to Block Kit, posts, records where it landed."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.renderer import Button, to_slack
from store import outbox
from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from store.types import utcnow

log = logging.getLogger(__name__)

# Errors that retrying cannot fix: the message is marked failed at once and shown to admins.
PERMANENT_ERRORS = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "user_not_found",
    "cannot_dm_bot",
    "restricted_action",
    "missing_scope",
    "msg_blocks_too_long",
    "invalid_arguments",
}


class ParentNotSent(Exception):
    """A thread reply whose parent message has not gone out yet."""


@dataclass(frozen=True)
class Delivery:
    """What happened to one outbox message in this attempt."""

    message_id: int
    channel_id: str | None
    user_id: str | None
    status: OutboxStatus
    error: str | None = None


class Deliverer:
    """Delivers pending outbox messages through the Web API, exactly once each."""

    def __init__(
        self,
        database: Database,
        client: WebClient,
        *,
        pace_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.database = database
        self.client = client
        self.pace_seconds = pace_seconds
        self.sleep = sleep
        self._last_post: dict[str, float] = {}

    def deliver_all(self, *, now: dt.datetime | None = None, batch: int = 100) -> list[Delivery]:
        """Deliver everything due, batch by batch, until nothing due is left."""
        results: list[Delivery] = []
        while True:
            done = self.deliver(now=now, limit=batch)
            results += done
            if len(done) < batch:
                return results

    def deliver(
        self, ids: list[int] | None = None, *, now: dt.datetime | None = None, limit: int = 100
    ) -> list[Delivery]:
        """Claim due messages (all, or just `ids`) and send them; returns one result per message."""
        now = now or utcnow()
        with self.database.session(write=True) as session:
            claimed = outbox.claim(session, now=now, ids=ids, limit=limit)
        return [self._send(message, now) for message in claimed]

    def _send(self, message: OutboxMessage, now: dt.datetime) -> Delivery:
        assert message.id is not None
        try:
            channel = message.channel_id or self._dm_channel(message.user_id or "")
            rendered = to_slack(message.markup, [Button(**b) for b in message.buttons])
            thread_ts = self._thread_ts(message)
            self._pace(channel)
            response = self.client.chat_postMessage(
                channel=channel, text=rendered.text, blocks=rendered.blocks, thread_ts=thread_ts, unfurl_links=False
            )
        except ParentNotSent:
            return self._failed(message, "parent_not_sent", now, 5.0)
        except SlackApiError as exc:
            return self._failed(message, str(exc.response.get("error", "unknown_error")), now, _retry_after(exc))
        except Exception as exc:  # connection trouble that survived the client's own retries
            return self._failed(message, type(exc).__name__, now, None)
        with self.database.session(write=True) as session:
            outbox.mark_sent(session, message.id, channel=str(response["channel"]), ts=str(response["ts"]), now=now)
        return Delivery(message.id, message.channel_id, message.user_id, OutboxStatus.SENT)

    def _pace(self, channel: str) -> None:
        """About one message per second per channel, as Slack asks."""
        last = self._last_post.get(channel)
        if last is not None:
            wait = self.pace_seconds - (time.monotonic() - last)
            if wait > 0:
                self.sleep(wait)
        self._last_post[channel] = time.monotonic()

    def _dm_channel(self, user_id: str) -> str:
        return str(self.client.conversations_open(users=user_id)["channel"]["id"])

    def _thread_ts(self, message: OutboxMessage) -> str | None:
        if message.thread_parent_id is None:
            return None
        with self.database.session() as session:
            parent = session.get(OutboxMessage, message.thread_parent_id)
        if parent is None or parent.sent_ts is None:
            raise ParentNotSent
        return parent.sent_ts

    def _failed(self, message: OutboxMessage, error: str, now: dt.datetime, retry_after: float | None) -> Delivery:
        assert message.id is not None
        with self.database.session(write=True) as session:
            if error in PERMANENT_ERRORS:
                outbox.mark_failed(session, message.id, error=error)
                status = OutboxStatus.FAILED
            else:
                status = outbox.mark_retry(
                    session, message.id, error=error, attempts=message.attempts, now=now, retry_after=retry_after
                )
        log.warning("delivery of outbox message %s: %s (%s)", message.id, error, status.value)
        return Delivery(message.id, message.channel_id, message.user_id, status, error)


def _retry_after(exc: SlackApiError) -> float | None:
    headers = getattr(exc.response, "headers", {}) or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return float(value[0] if isinstance(value, list) else value) if value else None
    except ValueError:
        return None
