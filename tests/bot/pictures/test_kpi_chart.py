"""The KPI chart: target and warning lines where their values are, direction stated, last value annotated."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.pictures import KpiData, KpiReading, draw_kpi_chart
from bot.pictures.kpi_chart import format_value, standing
from bot.pictures.layout import KpiLayout, Point
from bot.pictures.palette import BLUE, BLUISH_GREEN, VERMILLION
from tests.bot.pictures.helpers import decode, near, pixel

VALUES = (91.2, 92.5, 95.0, 92.0, 94.4, 95.6, 96.1, 94.8, 93.2, 92.4, 95.1, 96.4)
KPI = KpiData(
    "Appeals decided within SLA",
    "%",
    "up",
    95.0,
    tuple(KpiReading(dt.date(2026, 9, 14) + dt.timedelta(weeks=n), value) for n, value in enumerate(VALUES)),
    warning=92.0,
)


@pytest.fixture(scope="module")
def drawn():
    return draw_kpi_chart(KPI)


def _share_of_row(image, layout: KpiLayout, y: float, colour: str) -> float:
    xs = range(round(layout.plot.left) + 5, round(layout.plot.right) - 5, 3)
    return sum(near(pixel(image, Point(x, y)), colour, tolerance=30) for x in xs) / len(xs)


def test_png_decodes_at_preview_size(drawn) -> None:
    assert decode(drawn.png).size == (drawn.layout.width, drawn.layout.height) == (1100, 640)


def test_the_y_scale_matches_the_drawn_tick_labels(drawn) -> None:
    ticks = drawn.layout.y_ticks
    assert len(ticks) >= 4
    spacing = abs(ticks[0].box.center.y - ticks[1].box.center.y)
    for tick in ticks:  # labels centre on their ticks to within glyph metrics (a few pixels, ticks ~60 apart)
        value = float(tick.text.replace("\N{MINUS SIGN}", "-"))
        assert abs(tick.box.center.y - drawn.layout.y.px(value)) < min(3, spacing / 10)


def test_target_and_warning_lines_sit_at_their_values(drawn) -> None:
    image = decode(drawn.png)
    layout = drawn.layout
    assert abs(layout.target_y - layout.y.px(95.0)) < 0.5
    assert layout.warning_y is not None and abs(layout.warning_y - layout.y.px(92.0)) < 0.5
    assert _share_of_row(image, layout, layout.target_y, BLUISH_GREEN) > 0.4  # dashed
    assert _share_of_row(image, layout, layout.target_y + 12, BLUISH_GREEN) < 0.05
    assert _share_of_row(image, layout, layout.warning_y, VERMILLION) > 0.25  # dotted
    assert layout.points[2].y == pytest.approx(layout.target_y, abs=0.5)  # the reading equal to the target


def test_readings_are_drawn_left_to_right_by_date(drawn) -> None:
    image = decode(drawn.png)
    xs = [point.x for point in drawn.layout.points]
    assert xs == sorted(xs)
    for point, reading in zip(drawn.layout.points, KPI.readings, strict=True):
        assert abs(point.x - drawn.layout.x.date_px(reading.on)) < 0.5
        assert near(pixel(image, point), BLUE, tolerance=30)


def test_direction_unit_and_last_value_are_stated(drawn) -> None:
    layout = drawn.layout
    assert (
        layout.subtitle == "\N{UPWARDS ARROW} higher is better \N{MIDDLE DOT} target 95% \N{MIDDLE DOT} warning at 92%"
    )
    assert layout.y_axis_label == "Appeals decided within SLA (%)"
    assert layout.last_value.text == "96.4% \N{MIDDLE DOT} 30 Nov\non target"
    assert layout.last_value.box.left > layout.points[-1].x
    assert layout.legend == ("reading", "target", "warning")


def test_lower_is_better_kpis_say_so_and_judge_the_other_way() -> None:
    kpi = KpiData("Time to action", "hours", "down", 24, (KpiReading(dt.date(2026, 11, 2), 36),), warning=32)
    assert standing(kpi, 20) == "on target"
    assert standing(kpi, 30) == "off target"
    assert standing(kpi, 36) == "past warning"
    drawn = draw_kpi_chart(kpi)
    assert drawn.layout.subtitle.startswith("\N{DOWNWARDS ARROW} lower is better")
    assert drawn.layout.last_value.text == "36 hours \N{MIDDLE DOT} 2 Nov\npast warning"


def test_values_are_formatted_with_their_unit() -> None:
    assert format_value(1200, "ms") == "1,200 ms"
    assert format_value(96.50, "%") == "96.5%"
    assert format_value(0.125, "") == "0.12"


def test_same_data_same_bytes_other_data_other_bytes(drawn) -> None:
    assert draw_kpi_chart(KPI).png == drawn.png
    later = KpiData(
        KPI.name, KPI.unit, KPI.direction, KPI.target, (*KPI.readings, KpiReading(dt.date(2026, 12, 7), 97))
    )
    assert draw_kpi_chart(later).png != drawn.png


def test_a_kpi_needs_readings_and_a_direction() -> None:
    with pytest.raises(ValueError, match="no readings"):
        KpiData("x", "%", "up", 1, ())
    with pytest.raises(ValueError, match="direction"):
        KpiData("x", "%", "sideways", 1, (KpiReading(dt.date(2026, 1, 1), 1),))  # type: ignore[arg-type]


def test_without_a_warning_there_is_only_the_target_line() -> None:
    kpi = dataclasses.replace(KPI, warning=None)
    drawn = draw_kpi_chart(kpi)
    assert drawn.layout.warning_y is None
    assert drawn.layout.legend == ("reading", "target")
    assert "warning" not in drawn.layout.subtitle
    image = decode(drawn.png)
    assert _share_of_row(image, drawn.layout, drawn.layout.y.px(92.0), VERMILLION) == 0
