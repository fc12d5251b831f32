"""Did-you-mean: the closest known name to a mistyped word, or None when nothing is close."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from commands.problems import GrammarError

# Catches one or two typos (`ownr`, `mitgation`, `stauts`, `progam`, `ambr`) but not a different word.
CUTOFF = 0.8
ID_KINDS = "RDAMSK"  # the letters of store.ids.Kind, kept here so this module imports nothing from Pulse
ID_SHAPE = re.compile(r"([A-Za-z])-?(\d{1,9})", re.ASCII)


def undashed_id(word: str, kinds: str = ID_KINDS) -> str | None:
    """`R10` or `r10` -> `R-10`; None for anything else (a dashed ID included)."""
    match = ID_SHAPE.fullmatch(word.strip())
    if match is None or "-" in match.group(0) or match.group(1).upper() not in kinds:
        return None
    return f"{match.group(1).upper()}-{int(match.group(2))}"


def did_you_mean(word: str, candidates: Iterable[str], *, cutoff: float = CUTOFF, kinds: str = ID_KINDS) -> str | None:
    """The candidate `word` most likely means, compared case-insensitively.

    A candidate equal to `word` but for case comes back as the candidate. An ID-shaped word (`R10`, `R-12`) only
    ever matches its dashed form: IDs one digit apart are different items, never a typo of each other. A word
    with a prefix (`TNS-SCAM`) tries the candidates with the same prefix first; a word without one also matches a
    key's part after the prefix (`SCAMS` -> `TNS-SCAMS`). Ties go to the alphabetically first candidate.
    Pass only candidates the caller may see: a suggestion reveals that the name exists.
    """
    pool = sorted(set(candidates))
    lowered = {candidate.lower(): candidate for candidate in pool}
    key = word.strip().lower()
    if not key:
        return None
    if key in lowered:
        return lowered[key]
    if ID_SHAPE.fullmatch(key):
        dashed = undashed_id(key, kinds)
        return lowered.get(dashed.lower()) if dashed else None
    prefix = _prefix(key)
    if prefix:
        same = _closest(key, [c for c in pool if _prefix(c.lower()) == prefix], cutoff)
        if same is not None:
            return same
    return _closest(key, pool, cutoff)


def pick(word: str, candidates: Iterable[str], *, code: str, **values: object) -> str:
    """The candidate `word` names (case-insensitively), else a GrammarError `code` or `code_suggestion`."""
    pool = list(candidates)
    suggestion = did_you_mean(word, pool)
    if suggestion is not None and suggestion.lower() == word.strip().lower():
        return suggestion
    if suggestion is not None:
        raise GrammarError(f"{code}_suggestion", value=word, suggestion=suggestion, **values)
    raise GrammarError(code, value=word, **values)


def _prefix(key: str) -> str:
    """`tns-scams` -> `tns`; `` for a word without a dash."""
    head, dash, _rest = key.partition("-")
    return head if dash else ""


def _closest(key: str, pool: list[str], cutoff: float) -> str | None:
    """The best-scoring candidate at or above `cutoff`; a swap of two neighbouring letters always counts."""
    best: tuple[float, str] | None = None
    for candidate in pool:
        score = _score(key, candidate.lower())
        if score >= cutoff and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None


def _score(key: str, candidate: str) -> float:
    if _one_swap(key, candidate):
        return 1.0
    scores = [difflib.SequenceMatcher(None, key, candidate).ratio()]
    if "-" not in key and "-" in candidate:
        scores.append(difflib.SequenceMatcher(None, key, candidate.partition("-")[2]).ratio())
    return max(scores)


def _one_swap(a: str, b: str) -> bool:
    """`riks` vs `risk`: the same letters with one pair of neighbours swapped (words of three letters or more)."""
    if len(a) != len(b) or len(a) < 3:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
