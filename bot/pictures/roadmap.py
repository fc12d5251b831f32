"""The roadmap: programs as rows, phases as bars over their baselines, milestones as diamonds, slips and today."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.pictures._dates import date_ticks
from bot.pictures.data import Phase, RoadmapData, RoadmapMilestone
from bot.pictures.layout import BarMark, Box, Label, MilestoneMark, Picture, RoadmapLayout, Scale
from bot.pictures.palette import BLUE, GREY, INK, REDDISH_PURPLE, SKY_BLUE, VERMILLION, WHITE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

WIDTH = 1100
ROW_PX = 96
CHROME_PX = 245  # title, subtitle, date axis and legend
BOTTOM_PX = 125
LEGEND_GAP_PX = 48  # from the plot's bottom edge to the legend, below the date labels
ROW_LABEL_PT = 13
PHASE_COLOURS = (BLUE, SKY_BLUE)
PHASE_TEXT = {BLUE: WHITE, SKY_BLUE: INK}
BASELINE_COLOUR = GREY
TODAY_COLOUR = REDDISH_PURPLE
SLIP_COLOUR = VERMILLION
# Where things sit inside a row (rows are 1 unit tall, centred on their index; y grows downwards).
NAME_Y, MILESTONE_Y, BAR_Y, BAR_HEIGHT, BASELINE_Y, BASELINE_HEIGHT = -0.34, -0.18, 0.05, 0.26, 0.26, 0.08


def draw_roadmap(data: RoadmapData) -> Picture[RoadmapLayout]:
    """Draw `data` as a PNG Gantt chart, with where its rows, bars, milestones and today line are."""
    from bot.pictures import _canvas

    rows = max(len(data.rows), 1)
    height = CHROME_PX + ROW_PX * rows
    first, last = _window(data)
    with _canvas.figure(WIDTH, height) as fig:
        left = _canvas.left_margin([row.key for row in data.rows], ROW_LABEL_PT)
        plot_height = (height - CHROME_PX) / height
        ax = fig.add_axes((left / WIDTH, BOTTOM_PX / height, (WIDTH - left - 40) / WIDTH, plot_height))
        ax.set_xlim(first.toordinal(), last.toordinal())
        ax.set_ylim(rows - 0.5, -0.5)
        bars = [(row.key, index, phase, n) for index, row in enumerate(data.rows) for n, phase in enumerate(row.phases)]
        for _key, index, phase, n in bars:
            _phase(ax, index, phase, PHASE_COLOURS[n % len(PHASE_COLOURS)])
        milestones = [
            (row.key, index, milestone) for index, row in enumerate(data.rows) for milestone in row.milestones
        ]
        slips = {(key, milestone.name): _milestone(ax, index, milestone) for key, index, milestone in milestones}
        _today(ax, data.today)
        _axes(fig, ax, data, first, last)
        _canvas.settle(fig)
        scale = Scale(first.toordinal(), _x(fig, ax, first), last.toordinal(), _x(fig, ax, last))
        layout = RoadmapLayout(
            *_canvas.frame(fig, ax, data.title),
            plot=_canvas.axes_box(fig, ax),
            x=scale,
            today_x=scale.date_px(data.today),
            rows={
                row.key: _canvas.box(fig, ax, first.toordinal(), index - 0.5, last.toordinal(), index + 0.5)
                for index, row in enumerate(data.rows)
            },
            bars=tuple(_bar_mark(fig, ax, key, index, phase) for key, index, phase, _ in bars),
            milestones=tuple(
                MilestoneMark(
                    key=key,
                    name=milestone.name,
                    at=_canvas.point(fig, ax, milestone.due.toordinal(), index + MILESTONE_Y),
                    done=milestone.done,
                    baseline_at=(
                        _canvas.point(fig, ax, milestone.baseline.toordinal(), index + MILESTONE_Y)
                        if milestone.baseline and milestone.baseline != milestone.due
                        else None
                    ),
                    slip=_slip_label(fig, slips[(key, milestone.name)]),
                )
                for key, index, milestone in milestones
            ),
            x_ticks=_canvas.ticks(fig, ax, "x"),
        )
        return Picture(_canvas.png(fig), layout)


def _slip_label(fig: Figure, text: Text | None) -> Label | None:
    from bot.pictures import _canvas

    return None if text is None else _canvas.label(fig, text)


def _window(data: RoadmapData) -> tuple[dt.date, dt.date]:
    """The date axis: as given, else every date in the data (and today) with a little room either side."""
    days = [data.today]
    for row in data.rows:
        for phase in row.phases:
            days += [phase.start, phase.end, *(d for d in (phase.baseline_start, phase.baseline_end) if d)]
        for milestone in row.milestones:
            days += [milestone.due, *([milestone.baseline] if milestone.baseline else [])]
    pad = dt.timedelta(days=max(7, (max(days) - min(days)).days // 20))
    return data.start or min(days) - pad, data.end or max(days) + pad


def _x(fig: Figure, ax: Axes, day: dt.date) -> float:
    from bot.pictures import _canvas

    return _canvas.point(fig, ax, day.toordinal(), 0).x


def _bar_mark(fig: Figure, ax: Axes, key: str, index: int, phase: Phase) -> BarMark:
    from bot.pictures import _canvas

    def span(start: dt.date, end: dt.date, middle: float, thickness: float) -> Box:
        top, bottom = index + middle - thickness / 2, index + middle + thickness / 2
        return _canvas.box(fig, ax, start.toordinal(), top, end.toordinal(), bottom)

    baseline = None
    if phase.baseline_start and phase.baseline_end:
        baseline = span(phase.baseline_start, phase.baseline_end, BASELINE_Y, BASELINE_HEIGHT)
    return BarMark(key, phase.name, span(phase.start, phase.end, BAR_Y, BAR_HEIGHT), baseline)


def _phase(ax: Axes, index: int, phase: Phase, colour: str) -> None:
    """The current bar, its name inside when it fits, and the thin baseline bar under it."""
    start, end = phase.start.toordinal(), phase.end.toordinal()
    ax.barh(index + BAR_Y, end - start, height=BAR_HEIGHT, left=start, color=colour, zorder=2)
    if phase.baseline_start and phase.baseline_end:
        base_start = phase.baseline_start.toordinal()
        ax.barh(
            index + BASELINE_Y,
            phase.baseline_end.toordinal() - base_start,
            height=BASELINE_HEIGHT,
            left=base_start,
            color=BASELINE_COLOUR,
            zorder=2,
        )
    left_px, right_px = (ax.transData.transform((x, 0))[0] for x in (start, end))
    name = _fit(phase.name, right_px - left_px - 12, 10)
    if name:
        ax.annotate(
            name,
            (start, index + BAR_Y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=10,
            fontweight="bold",
            color=PHASE_TEXT[colour],
            zorder=3,
        )


def _fit(text: str, room_px: float, fontsize: float) -> str:
    """`text`, cut with an ellipsis to fit `room_px`; empty when not even three letters fit."""
    from bot.pictures import _canvas

    if _canvas.text_width(text, fontsize, "bold") <= room_px:
        return text
    for length in range(len(text) - 1, 2, -1):
        cut = text[:length].rstrip() + "\N{HORIZONTAL ELLIPSIS}"
        if _canvas.text_width(cut, fontsize, "bold") <= room_px:
            return cut
    return ""


def _milestone(ax: Axes, index: int, milestone: RoadmapMilestone) -> Text | None:
    """A diamond (filled when done) with its name above; a slipped one also gets its baseline and an arrow.

    Returns the name label when it carries the slip ("Beta \N{MIDDLE DOT} slipped +30d"), else None.
    """
    from bot.pictures import _canvas

    due, y = milestone.due.toordinal(), index + MILESTONE_Y
    if milestone.baseline and milestone.baseline != milestone.due:
        _diamond(ax, milestone.baseline.toordinal(), y, WHITE, BASELINE_COLOUR, 10)
    _diamond(ax, due, y, INK if milestone.done else WHITE, INK, 13)
    slipped = milestone.slip_days > 0
    low, high = ax.get_xlim()
    edge = (high - low) * 0.1
    name = ax.text(
        due,
        index + NAME_Y,
        f"{milestone.name} \N{MIDDLE DOT} slipped +{milestone.slip_days}d" if slipped else milestone.name,
        ha="right" if due > high - edge else "left" if due < low + edge else "center",
        va="bottom",
        fontsize=10,
        fontweight="bold" if slipped else "normal",
        color=SLIP_COLOUR if slipped else INK,
        zorder=7,
        bbox={"boxstyle": "square,pad=0.1", "facecolor": WHITE, "edgecolor": "none"},
    )
    if not slipped or milestone.baseline is None:
        return None
    ax.add_patch(
        _canvas.arrow(
            (milestone.baseline.toordinal(), y),
            (due, y),
            SLIP_COLOUR,
            mutation_scale=16,
            linewidth=2,
            shrinkA=6,
            shrinkB=9,
            zorder=4,
            halo=4.5,
        )
    )
    return name


def _diamond(ax: Axes, x: float, y: float, face: str, edge: str, size: float) -> None:
    ax.plot(
        [x],
        [y],
        marker="D",
        markersize=size,
        markerfacecolor=face,
        markeredgecolor=edge,
        markeredgewidth=2,
        linestyle="none",
        zorder=5,
    )


def _today(ax: Axes, today: dt.date) -> None:
    ax.axvline(today.toordinal(), color=TODAY_COLOUR, linewidth=2, linestyle="--", zorder=6)
    ax.annotate(
        f"today {today.day} {today:%b}",
        (today.toordinal(), 1),
        xycoords=("data", "axes fraction"),
        xytext=(0, 6),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=11,
        fontweight="bold",
        color=TODAY_COLOUR,
    )


def _axes(fig: Figure, ax: Axes, data: RoadmapData, first: dt.date, last: dt.date) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ticks = date_ticks(first, last, most=10)
    ax.set_xticks([day.toordinal() for day, _ in ticks], [text for _, text in ticks])
    ax.set_yticks(list(range(len(data.rows))), [row.key for row in data.rows])
    ax.tick_params(axis="y", length=0, pad=8, labelsize=ROW_LABEL_PT)
    ax.grid(axis="x", color="#E5E5E5", linewidth=1)
    ax.set_axisbelow(True)
    for index in range(1, len(data.rows)):
        ax.axhline(index - 0.5, color="#BFBFBF", linewidth=1, zorder=1)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.text(40 / WIDTH, 1 - 24 / fig.bbox.height, data.title, fontsize=20, fontweight="bold", va="top")
    slipped = sum(1 for row in data.rows for milestone in row.milestones if milestone.slip_days)
    fig.text(
        40 / WIDTH,
        1 - 62 / fig.bbox.height,
        f"{first:%d %b %Y} to {last:%d %b %Y} \N{MIDDLE DOT} {slipped} milestone{'s'[: slipped != 1]} slipped",
        fontsize=13,
        va="top",
    )

    def diamond(face: str, edge: str, size: float, label: str) -> Line2D:
        return Line2D(
            [],
            [],
            marker="D",
            linestyle="none",
            markersize=size,
            markerfacecolor=face,
            markeredgecolor=edge,
            markeredgewidth=2,
            label=label,
        )

    handles = [
        Patch(color=BLUE, label="phase (current plan)"),
        Patch(color=BASELINE_COLOUR, label="phase baseline"),
        diamond(INK, INK, 11, "milestone done"),
        diamond(WHITE, INK, 11, "milestone open"),
        diamond(WHITE, BASELINE_COLOUR, 9, "milestone baseline"),
        Line2D([], [], color=SLIP_COLOUR, linewidth=2, label="slip: baseline \N{RIGHTWARDS ARROW} due"),
        Line2D([], [], color=TODAY_COLOUR, linewidth=2, linestyle="--", label="today"),
    ]
    below = -LEGEND_GAP_PX / (ROW_PX * max(len(data.rows), 1))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, below), ncol=4, borderaxespad=0)
