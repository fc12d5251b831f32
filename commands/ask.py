"""/ask: what programs need from people and functions (Finance, Legal) by a date; raised with `/program status`."""

from __future__ import annotations

from commands.common import scope_key
from commands.grammar import ParseContext, parse_id
from commands.registry import Args, Command
from domain import asks
from domain.asks import AskAnswer, AskQuery
from domain.inputs import NumberRef
from store.ids import Kind

COMMAND = Command("ask", "asks: what a program needs, from whom, by when (raised with /program status ... asks:)")


def _number(args: Args) -> int:
    return parse_id(Kind.ASK)(args.words[0])


@COMMAND.sub(
    "list",
    usage="[KEY]",
    summary="Open asks, overdue and soonest due first.",
    runs=asks.list_,
    examples=["ask list", "ask list TNS-APPEALS"],
)
def list_(args: Args, _ctx: ParseContext) -> AskQuery:
    return AskQuery(key=scope_key(args))


@COMMAND.sub(
    "answer",
    usage="ASK-n Answer...",
    summary="Answer an ask (the person asked, the program owner or an admin); posted to the program's channel.",
    runs=asks.answer,
    examples=["ask answer ASK-1 Approved: overtime for 3 weeks, up to 120 hours"],
    min_words=1,
)
def answer(args: Args, _ctx: ParseContext) -> AskAnswer:
    return AskAnswer(number=_number(args), answer=args.text(1))


@COMMAND.sub(
    "withdraw",
    usage="ASK-n",
    summary="Withdraw an ask that is no longer needed (who asked it, the program owner or an admin).",
    runs=asks.withdraw,
    examples=["ask withdraw ASK-1"],
    min_words=1,
)
def withdraw(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=_number(args))
