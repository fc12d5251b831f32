"""Grammar helpers the command modules share."""

from __future__ import annotations

from commands.problems import UsageError
from commands.registry import Args


def program_key(args: Args, index: int = 0) -> str:
    """The program KEY at word `index`."""
    return args.word(index).upper()


def title(args: Args, start: int) -> str:
    """Free text from word `start` (a title), or a UsageError with an example."""
    text = args.text(start)
    if not text:
        raise UsageError("missing_title", command=args.command, sub=args.sub)
    return text


def no_words_after(args: Args, count: int) -> None:
    """A UsageError naming the words past the first `count` positional ones, if any."""
    if len(args.words) > count:
        raise UsageError("extra_words", extra=" ".join(args.words[count:]))


def scope_key(args: Args) -> str | None:
    """The one program KEY a list names, or None for every program the caller may see."""
    no_words_after(args, 1)
    return program_key(args) if args.words else None
