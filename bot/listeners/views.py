"""Modal submissions: the same use case as the command the form stands for, with errors on their fields."""

from __future__ import annotations

import logging
import time
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App

from bot.answers import delivery_notes, ephemeral
from bot.blocks import to_slack
from bot.delivery import Delivery
from bot.forms import BY_CALLBACK
from bot.ids import CallbackId
from bot.listeners.commands import ACK_BUDGET_SECONDS
from bot.modals import Form, FormState, read_input
from bot.payloads import ViewSubmission
from bot.perform import perform
from bot.present import markup
from bot.runtime import Runtime
from commands.parse import COMMANDS
from domain.errors import PulseError
from domain.inputs import invalid
from domain.messages import Reply, error
from store.types import utcnow
from templates import error_text

log = logging.getLogger(__name__)
MAX_ERROR_CHARS = 150


def _errors(form: Form, reply: Reply, runtime: Runtime) -> dict[str, str]:
    """The reply's error, shown under the form field it is about (the first field when it names none)."""
    text = to_slack(markup(reply.message, runtime.settings.command_prefix)).text[:MAX_ERROR_CHARS]
    context = reply.message.context
    return {form.block_for(context.get("field"), (context.get("values") or {}).get("role")): text}


def submit_form(runtime: Runtime, form: Form, submission: ViewSubmission) -> tuple[Reply, FormState]:
    """Run the use case of the form's command, as the person who submitted it, with the input it stands for."""
    state = FormState.load(submission.view.private_metadata)
    try:
        data = read_input(form, submission.values(), state)
    except PulseError as exc:
        return error(exc.code, exc.values, field=exc.field), state
    except ValidationError as exc:
        problem = invalid(exc)
        return error(problem.code, problem.values, field=problem.field), state
    case = COMMANDS[form.command].subs[form.sub].runs
    assert case is not None
    tz = runtime.directory.tz_for(submission.team_id, submission.user.id)
    actor = runtime.actor(submission.team_id, submission.user.id, state.channel)
    return perform(runtime, case, data, actor=actor, tz=tz, now=utcnow()), state


def _tell(runtime: Runtime, reply: Reply, state: FormState, user_id: str, deliveries: list[Delivery]) -> None:
    """After the form closed: tell the person, where they opened it, what the command would have told them."""
    try:
        if state.channel:
            shown = ephemeral(reply, runtime.settings.command_prefix, delivery_notes(deliveries))
            runtime.client.chat_postEphemeral(
                channel=state.channel, user=user_id, text=shown.get("text", ""), blocks=shown.get("blocks")
            )
    except Exception:  # the change is saved; telling about it is best effort
        log.exception("following up a form submission failed")


def register(app: App, runtime: Runtime) -> None:
    """Wire every form Pulse opens: errors go back on their fields, success closes the form."""

    def on_submit(ack: Ack, body: dict[str, Any]) -> None:
        try:
            submission = ViewSubmission.model_validate(body)
        except ValidationError:
            log.warning("a form submission without its required fields was ignored")
            ack()
            return
        form = BY_CALLBACK[CallbackId(submission.view.callback_id)]  # Bolt routed it by this callback_id
        started = time.monotonic()
        try:
            reply, state = submit_form(runtime, form, submission)
        except ValidationError:  # private_metadata Pulse did not write
            log.warning("a form submission Pulse cannot read was refused")
            ack(response_action="errors", errors={form.fields[0].block: error_text("form_out_of_date", {})})
            return
        if not reply.ok:
            ack(response_action="errors", errors=_errors(form, reply, runtime))
            return
        deliveries: list[Delivery] = []
        if reply.outbox_ids:  # e.g. a critical risk's alert goes out now, not at the next tick
            left = ACK_BUDGET_SECONDS - (time.monotonic() - started)
            deliveries = runtime.within(max(left, 0.0), lambda: runtime.deliverer.deliver_now(reply.outbox_ids)) or []
        ack()
        runtime.pool.submit(_tell, runtime, reply, state, submission.user.id, deliveries)

    for callback in BY_CALLBACK:
        app.view(callback.value)(on_submit)
