"""The modals Pulse opens (their fields mirror the commands they stand for)."""

from __future__ import annotations

from typing import Any

from bot.blocks import plain
from bot.ids import MODAL_VALUE, CallbackId
from store.models import Risk, RiskStatus
from templates import label, render

MAX_TITLE_CHARS = 24  # Slack's limit for a modal's title and its buttons
SCALE = [str(n) for n in range(1, 6)]
OPEN_STATUSES = [s.value for s in RiskStatus if s != RiskStatus.CLOSED]


def _options(values: list[str]) -> list[dict[str, Any]]:
    return [{"text": plain(v), "value": v} for v in values]


def _select(block_id: str, text: str, values: list[str], current: str) -> dict[str, Any]:
    options = _options(values)
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(text),
        "element": {
            "type": "static_select",
            "action_id": MODAL_VALUE,
            "options": options,
            "initial_option": next(o for o in options if o["value"] == current),
        },
    }


def _optional(block_id: str, text: str, element: dict[str, Any]) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "optional": True, "label": plain(text), "element": element}


def risk_update_modal(ref: str, risk: Risk) -> dict[str, Any]:
    """The modal behind a reminder's Update button (fields mirror `/risk update`)."""
    review: dict[str, Any] = {"type": "datepicker", "action_id": MODAL_VALUE}
    if risk.review_date:
        review["initial_date"] = risk.review_date.isoformat()
    mitigation: dict[str, Any] = {"type": "plain_text_input", "action_id": MODAL_VALUE, "multiline": True}
    if risk.mitigation:
        mitigation["initial_value"] = risk.mitigation[:3000]
    status = risk.status.value if risk.status != RiskStatus.CLOSED else RiskStatus.OPEN.value
    return {
        "type": "modal",
        "callback_id": CallbackId.RISK_UPDATE,
        "private_metadata": ref,
        "title": plain(label("update_risk", ref=ref)[:MAX_TITLE_CHARS]),
        "submit": plain(label("save")),
        "close": plain(label("cancel")),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": render("risk_form", ref=ref, risk=risk)[:3000]}},
            _select("likelihood", label("likelihood_scale"), SCALE, str(risk.likelihood)),
            _select("impact", label("impact_scale"), SCALE, str(risk.impact)),
            _optional("review", label("next_review"), review),
            _optional("mitigation", label("mitigation"), mitigation),
            _select("status", label("status"), OPEN_STATUSES, status),
        ],
    }
