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


def for_home(programs: list[str], actions: list[str], risks: list[str], issues: list[str]) -> list[dict[str, Any]]:
    """The Home tab's buttons: forms at the top, Update status and Add a risk under each program, Done and
    Snooze under each action, Reviewed and Update under each risk, Resolve under each issue."""
    found = [
        button(ActionId.PROGRAM_NEW_FORM, label("new_program"), "", group="home"),
        button(ActionId.DECISION_LOG_FORM, label("log_decision"), "", group="home"),
        button(ActionId.ACTION_ADD_FORM, label("add_action"), "", group="home"),
    ]
    for key in programs:
        found += [
            button(ActionId.STATUS_FORM, label("update_status"), key, style="primary", group=f"P-{key}"),
            button(ActionId.RISK_ADD_FORM, label("add_risk"), key, group=f"P-{key}"),
        ]
    for ref in actions:
        found += [
            button(ActionId.ACTION_DONE, label("done"), ref, style="primary", group=ref),
            button(ActionId.ACTION_SNOOZE_WEEK, label("snooze_week"), ref, group=ref),
        ]
    for ref in risks:
        found += for_review(ref)
    for ref in issues:
        found.append(button(ActionId.ISSUE_RESOLVE, label("resolve"), ref, group=ref))
    return found


def for_checkin(key: str) -> list[dict[str, Any]]:
    """Update status (the status form, filled with the last one) and No change, under a check-in DM."""
    return [
        button(ActionId.STATUS_FORM, label("update_status"), key, style="primary"),
        button(ActionId.CHECKIN_NO_CHANGE, label("no_change"), key),
    ]
