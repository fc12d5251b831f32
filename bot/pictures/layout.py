"""Where things landed in a drawn picture, in PNG pixels (x right, y down from the top-left corner).

Every drawing function returns a `Picture`: the PNG bytes and a layout read back from the drawn
figure, so a test (or a caller cropping a thumbnail) can find a cell, a bar or a line in the image.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

from bot.pictures.data import Cell

L = TypeVar("L")


class Point(NamedTuple):
    """A position in the PNG, in pixels from its top-left corner."""

    x: float
    y: float


@dataclass(frozen=True)
class Box:
    """A rectangle in the PNG, in pixels (top < bottom)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def center(self) -> Point:
        return Point((self.left + self.right) / 2, (self.top + self.bottom) / 2)

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def contains(self, point: Point, margin: float = 0.5) -> bool:
        return (
            self.left - margin <= point.x <= self.right + margin
            and self.top - margin <= point.y <= self.bottom + margin
        )

    def encloses(self, other: Box, margin: float = 0.5) -> bool:
        return self.contains(Point(other.left, other.top), margin) and self.contains(
            Point(other.right, other.bottom), margin
        )


@dataclass(frozen=True)
class Label:
    """A piece of text as drawn, and the pixel box it covers."""

    text: str
    box: Box


@dataclass(frozen=True)
class Scale:
    """A linear axis: value v0 sits at pixel p0 and v1 at p1 (dates are given as ordinals)."""

    v0: float
    p0: float
    v1: float
    p1: float

    def px(self, value: float) -> float:
        return self.p0 + (value - self.v0) * (self.p1 - self.p0) / (self.v1 - self.v0)

    def date_px(self, day: dt.date) -> float:
        return self.px(day.toordinal())


@dataclass(frozen=True)
class Picture(Generic[L]):
    """A drawn picture: deterministic PNG bytes and where its parts are."""

    png: bytes
    layout: L


@dataclass(frozen=True)
class Arrow:
    """A movement arrow; `path` samples the drawn shaft from its start to its end."""

    refs: tuple[str, ...]
    source: Cell
    target: Cell
    path: tuple[Point, ...]


@dataclass(frozen=True)
class Frame:
    """What every picture has: its pixel size, its title and the texts of its legend."""

    width: int
    height: int
    title: str
    legend: tuple[str, ...]


@dataclass(frozen=True)
class HeatmapLayout(Frame):
    cells: Mapping[Cell, Box]
    counts: Mapping[Cell, Label]
    bands: Mapping[Cell, Label]
    new: Mapping[Cell, Label]
    closed: Mapping[Cell, Label]
    closed_markers: Mapping[Cell, tuple[Point, ...]]
    arrows: tuple[Arrow, ...]


@dataclass(frozen=True)
class RagTimelineLayout(Frame):
    cells: Mapping[tuple[str, int], Box]
    letters: Mapping[tuple[str, int], Label]
    week_labels: tuple[Label, ...]
    row_labels: tuple[Label, ...]


@dataclass(frozen=True)
class KpiLayout(Frame):
    subtitle: str
    plot: Box
    x: Scale
    y: Scale
    target_y: float
    warning_y: float | None
    points: tuple[Point, ...]
    last_value: Label
    y_ticks: tuple[Label, ...]
    y_axis_label: str


@dataclass(frozen=True)
class BarMark:
    key: str
    phase: str
    current: Box
    baseline: Box | None


@dataclass(frozen=True)
class MilestoneMark:
    key: str
    name: str
    at: Point
    done: bool
    baseline_at: Point | None
    label: Label  # its name as drawn (shortened or set apart where names would overlap)
    slip: Label | None  # the same label when it carries the slip


@dataclass(frozen=True)
class RoadmapLayout(Frame):
    plot: Box
    x: Scale
    today_x: float
    rows: Mapping[str, Box]
    bars: tuple[BarMark, ...]
    milestones: tuple[MilestoneMark, ...]
    x_ticks: tuple[Label, ...]
