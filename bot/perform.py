"""The one path every surface takes: run a use case for a person in one transaction, queue the posts its
change warrants in that transaction, and turn every failure into a reply that says how to fix it."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session

from bot.canvases import queue_syncs
from bot.present import queue_edits, queue_posts
from bot.runtime import Runtime
from domain.access import Actor
from domain.context import Context
from domain.errors import Busy, Invalid, PulseError
from domain.inputs import Input, invalid
from domain.messages import Reply, UseCase, error
from store.audit import changed_channels
from store.db import is_lock_timeout, is_unavailable
from store.limits import TooLong
from store.types import utcnow

log = logging.getLogger(__name__)
REQUEST_LOCK_WAIT = 2.0  # seconds a person's request waits for a lock: within Slack's 3 s, or "busy"


def perform(
    runtime: Runtime,
    case: UseCase[Any],
    data: Input,
    *,
    actor: Actor,
    tz: ZoneInfo,
    now: dt.datetime | None = None,
    usage: str | None = None,
    then: Callable[[Session], list[int]] | None = None,
) -> Reply:
    """Run `case` with `data` as `actor`; on any failure nothing is saved and the reply says why. `then` queues more
    messages in the same transaction once the change is made (returning their outbox ids)."""
    prefix = runtime.settings.command_prefix
    try:
        with runtime.database.session(write=case.writes, lock_wait=REQUEST_LOCK_WAIT) as session:
            ctx = Context(session, actor, now or utcnow(), tz, escalation_channel=runtime.settings.escalation_channel)
            answer = case(ctx, data)
            if answer.edits:  # before the posts: a post queued now already reads as the item is
                answer.outbox_ids = queue_edits(session, actor.team_id, answer.edits, prefix)
            if answer.posts:
                answer.outbox_ids += queue_posts(session, actor.team_id, answer.posts, prefix)
            if then is not None and answer.ok:
                answer.outbox_ids += then(session)
            if case.writes and runtime.settings.canvases:
                queue_syncs(session, actor.team_id, changed_channels(session), ctx.now)
            return answer
    except Invalid as exc:
        return error(exc.code, exc.values, usage, field=exc.field)
    except PulseError as exc:
        return error(exc.code, exc.values, field=exc.field)
    except TooLong as exc:
        values = {"column": exc.column, "length": exc.length, "limit": exc.limit}
        return error("too_long", values, usage, field=exc.column)
    except ValidationError as exc:
        problem = invalid(exc)
        return error(problem.code, problem.values, usage, field=problem.field)
    except Exception as exc:
        return unexpected(exc, case.name)


def unexpected(exc: Exception, what: str) -> Reply:
    """The reply to a failure of `what` that no rule explains, nothing saved (call it in the `except` block):
    busy, try again, when a lock was held too long or the database is away (one log line), else an incident
    reference (and the trace in the log)."""
    if is_lock_timeout(exc):
        log.warning("%s gave up waiting for a lock", what)
        return error(Busy().code, {})
    if is_unavailable(exc):
        log.warning("%s could not reach the database (%s)", what, type(exc.__cause__ or exc).__name__)
        return error(Busy().code, {})
    incident = uuid.uuid4().hex[:8]
    log.exception("%s failed (ref %s)", what, incident)
    return error("internal_error", {"incident": incident})
