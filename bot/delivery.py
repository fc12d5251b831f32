"""Sends what the outbox holds: renders markup to Block Kit, posts, records where it landed."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot.blocks import Button, to_slack
from bot.canvases import CANVAS_KIND, CanvasFailed, CanvasWriter
from bot.leases import Heartbeat
from bot.slack_client import TIMEOUT_SECONDS, retry_handlers
from bot.uploads import File, figure_from, file_of, upload
from domain.digests import FILE_KIND
from store import outbox
from store.db import Database, is_unavailable
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
    "message_not_found",
    "cant_update_message",
    "edit_window_closed",
}


# Every post carries its outbox id as message metadata, so a message whose sending outcome is unknown
# (the process died after Slack accepted it, a timeout, a server error) can be found instead of re-sent.
# Reading it back needs the channels:history and groups:history scopes, and for DMs im:history and
# mpim:history: with PULSE_HISTORY_CHECK=off DMs are not read back, and such a DM is sent again.
METADATA_EVENT = "pulse_outbox"
HISTORY_MARGIN = dt.timedelta(minutes=10)  # clock skew between this host and Slack
HISTORY_PAGES = 10
HISTORY_PAGE_SIZE = 200
PARENT_WAIT = dt.timedelta(seconds=5)  # a thread reply tries again this soon after its summary


DELIVERY_BATCH = 10  # messages claimed at a time: a crash strands at most these until their lease ends (LEASE)


class ParentNotSent(Exception):
    """A thread reply whose parent message has not gone out yet."""

    def __init__(self, retry_at: dt.datetime | None = None) -> None:
        super().__init__("the thread's first message is not sent yet")
        self.retry_at = retry_at


class ParentFailed(Exception):
    """A thread reply whose parent message could not be delivered (the reply never will be)."""


@dataclass(frozen=True)
class Delivery:
    """What happened to one outbox message in this attempt."""

    message_id: int
    channel_id: str | None
    user_id: str | None
    status: OutboxStatus
    error: str | None = None
    kind: str = ""


class Deliverer:
    """Delivers pending outbox messages through the Web API, exactly once each."""

    def __init__(
        self,
        database: Database,
        client: WebClient,
        *,
        pace_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        history_check: bool = True,
        heartbeat_seconds: float = outbox.HEARTBEAT.total_seconds(),
        canvases: CanvasWriter | None = None,
    ) -> None:
        self.database = database
        self.client = client
        self.canvases = canvases or CanvasWriter(database, client, enabled=True, admins=(), tz=dt.UTC)
        self.pace_seconds = pace_seconds
        self.sleep = sleep
        self.history_check = history_check
        self.heartbeat_seconds = heartbeat_seconds
        self._last_post: dict[str, float] = {}

    def deliver_all(self, *, now: dt.datetime | None = None, batch: int = DELIVERY_BATCH) -> list[Delivery]:
        """Deliver everything due in small batches (a crash strands at most one batch until its lease ends)."""
        results: list[Delivery] = []
        while True:
            done = self.deliver(now=now, limit=batch)
            results += done
            if len(done) < batch:
                return results

    def deliver_now(self, ids: list[int]) -> list[Delivery]:
        """Send what a change just queued (`ids`), for its reply to say where it went; when the database goes
        away meanwhile, the change is saved all the same and its messages wait for the clock's next tick."""
        if not ids:
            return []
        try:
            return self.deliver(ids)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("could not send %d queued messages now (the database is away): the clock will", len(ids))
            return []

    def deliver(
        self, ids: list[int] | None = None, *, now: dt.datetime | None = None, limit: int = 100
    ) -> list[Delivery]:
        """Claim due messages (all, or just `ids`) and send them; returns one result per message.

        Messages sent at once for a reply (`ids`) leave pictures to the clock's next tick: drawing one takes
        longer than a slash command may wait for its answer."""
        now = now or utcnow()
        later = (FILE_KIND,) if ids is not None else ()
        with self.database.session(write=True) as session:
            claimed = outbox.claim(session, now=now, ids=ids, limit=limit, except_kinds=later)
        held = [message.id for message in claimed if message.id is not None]
        with Heartbeat(self.database, held, claimed_at=now, every=self.heartbeat_seconds):
            return [self._send(message, now) for message in claimed]

    def _send(self, message: OutboxMessage, now: dt.datetime) -> Delivery:
        assert message.id is not None
        if message.kind == FILE_KIND:
            return self._upload(message, now)
        if message.kind == outbox.EDIT:
            return self._edit(message, now)
        if message.kind == CANVAS_KIND:
            return self._canvas(message, now)
        if outbox.response_url_usable(message, now):
            replied = self._reply(message, now)
            if replied is not None:
                return replied
        posting = False  # once chat.postMessage is under way, a failure leaves the outcome unknown
        try:
            channel = message.channel_id or self._dm_channel(message.user_id or "")
            rendered = to_slack(message.markup, [Button(**b) for b in message.buttons])
            thread_ts = self._thread_ts(message)
            if outbox.outcome_unknown(message) and self._can_look_back(message, channel):
                landed = self._already_posted(message, channel, thread_ts)
                if landed is not None:
                    log.info("outbox message %s was already in Slack (ts %s): not sending it again", message.id, landed)
                    with self.database.session(write=True) as session:
                        outbox.mark_sent(session, message.id, channel=channel, ts=landed, now=now)
                    return Delivery(
                        message.id, message.channel_id, message.user_id, OutboxStatus.SENT, kind=message.kind
                    )
            self._pace(channel)
            with self.database.session(write=True) as session:
                outbox.mark_posting(session, message.id)
            posting = True
            response = self.client.chat_postMessage(
                channel=channel,
                text=rendered.text,
                blocks=rendered.blocks,
                thread_ts=thread_ts,
                unfurl_links=False,
                metadata={
                    "event_type": METADATA_EVENT,
                    "event_payload": {"outbox_id": message.id, "dedupe_key": message.dedupe_key},
                },
            )
        except ParentNotSent as waiting:
            return self._wait_for_parent(message, now, waiting.retry_at)
        except ParentFailed:
            return self._failed(message, "parent_failed", now, None)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            server_side = exc.response.status_code >= 500
            unknown = (posting and server_side) or (not posting and outbox.outcome_unknown(message))
            return self._failed(message, error, now, _retry_after(exc), unknown=unknown)
        except Exception as exc:  # connection trouble that survived the client's own retries
            unknown = posting or outbox.outcome_unknown(message)
            return self._failed(message, type(exc).__name__, now, None, unknown=unknown)
        with self.database.session(write=True) as session:
            outbox.mark_sent(session, message.id, channel=str(response["channel"]), ts=str(response["ts"]), now=now)
        return Delivery(message.id, message.channel_id, message.user_id, OutboxStatus.SENT, kind=message.kind)

    def _reply(self, message: OutboxMessage, now: dt.datetime) -> Delivery | None:
        """Post a reply to its response_url; None when Slack will never take it there (it goes by DM)."""
        assert message.id is not None
        assert message.response_url is not None
        try:
            answer = post_reply(message.response_url, message.markup, replaces_ack=message.kind == outbox.COMMAND_REPLY)
        except Exception as exc:  # Slack unreachable, or the connection dropped
            return self._failed(message, type(exc).__name__, now, None)
        if answer.status_code == 200:
            with self.database.session(write=True) as session:
                outbox.mark_sent(session, message.id, channel=None, ts=None, now=now)
            return Delivery(message.id, message.channel_id, message.user_id, OutboxStatus.SENT, kind=message.kind)
        if answer.status_code == 429 or answer.status_code >= 500:
            error = f"response_url answered {answer.status_code}"
            return self._failed(message, error, now, _header_seconds(answer.headers))
        log.info("outbox reply %s: the response_url refused it (%s); it goes by DM", message.id, answer.status_code)
        return None

    def _can_look_back(self, message: OutboxMessage, channel: str) -> bool:
        """Whether Pulse may read the conversation back (DMs only with PULSE_HISTORY_CHECK=on)."""
        return self.history_check or not (message.user_id is not None or channel.startswith("D"))

    def _upload(self, message: OutboxMessage, now: dt.datetime) -> Delivery:
        """Draw a thread's picture and upload it under its parent post, once: only after the parent has its ts,
        and, when an earlier attempt may have shared it already, only if the thread does not hold it yet."""
        assert message.id is not None
        assert message.channel_id is not None
        channel = message.channel_id
        try:
            thread_ts = self._thread_ts(message)
            file = file_of(figure_from(message.markup))
            if outbox.outcome_unknown(message) and self._already_uploaded(channel, thread_ts or "", file):
                log.info("outbox file %s was already in its thread: not uploading it again", message.id)
                error = None
            else:
                self._pace(channel)
                with self.database.session(write=True) as session:
                    outbox.mark_posting(session, message.id)
                error = upload(self.client, file, channel, thread_ts=thread_ts)
        except ParentNotSent as waiting:
            return self._wait_for_parent(message, now, waiting.retry_at)
        except ParentFailed:
            return self._failed(message, "parent_failed", now, None)
        except SlackApiError as exc:  # reading the thread failed: try again later, the outcome still unknown
            return self._failed(
                message, str(exc.response.get("error", "unknown_error")), now, _retry_after(exc), unknown=True
            )
        if error is not None:  # an upload that failed part way may still have been shared: check before retrying
            return self._failed(message, error, now, None, unknown=True)
        with self.database.session(write=True) as session:
            outbox.mark_sent(session, message.id, channel=channel, ts=thread_ts or "", now=now)
        return Delivery(message.id, message.channel_id, message.user_id, OutboxStatus.SENT, kind=message.kind)

    def _edit(self, message: OutboxMessage, now: dt.datetime) -> Delivery:
        """Update the message an edit points at, in place, once it has landed; an edit overtaken by a newer one
        of the same message is done without calling Slack. `chat.update` sets the whole message, so sending it
        again after an unknown outcome shows it once."""
        assert message.id is not None
        try:
            target = self._parent(message)
            with self.database.session() as session:
                overtaken = outbox.newer_edit(session, message)
            if not overtaken:
                rendered = to_slack(message.markup, [Button(**b) for b in message.buttons])
                self.client.chat_update(
                    channel=str(target.sent_channel), ts=str(target.sent_ts), text=rendered.text, blocks=rendered.blocks
                )
        except ParentNotSent as waiting:
            return self._wait_for_parent(message, now, waiting.retry_at)
        except ParentFailed:
            return self._failed(message, "parent_failed", now, None)
        except SlackApiError as exc:
            return self._failed(message, str(exc.response.get("error", "unknown_error")), now, _retry_after(exc))
        except Exception as exc:  # connection trouble that survived the client's own retries
            return self._failed(message, type(exc).__name__, now, None)
        with self.database.session(write=True) as session:
            outbox.mark_sent(session, message.id, channel=target.sent_channel, ts=target.sent_ts, now=now)
        return Delivery(message.id, message.channel_id, message.user_id, OutboxStatus.SENT, kind=message.kind)

    def _canvas(self, message: OutboxMessage, now: dt.datetime) -> Delivery:
        """Sync a channel's program canvas (bot/canvases.py); failures retry or fail like posts."""
        assert message.id is not None
        try:
            synced = self.canvases.sync(message, now)
        except CanvasFailed as exc:
            retry_after = _retry_after(exc.cause) if exc.cause is not None else None
            return self._failed(message, exc.error, now, retry_after, unknown=exc.unknown)
        except Exception as exc:  # connection trouble that survived the client's own retries
            return self._failed(message, type(exc).__name__, now, None, unknown=True)
        if synced.error is not None:
            return self._failed(message, synced.error, now, None, permanent=True)
        with self.database.session(write=True) as session:
            outbox.mark_sent(session, message.id, channel=message.channel_id, ts=None, now=now)
        return Delivery(message.id, message.channel_id, None, OutboxStatus.SENT, kind=message.kind)

    def _already_uploaded(self, channel: str, thread_ts: str, file: File) -> bool:
        """Whether the thread already shows `file` (a thread gets one picture of each name). Transient failures of
        the look-up raise (retried later); when the thread cannot be read at all the file is uploaded again."""
        try:
            pages = self.client.conversations_replies(channel=channel, ts=thread_ts, limit=HISTORY_PAGE_SIZE)
            for number, page in enumerate(pages):
                for posted in page.get("messages") or []:
                    if any(shared.get("name") == file.filename for shared in posted.get("files") or []):
                        return True
                if number + 1 >= HISTORY_PAGES:
                    break
        except SlackApiError as exc:
            if exc.response.status_code == 429 or exc.response.status_code >= 500:
                raise
            log.warning("cannot tell whether %s is already in its thread (%s); uploading it", file.filename, exc)
        return False

    def _already_posted(self, message: OutboxMessage, channel: str, thread_ts: str | None) -> str | None:
        """The ts of `message` if an earlier attempt did post it (found by its metadata), else None.

        Transient failures of the look-up raise (the message is retried later, still unknown); when the
        history cannot be read at all (e.g. a missing *:history scope) the message is sent again.
        """
        oldest = f"{(message.created_at - HISTORY_MARGIN).timestamp():.6f}"
        try:
            if thread_ts is not None:
                pages = self.client.conversations_replies(
                    channel=channel, ts=thread_ts, oldest=oldest, limit=HISTORY_PAGE_SIZE, include_all_metadata=True
                )
            else:
                pages = self.client.conversations_history(
                    channel=channel, oldest=oldest, limit=HISTORY_PAGE_SIZE, include_all_metadata=True
                )
            for number, page in enumerate(pages):
                for posted in page.get("messages") or []:
                    meta = posted.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if (
                        meta.get("event_type") == METADATA_EVENT
                        and str(payload.get("outbox_id")) == str(message.id)
                        and payload.get("dedupe_key") == message.dedupe_key
                    ):
                        return str(posted["ts"])
                if number + 1 >= HISTORY_PAGES:
                    break
        except SlackApiError as exc:
            if exc.response.status_code == 429 or exc.response.status_code >= 500:
                raise
            log.warning(
                "cannot tell whether outbox message %s already reached Slack (%s); sending it again",
                message.id,
                exc.response.get("error"),
            )
        return None

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
        return None if message.thread_parent_id is None else self._parent(message).sent_ts

    def _parent(self, message: OutboxMessage) -> OutboxMessage:
        """The message a thread reply answers (or an edit updates), once it has landed."""
        with self.database.session() as session:
            parent = outbox.parent_of(session, message)
        if parent is not None and parent.status == OutboxStatus.FAILED:
            raise ParentFailed
        if parent is None or parent.sent_ts is None:
            pending = parent is not None and parent.status == OutboxStatus.PENDING
            raise ParentNotSent(parent.next_attempt_at if parent is not None and pending else None)
        return parent

    def _wait_for_parent(self, message: OutboxMessage, now: dt.datetime, parent_at: dt.datetime | None) -> Delivery:
        """A reply waits for its thread's first message: retried after it, without using up its attempts
        (a reply must not give up while its summary is still being retried)."""
        assert message.id is not None
        until = max(now + PARENT_WAIT, parent_at or now)
        with self.database.session(write=True) as session:
            outbox.mark_waiting(session, message.id, until=until)
        return Delivery(
            message.id, message.channel_id, message.user_id, OutboxStatus.PENDING, "parent_not_sent", message.kind
        )

    def _failed(
        self,
        message: OutboxMessage,
        error: str,
        now: dt.datetime,
        retry_after: float | None,
        *,
        unknown: bool = False,
        permanent: bool = False,
    ) -> Delivery:
        assert message.id is not None
        with self.database.session(write=True) as session:
            if permanent or error in PERMANENT_ERRORS or error == "parent_failed":
                outbox.mark_failed(session, message.id, error=error)
                status = OutboxStatus.FAILED
            else:
                recorded = f"{outbox.OUTCOME_UNKNOWN}: {error}" if unknown else error
                status = outbox.mark_retry(
                    session, message.id, error=recorded, attempts=message.attempts, now=now, retry_after=retry_after
                )
        log.warning("delivery of outbox message %s: %s (%s)", message.id, error, status.value)
        return Delivery(message.id, message.channel_id, message.user_id, status, error, message.kind)


def post_reply(response_url: str, markup: str, *, replaces_ack: bool) -> WebhookResponse:
    """POST reply `markup` as an ephemeral to `response_url` (raises when Slack cannot be reached).

    A command's reply replaces its "working on it" ack (`replaces_ack`), so posting it twice shows it
    once and server errors may be retried; a click's reply is a new message, retried only when Slack
    surely did not get it (a refused connection, 429).
    """
    body = {"response_type": "ephemeral", "replace_original": replaces_ack, **to_slack(markup).payload()}
    webhook = WebhookClient(
        response_url, timeout=TIMEOUT_SECONDS, retry_handlers=retry_handlers(idempotent=lambda _url: replaces_ack)
    )
    return webhook.send_dict(body)


def respond_quietly(response_url: str, markup: str) -> None:
    """Tell the person `markup` through their response_url once, without the outbox (for a reply about the
    database being away, or a request never applied); a failure is only logged."""
    try:
        post_reply(response_url, markup, replaces_ack=False)
    except Exception as exc:
        log.warning("could not tell the person through their response_url (%s)", type(exc).__name__)


def _retry_after(exc: SlackApiError) -> float | None:
    return _header_seconds(getattr(exc.response, "headers", {}) or {})


def _header_seconds(headers: Any) -> float | None:
    """The Retry-After header's seconds, if any."""
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return float(value[0] if isinstance(value, list) else value) if value else None
    except ValueError:
        return None
