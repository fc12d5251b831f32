"""Modal submissions: the same use case as the command the form stands for, with errors on their fields."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App

from bot.blocks import to_slack
from bot.ids import CallbackId
from bot.listeners.commands import ACK_BUDGET_SECONDS
from bot.payloads import ViewSubmission
from bot.perform import perform
from bot.present import markup
from bot.runtime import Runtime
from domain import risks
from domain.messages import Reply
from domain.risks import RiskUpdate
from store.ids import Kind, parse_ref
from store.types import utcnow
from templates import error_text

log = logging.getLogger(__name__)
MAX_ERROR_CHARS = 150
RISK_BLOCKS = {"likelihood": "likelihood", "impact": "impact", "review_date": "review", "mitigation": "mitigation"}
RISK_BLOCKS["status"] = "status"


def risk_update(submission: ViewSubmission) -> RiskUpdate:
    """The `/risk update` input a submitted risk form stands for."""
    parsed = parse_ref(submission.view.private_metadata)
    if parsed is None or parsed[0] != Kind.RISK:
        raise ValueError("the form does not name a risk")
    values = submission.values()
    review = values.get("review")
    return RiskUpdate(
        number=parsed[1],
        likelihood=values.get("likelihood"),
        impact=values.get("impact"),
        review_date=dt.date.fromisoformat(review) if review else None,
        mitigation=values["mitigation"].strip() if values.get("mitigation", "").strip() else None,
        status=values.get("status"),
    )


def _errors(reply: Reply, runtime: Runtime) -> dict[str, str]:
    """The reply's error, shown under the form field it is about (the first field when it names none)."""
    text = to_slack(markup(reply.message, runtime.settings.command_prefix)).text[:MAX_ERROR_CHARS]
    block = RISK_BLOCKS.get(str(reply.message.context.get("field")), "likelihood")
    return {block: text}


def register(app: App, runtime: Runtime) -> None:
    """Wire every modal Pulse opens."""

    def submit_risk_form(ack: Ack, body: dict[str, Any]) -> None:
        try:
            submission = ViewSubmission.model_validate(body)
            data = risk_update(submission)
        except (ValidationError, ValueError, KeyError):
            log.warning("a risk form submission Pulse cannot read was refused")
            ack(response_action="errors", errors={"likelihood": error_text("form_out_of_date", {})})
            return
        started = time.monotonic()
        tz = runtime.directory.tz_for(submission.team_id, submission.user.id)
        actor = runtime.actor(submission.team_id, submission.user.id, None)
        reply = perform(runtime, risks.update, data, actor=actor, tz=tz, now=utcnow())
        if not reply.ok:
            ack(response_action="errors", errors=_errors(reply, runtime))
            return
        if reply.outbox_ids:  # e.g. the risk became critical: its alert goes out now, not at the next tick
            left = ACK_BUDGET_SECONDS - (time.monotonic() - started)
            runtime.within(max(left, 0.0), lambda: runtime.deliverer.deliver(reply.outbox_ids))
        ack()

    app.view(CallbackId.RISK_UPDATE.value)(submit_risk_form)
