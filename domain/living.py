"""Living messages about a program's status: a status post says when a newer report superseded it and which of
its asks were answered, and the check-in DMs say who answered them (or that nobody did this week)."""

from __future__ import annotations

import datetime as dt

from domain.messages import CHANNEL_POST, Edit, Message
from domain.status import ProgramStatus
from store.models import Ask, Program, StatusUpdate

CHECKIN_KIND = "checkin_dm"  # the outbox kind of check-in DMs and their chases


def status_post_key(update: StatusUpdate) -> str:
    """The dedupe key of the channel post of one status report (so that post alone can be updated later)."""
    return f"status:{update.id}"


def superseded(program: Program, before: ProgramStatus, by: StatusUpdate, today: dt.date) -> list[Edit]:
    """The post of the report `by` replaces, saying so."""
    if before.current is None:
        return []
    context = {"program": program, "update": before.current, "status": before, "ask": None, "today": today}
    return [_status_post(program, before.current, {**context, "superseded_by": by})]


def ask_closed(program: Program, status: ProgramStatus, ask: Ask, today: dt.date) -> list[Edit]:
    """The post of the current report that carries `ask`, now answered or withdrawn."""
    current = status.current
    if current is None or (current.asks or "").strip() != ask.text:
        return []
    context = {"program": program, "update": current, "status": status, "ask": ask, "today": today}
    return [_status_post(program, current, {**context, "superseded_by": None})]


def _status_post(program: Program, update: StatusUpdate, context: dict[str, object]) -> Edit:
    return Edit(
        f"{program.key}/status",
        Message("status_post", context),
        kind=CHANNEL_POST,
        dedupe_prefix=status_post_key(update),
    )


def checkin_answered(
    program: Program, update: StatusUpdate, before: StatusUpdate | None, *, at: dt.datetime, kept: bool
) -> Edit:
    """The check-in DMs (and chases) sent since the last report, saying who answered, when and how."""
    context = {"program": program, "update": update, "at": at, "kept": kept}
    return Edit(
        program.key,
        Message("checkin_answered", context),
        kind=CHECKIN_KIND,
        since=before.created_at if before else None,
        note=True,
    )
