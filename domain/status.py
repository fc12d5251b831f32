"""A program's RAG status and its trend (the move since the report before)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from store import programs
from store.models import Program, Rag, StatusUpdate

RAG_RANK = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}
DIMENSIONS = ("schedule", "budget", "scope", "people")  # what a report may rate apart (StatusUpdate columns)


def worst(ratings: list[Rag]) -> Rag | None:
    """The worst of some ratings (None when there are none)."""
    return max(ratings, key=RAG_RANK.__getitem__) if ratings else None


def ratings_of(update: StatusUpdate) -> list[tuple[str, Rag]]:
    """The dimensions a report rated, in DIMENSIONS order."""
    return [(name, rating) for name in DIMENSIONS if (rating := getattr(update, name)) is not None]


def drivers_of(update: StatusUpdate) -> list[str]:
    """The dimensions that drive a report's overall rating: those rated worst, unless all are green."""
    rated = ratings_of(update)
    bottom = worst([rating for _, rating in rated])
    if bottom is None or bottom == Rag.GREEN:
        return []
    return [name for name, rating in rated if rating == bottom]


class Trend(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    UNCHANGED = "unchanged"
    INSUFFICIENT = "insufficient data"  # one report: its first
    NEVER = "never reported"


@dataclass(frozen=True)
class ProgramStatus:
    """The current report of a program and how it moved since the one before."""

    current: StatusUpdate | None
    previous: StatusUpdate | None

    @property
    def rag(self) -> Rag | None:
        return self.current.rag if self.current else None

    @property
    def drivers(self) -> list[str]:
        """The dimensions driving the current rating (digests say which)."""
        return drivers_of(self.current) if self.current else []

    @property
    def trend(self) -> Trend:
        if self.current is None:
            return Trend.NEVER
        if self.previous is None:
            return Trend.INSUFFICIENT
        delta = RAG_RANK[self.current.rag] - RAG_RANK[self.previous.rag]
        return Trend.WORSENING if delta > 0 else Trend.IMPROVING if delta < 0 else Trend.UNCHANGED


def status_of(
    session: Session, program_list: list[Program], *, before: dt.datetime | None = None
) -> dict[int, ProgramStatus]:
    """Current and previous status for each program (as of `before` when given), in one query."""
    latest = programs.latest_statuses(session, program_list, before=before)
    return {pid: ProgramStatus(current, previous) for pid, (current, previous) in latest.items()}
