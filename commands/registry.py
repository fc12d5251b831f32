"""Declarative commands: each subcommand states its grammar, how text becomes its use case's typed input,
and which use case runs it; the parser enforces the grammar."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from commands.grammar import ParseContext, Parser, parse_date, parse_past_date, parse_text
from commands.problems import UsageError
from commands.tokens import Shape, tokenize
from domain.inputs import Input
from domain.messages import UseCase

# How far a field's value runs follows from what it parses: text to the next field, a date over its phrase.
SHAPES: dict[Parser, Shape] = {parse_text: Shape.TEXT, parse_date: Shape.DATE, parse_past_date: Shape.DATE}


@dataclass(frozen=True)
class FieldSpec:
    """A `name:value` field a subcommand accepts, and how far its value runs in the text."""

    name: str
    parse: Parser
    required: bool = False

    @property
    def shape(self) -> Shape:
        return SHAPES.get(self.parse, Shape.WORD)


def field_(name: str, parse: Parser, *, required: bool = False) -> FieldSpec:
    """Shorthand for a FieldSpec."""
    return FieldSpec(name=name, parse=parse, required=required)


@dataclass(frozen=True)
class Args:
    """Parsed arguments of `/command sub`: free words, typed field values and bare flags."""

    command: str
    sub: str
    words: list[str]
    values: dict[str, Any]
    flags: frozenset[str]

    def text(self, start: int = 0) -> str:
        """The free text from word `start` on (a title or a summary)."""
        return " ".join(self.words[start:]).strip()

    def word(self, index: int) -> str:
        """Positional word `index`, or a UsageError saying what is missing."""
        if index >= len(self.words):
            raise UsageError("missing_words", command=self.command, sub=self.sub)
        return self.words[index]


Builder = Callable[[Args, ParseContext], Input]


@dataclass(frozen=True)
class Subcommand:
    """One `/command sub ...`: its grammar, help text, the builder of its input and its use case.

    `runs` is None for the one subcommand the parser answers itself (`/pulse help`). `route`, when given, picks
    the use case from the built input (one subcommand with verbs: `/program people KEY [add|remove] ...`)."""

    command: str
    name: str
    usage: str
    summary: str
    build: Builder
    runs: UseCase[Any] | None
    fields: tuple[FieldSpec, ...] = ()
    flags: frozenset[str] = frozenset()
    examples: tuple[str, ...] = ()
    min_words: int = 0
    route: Callable[[Input], UseCase[Any]] | None = None

    def case_for(self, data: Input) -> UseCase[Any] | None:
        """The use case that runs `data`."""
        return self.route(data) if self.route is not None else self.runs

    def usage_line(self, prefix: str = "") -> str:
        return f"/{prefix}{self.command} {self.name} {self.usage}".strip()

    def parse(self, text: str, ctx: ParseContext, *, partial: bool = False) -> Args:
        """Check `text` against this subcommand's grammar and convert field values.

        Only this subcommand's fields are fields; any other `word:` is text. A text field runs to the next field,
        so positional words and flags come before it. `partial` accepts missing words and required fields (what a
        form opened from the command asks for)."""
        known = {spec.name: spec for spec in self.fields}
        tokens = tokenize(text, {name: spec.shape for name, spec in known.items()})
        values = {name: known[name].parse(raw, ctx) for name, raw in tokens.fields.items()}
        for spec in self.fields:
            if spec.required and spec.name not in values and not partial:
                raise UsageError("field_required", field=spec.name)
        free = tokens.strings()
        flags = frozenset(w.lower() for w in free if w.lower() in self.flags)
        words = [w for w in free if w.lower() not in self.flags]
        if len(words) < self.min_words and not partial:
            raise UsageError("missing_words", command=self.command, sub=self.name)
        return Args(command=self.command, sub=self.name, words=words, values=values, flags=flags)


@dataclass
class Command:
    """A top-level slash command (`/risk`), its one-line description and its subcommands."""

    name: str
    summary: str
    subs: dict[str, Subcommand] = field(default_factory=dict)

    def sub(
        self,
        name: str,
        *,
        usage: str,
        summary: str,
        runs: UseCase[Any] | None,
        fields: Iterable[FieldSpec] = (),
        flags: Iterable[str] = (),
        examples: Iterable[str] = (),
        min_words: int = 0,
        route: Callable[[Input], UseCase[Any]] | None = None,
    ) -> Callable[[Builder], Builder]:
        """Register the decorated builder as `/name sub ...`, run by the use case `runs`."""

        def register(build: Builder) -> Builder:
            self.subs[name] = Subcommand(
                command=self.name,
                name=name,
                usage=usage,
                summary=summary,
                build=build,
                runs=runs,
                fields=tuple(fields),
                flags=frozenset(flags),
                examples=tuple(examples),
                min_words=min_words,
                route=route,
            )
            return build

        return register
