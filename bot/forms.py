"""The form of each command that has one: which input fields it asks for, in the command's own names; and the
shortcuts that open them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ids import CallbackId, ShortcutId
from bot.modals import Form, FormField, Widget
from commands.budget import money
from domain.actions import ActionCreate, ActionUpdate
from domain.asks import AskTo
from domain.budget import BudgetSpendInput
from domain.decisions import DecisionCreate
from domain.issues import IssueCreate
from domain.programs import ProgramCreate, StatusReport
from domain.risks import RiskCreate, RiskUpdate
from domain.staffing import StaffChange
from domain.status import DIMENSIONS
from store.ids import Kind

_F = FormField
PROGRAM = _F("program", "key", Widget.PROGRAM)
TITLE = _F("title", "title")
OWNER = _F("owner", "owner_id", Widget.PERSON)
RISK_DETAILS = (
    _F("owner", "owner_id", Widget.PERSON),
    _F("review", "review_date"),
    _F("mitigation", "mitigation", Widget.LONG_TEXT),
    _F("response", "response"),
    _F("category", "category"),
    _F("trigger", "trigger", Widget.LONG_TEXT),
)
SCALES = (_F("likelihood", "likelihood"), _F("impact", "impact"))

FORMS: tuple[Form, ...] = (
    Form(
        "program",
        "new",
        CallbackId.PROGRAM_NEW,
        ProgramCreate,
        (
            _F("key", "key"),
            _F("title", "name"),
            OWNER,
            _F("channel", "channel_id", Widget.CHANNEL),
            _F("due", "target_date"),
            _F("restricted", "restricted"),
            _F("members", "members", Widget.PEOPLE),
            _F("channels", "allowed_channels", Widget.CHANNELS),
        ),
        words=("key",),
        rest="title",
    ),
    Form(
        "program",
        "status",
        CallbackId.PROGRAM_STATUS,
        StatusReport,
        (
            PROGRAM,
            _F("status", "rag"),
            _F("summary", "summary", Widget.LONG_TEXT),
            *(_F(name, name) for name in DIMENSIONS),
            _F("path", "path_to_green", Widget.LONG_TEXT),
            _F("confidence", "confidence"),
            _F("asks", "asks", Widget.LONG_TEXT),
            _F("ask-to", "ask_to", Widget.PERSON, read=lambda user: AskTo(user_id=user)),
            _F("ask-by", "ask_by"),
        ),
        words=("program", "status"),
        rest="summary",
    ),
    Form(
        "risk",
        "add",
        CallbackId.RISK_ADD,
        RiskCreate,
        (PROGRAM, TITLE, *SCALES, *RISK_DETAILS),
        words=("program",),
        rest="title",
    ),
    Form(
        "risk",
        "update",
        CallbackId.RISK_UPDATE,
        RiskUpdate,
        (TITLE, *SCALES, *RISK_DETAILS, _F("status", "status", omit=("closed",))),
        target=Kind.RISK,
        needs=1,
    ),
    Form(
        "decision",
        "log",
        CallbackId.DECISION_LOG,
        DecisionCreate,
        (
            PROGRAM,
            TITLE,
            _F("decider", "decider_id", Widget.PERSON),
            _F("why", "rationale", Widget.LONG_TEXT),
            _F("options", "options", Widget.LONG_TEXT),
            _F("consulted", "consulted", Widget.PEOPLE),
            _F("informed", "informed", Widget.PEOPLE),
            _F("context", "context", Widget.LONG_TEXT),
            _F("status", "status", omit=("superseded",)),
        ),
        words=("program",),
        rest="title",
    ),
    Form(
        "action",
        "add",
        CallbackId.ACTION_ADD,
        ActionCreate,
        (
            PROGRAM,
            TITLE,
            OWNER,
            _F("due", "due"),
            _F("risk", "risk", Widget.REF, kind=Kind.RISK),
            _F("decision", "decision", Widget.REF, kind=Kind.DECISION),
            _F("issue", "issue", Widget.REF, kind=Kind.ISSUE),
        ),
        words=("program",),
        rest="title",
    ),
    Form(
        "action",
        "update",
        CallbackId.ACTION_UPDATE,
        ActionUpdate,
        (TITLE, OWNER, _F("due", "due")),
        target=Kind.ACTION,
        needs=1,
    ),
    Form(
        "issue",
        "raise",
        CallbackId.ISSUE_RAISE,
        IssueCreate,
        (
            PROGRAM,
            TITLE,
            _F("severity", "severity", scale=range(1, 5)),
            _F("impact", "impact", Widget.LONG_TEXT, label="issue_impact"),
            _F("from", "risk_number", Widget.REF, kind=Kind.RISK),
            OWNER,
        ),
        words=("program",),
        rest="title",
    ),
    Form(
        "budget",
        "spend",
        CallbackId.BUDGET_SPEND,
        BudgetSpendInput,
        (PROGRAM, _F("amount", "amount", read=money), _F("category", "category"), _F("note", "note")),
        words=("program", "amount"),
    ),
    Form(
        "staff",
        "fill",
        CallbackId.STAFF_FILL,
        StaffChange,
        (PROGRAM, _F("counts", "counts", Widget.COUNTS)),
        words=("program",),
    ),
)
BY_CALLBACK = {form.callback: form for form in FORMS}
BY_COMMAND = {(form.command, form.sub): form for form in FORMS}


@dataclass(frozen=True)
class Capture:
    """What a shortcut opens, and (on a message) the blocks its text and first mention fill."""

    callback: CallbackId
    title: str | None = "title"  # the message's first line
    text: str | None = None  # the whole message
    person: str | None = None  # the first person it mentions


SHORTCUTS: dict[ShortcutId, Capture] = {
    ShortcutId.LOG_DECISION: Capture(CallbackId.DECISION_LOG, text="context", person="decider"),
    ShortcutId.ADD_RISK: Capture(CallbackId.RISK_ADD, person="owner"),
    ShortcutId.ADD_ACTION: Capture(CallbackId.ACTION_ADD, person="owner"),
    ShortcutId.RECORD_STATUS: Capture(CallbackId.PROGRAM_STATUS, title=None, text="summary"),
    ShortcutId.NEW_PROGRAM: Capture(CallbackId.PROGRAM_NEW, title=None),
}
