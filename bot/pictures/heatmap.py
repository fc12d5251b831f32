"""The 5x5 risk heat map: counts per cell, movement since the last digest, new and closed risks."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.pictures.data import ALL_CELLS, BANDS, SCALE, Band, Cell, HeatmapData, HeatmapRisk
from bot.pictures.layout import Arrow, HeatmapLayout, Label, Picture, Point
from bot.pictures.palette import BAND_COLOURS, BAND_NAMES, BLUE, INK, WHITE

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.patches import FancyArrow, FancyArrowPatch
    from matplotlib.text import Text

WIDTH, HEIGHT = 1100, 820
LIKELIHOOD_WORDS = ("rare", "unlikely", "possible", "likely", "almost certain")
IMPACT_WORDS = ("minimal", "minor", "moderate", "major", "severe")
MAX_CLOSED_RINGS = 3
RAD = 0.2  # how much movement arrows bend, so opposite moves between two cells do not overlap
UP_DOWN_RAD = 0.4  # more for moves along the impact axis: clear of the widest band name (CRITICAL)


def bend(source: Cell, target: Cell) -> float:
    """How an arrow from `source` to `target` bends: opposite moves bend to opposite sides; a move up or down the
    impact axis bends to its right, so an arrow coming down into a cell lands right of its band name (top left)."""
    dx, dy = target[0] - source[0], target[1] - source[1]
    return -UP_DOWN_RAD if abs(dy) > abs(dx) else RAD


def draw_heatmap(data: HeatmapData) -> Picture[HeatmapLayout]:
    """Draw the heat map of `data` as a PNG, with the layout of its cells, labels and arrows."""
    from bot.pictures import _canvas

    with _canvas.figure(WIDTH, HEIGHT) as fig:
        ax = fig.add_axes((160 / WIDTH, 110 / HEIGHT, 580 / WIDTH, 580 / HEIGHT))
        _grid(ax, data.bands)
        counts, bands, new, closed, rings = _cell_marks(ax, data.risks, data.bands)
        arrows = _arrows(ax, data.risks)
        _frame(fig, ax, data)
        _legend(ax, data)
        _canvas.settle(fig)
        layout = HeatmapLayout(
            *_canvas.frame(fig, ax, data.title),
            cells={
                cell: _canvas.box(fig, ax, cell[0] - 0.5, cell[1] - 0.5, cell[0] + 0.5, cell[1] + 0.5)
                for cell in ALL_CELLS
            },
            counts=_labels(fig, counts),
            bands=_labels(fig, bands),
            new=_labels(fig, new),
            closed=_labels(fig, closed),
            closed_markers={
                cell: tuple(_canvas.point(fig, ax, x, y) for x, y in spots) for cell, spots in rings.items()
            },
            arrows=tuple(_arrow_mark(fig, move) for move in arrows),
        )
        return Picture(_canvas.png(fig), layout)


def _labels(fig: Figure, texts: dict[Cell, Text]) -> dict[Cell, Label]:
    from bot.pictures import _canvas

    return {cell: _canvas.label(fig, text) for cell, text in texts.items()}


def _grid(ax: Axes, bands: Mapping[Cell, Band]) -> None:
    """The 25 coloured cells, separated by white gutters."""
    from matplotlib.patches import Rectangle

    for cell in ALL_CELLS:
        band = bands[cell]
        ax.add_patch(
            Rectangle((cell[0] - 0.5, cell[1] - 0.5), 1, 1, facecolor=BAND_COLOURS[band], edgecolor=WHITE, linewidth=4)
        )
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(list(SCALE), [f"{n}\n{word}" for n, word in zip(SCALE, LIKELIHOOD_WORDS, strict=True)])
    ax.set_yticks(list(SCALE), [f"{n} {word}" for n, word in zip(SCALE, IMPACT_WORDS, strict=True)])
    ax.tick_params(length=0, pad=8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("Likelihood \N{RIGHTWARDS ARROW}", labelpad=10, fontweight="bold")
    ax.set_ylabel("Impact \N{RIGHTWARDS ARROW}", labelpad=10, fontweight="bold")


def _cell_marks(
    ax: Axes, risks: tuple[HeatmapRisk, ...], bands: Mapping[Cell, Band]
) -> tuple[
    dict[Cell, Text], dict[Cell, Text], dict[Cell, Text], dict[Cell, Text], dict[Cell, list[tuple[float, float]]]
]:
    """Per cell: the open count (centre), band name (top left), new badge (top right), closed rings (bottom left)."""
    open_counts = Counter(risk.cell for risk in risks if not risk.closed)
    new_counts = Counter(risk.cell for risk in risks if risk.new and not risk.closed)
    closed_counts = Counter(risk.cell for risk in risks if risk.closed)
    counts: dict[Cell, Text] = {}
    band_tags: dict[Cell, Text] = {}
    new: dict[Cell, Text] = {}
    closed: dict[Cell, Text] = {}
    rings: dict[Cell, list[tuple[float, float]]] = {}
    for cell in ALL_CELLS:
        x, y = cell
        band = bands[cell]
        band_tags[cell] = ax.text(x - 0.44, y + 0.42, BAND_NAMES[band].upper(), fontsize=9, va="top", ha="left")
        if open_counts[cell]:
            counts[cell] = ax.text(
                x,
                y,
                str(open_counts[cell]),
                fontsize=28 if open_counts[cell] < 100 else 22,
                fontweight="bold",
                ha="center",
                va="center",
            )
        if new_counts[cell]:
            new[cell] = ax.text(
                x + 0.44,
                y - 0.42,
                f"+{new_counts[cell]} new",
                fontsize=10,
                fontweight="bold",
                color=WHITE,
                ha="right",
                va="bottom",
                bbox={"boxstyle": "round,pad=0.25", "facecolor": BLUE, "edgecolor": BLUE},
            )
        if closed_counts[cell]:
            shown = min(closed_counts[cell], MAX_CLOSED_RINGS)
            rings[cell] = [(x - 0.36 + 0.13 * n, y - 0.34) for n in range(shown)]
            xs, ys = zip(*rings[cell], strict=True)
            ax.scatter(xs, ys, s=90, facecolors="none", edgecolors=INK, linewidths=1.8, zorder=3)
            closed[cell] = ax.text(
                x - 0.40 + 0.13 * shown, y - 0.34, f"{closed_counts[cell]} closed", fontsize=10, va="center", ha="left"
            )
    return counts, band_tags, new, closed, rings


Move = tuple[tuple[str, ...], Cell, Cell, "FancyArrowPatch"]


def _arrows(ax: Axes, risks: tuple[HeatmapRisk, ...]) -> list[Move]:
    """One arrow per (old cell, new cell) pair, labelled with how many risks made that move when more than one."""
    from bot.pictures import _canvas

    moves: defaultdict[tuple[Cell, Cell], list[str]] = defaultdict(list)
    for risk in risks:
        if risk.moved and risk.previous is not None:
            moves[(risk.previous, risk.cell)].append(risk.ref)
    drawn: list[Move] = []
    for (source, target), refs in sorted(moves.items()):
        patch = _canvas.arrow(
            source,
            target,
            INK,
            mutation_scale=22,
            linewidth=2.5,
            shrinkA=20,
            shrinkB=26,
            connectionstyle=f"arc3,rad={bend(source, target)}",
            zorder=4,
            halo=6.0,
        )
        ax.add_patch(patch)
        if len(refs) > 1:
            # The middle of the arc3 curve: halfway between the chord's middle and its control point.
            dx, dy = target[0] - source[0], target[1] - source[1]
            rad = bend(source, target)
            middle = ((source[0] + target[0] + rad * dy) / 2, (source[1] + target[1] - rad * dx) / 2)
            ax.text(
                *middle,
                f"\N{MULTIPLICATION SIGN}{len(refs)}",
                fontsize=11,
                fontweight="bold",
                ha="center",
                va="center",
                zorder=5,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": WHITE, "edgecolor": INK},
            )
        drawn.append((tuple(sorted(refs)), source, target, patch))
    return drawn


def _arrow_mark(fig: Figure, move: Move) -> Arrow:
    """The drawn arrow shaft as pixel points, start to end."""
    from bot.pictures import _canvas

    refs, source, target, patch = move
    height = _canvas.size(fig)[1]
    polygons = patch.get_transform().transform_path(patch.get_path()).to_polygons(closed_only=False)
    outline: Any = polygons[0]  # an array of (x, y) rows
    shaft = [(float(x), float(y)) for x, y in outline]
    return Arrow(refs, source, target, tuple(Point(x, height - y) for x, y in shaft))


def _frame(fig: Figure, ax: Axes, data: HeatmapData) -> None:
    """Title and a one-line summary above the grid."""
    open_risks = sum(1 for risk in data.risks if not risk.closed)
    new = sum(1 for risk in data.risks if risk.new and not risk.closed)
    closed = sum(1 for risk in data.risks if risk.closed)
    moved = sum(1 for risk in data.risks if risk.moved and not risk.closed)
    fig.text(40 / WIDTH, 1 - 30 / HEIGHT, data.title, fontsize=20, fontweight="bold", va="top")
    summary = f"{open_risks} open \N{MIDDLE DOT} {new} new \N{MIDDLE DOT} {closed} closed \N{MIDDLE DOT} {moved} moved"
    fig.text(40 / WIDTH, 1 - 66 / HEIGHT, f"{summary} since {data.since}", fontsize=13, va="top", color=INK)


def _legend(ax: Axes, data: HeatmapData) -> None:
    from matplotlib.legend_handler import HandlerPatch
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Patch | Line2D] = []
    for band in reversed(BANDS):
        scores = sorted(cell[0] * cell[1] for cell in ALL_CELLS if data.bands[cell] == band)
        if scores:
            handles.append(
                Patch(
                    facecolor=BAND_COLOURS[band],
                    edgecolor=INK,
                    linewidth=0.5,
                    label=f"{BAND_NAMES[band]} (score {scores[0]}\N{EN DASH}{scores[-1]})",
                )
            )
    arrow = Patch(color=INK, label="moved since last digest")
    handles += [
        Line2D([], [], linestyle="none", marker="$3$", markersize=12, color=INK, label="open risks in the cell"),
        arrow,
        Line2D([], [], linestyle="none", marker="s", markersize=13, color=BLUE, label="+N new since last digest"),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=10,
            markerfacecolor="none",
            markeredgecolor=INK,
            markeredgewidth=1.8,
            label="N closed since last digest",
        ),
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.04, 1.0),
        title="Bands and marks",
        title_fontproperties={"weight": "bold", "size": 13},
        alignment="left",
        borderaxespad=0,
        handlelength=2.2,
        handler_map={arrow: HandlerPatch(patch_func=_arrow_handle)},
    )


def _arrow_handle(
    legend: Legend, orig_handle: Artist, xdescent: float, ydescent: float, width: float, height: float, fontsize: float
) -> FancyArrow:
    """The legend's sample of a movement arrow."""
    from matplotlib.patches import FancyArrow

    return FancyArrow(
        -xdescent,
        height / 2 - ydescent,
        width,
        0,
        width=2.2,
        head_width=9,
        head_length=9,
        length_includes_head=True,
        color=INK,
    )
