"""/issue: problems that happened (a risk that materialised, or a new one), their impact, until resolved."""

from __future__ import annotations

import re

from commands.common import program_key, scope_key, title
from commands.grammar import ParseContext, parse_id, parse_text, parse_user
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from domain import issues
from domain.inputs import NumberRef
from domain.issues import IssueCreate, IssueQuery, IssueResolve
from store.ids import Kind

COMMAND = Command("issue", "issues: risks that happened and problems that emerged, their impact, until resolved")


def parse_severity(raw: str, _ctx: ParseContext) -> int:
    """1 (the worst) to 4; `sev1` and `S2` too."""
    match = re.fullmatch(r"(?:sev|s)?-?([1-4])", raw.strip(), re.IGNORECASE)
    if match is None:
        raise UsageError("not_a_severity", value=raw)
    return int(match.group(1))


def parse_risk(raw: str, _ctx: ParseContext) -> int:
    """The risk that materialised: R-n."""
    return parse_id(Kind.RISK)(raw)


@COMMAND.sub(
    "raise",
    usage='KEY Title... severity:1-4 impact:"..." [from:R-n] [owner:@u]',
    summary="Raise an issue (anyone who may see the program): severity 1 is the worst; say its impact (volume "
    "affected, SLA hours, cost). `from:` closes the risk it materialised from. Severity 1-2 show in digests.",
    runs=issues.raise_,
    fields=[
        field_("severity", parse_severity, required=True),
        field_("impact", parse_text, required=True),
        field_("from", parse_risk),
        field_("owner", parse_user),
    ],
    examples=['issue raise TNS-APPEALS Vendor queue backlog severity:2 impact:"14k appeals past the 48h SLA" from:R-3'],
)
def raise_(args: Args, _ctx: ParseContext) -> IssueCreate:
    values = args.values
    return IssueCreate(
        key=program_key(args),
        title=title(args, 1),
        severity=values["severity"],
        impact=values["impact"],
        risk_number=values.get("from"),
        owner_id=values.get("owner"),
    )


@COMMAND.sub(
    "resolve",
    usage="I-n [How it was resolved...]",
    summary="Resolve an issue (its owner, the program owner or an admin).",
    runs=issues.resolve,
    examples=["issue resolve I-2 Second vendor cleared the backlog"],
    min_words=1,
)
def resolve(args: Args, _ctx: ParseContext) -> IssueResolve:
    return IssueResolve(number=parse_id(Kind.ISSUE)(args.words[0]), resolution=args.text(1) or None)


@COMMAND.sub(
    "list",
    usage="[KEY]",
    summary="Open issues, most severe first.",
    runs=issues.list_,
    examples=["issue list", "issue list TNS-APPEALS"],
)
def list_(args: Args, _ctx: ParseContext) -> IssueQuery:
    return IssueQuery(key=scope_key(args))


@COMMAND.sub("show", usage="I-n", summary="One issue.", runs=issues.show, examples=["issue show I-2"], min_words=1)
def show(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=parse_id(Kind.ISSUE)(args.words[0]))
