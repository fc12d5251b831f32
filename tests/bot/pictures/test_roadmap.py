"""The roadmap: bars where their dates are, baselines under them, milestones, slips and today."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.pictures import Phase, RoadmapData, RoadmapMilestone, RoadmapRow, draw_roadmap
from bot.pictures.layout import Point
from bot.pictures.palette import BLUE, INK, REDDISH_PURPLE, SKY_BLUE, VERMILLION, WHITE
from bot.pictures.roadmap import BASELINE_COLOUR
from tests.bot.pictures.helpers import decode, near, pixel

D = dt.date
APPEALS = RoadmapRow(
    "TNS-APPEALS",
    (
        Phase("Discovery", D(2026, 7, 1), D(2026, 8, 31), D(2026, 7, 1), D(2026, 8, 15)),
        Phase("Build", D(2026, 9, 1), D(2027, 1, 31), D(2026, 8, 16), D(2026, 12, 15)),
    ),
    (
        RoadmapMilestone("Design sign-off", D(2026, 8, 31), done=True),
        RoadmapMilestone("Beta", D(2026, 12, 15), baseline=D(2026, 11, 15)),
    ),
)
CSAM = RoadmapRow(
    "TNS-CSAM", (Phase("Integration", D(2026, 10, 1), D(2027, 2, 15)),), (RoadmapMilestone("Live", D(2027, 2, 15)),)
)
DATA = RoadmapData("Roadmap", D(2026, 12, 1), (APPEALS, CSAM), start=D(2026, 6, 15), end=D(2027, 3, 15))


@pytest.fixture(scope="module")
def drawn():
    return draw_roadmap(DATA)


def test_png_decodes_at_preview_size(drawn) -> None:
    assert decode(drawn.png).size == (drawn.layout.width, drawn.layout.height)
    assert drawn.layout.width == 1100


def test_the_date_scale_matches_the_drawn_month_labels(drawn) -> None:
    ticks = {tick.text: tick for tick in drawn.layout.x_ticks}
    assert list(ticks) == ["Jul\n2026", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan\n2027", "Feb", "Mar"]
    assert abs(ticks["Jan\n2027"].box.center.x - drawn.layout.x.date_px(D(2027, 1, 1))) < 1.5
    assert abs(ticks["Sep"].box.center.x - drawn.layout.x.date_px(D(2026, 9, 1))) < 1.5


def test_bars_start_and_end_at_their_dates(drawn) -> None:
    image = decode(drawn.png)
    bars = {(bar.key, bar.phase): bar for bar in drawn.layout.bars}
    assert list(bars) == [("TNS-APPEALS", "Discovery"), ("TNS-APPEALS", "Build"), ("TNS-CSAM", "Integration")]
    scale = drawn.layout.x
    for (key, name), bar in bars.items():
        phase = next(p for row in DATA.rows if row.key == key for p in row.phases if p.name == name)
        assert abs(bar.current.left - scale.date_px(phase.start)) < 0.5
        assert abs(bar.current.right - scale.date_px(phase.end)) < 0.5
        assert drawn.layout.rows[key].encloses(bar.current)
    build = bars[("TNS-APPEALS", "Build")].current
    y = build.bottom - 3  # below the phase name
    assert near(pixel(image, Point(build.right - 3, y)), SKY_BLUE)
    assert near(pixel(image, Point(build.right + 3, y)), WHITE, tolerance=30)  # grid lines are light
    discovery = bars[("TNS-APPEALS", "Discovery")].current
    assert near(pixel(image, Point(discovery.left + 3, discovery.bottom - 3)), BLUE)
    assert not near(pixel(image, Point(discovery.left - 3, discovery.bottom - 3)), BLUE, tolerance=60)


def test_baselines_are_thin_bars_under_the_current_ones(drawn) -> None:
    image = decode(drawn.png)
    build = next(bar for bar in drawn.layout.bars if bar.phase == "Build")
    assert build.baseline is not None
    assert build.baseline.top > build.current.bottom
    assert build.baseline.height < build.current.height / 2
    assert abs(build.baseline.right - drawn.layout.x.date_px(D(2026, 12, 15))) < 0.5
    assert near(pixel(image, build.baseline.center), BASELINE_COLOUR)
    integration = next(bar for bar in drawn.layout.bars if bar.phase == "Integration")
    assert integration.baseline is None


def test_milestones_are_diamonds_filled_when_done(drawn) -> None:
    image = decode(drawn.png)
    stones = {mark.name: mark for mark in drawn.layout.milestones}
    assert abs(stones["Design sign-off"].at.x - drawn.layout.x.date_px(D(2026, 8, 31))) < 0.5
    assert near(pixel(image, stones["Design sign-off"].at), INK)
    assert near(pixel(image, stones["Live"].at), WHITE)
    assert stones["Live"].slip is None and stones["Live"].baseline_at is None


def test_slips_are_marked_from_baseline_to_due_date(drawn) -> None:
    image = decode(drawn.png)
    beta = next(mark for mark in drawn.layout.milestones if mark.name == "Beta")
    assert beta.slip is not None and beta.slip.text == "Beta \N{MIDDLE DOT} slipped +30d"
    assert beta.baseline_at is not None
    assert abs(beta.baseline_at.x - drawn.layout.x.date_px(D(2026, 11, 15))) < 0.5
    middle = Point((beta.baseline_at.x + beta.at.x) / 2 - 10, beta.at.y)
    assert near(pixel(image, middle), VERMILLION, tolerance=30)


def test_today_is_a_vertical_line(drawn) -> None:
    image = decode(drawn.png)
    layout = drawn.layout
    assert abs(layout.today_x - layout.x.date_px(D(2026, 12, 1))) < 0.5
    column = [pixel(image, Point(layout.today_x, y)) for y in range(round(layout.plot.top), round(layout.plot.bottom))]
    assert sum(near(value, REDDISH_PURPLE, tolerance=30) for value in column) > len(column) * 0.3
    assert "today" in layout.legend


def test_same_data_same_bytes_and_a_slip_changes_the_picture(drawn) -> None:
    assert draw_roadmap(DATA).png == drawn.png
    on_plan = RoadmapRow(
        APPEALS.key, APPEALS.phases, (APPEALS.milestones[0], RoadmapMilestone("Beta", D(2026, 12, 15)))
    )
    redrawn = draw_roadmap(RoadmapData(DATA.title, DATA.today, (on_plan, CSAM), DATA.start, DATA.end))
    assert redrawn.png != drawn.png
    assert all(mark.slip is None for mark in redrawn.layout.milestones)


def test_phases_need_sane_dates() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        Phase("x", D(2026, 2, 1), D(2026, 1, 1))
    with pytest.raises(ValueError, match="both baseline dates"):
        Phase("x", D(2026, 1, 1), D(2026, 2, 1), baseline_start=D(2026, 1, 1))


def test_a_replanned_phase_shows_its_slip_from_the_baseline_end(drawn) -> None:
    image = decode(drawn.png)
    build = next(bar for bar in drawn.layout.bars if bar.phase == "Build")
    assert build.baseline is not None and build.baseline.right < build.current.right  # Dec 15 -> Jan 31
    y = build.baseline.center.y
    assert near(pixel(image, Point(build.baseline.right + 10, y)), VERMILLION, tolerance=30)
    assert near(pixel(image, build.baseline.center), BASELINE_COLOUR)  # (Discovery's own slip ends at Aug 31)


CROWDED = RoadmapRow(
    "TNS-ELECTION",
    (Phase("Readiness", D(2026, 11, 1), D(2027, 1, 31)),),
    (
        RoadmapMilestone("M-6 War-room rota signed off", D(2026, 11, 28), done=True),
        RoadmapMilestone("M-7 Tabletop exercise with Legal", D(2026, 12, 3)),
        RoadmapMilestone("M-9 Comms plan agreed", D(2026, 12, 5)),
        RoadmapMilestone("M-8 Enforcement at 10% traffic", D(2026, 12, 28), baseline=D(2026, 12, 21)),
    ),
)


def test_milestone_names_never_overlap_and_a_slip_keeps_its_days() -> None:
    crowded = draw_roadmap(
        RoadmapData("Roadmap", D(2026, 12, 1), (CROWDED,), start=D(2026, 10, 15), end=D(2027, 2, 15))
    )
    labels = {mark.name: mark.label for mark in crowded.layout.milestones}
    boxes = list(labels.values())
    for n, first in enumerate(boxes):
        for second in boxes[n + 1 :]:
            overlap_x = min(first.box.right, second.box.right) - max(first.box.left, second.box.left)
            overlap_y = min(first.box.bottom, second.box.bottom) - max(first.box.top, second.box.top)
            assert overlap_x <= 0 or overlap_y <= 0, (first.text, second.text)
    slipped = next(m for m in crowded.layout.milestones if m.name.startswith("M-8"))
    assert slipped.slip is not None and slipped.slip.text.endswith("slipped +7d")
    assert all(label.text.startswith(name.split(" ")[0]) for name, label in labels.items())
    row = crowded.layout.rows["TNS-ELECTION"]
    assert all(row.encloses(label.box, margin=2) for label in boxes)
