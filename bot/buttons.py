"""The buttons Pulse puts on its messages, as stored with each outbox message."""

from __future__ import annotations

from typing import Any

from bot.ids import ActionId
from templates import label


def button(
    action_id: ActionId, text: str, value: str, *, style: str | None = None, group: str | None = None
) -> dict[str, Any]:
    """One button (the shape `bot.blocks.Button` takes)."""
    return {"text": text, "action_id": action_id.value, "value": value, "style": style, "group": group}


def acknowledge(alert_id: int) -> dict[str, Any]:
    """The Acknowledge button of an alert message."""
    return button(ActionId.ALERT_ACK, label("acknowledge"), str(alert_id), style="primary")


def for_overdue_action(ref: str) -> list[dict[str, Any]]:
    """Done and snooze buttons under an overdue action in a reminder DM."""
    return [
        button(ActionId.ACTION_DONE, label("done"), ref, style="primary", group=ref),
        button(ActionId.ACTION_SNOOZE_DAY, label("snooze_day"), ref, group=ref),
        button(ActionId.ACTION_SNOOZE_WEEK, label("snooze_week"), ref, group=ref),
    ]


def for_review(ref: str) -> list[dict[str, Any]]:
    """Reviewed and Update buttons under a risk due for review in a reminder DM."""
    return [
        button(ActionId.RISK_REVIEWED, label("reviewed"), ref, style="primary", group=ref),
        button(ActionId.RISK_UPDATE, label("update"), ref, group=ref),
    ]


def done(ref: str) -> dict[str, Any]:
    """The Done button of an escalated action's channel post."""
    return button(ActionId.ACTION_DONE, label("done"), ref)
