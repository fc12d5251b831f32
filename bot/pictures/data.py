"""What each picture is drawn from: small frozen dataclasses of plain values (no database rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Band = Literal["low", "medium", "high", "critical"]
Rag = Literal["red", "amber", "green"]
Direction = Literal["up", "down"]
Cell = tuple[int, int]
"""A heat-map cell as (likelihood, impact), each 1-5."""

BANDS: tuple[Band, ...] = ("low", "medium", "high", "critical")
SCALE = range(1, 6)
ALL_CELLS: tuple[Cell, ...] = tuple((likelihood, impact) for impact in SCALE for likelihood in SCALE)


def _check_cell(cell: Cell, what: str) -> None:
    if cell[0] not in SCALE or cell[1] not in SCALE:
        raise ValueError(f"{what} {cell} is off the 5x5 grid (likelihood and impact run 1-5)")


def band_grid(medium_min: int = 5, high_min: int = 10, critical_min: int = 20) -> dict[Cell, Band]:
    """The band of every cell for score thresholds (score = likelihood x impact), as workspaces set them."""
    if not 1 < medium_min < high_min < critical_min <= 25:
        raise ValueError("band thresholds must rise: 1 < medium < high < critical <= 25")
    grid: dict[Cell, Band] = {}
    for cell in ALL_CELLS:
        score = cell[0] * cell[1]
        grid[cell] = (
            "critical"
            if score >= critical_min
            else "high"
            if score >= high_min
            else "medium"
            if score >= medium_min
            else "low"
        )
    return grid


@dataclass(frozen=True)
class HeatmapRisk:
    """One risk on the heat map.

    `likelihood`/`impact` is where it stands now (for a closed risk: the cell it was closed from).
    `previous` is where it stood at the last digest when it has moved since; None when it has not
    moved or is new. A risk both `new` and `closed` (raised and closed in between) counts as closed.
    """

    ref: str
    likelihood: int
    impact: int
    previous: Cell | None = None
    new: bool = False
    closed: bool = False

    def __post_init__(self) -> None:
        _check_cell(self.cell, f"risk {self.ref}")
        if self.previous is not None:
            _check_cell(self.previous, f"risk {self.ref}'s previous cell")

    @property
    def cell(self) -> Cell:
        return (self.likelihood, self.impact)

    @property
    def moved(self) -> bool:
        return self.previous is not None and self.previous != self.cell and not self.new


@dataclass(frozen=True)
class HeatmapData:
    """A 5x5 heat map: the band of every cell (workspace thresholds decide them) and the risks."""

    title: str
    bands: Mapping[Cell, Band]
    risks: tuple[HeatmapRisk, ...] = ()
    since: str = "the last digest"

    def __post_init__(self) -> None:
        missing = [cell for cell in ALL_CELLS if cell not in self.bands]
        if missing:
            raise ValueError(f"bands must give all 25 cells; missing {missing}")
        unknown = sorted({band for band in self.bands.values() if band not in BANDS})
        if unknown:
            raise ValueError(f"unknown bands {unknown}; expected one of {BANDS}")


@dataclass(frozen=True)
class RagRow:
    """One program's weekly RAG: one entry per week of the timeline, None where nothing was reported."""

    key: str
    statuses: tuple[Rag | None, ...]


@dataclass(frozen=True)
class RagTimelineData:
    """Weeks (their first days, oldest first) and one row per program."""

    title: str
    weeks: tuple[dt.date, ...]
    rows: tuple[RagRow, ...]

    def __post_init__(self) -> None:
        if not self.weeks:
            raise ValueError("a RAG timeline needs at least one week")
        for row in self.rows:
            if len(row.statuses) != len(self.weeks):
                raise ValueError(f"{row.key}: {len(row.statuses)} statuses for {len(self.weeks)} weeks")


@dataclass(frozen=True)
class KpiReading:
    on: dt.date
    value: float


@dataclass(frozen=True)
class KpiData:
    """A KPI's readings against its target (and optional warning level); `direction` is the better way."""

    name: str
    unit: str
    direction: Direction
    target: float
    readings: tuple[KpiReading, ...]
    warning: float | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        if not self.readings:
            raise ValueError(f"KPI {self.name} has no readings to draw")
        if self.direction not in ("up", "down"):
            raise ValueError(f"direction must be 'up' or 'down', not {self.direction!r}")


@dataclass(frozen=True)
class Phase:
    """A phase bar: its current dates and, when one was set, its baseline (planned) dates."""

    name: str
    start: dt.date
    end: dt.date
    baseline_start: dt.date | None = None
    baseline_end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"phase {self.name} ends before it starts")
        if (self.baseline_start is None) != (self.baseline_end is None):
            raise ValueError(f"phase {self.name}: give both baseline dates or neither")


@dataclass(frozen=True)
class RoadmapMilestone:
    """A milestone: due now, its baseline date when it was re-planned, done or open."""

    name: str
    due: dt.date
    baseline: dt.date | None = None
    done: bool = False

    @property
    def slip_days(self) -> int:
        """Days later than the baseline (0 when on plan or earlier)."""
        return max(0, (self.due - self.baseline).days) if self.baseline else 0


@dataclass(frozen=True)
class RoadmapRow:
    key: str
    phases: tuple[Phase, ...] = ()
    milestones: tuple[RoadmapMilestone, ...] = ()


@dataclass(frozen=True)
class RoadmapData:
    """Programs as rows; `start`/`end` bound the date axis (default: the data, padded)."""

    title: str
    today: dt.date
    rows: tuple[RoadmapRow, ...]
    start: dt.date | None = None
    end: dt.date | None = None
