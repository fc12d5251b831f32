"""Buttons and forms: acknowledge alerts, done/snooze actions, review/update risks.

Each click runs the same command handler a typed command would, as the person who clicked.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.listeners.commands import delivery_notes, ephemeral
from bot.renderer import RISK_UPDATE_CALLBACK, modal_values, risk_update_modal, to_slack
from bot.services import Services
from bot.tick.reminders import ACTION_DONE, ACTION_SNOOZE_DAY, ACTION_SNOOZE_WEEK, RISK_REVIEWED, RISK_UPDATE
from commands.dispatch import handle, prepare, run_parsed
from commands.reply import Message, Reply
from store import alerts
from store.errors import PulseError
from store.ids import Kind, parse_ref
from store.lookup import numbered
from store.models import Risk

log = logging.getLogger(__name__)

FREE_TEXT_FIELDS = frozenset({"mitigation"})  # fields of the risk form people type into

BUTTON_COMMANDS = {
    ACTION_DONE: ("action", "done {ref}"),
    ACTION_SNOOZE_DAY: ("action", "snooze {ref} until:+1d"),
    ACTION_SNOOZE_WEEK: ("action", "snooze {ref} until:+1w"),
    RISK_REVIEWED: ("risk", "review {ref}"),
}


def _who(body: dict[str, Any]) -> tuple[str, str, str | None]:
    user = body.get("user", {})
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    channel = (body.get("channel") or {}).get("id")
    return team, user.get("id", ""), channel


def register(app: App, services: Services) -> None:
    """Wire every button and form of Pulse's messages."""

    def submit_job(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        kind = "alert_ack" if body["actions"][0]["action_id"] == alerts.ACK_ACTION else "button"
        services.submit(kind, body)

    for action_id in [*BUTTON_COMMANDS, alerts.ACK_ACTION]:
        app.action(action_id)(submit_job)

    def open_risk_form(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team, user, channel = _who(body)
        ref = body["actions"][0]["value"]
        parsed = parse_ref(ref)
        try:
            if parsed is None or parsed[0] != Kind.RISK:
                raise PulseError(f"{ref} is not a risk.")
            with services.database.session() as session:
                risk, _program = numbered(session, services.actor(team, user, channel), Risk, Kind.RISK, parsed[1])
        except PulseError as exc:
            client.chat_postEphemeral(channel=channel or user, user=user, text=str(exc))
            return
        client.views_open(
            trigger_id=body["trigger_id"],
            view=risk_update_modal(
                ref,
                title=risk.title,
                likelihood=risk.likelihood,
                impact=risk.impact,
                review=risk.review_date.isoformat() if risk.review_date else None,
                mitigation=risk.mitigation,
                status=risk.status.value if risk.status.value != "closed" else "open",
            ),
        )

    app.action(RISK_UPDATE)(open_risk_form)

    def submit_risk_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        team, user, _ = _who(body)
        values = modal_values(view)
        # Picked values (numbers, dates, statuses) go through the command grammar; typed text does not, as
        # the grammar cannot quote a `"` inside it: it is set on the parsed command as written.
        picked = " ".join(f"{name}:{value}" for name, value in values.items() if name not in FREE_TEXT_FIELDS)
        request = services.command_request(
            {
                "team_id": team,
                "user_id": user,
                "channel_id": "",
                "command": services.settings.command_name("risk"),
                "text": f"update {view['private_metadata']} {picked}",
            },
            tz=services.directory.tz_for(team, user),
        )
        prepared = prepare(request)
        if isinstance(prepared, Reply):
            reply = prepared
        else:
            sub, args = prepared
            args.values.update({k: v.strip() for k, v in values.items() if k in FREE_TEXT_FIELDS and v.strip()})
            reply = run_parsed(request, services.database, sub, args)
        if reply.ok:
            ack()
            if reply.outbox_ids:  # e.g. the risk became critical: its alert goes out now, not at the next tick
                services.deliverer.deliver(reply.outbox_ids)
        else:
            ack(response_action="errors", errors={"likelihood": to_slack(reply.markup()).text[:150]})

    app.view(RISK_UPDATE_CALLBACK)(submit_risk_form)


def run_button(services: Services, body: dict[str, Any]) -> None:
    """A Done / Snooze / Reviewed click: the same command the person could have typed, as them."""
    team, user, channel = _who(body)
    action = body["actions"][0]
    command, template = BUTTON_COMMANDS[action["action_id"]]
    request = services.command_request(
        {
            "team_id": team,
            "user_id": user,
            "channel_id": channel or "",
            "command": services.settings.command_name(command),
            "text": template.format(ref=action["value"]),
        },
        tz=services.directory.tz_for(team, user),
    )
    reply = handle(request, services.database)
    deliveries = services.deliverer.deliver(reply.outbox_ids) if reply.outbox_ids else []
    services.respond(body["response_url"], ephemeral(reply, delivery_notes(deliveries)))


def acknowledge(services: Services, body: dict[str, Any]) -> None:
    """An Acknowledge click: record it, then update every copy of the alert in place."""
    team, user, channel = _who(body)
    actor = services.actor(team, user, channel)
    try:
        with services.database.session(write=True) as session:
            alert, program = alerts.visible(session, actor, int(body["actions"][0]["value"]))
            messages = alerts.acknowledge(session, actor, alert, program)
            markup = Message(
                "alert",
                {"body": alert.markup, "acknowledged_by": user, "acknowledged_at": alert.acknowledged_at},
            ).markup()
    except PulseError as exc:
        services.respond(body["response_url"], {"response_type": "ephemeral", "text": str(exc)})
        return
    updated = to_slack(markup)
    for message in messages:
        try:
            services.client.chat_update(
                channel=str(message.sent_channel), ts=str(message.sent_ts), text=updated.text, blocks=updated.blocks
            )
        except Exception as exc:  # the acknowledgement is recorded; the message update is best effort
            log.warning("could not update alert message %s: %s", message.id, type(exc).__name__)
