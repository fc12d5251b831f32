"""Every action_id and callback_id Pulse puts on Slack surfaces, in one place.

The values are stable: messages already posted carry them, and a click on an old message must still work.
"""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Buttons on Pulse's messages (Slack sends the value back in `block_actions`)."""

    ALERT_ACK = "alert_ack"
    ACTION_DONE = "action_done"
    ACTION_SNOOZE_DAY = "action_snooze_1d"
    ACTION_SNOOZE_WEEK = "action_snooze_1w"
    RISK_REVIEWED = "risk_reviewed"
    RISK_UPDATE = "risk_update_form"
    PROGRAM_NEW_FORM = "program_new_form"
    STATUS_FORM = "program_status_form"
    RISK_ADD_FORM = "risk_add_form"
    DECISION_LOG_FORM = "decision_log_form"
    ACTION_ADD_FORM = "action_add_form"
    CHECKIN_NO_CHANGE = "checkin_no_change"
    ISSUE_RESOLVE = "issue_resolve"


class CallbackId(StrEnum):
    """Modals (Slack sends the value back in `view_submission`)."""

    PROGRAM_NEW = "program_new_modal"
    PROGRAM_STATUS = "program_status_modal"
    RISK_ADD = "risk_add_modal"
    RISK_UPDATE = "risk_update_modal"
    DECISION_LOG = "decision_log_modal"
    ACTION_ADD = "action_add_modal"
    ACTION_UPDATE = "action_update_modal"
    ISSUE_RAISE = "issue_raise_modal"
    BUDGET_SPEND = "budget_spend_modal"
    STAFF_FILL = "staff_fill_modal"


class ShortcutId(StrEnum):
    """Message shortcuts (on any message's menu) and the global shortcut (Slack sends the value back)."""

    LOG_DECISION = "log_as_decision"
    ADD_RISK = "add_as_risk"
    ADD_ACTION = "add_as_action"
    RECORD_STATUS = "record_status"
    NEW_PROGRAM = "new_program"


MODAL_VALUE = "value"  # the action_id of the one input element in each modal block
