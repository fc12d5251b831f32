"""Runs a command: grammar check, one transaction, friendly errors, never a partial write."""

from __future__ import annotations

import logging
import uuid

from sqlmodel import Session

from commands.grammar import Context, UsageError
from commands.registry import COMMAND_SUMMARIES, REGISTRY, Args, Subcommand, find
from commands.reply import CommandRequest, Reply, error, reply
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
    return run_parsed(request, database, *prepared)


def run_parsed(request: CommandRequest, database: Database, sub: Subcommand, args: Args) -> Reply:
    """Run an already parsed command in one transaction (buttons and forms come in here too)."""
    try:
        with database.session(write=sub.writes) as session:
            answer = localized(sub.handler(request, args, session), request)
            queue_posts(session, request, answer)
            return answer
    except (Invalid, UsageError) as exc:
        return localized(error(str(exc), sub.usage_line(request.command_prefix)), request)
    except PulseError as exc:
        return localized(error(str(exc)), request)
    except Exception:
        incident = uuid.uuid4().hex[:8]
        log.exception("command %s %s failed (ref %s)", request.command, sub.name, incident)
        return error(
            "Something went wrong on Pulse's side and nothing was saved. Try again in a minute; "
            f"if it keeps happening, give a Pulse admin this reference: {incident}."
        )


def localized(answer: Reply, request: CommandRequest) -> Reply:
    """`answer` with its `/command` hints (and those of its channel posts) in this workspace's prefix."""
    answer.message.command_prefix = request.command_prefix
    for post in answer.posts:
        post.message.command_prefix = request.command_prefix
    return answer
