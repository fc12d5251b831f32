"""RAG by week: one row per program, one cell per week, coloured and lettered (R, A, G, an en dash for no report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.pictures.data import RagTimelineData
from bot.pictures.layout import Box, Picture, RagTimelineLayout
from bot.pictures.palette import INK, RAG_COLOURS, RAG_LETTERS, RAG_NAMES, WHITE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

WIDTH = 1100
ROW_PX = 46
CHROME_PX = 190  # title, legend and week labels
BOTTOM_PX = 50
ROW_LABEL_PT = 13


def draw_rag_timeline(data: RagTimelineData) -> Picture[RagTimelineLayout]:
    """Draw the weekly RAG grid of `data` as a PNG, with the layout of its cells and letters."""
    from bot.pictures import _canvas

    height = CHROME_PX + ROW_PX * max(len(data.rows), 1)
    with _canvas.figure(WIDTH, height) as fig:
        left = _canvas.left_margin([row.key for row in data.rows], ROW_LABEL_PT)
        ax = fig.add_axes(
            (left / WIDTH, BOTTOM_PX / height, (WIDTH - left - 40) / WIDTH, (height - CHROME_PX) / height)
        )
        letters = _cells(ax, data)
        _axes(ax, data)
        first, last = data.weeks[0], data.weeks[-1]
        fig.text(40 / WIDTH, 1 - 24 / height, data.title, fontsize=20, fontweight="bold", va="top")
        fig.text(
            40 / WIDTH,
            1 - 60 / height,
            f"Weeks starting {first:%d %b %Y} to {last:%d %b %Y} \N{MIDDLE DOT} letter = status reported that week",
            fontsize=13,
            va="top",
        )
        _legend(ax)
        _canvas.settle(fig)
        layout = RagTimelineLayout(
            *_canvas.frame(fig, ax, data.title),
            cells=_cell_boxes(fig, ax, data),
            letters={where: _canvas.label(fig, text) for where, text in letters.items()},
            week_labels=_canvas.ticks(fig, ax, "x"),
            row_labels=_canvas.ticks(fig, ax, "y"),
        )
        return Picture(_canvas.png(fig), layout)


def _cells(ax: Axes, data: RagTimelineData) -> dict[tuple[str, int], Text]:
    from matplotlib.patches import Rectangle

    letters: dict[tuple[str, int], Text] = {}
    for row_index, row in enumerate(data.rows):
        for week, status in enumerate(row.statuses):
            ax.add_patch(
                Rectangle((week, row_index), 1, 1, facecolor=RAG_COLOURS[status], edgecolor=WHITE, linewidth=3)
            )
            letters[(row.key, week)] = ax.text(
                week + 0.5,
                row_index + 0.5,
                RAG_LETTERS[status],
                ha="center",
                va="center",
                fontsize=15,
                fontweight="bold",
                color=INK,
            )
    return letters


def _axes(ax: Axes, data: RagTimelineData) -> None:
    ax.set_xlim(0, len(data.weeks))
    ax.set_ylim(max(len(data.rows), 1), 0)
    ax.set_xticks([n + 0.5 for n in range(len(data.weeks))], [f"{week.day} {week:%b}" for week in data.weeks])
    ax.set_yticks([n + 0.5 for n in range(len(data.rows))], [row.key for row in data.rows])
    ax.tick_params(length=0, pad=6)
    ax.tick_params(axis="y", labelsize=ROW_LABEL_PT)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _cell_boxes(fig: Figure, ax: Axes, data: RagTimelineData) -> dict[tuple[str, int], Box]:
    from bot.pictures import _canvas

    return {
        (row.key, week): _canvas.box(fig, ax, week, row_index, week + 1, row_index + 1)
        for row_index, row in enumerate(data.rows)
        for week in range(len(data.weeks))
    }


def _legend(ax: Axes) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=RAG_COLOURS[status], edgecolor=INK, linewidth=0.5, label=f"{RAG_LETTERS[status]}  {name}")
        for status, name in RAG_NAMES.items()
    ]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.02), ncol=4, borderaxespad=0)
