"""Slash commands: parse, run the use case and answer in the ack itself when that is done in time,
else ack that Pulse is on it and answer through the response_url."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App

from bot import uploads
from bot.answers import as_ephemeral, delivery_notes, ephemeral, reply_markup
from bot.open_form import form_for_command, open_form
from bot.payloads import SlashCommand
from bot.perform import perform, unexpected
from bot.replies import send_reply
from bot.runtime import Runtime
from commands.grammar import ParseContext
from commands.parse import Parsed, names, parse, partial
from domain.messages import Message, Reply
from store.settings import remember_team_domain, workspace_settings
from store.types import utcnow

log = logging.getLogger(__name__)
ACK_BUDGET_SECONDS = 2.5  # Slack waits 3 s for the ack; past this Pulse acks and answers later


def answer_command(runtime: Runtime, request: SlashCommand) -> str | None:
    """The answer to a slash command (markup): run it in the caller's time zone, deliver its posts; None when it
    opened a form instead (the ack is then empty)."""
    settings = runtime.settings
    actor = runtime.actor(request.team_id, request.user_id, request.channel_id)
    now = utcnow()
    with runtime.database.session() as session:  # one read for the caller's cached zone and the settings
        cached_tz = runtime.directory.cached_tz(session, request.team_id, request.user_id)
        workspace = workspace_settings(session, request.team_id)
    tz = cached_tz or runtime.directory.tz_for(request.team_id, request.user_id)
    if request.team_domain and request.team_domain != workspace.team_domain:  # for permalinks in what Pulse posts
        with runtime.database.session(write=True) as session:
            remember_team_domain(session, request.team_id, request.team_domain)
    ctx = ParseContext(
        user_id=request.user_id,
        today=now.astimezone(tz).date(),
        tz=tz,
        resolve_channel=lambda name: runtime.directory.channel_id(request.team_id, name),
        command_prefix=settings.command_prefix,
        day_first=workspace.day_first,
    )
    name = request.command.lstrip("/").removeprefix(settings.command_prefix)
    if request.trigger_id and (asked := partial(name, request.text, ctx)) and (found := form_for_command(*asked)):
        form, values, state = found
        state = state.model_copy(update={"channel": request.channel_id})
        opened = open_form(runtime, form, actor, request.trigger_id, values, state)
        return reply_markup(opened, settings.command_prefix) if isinstance(opened, Reply) else None
    parsed = parse(name, request.text, ctx)
    if isinstance(parsed, Parsed):
        case = parsed.sub.case_for(parsed.data)
        assert case is not None
        usage = parsed.sub.usage_line(settings.command_prefix)
        reply = perform(runtime, case, parsed.data, actor=actor, tz=tz, now=now, usage=usage)
    else:
        reply = parsed
    deliveries = runtime.deliverer.deliver_now(reply.outbox_ids)
    files = uploads.send(runtime.client, reply.uploads, request.user_id) if reply.uploads else []
    return reply_markup(reply, settings.command_prefix, delivery_notes(deliveries) + uploads.upload_notes(files))


def _answer_safely(runtime: Runtime, request: SlashCommand) -> str | None:
    try:
        return answer_command(runtime, request)
    except Exception as exc:  # perform() already turns use case failures into replies; this is the rest
        return reply_markup(unexpected(exc, f"answering {request.command}"), runtime.settings.command_prefix)


def _reply_later(runtime: Runtime, request: SlashCommand, text: str | None) -> None:
    """The answer after a "working on it" ack: through the outbox, so a Slack outage cannot lose it."""
    if text is None:  # a form opened after all
        return
    try:
        send_reply(
            runtime,
            team_id=request.team_id,
            user_id=request.user_id,
            response_url=request.response_url,
            text=text,
            replaces_ack=True,
        )
    except Exception:
        log.exception("queueing the reply to %s failed", request.command)


def register(app: App, runtime: Runtime) -> None:
    """One listener per top-level command, named with PULSE_COMMAND_PREFIX."""

    def on_command(ack: Ack, body: dict[str, Any]) -> None:
        try:
            request = SlashCommand.model_validate(body)
        except ValidationError:
            log.warning("a slash command payload without its required fields was ignored")
            ack()
            return
        future = runtime.pool.submit(_answer_safely, runtime, request)
        try:
            text = future.result(timeout=ACK_BUDGET_SECONDS)
        except TimeoutError:  # too slow for the ack (Slack or the database): the answer follows by response_url
            ack(**ephemeral(Reply(Message("working", {})), runtime.settings.command_prefix))
            future.add_done_callback(lambda done: _reply_later(runtime, request, done.result()))
            return
        if text is None:
            ack()
        else:
            ack(**as_ephemeral(text))

    for name in names():
        app.command(runtime.settings.command_name(name))(on_command)
