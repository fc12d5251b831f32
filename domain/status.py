"""A program's RAG status and its trend (the move since the report before)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from store import programs
from store.models import Program, Rag, StatusUpdate

RAG_RANK = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


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
