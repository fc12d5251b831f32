"""Buttons on Pulse's messages: each click runs the use case the person could have typed, as them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from slack_bolt import Ack, App
from sqlmodel import Session

from bot.answers import delivery_notes, reply_markup
from bot.delivery import respond_quietly
from bot.forms import BY_CALLBACK
from bot.home import publish_home
from bot.ids import ActionId, CallbackId
from bot.modals import FormState
from bot.open_form import open_form
from bot.payloads import BlockAction
from bot.perform import perform, unexpected
from bot.present import markup, queue_note
from bot.replies import send_reply
from bot.runtime import Runtime
from domain import actions, escalation, issues, programs, risks
from domain.actions import ActionSnooze
from domain.errors import PulseError
from domain.escalation import AlertAck
from domain.inputs import Input, NumberRef
from domain.issues import IssueResolve
from domain.messages import Message, Reply, UseCase, error
from domain.programs import ProgramRef
from domain.risks import RiskReview
from store.ids import Kind, parse_ref
from store.types import utcnow

log = logging.getLogger(__name__)
FORM_BUTTONS = {  # buttons that open a form, and the form (the value is the item's ID or the program's key)
    ActionId.RISK_UPDATE: CallbackId.RISK_UPDATE,
    ActionId.PROGRAM_NEW_FORM: CallbackId.PROGRAM_NEW,
    ActionId.STATUS_FORM: CallbackId.PROGRAM_STATUS,
    ActionId.RISK_ADD_FORM: CallbackId.RISK_ADD,
    ActionId.DECISION_LOG_FORM: CallbackId.DECISION_LOG,
    ActionId.ACTION_ADD_FORM: CallbackId.ACTION_ADD,
}
SNOOZE_DAYS = {ActionId.ACTION_SNOOZE_DAY: 1, ActionId.ACTION_SNOOZE_WEEK: 7}
NOTED = {  # clicks the message clicked on records in place (`templates/click_note.j2`)
    ActionId.ACTION_DONE: "done",
    ActionId.ACTION_SNOOZE_DAY: "snoozed",
    ActionId.ACTION_SNOOZE_WEEK: "snoozed",
    ActionId.RISK_REVIEWED: "reviewed",
}


def _number(value: str, kind: Kind) -> int:
    parsed = parse_ref(value)
    if parsed is None or parsed[0] != kind:
        raise PulseError("not_an_id", value=value, kind=kind.value)
    return parsed[1]


def _use_case(action_id: ActionId, value: str, today: dt.date) -> tuple[UseCase[Any], Input]:
    """The use case a button stands for and its input."""
    if action_id == ActionId.ACTION_DONE:
        return actions.complete, NumberRef(number=_number(value, Kind.ACTION))
    if action_id in SNOOZE_DAYS:
        until = today + dt.timedelta(days=SNOOZE_DAYS[action_id])
        return actions.snooze, ActionSnooze(number=_number(value, Kind.ACTION), until=until)
    if action_id == ActionId.RISK_REVIEWED:
        return risks.review, RiskReview(number=_number(value, Kind.RISK))
    if action_id == ActionId.CHECKIN_NO_CHANGE:
        return programs.reaffirm_status, ProgramRef(key=value)
    if action_id == ActionId.ISSUE_RESOLVE:
        return issues.resolve, IssueResolve(number=_number(value, Kind.ISSUE))
    return escalation.acknowledge, AlertAck(alert_id=int(value))


def _note(
    runtime: Runtime, click: BlockAction, action_id: ActionId, data: Input, now: dt.datetime, tz: ZoneInfo
) -> Callable[[Session], list[int]] | None:
    """What the clicked message says in place once the click's change is made (Done, Snooze, Reviewed on a
    message of Pulse's), queued in the change's transaction; None for other clicks."""
    if action_id not in NOTED or click.channel_id is None or click.message is None:
        return None
    context = {
        "what": NOTED[action_id],
        "ref": click.action.value,
        "by": click.user.id,
        "at": now.astimezone(tz),
        "until": getattr(data, "until", None),
    }
    at, note, ref = (click.channel_id, click.message.ts), Message("click_note", context), click.action.value
    return lambda session: queue_note(session, click.team_id, at, note, ref, runtime.settings.command_prefix)


def answer_click(runtime: Runtime, click: BlockAction) -> None:
    """Run a click's use case as the clicker; tell them the result (an acknowledged alert says it in place),
    and update the messages it changed, the clicked one included, through the outbox."""
    actor = runtime.actor(click.team_id, click.user.id, click.channel_id)
    tz = runtime.directory.tz_for(click.team_id, click.user.id)
    now = utcnow()
    action_id = ActionId(click.action.action_id)
    try:
        case, data = _use_case(action_id, click.action.value, now.astimezone(tz).date())
    except PulseError as exc:
        reply = error(exc.code, exc.values)
    except (ValidationError, ValueError):
        reply = error("alert_gone", {})
    else:
        then = _note(runtime, click, action_id, data, now, tz)
        reply = perform(runtime, case, data, actor=actor, tz=tz, now=now, then=then)
    deliveries = runtime.deliverer.deliver_now(reply.outbox_ids)
    if action_id == ActionId.ALERT_ACK:
        if reply.ok:
            return
        reply = Reply(Message("notice", reply.message.context), ok=False)  # e.g. "Already acknowledged by ..."
    if click.on_home:  # the tab shows the change
        publish_home(runtime, click.team_id, click.user.id)
    if click.response_url:
        send_reply(
            runtime,
            team_id=click.team_id,
            user_id=click.user.id,
            response_url=click.response_url,
            text=reply_markup(reply, runtime.settings.command_prefix, delivery_notes(deliveries)),
            replaces_ack=False,
        )


def _answer_safely(runtime: Runtime, click: BlockAction) -> None:
    try:
        answer_click(runtime, click)
    except Exception as exc:  # perform() already turns use case failures into replies; this is the rest
        reply = unexpected(exc, f"click on {click.action.action_id}")
        if click.response_url:
            respond_quietly(click.response_url, reply_markup(reply, runtime.settings.command_prefix))


def register(app: App, runtime: Runtime) -> None:
    """Wire every button of Pulse's messages: ack at once, then run the click's use case."""

    def on_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        try:
            click = BlockAction.model_validate(body)
        except ValidationError:
            log.warning("a button payload without its required fields was ignored")
            return
        runtime.pool.submit(_answer_safely, runtime, click)

    for action_id in (
        ActionId.ALERT_ACK,
        ActionId.ACTION_DONE,
        *SNOOZE_DAYS,
        ActionId.RISK_REVIEWED,
        ActionId.CHECKIN_NO_CHANGE,
        ActionId.ISSUE_RESOLVE,
    ):
        app.action(action_id.value)(on_click)

    def open_form_of(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        try:
            click = BlockAction.model_validate(body)
        except ValidationError:
            return
        if click.trigger_id is None:
            return
        form = BY_CALLBACK[FORM_BUTTONS[ActionId(click.action.action_id)]]
        actor = runtime.actor(click.team_id, click.user.id, click.channel_id)
        ref = click.action.value.upper()[:24]  # an ID; anything longer is no item's
        state = FormState(ref=ref) if form.target else FormState()
        values = {"program": click.action.value} if click.action.value and not form.target else {}
        opened = open_form(runtime, form, actor, click.trigger_id, values, state)
        if isinstance(opened, Reply):
            text = markup(opened.message, runtime.settings.command_prefix)
            runtime.client.chat_postEphemeral(channel=click.channel_id or click.user.id, user=click.user.id, text=text)

    for action_id in FORM_BUTTONS:
        app.action(action_id.value)(open_form_of)
