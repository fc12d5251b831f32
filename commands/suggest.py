"""Names checked against a list (commands, subcommands, enum values), with a did-you-mean when one is close."""

from __future__ import annotations

from collections.abc import Iterable

from commands.problems import UsageError
from domain.spelling import did_you_mean


def pick(word: str, candidates: Iterable[str], *, code: str, **values: object) -> str:
    """The candidate `word` names (case-insensitively), else a UsageError `code` or `code_suggestion`."""
    pool = list(candidates)
    suggestion = did_you_mean(word, pool)
    if suggestion is not None and suggestion.lower() == word.strip().lower():
        return suggestion
    if suggestion is not None:
        raise UsageError(f"{code}_suggestion", value=word, suggestion=suggestion, **values)
    raise UsageError(code, value=word, **values)
