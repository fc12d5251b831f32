"""Runs a command: grammar check, one transaction, friendly errors, never a partial write."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from commands.grammar import Context, UsageError
from commands.registry import COMMAND_SUMMARIES, REGISTRY, Args, Subcommand, find
from commands.reply import CommandRequest, Message, Reply, error, reply
from store import outbox
from store.db import Database
from store.errors import Invalid, PulseError

log = logging.getLogger(__name__)


def grammar_context(request: CommandRequest) -> Context:
    """The parsing context of a request."""
    return Context(user_id=request.actor.user_id, today=request.today, resolve_channel=request.resolve_channel)


def usage_reply(request: CommandRequest, command: str, note: str | None = None) -> Reply:
    """Usage of every subcommand of `command`, with examples."""
    subs = sorted(REGISTRY.get(command, {}).values(), key=lambda s: s.name)
    return reply(
        "usage",
        command=command,
        slash=request.slash(command),
        note=note,
        summary=COMMAND_SUMMARIES.get(command, ""),
        subs=subs,
        prefix=request.command_prefix,
    )


def prepare(request: CommandRequest) -> Reply | tuple[Subcommand, Args]:
    """Everything that needs no database: help, usage and grammar errors, or the parsed command."""
    prepared = _prepare(request)
    return localized(prepared, request) if isinstance(prepared, Reply) else prepared


def _prepare(request: CommandRequest) -> Reply | tuple[Subcommand, Args]:
    text = request.text.strip()
    has_help = "help" in REGISTRY.get(request.command, {})
    if not text or (text.lower() in {"help", "?"} and not has_help):
        return usage_reply(request, request.command)
    found = find(request.command, text)
    if found.sub is None:
        if found.problem == "unknown":
            return usage_reply(request, request.command, note=f"`{request.slash()} {found.rest}` is not a command.")
        return error(found.problem or "Unknown command.")
    try:
        return found.sub, found.sub.parse(found.rest, grammar_context(request))
    except UsageError as exc:
        return error(str(exc), found.sub.usage_line(request.command_prefix))


def quick_reply(request: CommandRequest) -> Reply | None:
    """The reply when one can be given without the database (help, bad grammar), else None."""
    prepared = prepare(request)
    return prepared if isinstance(prepared, Reply) else None


def queue_posts(session: Session, request: CommandRequest, answer: Reply) -> None:
    """Commit the reply's channel posts to the outbox in the command's own transaction."""
    for post in answer.posts:
        queued = outbox.enqueue(
            session,
            team_id=request.actor.team_id,
            dedupe_key=f"post:{uuid.uuid4().hex}",
            kind="channel_post",
            markup=post.message.markup(),
            channel_id=post.channel_id,
            entity_ref=post.entity_ref,
            buttons=[vars(b) for b in post.message.buttons],
        )
        if queued is not None and queued.id is not None:
            answer.outbox_ids.append(queued.id)


def handle(request: CommandRequest, database: Database) -> Reply:
    """Run `request` in one transaction and return the reply; errors roll everything back."""
    prepared = prepare(request)
    if isinstance(prepared, Reply):
        return prepared
    return localized(_run(request, database, *prepared), request)


def _run(request: CommandRequest, database: Database, sub: Subcommand, args: Args) -> Reply:
    try:
        with database.session(write=sub.writes) as session:
            event.listen(session, "before_flush", _refuse_overlong_text)
            answer = sub.handler(request, args, session)
            queue_posts(session, request, answer)
            return answer
    except (Invalid, UsageError) as exc:
        return error(str(exc), sub.usage_line(request.command_prefix))
    except PulseError as exc:
        return error(str(exc))
    except Exception:
        incident = uuid.uuid4().hex[:8]
        log.exception("command %s %s failed (ref %s)", request.command, sub.name, incident)
        return error(
            "Something went wrong on Pulse's side and nothing was saved. Try again in a minute; "
            f"if it keeps happening, give a Pulse admin this reference: {incident}."
        )


# What a user calls the columns their free text lands in, for "too long" errors.
TEXT_NAMES = {
    "name": "The title",
    "title": "The title",
    "summary": "The summary",
    "close_reason": "The reason",
    "rationale": "`why:`",
    "owner_id": "`owner:`",
    "decider_id": "`decider:`",
    "channel_id": "`channel:`",
}


def _refuse_overlong_text(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse text longer than its column before it is saved (PostgreSQL would fail; SQLite would keep it)."""
    for row in [*session.new, *session.dirty]:
        table = getattr(type(row), "__table__", None)
        for column in table.columns if table is not None else ():
            limit = getattr(column.type, "length", None)
            value = getattr(row, column.key, None)
            if limit and isinstance(value, str) and len(value) > limit:
                what = TEXT_NAMES.get(column.key, f"`{column.key}:`")
                raise Invalid(f"{what} is too long: {len(value)} characters; keep it to {limit}.")


class _Localized(Message):
    """A reply whose `/command` hints name the commands as this workspace types them (PULSE_COMMAND_PREFIX)."""

    prefix: str = ""

    def markup(self) -> str:
        names = "|".join(re.escape(name) for name in sorted(REGISTRY, key=len, reverse=True))
        return re.sub(rf"`/({names})(?=[\s`])", rf"`/{self.prefix}\1", super().markup())


def localized(answer: Reply, request: CommandRequest) -> Reply:
    """`answer` with `/risk ...` hints in its text written `/pm-risk ...` when the prefix is `pm-`."""
    if request.command_prefix and not isinstance(answer.message, _Localized):
        message = _Localized(answer.message.template, answer.message.context, answer.message.buttons)
        message.prefix = request.command_prefix
        answer.message = message
    return answer
