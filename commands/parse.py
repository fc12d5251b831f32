"""Turns a slash command's text into its use case and typed input, or into the reply the grammar gives
(help, usage, a grammar error) without touching the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from commands import action, ask, budget, decision, digest, issue, kpi, program, pulse, risk, staff
from commands.grammar import ParseContext
from commands.problems import UsageError
from commands.registry import Args, Command, Subcommand
from commands.suggest import pick
from domain.inputs import Input, invalid
from domain.messages import Message, Reply, error
from domain.spelling import did_you_mean

COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        program.COMMAND,
        risk.COMMAND,
        decision.COMMAND,
        action.COMMAND,
        ask.COMMAND,
        digest.COMMAND,
        pulse.COMMAND,
    )
}
COMMANDS[kpi.COMMAND.name] = kpi.COMMAND
COMMANDS[budget.COMMAND.name] = budget.COMMAND
COMMANDS[issue.COMMAND.name] = issue.COMMAND
COMMANDS[staff.COMMAND.name] = staff.COMMAND


@dataclass(frozen=True)
class Parsed:
    """A command ready to run: its subcommand (use case, usage line) and the typed input."""

    sub: Subcommand
    data: Input


def usage_reply(command: Command, ctx: ParseContext, note: dict[str, Any] | None = None) -> Reply:
    """Usage of every subcommand of `command`, with examples."""
    return Reply(
        Message(
            "usage",
            {
                "command": command.name,
                "slash": f"/{ctx.command_prefix}{command.name}",
                "note": note,
                "summary": command.summary,
                "subs": sorted(command.subs.values(), key=lambda s: s.name),
                "prefix": ctx.command_prefix,
            },
        )
    )


def help_reply(args: Args, ctx: ParseContext) -> Reply:
    """`/pulse help`: every command, or the usage of the one named."""
    if args.words:
        return usage_reply(COMMANDS[command_named(args.words[0], ctx)], ctx)
    listed = [
        (f"/{ctx.command_prefix}{name}", COMMANDS[name].summary, sorted(COMMANDS[name].subs))
        for name in sorted(COMMANDS)
    ]
    return Reply(Message("help", {"commands": listed, "slash": f"/{ctx.command_prefix}pulse"}))


def command_named(word: str, ctx: ParseContext) -> str:
    """The command `word` names (`risk`, `/risk`, `/pm-risk`), else a UsageError with a did-you-mean."""
    name = word.lower().lstrip("/").removeprefix(ctx.command_prefix)
    return pick(name, COMMANDS, code="unknown_command")


def parse(command: str, text: str, ctx: ParseContext) -> Parsed | Reply:
    """The use case and input `/command text` asks for, or the grammar's own reply."""
    try:
        found = COMMANDS[command_named(command, ctx)]
    except UsageError as exc:
        return error(exc.code, exc.values)
    text = text.strip()
    if not text or (text.lower() in {"help", "?"} and "help" not in found.subs):
        return usage_reply(found, ctx)
    # Any whitespace separates the subcommand (Slack may send a tab or a no-break space), as in `tokenize`.
    head, rest = [*text.split(None, 1), "", ""][:2]
    sub = found.subs.get(head.lower())
    if sub is None:
        slash = f"{ctx.command_prefix}{found.name}"
        close = did_you_mean(head, found.subs)
        if close is None:
            note = {"code": "unknown_subcommand", "values": {"value": head, "command": slash}}
            return usage_reply(found, ctx, note=note)
        values = {"value": head, "command": slash, "suggestion": close}
        return error("unknown_subcommand_suggestion", values, found.subs[close].usage_line(ctx.command_prefix))
    try:
        args = sub.parse(rest, ctx)
        if sub.runs is None:
            return help_reply(args, ctx)
        return Parsed(sub, sub.build(args, ctx))
    except UsageError as exc:
        return error(exc.code, exc.values, sub.usage_line(ctx.command_prefix))
    except ValidationError as exc:
        problem = invalid(exc)
        return error(problem.code, problem.values, sub.usage_line(ctx.command_prefix))


def partial(command: str, text: str, ctx: ParseContext) -> tuple[Subcommand, Args] | None:
    """The subcommand `/command text` names and what its text already gives, missing words and required fields
    allowed (a form asks for the rest); None when the text names no subcommand or does not parse."""
    found = COMMANDS.get(command.lower().lstrip("/").removeprefix(ctx.command_prefix))
    head, rest = [*text.strip().split(None, 1), "", ""][:2]
    sub = found.subs.get(head.lower()) if found else None
    if sub is None or sub.runs is None:
        return None
    try:
        return sub, sub.parse(rest, ctx, partial=True)
    except UsageError:
        return None


def names() -> list[str]:
    """Every top-level command name (without prefix)."""
    return list(COMMANDS)
