"""What a program channel's canvas shows: each program homed in the channel with its current status and asks,
milestones, top risks, recent decisions and open actions (only its own items: the channel may see them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from domain.bands import Band, band_for
from domain.portfolio import ProgramFacts, facts_for
from store import canvases, decisions
from store.models import Decision, Risk
from store.settings import workspace_settings

TOP_RISKS = 5
RECENT_DECISIONS = 5
LISTED = 10  # milestones and open actions shown before "and N more"


@dataclass(frozen=True)
class Board:
    """One program as its channel's canvas shows it."""

    facts: ProgramFacts
    risks: list[tuple[Risk, Band]]  # the highest scores first, at most TOP_RISKS
    decisions: list[Decision]  # the newest first, at most RECENT_DECISIONS


def boards(session: Session, team_id: str, channel_id: str, *, today: dt.date, now: dt.datetime) -> list[Board]:
    """The live programs whose home channel is `channel_id`, by key (none: the canvas says so)."""
    programs = canvases.programs_in(session, team_id, channel_id)
    settings = workspace_settings(session, team_id)
    recent: dict[int, list[Decision]] = {}
    for decision in decisions.query(session, team_id, [p.id for p in programs if p.id is not None]):
        recent.setdefault(decision.program_id, []).append(decision)
    found = facts_for(session, team_id, programs, today=today, now=now)
    return [
        Board(
            facts=f,
            risks=[(r, band_for(r.score, settings)) for r in f.risks[:TOP_RISKS]],
            decisions=recent.get(f.program.id or 0, [])[:RECENT_DECISIONS],
        )
        for f in sorted(found, key=lambda f: f.program.key)
    ]
