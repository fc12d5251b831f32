"""Declarative command registration: each handler states its grammar; the dispatcher enforces it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session

from commands.grammar import Context, Parser, UsageError, tokenize
from commands.reply import CommandRequest, Reply


@dataclass(frozen=True)
class FieldSpec:
    """A `name:value` field a subcommand accepts."""

    name: str
    parse: Parser
    required: bool = False


@dataclass(frozen=True)
class Args:
    """Parsed arguments: free words, typed field values and bare flags."""

    words: list[str]
    values: dict[str, Any]
    flags: frozenset[str]

    def text(self, start: int = 0) -> str:
        """The free text from word `start` on (a title or a summary)."""
        return " ".join(self.words[start:]).strip()

    def word(self, index: int, what: str) -> str:
        """Positional word `index`, or a UsageError naming what is missing."""
        if index >= len(self.words):
            raise UsageError(f"{what} is missing.")
        return self.words[index]


Handler = Callable[[CommandRequest, Args, Session], Reply]


@dataclass(frozen=True)
class Subcommand:
    """One `/command sub ...` with its grammar, help text and handler."""

    command: str
    name: str
    usage: str
    summary: str
    handler: Handler
    fields: tuple[FieldSpec, ...] = ()
    flags: frozenset[str] = frozenset()
    writes: bool = False
    examples: tuple[str, ...] = ()
    min_words: int = 0
    missing: str = ""

    def usage_line(self, prefix: str = "") -> str:
        return f"/{prefix}{self.command} {self.name} {self.usage}".strip()

    def parse(self, text: str, ctx: Context) -> Args:
        """Check `text` against this subcommand's grammar and convert field values."""
        tokens = tokenize(text)
        known = {spec.name: spec for spec in self.fields}
        unknown = sorted(set(tokens.fields) - set(known))
        if unknown:
            allowed = ", ".join(f"`{name}:`" for name in known) or "none"
            raise UsageError(
                f"Unknown field{'s' if len(unknown) > 1 else ''} {', '.join(f'`{n}:`' for n in unknown)}. "
                f"Allowed here: {allowed}. (Quote free text that contains a colon.)"
            )
        values = {name: known[name].parse(raw, ctx) for name, raw in tokens.fields.items()}
        for spec in self.fields:
            if spec.required and spec.name not in values:
                raise UsageError(f"`{spec.name}:` is required.")
        flags = frozenset(w.lower() for w in tokens.words if w.lower() in self.flags)
        words = [w for w in tokens.words if w.lower() not in self.flags]
        if len(words) < self.min_words:
            raise UsageError(self.missing or "Something is missing.")
        return Args(words=words, values=values, flags=flags)


REGISTRY: dict[str, dict[str, Subcommand]] = {}
COMMAND_SUMMARIES: dict[str, str] = {}
HandlerT = TypeVar("HandlerT", bound=Handler)


def command(name: str, summary: str) -> None:
    """Declare a top-level slash command (`/risk`) and its one-line description."""
    COMMAND_SUMMARIES[name] = summary
    REGISTRY.setdefault(name, {})


def subcommand(
    command_name: str,
    name: str,
    *,
    usage: str,
    summary: str,
    fields: Iterable[FieldSpec] = (),
    flags: Iterable[str] = (),
    writes: bool = False,
    examples: Iterable[str] = (),
    min_words: int = 0,
    missing: str = "",
) -> Callable[[HandlerT], HandlerT]:
    """Register the decorated function as `/command_name name ...`."""

    def register(handler: HandlerT) -> HandlerT:
        REGISTRY.setdefault(command_name, {})[name] = Subcommand(
            command=command_name,
            name=name,
            usage=usage,
            summary=summary,
            handler=handler,
            fields=tuple(fields),
            flags=frozenset(flags),
            writes=writes,
            examples=tuple(examples),
            min_words=min_words,
            missing=missing,
        )
        return handler

    return register


def field_(name: str, parse: Parser, *, required: bool = False) -> FieldSpec:
    """Shorthand for a FieldSpec."""
    return FieldSpec(name=name, parse=parse, required=required)


@dataclass
class Lookup:
    """The subcommand a request names, or why none matched."""

    sub: Subcommand | None = None
    rest: str = ""
    problem: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def find(command_name: str, text: str) -> Lookup:
    """Split `text` into a subcommand of `command_name` and the rest."""
    subs = REGISTRY.get(command_name)
    if subs is None:
        return Lookup(problem=f"`/{command_name}` is not a Pulse command.")
    # Any whitespace separates the subcommand (Slack may send a tab or a no-break space), as in `tokenize`.
    head, rest = [*text.split(None, 1), "", ""][:2]
    sub = subs.get(head.lower())
    if sub is None:
        return Lookup(problem="unknown", rest=head)
    return Lookup(sub=sub, rest=rest)
