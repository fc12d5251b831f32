"""Living program canvases: each program channel's canvas shows its programs as they are now.

A change queues one sync of its program's channel canvas in the change's own transaction, keyed by the minute
(`canvas:<channel>:<minute>`), due at the next minute: ten changes in a minute are one outbox message, which the
clock's next tick delivers. The sync renders the canvas from the database when it is sent (so a late or retried
one shows the present, never the past) and writes it whole with one `canvases.edit` replace (Slack takes one
operation per call, so a whole-document replace is what makes a minute's changes one edit). A replace is
idempotent: a crash between claim and send only repeats it. A canvas someone deleted is created again. When
Slack says the workspace's plan (or the app's scopes) refuses canvases, the admins are told once, and Pulse
stops trying there for REFUSAL_PAUSE.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from domain.canvas import LISTED, boards
from store import canvases, outbox
from store.db import Database
from store.models import OutboxMessage
from templates import render, render_canvas

log = logging.getLogger(__name__)

CANVAS_KIND = "canvas"
NOTICE_KIND = "canvas_notice"
BUCKET = dt.timedelta(minutes=1)
REFUSAL_PAUSE = dt.timedelta(days=7)
# What Slack answers when a workspace cannot have (channel) canvases: its plan lacks them, or canvases are
# disabled, or the app was installed without canvases:write.
REFUSED_ERRORS = frozenset(
    {
        "team_tier_cannot_create_channel_canvases",
        "free_teams_cannot_create_non_tabbed_canvases",
        "free_teams_cannot_edit_standalone_canvases",
        "free_team_canvas_tab_already_exists",
        "canvas_disabled_user_team",
        "not_allowed",
        "missing_scope",
    }
)
GONE_ERRORS = frozenset({"canvas_not_found", "canvas_deleted"})  # someone deleted it: create it again
TAKEN = "channel_canvas_already_exists"


def queue_syncs(session: Session, team_id: str, channels: set[str], now: dt.datetime) -> list[int]:
    """Queue one sync of the canvas of each of these program channels for this minute (once per channel and
    minute; none while an unclaimed sync due by then is queued, or while the workspace refuses canvases)."""
    if not channels or _refused(session, team_id, now):
        return []
    due = _bucket(now) + BUCKET
    queued: list[int] = []
    for channel in sorted(channels):
        if canvases.waiting(session, team_id, channel, CANVAS_KIND, due_by=due):
            continue
        message = outbox.enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"canvas:{channel}:{_bucket(now):%Y%m%d%H%M}",
            kind=CANVAS_KIND,
            markup=f"program canvas of {channel}",
            channel_id=channel,
            not_before=due,
        )
        if message is not None and message.id is not None:
            queued.append(message.id)
    return queued


def _bucket(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


def _refused(session: Session, team_id: str, now: dt.datetime) -> bool:
    refusal = canvases.refusal(session, team_id)
    return refusal is not None and now < refusal.since + REFUSAL_PAUSE


class CanvasFailed(Exception):
    """A sync Slack did not take: retried by the outbox like a post (`unknown`: a create may have happened)."""

    def __init__(self, error: str, *, cause: SlackApiError | None, unknown: bool) -> None:
        super().__init__(error)
        self.error, self.cause, self.unknown = error, cause, unknown


@dataclass(frozen=True)
class Synced:
    """What one sync did: `error` is why it never will (the message fails with it), None when done."""

    error: str | None = None


class CanvasWriter:
    """Writes a channel's program canvas through the Web API (the outbox's sender for CANVAS_KIND)."""

    def __init__(
        self, database: Database, client: WebClient, *, enabled: bool, admins: Sequence[str], tz: dt.tzinfo
    ) -> None:
        self.database = database
        self.client = client
        self.enabled = enabled
        self.admins = list(admins)
        self.tz = tz

    def sync(self, message: OutboxMessage, now: dt.datetime) -> Synced:
        """Make the canvas of the message's channel show its programs now (creating it where there is none)."""
        assert message.channel_id is not None
        team_id, channel = message.team_id, message.channel_id
        with self.database.session() as session:
            if not self.enabled or _refused(session, team_id, now):
                return Synced()  # turned off, or refused and reported: nothing to send
            known = canvases.in_channel(session, team_id, channel)
            today = now.astimezone(self.tz).date()
            board_list = boards(session, team_id, channel, today=today, now=now)
            markdown = render_canvas("canvas_program", boards=board_list, listed=LISTED, today=today, now=now)
        if known is not None and known.refused:
            return Synced()  # the channel's canvas is someone else's: left alone, reported when first found
        if (known is None or not known.canvas_id) and not board_list:
            return Synced()  # no program lives here (any more): no canvas to make
        try:
            if known is not None and known.canvas_id:
                if self._edit(known.canvas_id, markdown):
                    return Synced()
                log.info("the program canvas of %s was deleted: creating it again", channel)
            return self._create(message, markdown)
        except SlackApiError as exc:
            return self._refusal(message, exc, now)

    def _edit(self, canvas_id: str, markdown: str) -> bool:
        """Replace the whole canvas; False when it is gone."""
        try:
            self.client.canvases_edit(
                canvas_id=canvas_id,
                changes=[{"operation": "replace", "document_content": {"type": "markdown", "markdown": markdown}}],
            )
        except SlackApiError as exc:
            if exc.response.get("error") in GONE_ERRORS:
                return False
            raise
        return True

    def _create(self, message: OutboxMessage, markdown: str) -> Synced:
        """Create the channel canvas and store its id. After an attempt whose outcome is unknown, a canvas
        already in the channel is the one that attempt made; otherwise it is someone else's, left alone."""
        assert message.id is not None
        assert message.channel_id is not None
        team_id, channel = message.team_id, message.channel_id
        earlier_try = outbox.outcome_unknown(message)
        with self.database.session(write=True) as session:
            outbox.mark_posting(session, message.id)
        try:
            answer = self.client.conversations_canvases_create(
                channel_id=channel, document_content={"type": "markdown", "markdown": markdown}
            )
            canvas_id = str(answer["canvas_id"])
        except SlackApiError as exc:
            if exc.response.get("error") != TAKEN:
                raise
            with self.database.session() as session:
                stored = canvases.in_channel(session, team_id, channel)
            if stored is not None and stored.canvas_id and self._edit(stored.canvas_id, markdown):
                return Synced()  # another sender created it meanwhile
            if not earlier_try:
                log.warning("%s already has a channel canvas Pulse did not make: leaving it alone", channel)
                with self.database.session(write=True) as session:
                    canvases.remember(session, team_id, channel, canvas_id=None, refused=TAKEN)
                return Synced(TAKEN)
            found = self.client.conversations_info(channel=channel)
            canvas_id = str(((found["channel"].get("properties") or {}).get("canvas") or {})["file_id"])
            if not self._edit(canvas_id, markdown):
                raise CanvasFailed(TAKEN, cause=None, unknown=True) from exc
        with self.database.session(write=True) as session:
            canvases.remember(session, team_id, channel, canvas_id=canvas_id)
        return Synced()

    def _refusal(self, message: OutboxMessage, exc: SlackApiError, now: dt.datetime) -> Synced:
        """A workspace that refuses canvases is recorded (its admins told once) and the sync fails with the error;
        any other error goes back to the outbox to retry or fail like a post."""
        error = str(exc.response.get("error", "unknown_error"))
        if error not in REFUSED_ERRORS:
            unknown = outbox.outcome_unknown(message) or exc.response.status_code >= 500
            raise CanvasFailed(error, cause=exc, unknown=unknown) from exc
        with self.database.session(write=True) as session:
            first = canvases.refuse(session, message.team_id, error, now)
            if first:
                self._report(session, message.team_id, error)
        if first:
            log.warning(
                "Slack refuses canvases in workspace %s (%s): program canvases stop there for %d days; "
                "set PULSE_CANVASES=off to turn them off",
                message.team_id,
                error,
                REFUSAL_PAUSE.days,
            )
        return Synced(error)

    def _report(self, session: Session, team_id: str, error: str) -> None:
        """Tell each admin once, by DM, that canvases are refused and what to do."""
        text = render("canvas_refused", error=error, days=REFUSAL_PAUSE.days)
        for admin in self.admins:
            outbox.enqueue(
                session,
                team_id=team_id,
                dedupe_key=f"canvas-refused:{admin}",
                kind=NOTICE_KIND,
                markup=text,
                user_id=admin,
            )
