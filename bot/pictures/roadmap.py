"""The roadmap: programs as rows, phases as bars over their baselines, milestones as diamonds, slips and today."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.pictures._dates import date_ticks
from bot.pictures.data import Phase, RoadmapData, RoadmapMilestone
from bot.pictures.layout import BarMark, Box, MilestoneMark, Picture, RoadmapLayout, Scale
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
UNDER_Y = 0.33  # a milestone's name under the bars, when there is no room above


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
        for _key, index, milestone in milestones:
            _milestone(ax, index, milestone)
        names = {
            (row.key, name): text
            for index, row in enumerate(data.rows)
            for name, text in _labels(fig, ax, index, row.milestones).items()
        }
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
                    label=_canvas.label(fig, names[(key, milestone.name)]),
                    slip=_canvas.label(fig, names[(key, milestone.name)]) if milestone.slip_days > 0 else None,
                )
                for key, index, milestone in milestones
            ),
            x_ticks=_canvas.ticks(fig, ax, "x"),
        )
        return Picture(_canvas.png(fig), layout)


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
        if phase.baseline_end < phase.end:
            _slip_arrow(ax, phase.baseline_end.toordinal(), end, index + BASELINE_Y)
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


def _milestone(ax: Axes, index: int, milestone: RoadmapMilestone) -> None:
    """A diamond (filled when done); a slipped one also gets its baseline diamond and an arrow from it."""
    due, y = milestone.due.toordinal(), index + MILESTONE_Y
    if milestone.baseline and milestone.baseline != milestone.due:
        _diamond(ax, milestone.baseline.toordinal(), y, WHITE, BASELINE_COLOUR, 10)
    _diamond(ax, due, y, INK if milestone.done else WHITE, INK, 13)
    if milestone.slip_days > 0 and milestone.baseline is not None:
        _slip_arrow(ax, milestone.baseline.toordinal(), due, y, shrink=(6, 9))


def _slip_arrow(ax: Axes, start: float, end: float, y: float, shrink: tuple[float, float] = (0, 0)) -> None:
    """The slip: an arrow from the date first planned to the current one."""
    from bot.pictures import _canvas

    style = {"mutation_scale": 16, "linewidth": 2, "zorder": 4, "halo": 4.5}
    ax.add_patch(_canvas.arrow((start, y), (end, y), SLIP_COLOUR, shrinkA=shrink[0], shrinkB=shrink[1], **style))


def _labels(fig: Figure, ax: Axes, index: int, milestones: tuple[RoadmapMilestone, ...]) -> dict[str, Text]:
    """The row's milestone names above their diamonds, slips in them ("Beta \N{MIDDLE DOT} slipped +30d"). Where
    two would overlap they are set apart (the earlier one ending at its diamond, the later one starting at its
    own), then names on plan shorten to their first word (`M-3`), then slipped ones, then the later one goes under
    the bars.

    Returns the labels by milestone name."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    order = sorted(milestones, key=lambda m: (m.due, m.name))
    spots = {m.name: _Spot() for m in order}
    texts: dict[str, Text] = {}
    for _ in range(3 * len(order) + 1):
        for text in texts.values():
            text.remove()
        texts = {m.name: _name(ax, index, m, spots[m.name]) for m in order}
        boxes = {name: text.get_window_extent(renderer).padded(3) for name, text in texts.items()}
        clash = next(
            ((a, b) for n, a in enumerate(order) for b in order[n + 1 :] if boxes[a.name].overlaps(boxes[b.name])),
            None,
        )
        if clash is None or not _part(clash, spots):
            break
    return texts


class _Spot:
    """How one milestone's name is set: shortened, pushed to one side of its diamond, or under the bars."""

    def __init__(self) -> None:
        self.short, self.side, self.under = False, "", False


def _part(clash: tuple[RoadmapMilestone, RoadmapMilestone], spots: dict[str, _Spot]) -> bool:
    """Change one thing so the two names may no longer overlap; False when nothing is left to change."""
    earlier, later = clash
    first, second = spots[earlier.name], spots[later.name]
    if not (first.side or second.side):
        first.side, second.side = "right", "left"
        return True
    for milestone in sorted(clash, key=lambda m: m.slip_days > 0):  # names on plan give way first
        spot = spots[milestone.name]
        if not spot.short and " " in milestone.name:
            spot.short = True
            return True
    if not second.under:
        second.under = True
        return True
    return False


def _name(ax: Axes, index: int, milestone: RoadmapMilestone, spot: _Spot) -> Text:
    slipped = milestone.slip_days > 0
    words = milestone.name.split(" ", 1)[0] if spot.short else milestone.name
    text = f"{words} \N{MIDDLE DOT} slipped +{milestone.slip_days}d" if slipped else words
    due = milestone.due.toordinal()
    low, high = ax.get_xlim()
    edge = (high - low) * 0.1
    ha = spot.side or ("right" if due > high - edge else "left" if due < low + edge else "center")
    return ax.annotate(
        text,
        (due, index + (UNDER_Y if spot.under else NAME_Y)),
        xytext=({"right": -6, "left": 6}.get(spot.side, 0), 0),
        textcoords="offset points",
        ha=ha,
        va="top" if spot.under else "bottom",
        fontsize=10,
        fontweight="bold" if slipped else "normal",
        color=SLIP_COLOUR if slipped else INK,
        zorder=7,
        bbox={"boxstyle": "square,pad=0.1", "facecolor": WHITE, "edgecolor": "none"},
    )


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
    moved = sum(1 for row in data.rows for p in row.phases if p.baseline_end and p.end > p.baseline_end)
    phases = f" \N{MIDDLE DOT} {moved} phase{'s'[: moved != 1]} slipped" if moved else ""
    fig.text(
        40 / WIDTH,
        1 - 62 / fig.bbox.height,
        f"{first:%d %b %Y} to {last:%d %b %Y} \N{MIDDLE DOT} {slipped} milestone{'s'[: slipped != 1]} slipped{phases}",
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
