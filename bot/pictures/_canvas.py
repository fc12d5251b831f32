"""The one place matplotlib is set up: Agg, fixed size and DPI, fixed style, deterministic PNG bytes.

Import this module only inside drawing functions: importing it imports matplotlib.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matplotlib import style
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from bot.pictures.layout import Box, Label, Point
from bot.pictures.palette import INK, WHITE

DPI = 100
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 13,
    "axes.titlesize": 18,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 12,
    "axes.labelsize": 14,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}
# matplotlib's style state is process-wide: draw one picture at a time.
_LOCK = threading.Lock()


@contextmanager
def figure(width_px: int, height_px: int) -> Iterator[Figure]:
    """A blank figure of exactly width_px x height_px, drawn under Pulse's style."""
    with _LOCK, style.context(["default", STYLE]):
        fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
        FigureCanvasAgg(fig)
        yield fig


def settle(fig: Figure) -> None:
    """Draw once so positions are final, then freeze the layout so saving draws the same picture."""
    fig.canvas.draw()
    fig.set_layout_engine("none")


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes: same figure, same bytes (no timestamp, no version string)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def size(fig: Figure) -> tuple[int, int]:
    width, height = fig.canvas.get_width_height()
    return int(width), int(height)


def frame(fig: Figure, ax: Axes, title: str) -> tuple[int, int, str, tuple[str, ...]]:
    """The fields every layout starts with (see `layout.Frame`): width, height, title, legend texts."""
    width, height = size(fig)
    return width, height, title, legend_texts(ax)


def point(fig: Figure, ax: Axes, x: float, y: float) -> Point:
    """A data point of `ax` in PNG pixels."""
    px, py = ax.transData.transform((x, y))
    return Point(float(px), size(fig)[1] - float(py))


def box(fig: Figure, ax: Axes, x0: float, y0: float, x1: float, y1: float) -> Box:
    """A data rectangle of `ax` in PNG pixels."""
    a, b = point(fig, ax, x0, y0), point(fig, ax, x1, y1)
    return Box(min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y))


def extent(fig: Figure, artist: Artist) -> Box:
    """The pixel box an artist covers (after `settle`)."""
    bounds = artist.get_window_extent()
    height = size(fig)[1]
    return Box(float(bounds.x0), height - float(bounds.y1), float(bounds.x1), height - float(bounds.y0))


def label(fig: Figure, text: Text) -> Label:
    return Label(text.get_text(), extent(fig, text))


def axes_box(fig: Figure, ax: Axes) -> Box:
    return extent(fig, ax.patch)


def legend_texts(ax: Axes) -> tuple[str, ...]:
    legend = ax.get_legend()
    return tuple(text.get_text() for text in legend.get_texts()) if legend else ()


def ticks(fig: Figure, ax: Axes, axis: str) -> tuple[Label, ...]:
    """The tick labels of the x or y axis that are drawn, with where they are."""
    texts = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    plot = axes_box(fig, ax)
    drawn = [label(fig, text) for text in texts if text.get_visible() and text.get_text()]
    if axis == "x":
        return tuple(tick for tick in drawn if plot.left - 2 <= tick.box.center.x <= plot.right + 2)
    return tuple(tick for tick in drawn if plot.top - 2 <= tick.box.center.y <= plot.bottom + 2)


def text_width(text: str, fontsize: float, weight: str = "normal") -> float:
    """How many pixels wide `text` is drawn at `fontsize` points (to size margins before drawing)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    path = TextPath((0, 0), text, size=fontsize, prop=FontProperties(family=STYLE["font.family"], weight=weight))
    return float(path.get_extents().width) * DPI / 72


def left_margin(labels: list[str], fontsize: float, least: float = 120, most: float = 420) -> float:
    """Pixels to leave left of the axes for row labels."""
    widest = max((text_width(text, fontsize) for text in labels), default=0.0)
    return min(max(widest + 40, least), most)


def arrow(start: tuple[float, float], end: tuple[float, float], colour: str, **style: Any) -> FancyArrowPatch:
    """A filled-head arrow with a white halo, readable over any fill."""
    from matplotlib import patheffects

    return FancyArrowPatch(
        start,
        end,
        arrowstyle="-|>",
        color=colour,
        path_effects=[patheffects.withStroke(linewidth=style.pop("halo", 5.0), foreground=WHITE)],
        **style,
    )
