"""A KPI's readings over time against its target (and warning) line, the better direction stated."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.pictures._dates import date_ticks
from bot.pictures.data import KpiData, KpiReading
from bot.pictures.layout import KpiLayout, Picture, Scale
from bot.pictures.palette import BLUE, BLUISH_GREEN, INK, VERMILLION, WHITE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

WIDTH, HEIGHT = 1100, 640
TARGET_COLOUR = BLUISH_GREEN
WARNING_COLOUR = VERMILLION
LINE_COLOUR = BLUE


def draw_kpi_chart(data: KpiData) -> Picture[KpiLayout]:
    """Draw the readings of `data` as a PNG, with where its points, lines and labels are."""
    from bot.pictures import _canvas

    readings = sorted(data.readings, key=lambda reading: reading.on)
    with _canvas.figure(WIDTH, HEIGHT) as fig:
        ax = fig.add_axes((110 / WIDTH, 80 / HEIGHT, 780 / WIDTH, 430 / HEIGHT))
        days = [_day(reading.on) for reading in readings]
        values = [reading.value for reading in readings]
        ax.plot(days, values, color=LINE_COLOUR, linewidth=2.5, marker="o", markersize=7, label="reading", zorder=3)
        _reference_lines(ax, data)
        _limits(ax, data, days, values)
        last = _annotate_last(ax, data, readings[-1])
        _axes(fig, ax, data)
        _canvas.settle(fig)
        low, high = ax.get_ylim()
        first_day, last_day = readings[0].on, readings[-1].on
        layout = KpiLayout(
            *_canvas.frame(fig, ax, _title(data)),
            subtitle=subtitle(data),
            plot=_canvas.axes_box(fig, ax),
            x=_date_scale(fig, ax, first_day, last_day if last_day != first_day else first_day + dt.timedelta(1)),
            y=Scale(low, _canvas.point(fig, ax, days[0], low).y, high, _canvas.point(fig, ax, days[0], high).y),
            target_y=_canvas.point(fig, ax, days[0], data.target).y,
            warning_y=None if data.warning is None else _canvas.point(fig, ax, days[0], data.warning).y,
            points=tuple(_canvas.point(fig, ax, day, value) for day, value in zip(days, values, strict=True)),
            last_value=_canvas.label(fig, last),
            y_ticks=_canvas.ticks(fig, ax, "y"),
            y_axis_label=ax.get_ylabel(),
        )
        return Picture(_canvas.png(fig), layout)


def _day(day: dt.date) -> float:
    return float(day.toordinal())


def _date_scale(fig: Figure, ax: Axes, first: dt.date, second: dt.date) -> Scale:
    from bot.pictures import _canvas

    return Scale(
        first.toordinal(),
        _canvas.point(fig, ax, _day(first), 0).x,
        second.toordinal(),
        _canvas.point(fig, ax, _day(second), 0).x,
    )


def format_value(value: float, unit: str) -> str:
    """96.5 and '%' -> '96.5%'; 1200 and 'ms' -> '1,200 ms' (no trailing zeros)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def standing(data: KpiData, value: float) -> str:
    """Where a value stands: 'on target', 'off target' or 'past warning'."""
    better = 1 if data.direction == "up" else -1
    if (value - data.target) * better >= 0:
        return "on target"
    if data.warning is not None and (value - data.warning) * better <= 0:
        return "past warning"
    return "off target"


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def subtitle(data: KpiData) -> str:
    """The line under the title: which way is better, the target and the warning level."""
    better = "\N{UPWARDS ARROW} higher" if data.direction == "up" else "\N{DOWNWARDS ARROW} lower"
    text = f"{better} is better \N{MIDDLE DOT} target {format_value(data.target, data.unit)}"
    if data.warning is not None:
        text += f" \N{MIDDLE DOT} warning at {format_value(data.warning, data.unit)}"
    return text


def _title(data: KpiData) -> str:
    return data.title or data.name


def _reference_lines(ax: Axes, data: KpiData) -> None:
    _level(ax, data, data.target, "target", TARGET_COLOUR, "--", 2.5)
    if data.warning is not None:
        _level(ax, data, data.warning, "warning", WARNING_COLOUR, ":", 2.0)


def _level(ax: Axes, data: KpiData, value: float, name: str, colour: str, style: str, width: float) -> None:
    """A horizontal reference line, named with its value just right of the plot."""
    ax.axhline(value, color=colour, linewidth=width, linestyle=style, label=name, zorder=2)
    ax.annotate(
        f"{name} {format_value(value, data.unit)}",
        (1, value),
        xycoords=("axes fraction", "data"),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        color=colour,
        fontweight="bold",
    )


def _limits(ax: Axes, data: KpiData, days: list[float], values: list[float]) -> None:
    levels = [*values, data.target, *([] if data.warning is None else [data.warning])]
    low, high = min(levels), max(levels)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    ax.set_ylim(low - pad, high + pad)
    span = (days[-1] - days[0]) or 7.0
    ax.set_xlim(days[0] - span * 0.04, days[-1] + span * 0.3)  # room for the last value's label


def _annotate_last(ax: Axes, data: KpiData, last: KpiReading) -> Text:
    """The last reading's value and standing, boxed right of its point (kept off the reference lines)."""
    low, high = ax.get_ylim()
    value = last.value
    lines = [data.target, *([] if data.warning is None else [data.warning])]
    nearest = min(lines, key=lambda level: abs(level - value))
    lift = 0.0
    if abs(nearest - value) < (high - low) * 0.07:
        lift = 24.0 if value >= nearest else -24.0
    return ax.annotate(
        f"{format_value(value, data.unit)} \N{MIDDLE DOT} {_short(last.on)}\n{standing(data, value)}",
        (_day(last.on), value),
        xytext=(16, lift),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=13,
        fontweight="bold",
        bbox={"boxstyle": "round,pad=0.35", "facecolor": WHITE, "edgecolor": LINE_COLOUR, "linewidth": 1.5},
        arrowprops={"arrowstyle": "-", "color": LINE_COLOUR, "linewidth": 1.2, "shrinkA": 0, "shrinkB": 5},
        zorder=5,
    )


def _axes(fig: Figure, ax: Axes, data: KpiData) -> None:
    ticks = date_ticks(min(reading.on for reading in data.readings), max(reading.on for reading in data.readings))
    ax.set_xticks([_day(day) for day, _ in ticks], [text for _, text in ticks])
    ax.set_ylabel(f"{data.name} ({data.unit})" if data.unit else data.name)
    ax.grid(axis="y", color="#E5E5E5", linewidth=1)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.text(40 / WIDTH, 1 - 24 / HEIGHT, _title(data), fontsize=20, fontweight="bold", va="top")
    fig.text(40 / WIDTH, 1 - 62 / HEIGHT, subtitle(data), fontsize=14, va="top", color=INK)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=3, borderaxespad=0)
