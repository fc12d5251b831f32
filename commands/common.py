"""Helpers shared by the command modules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session

from commands.grammar import UsageError
from commands.registry import Args
from commands.reply import CommandRequest
from store.lookup import program_by_key, visible_programs
from store.models import Program

LIST_LIMIT = 15
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The first rows of a result and how many more there are."""

    rows: Sequence[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def page(rows: Sequence[T], limit: int = LIST_LIMIT) -> Page[T]:
    """Cut a sorted result to `limit` rows, remembering the total."""
    return Page(rows=rows[:limit], total=len(rows))


def program_key(args: Args, index: int = 0) -> str:
    """The program KEY at word `index`."""
    return args.word(index, "The program KEY (e.g. TNS-APPEALS)").upper()


def title(args: Args, start: int, what: str, example: str) -> str:
    """Free text from word `start`, or a UsageError with an example."""
    text = args.text(start)
    if not text:
        raise UsageError(f"{what} is missing, e.g. `{example}`.")
    return text


def scope_of(request: CommandRequest, args: Args, session: Session) -> list[Program]:
    """The program named by the first word, or every program the caller may see."""
    if len(args.words) > 1:
        extra = " ".join(args.words[1:])
        raise UsageError(f"I don't know what to do with `{extra}`: give at most one program KEY; quote search words.")
    if args.words:
        return [program_by_key(session, request.actor, program_key(args))]
    return visible_programs(session, request.actor)
