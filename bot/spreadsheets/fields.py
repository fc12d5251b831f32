"""Pulse's canonical fields for each kind of register, and the column names registers use for them.

A field's `label` is the header Pulse writes on export; its `aliases` are the other names it accepts
on import. Names are compared after `headers.normalise` (case, spaces, punctuation and bracketed
units or scales do not matter), so "Likelihood (1-5)", "likelihood" and "LIKELIHOOD:" are one name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Kind = Literal["programs", "risks", "actions", "decisions", "kpis"]
KINDS: tuple[Kind, ...] = ("programs", "risks", "actions", "decisions", "kpis")
FieldType = Literal["text", "score", "number", "date", "person", "people", "choice"]


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field: its name, export label, type, the other names it goes by, and its rules."""

    name: str
    label: str
    type: FieldType = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: Mapping[str, str] | None = None
    words: Mapping[str, int] | None = None
    needs: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every accepted column name, the label first."""
        return (self.label, self.name, *self.aliases)


def _words(*groups: str) -> dict[str, int]:
    """Score words: each group is '1=rare,very low' style."""
    words: dict[str, int] = {}
    for group in groups:
        level, names = group.split("=")
        for name in names.split(","):
            words[name] = int(level)
    return words


def _choices(**groups: str) -> dict[str, str]:
    """Accepted words for each canonical value: value='word,word'."""
    choices: dict[str, str] = {}
    for value, words in groups.items():
        choices[value] = value
        for word in words.split(","):
            choices[word] = value
    return choices


LIKELIHOOD_WORDS = _words(
    "1=rare,very low,very unlikely,remote",
    "2=unlikely,low",
    "3=possible,medium,moderate,occasional",
    "4=likely,high,probable",
    "5=almost certain,very high,very likely,certain,frequent",
)
IMPACT_WORDS = _words(
    "1=minimal,very low,insignificant,negligible",
    "2=minor,low",
    "3=moderate,medium",
    "4=major,high,significant",
    "5=severe,very high,catastrophic,critical,extreme",
)


def _score(name: str, words: dict[str, int], *aliases: str) -> FieldSpec:
    """A required 1-5 score (likelihood, impact), also accepted as a scale word."""
    label = name.capitalize()
    return FieldSpec(name, label, "score", (*aliases, f"{label} score"), required=True, words=words)


def _choice(name: str, aliases: tuple[str, ...], **groups: str) -> FieldSpec:
    """A field holding one of a few values (`_choices` lists the words for each)."""
    return FieldSpec(name, name.capitalize(), "choice", aliases, choices=_choices(**groups))


def _title(*aliases: str) -> FieldSpec:
    return FieldSpec("title", "Title", aliases=aliases, required=True)


def _ref(kind: str) -> FieldSpec:
    return FieldSpec("ref", "ID", aliases=(f"{kind} ID", "Ref", "Reference", f"{kind} ref", f"{kind} #", "#", "No"))


PROGRAM = FieldSpec("program", "Program", aliases=("Program key", "Programme", "Project", "Workstream"))

RISKS = (
    _ref("Risk"),
    PROGRAM,
    _title("Risk", "Risk description", "Description", "Risk title", "Risk name", "Summary"),
    _score("likelihood", LIKELIHOOD_WORDS, "Probability", "L", "P", "Prob", "Probability score"),
    _score("impact", IMPACT_WORDS, "Severity", "I", "S", "Consequence", "Severity score"),
    FieldSpec("owner", "Owner", "person", ("Owner email", "Risk owner", "Assigned to", "Assignee", "Owned by")),
    FieldSpec("review_date", "Review date", "date", ("Review", "Next review", "Next review date", "Review by")),
    FieldSpec("mitigation", "Mitigation", aliases=("Mitigation plan", "Response plan", "Mitigations", "Controls")),
    _choice(
        "response",
        ("Strategy", "Treatment", "Response strategy", "Risk response"),
        avoid="avoid,avoidance,terminate,eliminate",
        mitigate="mitigate,mitigation,reduce,treat,control",
        transfer="transfer,share,insure,outsource",
        accept="accept,accepted,acceptance,retain,tolerate",
    ),
    FieldSpec("category", "Category", aliases=("Risk category", "Type", "Risk type", "Theme")),
    FieldSpec(
        "trigger", "Trigger", aliases=("Early warning", "Early warning sign", "Early warning signs", "Trigger event")
    ),
    _choice(
        "status",
        ("Risk status", "State"),
        open="open,new,active,identified,raised",
        mitigating="mitigating,in progress,treating,monitoring,being mitigated",
        accepted="accepted,tolerated",
        closed="closed,resolved,done,retired,complete,completed",
    ),
    FieldSpec("close_reason", "Close reason", aliases=("Closure reason", "Reason closed", "Closing note")),
)

ACTIONS = (
    _ref("Action"),
    PROGRAM,
    _title("Action", "Action item", "Task", "Description", "Summary", "Item"),
    FieldSpec("owner", "Owner", "person", ("Owner email", "Assigned to", "Assignee", "Action owner", "Responsible")),
    FieldSpec("due", "Due", "date", ("Due date", "Deadline", "Target date", "Due by", "By when"), required=True),
    _choice(
        "status",
        ("Action status", "State"),
        open="open,not started,in progress,blocked,ongoing,pending,to do,todo,overdue",
        done="done,complete,completed,closed,finished,resolved",
    ),
    FieldSpec("risk", "Risk ID", aliases=("Risk", "Linked risk", "Related risk", "Risk ref")),
    FieldSpec("decision", "Decision ID", aliases=("Decision", "Linked decision", "Related decision", "Decision ref")),
)

DECISIONS = (
    _ref("Decision"),
    PROGRAM,
    _title("Decision", "Decision title", "Subject", "Topic", "Summary", "Question"),
    FieldSpec("decider", "Decider", "person", ("Approver", "Decision maker", "Decided by", "Approved by")),
    FieldSpec("driver", "Driver", "person", ("Owner", "Raised by", "Proposer", "Proposed by")),
    FieldSpec("outcome", "Outcome", aliases=("Chosen option", "Result", "Resolution", "Decision made")),
    FieldSpec("rationale", "Rationale", aliases=("Why", "Reason", "Reasoning", "Justification")),
    FieldSpec("options", "Options", aliases=("Options considered", "Alternatives", "Alternatives considered")),
    FieldSpec("context", "Context", aliases=("Background", "Problem", "Problem statement")),
    FieldSpec("consulted", "Consulted", "people", ("Contributors", "Contributor", "Consulted with")),
    FieldSpec("informed", "Informed", "people", ("Inform", "FYI", "Keep informed")),
    _choice(
        "status",
        ("Decision status", "State"),
        proposed="proposed,pending,draft,open,under review,in review,to decide",
        decided="decided,approved,agreed,made,final,closed,done",
        superseded="superseded,replaced,reversed,revoked,overturned",
    ),
    FieldSpec("date", "Date", "date", ("Decision date", "Decided on", "Date decided", "Decided")),
    FieldSpec("superseded_by", "Superseded by", aliases=("Replaced by", "Superseded by decision", "Successor")),
)

KPIS = (
    PROGRAM,
    FieldSpec(
        "name", "Name", aliases=("KPI", "KPI name", "Metric", "Metric name", "Measure", "Indicator"), required=True
    ),
    FieldSpec("unit", "Unit", aliases=("Units", "UoM", "Unit of measure")),
    FieldSpec("target", "Target", "number", ("Goal", "Target value")),
    _choice(
        "direction",
        ("Better", "Polarity", "Good direction", "Better when"),
        up="higher,higher is better,increase,increasing,max,maximise,maximize,\N{UPWARDS ARROW},+,high",
        down="lower,lower is better,decrease,decreasing,min,minimise,minimize,\N{DOWNWARDS ARROW},-,low",
    ),
    FieldSpec("warning", "Warning", "number", ("Warning threshold", "Threshold", "Warning level", "Alert threshold")),
    FieldSpec("owner", "Owner", "person", ("KPI owner", "Owner email", "Metric owner")),
    FieldSpec("source", "Source", aliases=("Data source", "Source of truth")),
    FieldSpec(
        "reading_value",
        "Value",
        "number",
        ("Reading", "Reading value", "Actual", "Current", "Measured value", "Current value"),
        needs="reading_date",
    ),
    FieldSpec(
        "reading_date", "Reading date", "date", ("Date", "As of", "Measured on", "Reading on"), needs="reading_value"
    ),
    FieldSpec("reading_note", "Note", aliases=("Reading note", "Comment", "Notes"), needs="reading_value"),
)

PROGRAMS = (
    FieldSpec("key", "Key", aliases=("Program key", "Program", "Code"), required=True),
    FieldSpec("name", "Name", aliases=("Program name", "Title"), required=True),
    FieldSpec("owner", "Owner", "person", ("Program owner", "Owner email")),
    FieldSpec("channel", "Channel", aliases=("Slack channel",)),
    FieldSpec("target_date", "Target date", "date", ("Target", "End date", "Due")),
    _choice("restricted", ("Private", "Confidential"), yes="yes,true,y", no="no,false,n"),
    FieldSpec("members", "Members", "people", ("Team", "Cleared members")),
    _choice("status", ("RAG", "RAG status"), green="g", amber="a,yellow", red="r"),
    FieldSpec("summary", "Summary", aliases=("Status summary", "Update", "Latest update")),
    FieldSpec("archived", "Archived", "date", ("Archived on",)),
)

FIELDS: dict[Kind, tuple[FieldSpec, ...]] = {
    "programs": PROGRAMS,
    "risks": RISKS,
    "actions": ACTIONS,
    "decisions": DECISIONS,
    "kpis": KPIS,
}


def field(kind: Kind, name: str) -> FieldSpec:
    """The field `name` of `kind`; KeyError naming the fields there are otherwise."""
    for spec in FIELDS[kind]:
        if spec.name == name:
            return spec
    raise KeyError(f"{kind} have no field {name!r}; they have {', '.join(spec.name for spec in FIELDS[kind])}")
