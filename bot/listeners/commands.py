"""Slash commands: ack at once (with the answer when no database is needed), do the work lazily."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.delivery import Delivery
from bot.renderer import to_slack
from bot.services import Services
from commands.dispatch import handle, quick_reply
from commands.registry import REGISTRY
from commands.reply import Reply
from templates import render

log = logging.getLogger(__name__)


def ephemeral(reply: Reply, notes: list[str] | None = None) -> dict[str, Any]:
    """The ephemeral response body for a reply."""
    markup = reply.markup()
    if notes:
        markup += "\n\n" + "\n".join(f"~ {note}" for note in notes)
    return {"response_type": "ephemeral", **to_slack(markup).payload()}


def delivery_notes(deliveries: list[Delivery]) -> list[str]:
    """What the caller should know about the channel posts their command caused: where each went, or why not."""
    notes = [render("delivery_note", d=delivery) for delivery in deliveries]
    return list(dict.fromkeys(notes))


def run_command(services: Services, body: dict[str, Any]) -> None:
    """The slow part of a slash command: run it in the caller's time zone, deliver its posts, reply."""
    request = services.command_request(body, lookups=False)
    if quick_reply(request) is not None:
        return  # already answered in the ack
    tz = services.directory.tz_for(request.actor.team_id, request.actor.user_id)
    request = services.command_request(body, tz=tz, now=request.now)
    reply = handle(request, services.database)
    deliveries = services.deliverer.deliver(reply.outbox_ids) if reply.outbox_ids else []
    services.respond(body["response_url"], ephemeral(reply, delivery_notes(deliveries)))


def register(app: App, services: Services) -> None:
    """One listener per top-level command, named with PULSE_COMMAND_PREFIX: ack now, work after."""

    def ack_command(ack: Ack, body: dict[str, Any]) -> None:
        quick = quick_reply(services.command_request(body, lookups=False))
        if quick is not None:
            ack(**ephemeral(quick))
            return
        ack()
        services.submit("command", body)

    for name in REGISTRY:
        app.command(services.settings.command_name(name))(ack_command)
