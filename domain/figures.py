"""What Pulse uploads as files: the facts of a picture or the rows of a register, for the Slack side to draw
or write (bot/uploads.py). Plain values only, so nothing here needs matplotlib, openpyxl or Slack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from store.models import KpiDirection, Rag

Cell = tuple[int, int]
"""A heat-map cell: (likelihood, impact), each 1-5."""
Value = str | int | float | dt.date | tuple[str, ...] | None
"""A register cell: text, a number, a date, people (Slack IDs), or None when blank."""


@dataclass(frozen=True)
class HeatmapMark:
    """One risk on the heat map: where it is now (closed: where it was closed from) and where it was at `since`."""

    ref: str
    cell: Cell
    previous: Cell | None = None  # None when it is new, or was in the same cell
    new: bool = False
    closed: bool = False


@dataclass(frozen=True)
class Heatmap:
    """The 5x5 risk heat map of a program or the portfolio, with movement since an instant."""

    scope: str  # a program KEY, or "portfolio"
    today: dt.date
    since: dt.datetime
    thresholds: tuple[int, int, int]  # the workspace's medium, high and critical minimum scores
    marks: tuple[HeatmapMark, ...]


@dataclass(frozen=True)
class Timeline:
    """Weekly RAG per program: `weeks` are Mondays, oldest first; each row has one status (or None) per week."""

    scope: str
    weeks: tuple[dt.date, ...]
    rows: tuple[tuple[str, tuple[Rag | None, ...]], ...]


@dataclass(frozen=True)
class KpiSeries:
    """One KPI's readings (oldest first) against its target and warning level."""

    ref: str
    key: str
    name: str
    unit: str
    direction: KpiDirection
    target: float
    warning: float | None
    readings: tuple[tuple[dt.date, float], ...]


@dataclass(frozen=True)
class Register:
    """An export: rows of Pulse's canonical register fields (see bot/spreadsheets/fields.py)."""

    kind: str  # programs, risks, actions, decisions or kpis
    scope: str
    format: str  # csv, xlsx or json
    rows: tuple[Mapping[str, Value], ...]


@dataclass(frozen=True)
class PlanBar:
    """A phase on the roadmap: its current dates and, when it was re-planned, the dates first planned."""

    name: str
    start: dt.date
    end: dt.date
    baseline_start: dt.date | None = None
    baseline_end: dt.date | None = None


@dataclass(frozen=True)
class PlanDiamond:
    """A milestone on the roadmap: due now, first promised on `baseline` when it was re-dated."""

    label: str
    due: dt.date
    baseline: dt.date | None = None
    done: bool = False


@dataclass(frozen=True)
class RoadmapLine:
    """One program's row of the roadmap."""

    key: str
    bars: tuple[PlanBar, ...] = ()
    diamonds: tuple[PlanDiamond, ...] = ()


@dataclass(frozen=True)
class Roadmap:
    """Programs as rows, phases as bars, milestones as diamonds, against `today`."""

    scope: str
    today: dt.date
    rows: tuple[RoadmapLine, ...]


Figure = Heatmap | Timeline | KpiSeries | Roadmap


@dataclass(frozen=True)
class Upload:
    """A file a reply comes with: shown in `channel_id`, or in the caller's DM with Pulse when None."""

    content: Figure | Register
    channel_id: str | None
