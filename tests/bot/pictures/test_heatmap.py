"""The risk heat map: cell colours, counts, movement arrows, new and closed marks, determinism."""

from __future__ import annotations

import dataclasses

import pytest

from bot.pictures import HeatmapData, HeatmapRisk, band_grid, draw_heatmap
from bot.pictures.data import ALL_CELLS
from bot.pictures.layout import Point
from bot.pictures.palette import BAND_COLOURS, INK
from tests.bot.pictures.helpers import changed_pixels, corner, darkness, decode, near, pixel, ring

RISKS = (
    HeatmapRisk("R-1", 5, 5),
    HeatmapRisk("R-2", 5, 5),
    HeatmapRisk("R-3", 3, 2, new=True),
    HeatmapRisk("R-4", 4, 3, closed=True),
    HeatmapRisk("R-5", 4, 4, previous=(2, 4)),
    HeatmapRisk("R-6", 4, 4, previous=(2, 4)),
    HeatmapRisk("R-7", 1, 1),
    HeatmapRisk("R-8", 1, 1, previous=(1, 1)),  # "moved" to where it was: no arrow
)
DATA = HeatmapData("TNS-APPEALS risks \N{MIDDLE DOT} 2026-12-01", band_grid(), RISKS)


@pytest.fixture(scope="module")
def drawn():
    return draw_heatmap(DATA)


def test_png_decodes_at_slack_preview_size(drawn) -> None:
    image = decode(drawn.png)
    assert image.size == (drawn.layout.width, drawn.layout.height) == (1100, 820)
    assert "Software" not in image.info


def test_every_cell_has_its_bands_colour(drawn) -> None:
    image = decode(drawn.png)
    grid = band_grid()
    for cell in ALL_CELLS:
        assert near(pixel(image, corner(drawn.layout.cells[cell])), BAND_COLOURS[grid[cell]]), cell
        assert drawn.layout.bands[cell].text == grid[cell].upper()


def test_workspace_thresholds_decide_the_colours() -> None:
    drawn = draw_heatmap(HeatmapData("Portfolio risks", band_grid(3, 6, 12), ()))
    image = decode(drawn.png)
    assert near(pixel(image, corner(drawn.layout.cells[(3, 4)])), BAND_COLOURS["critical"])
    assert near(pixel(image, corner(drawn.layout.cells[(1, 3)])), BAND_COLOURS["medium"])
    assert "Critical (score 12\N{EN DASH}25)" in drawn.layout.legend


def test_cells_are_laid_out_likelihood_across_impact_up(drawn) -> None:
    cells = drawn.layout.cells
    assert cells[(1, 1)].left < cells[(2, 1)].left < cells[(5, 1)].left
    assert cells[(1, 5)].top < cells[(1, 4)].top < cells[(1, 1)].top
    assert abs(cells[(3, 3)].width - cells[(3, 3)].height) < 1


def test_counts_are_the_open_risks_in_each_cell(drawn) -> None:
    counts = {cell: label.text for cell, label in drawn.layout.counts.items()}
    assert counts == {(5, 5): "2", (3, 2): "1", (4, 4): "2", (1, 1): "2"}
    for cell, label in drawn.layout.counts.items():
        assert drawn.layout.cells[cell].encloses(label.box), cell


def test_new_risks_get_a_badge_in_their_cell(drawn) -> None:
    assert {cell: label.text for cell, label in drawn.layout.new.items()} == {(3, 2): "+1 new"}
    assert drawn.layout.cells[(3, 2)].encloses(drawn.layout.new[(3, 2)].box)


def test_closed_risks_get_a_hollow_ring_in_the_cell_they_left(drawn) -> None:
    image = decode(drawn.png)
    assert {cell: label.text for cell, label in drawn.layout.closed.items()} == {(4, 3): "1 closed"}
    (centre,) = drawn.layout.closed_markers[(4, 3)]
    assert drawn.layout.cells[(4, 3)].contains(centre)
    assert near(pixel(image, centre), BAND_COLOURS["high"])  # hollow
    assert max(darkness(value) for value in ring(image, centre, 6)) > 150  # ...with a dark rim
    assert (4, 3) not in drawn.layout.counts


def test_moved_risks_share_one_arrow_from_old_to_new_cell(drawn) -> None:
    image = decode(drawn.png)
    (arrow,) = drawn.layout.arrows
    assert (arrow.refs, arrow.source, arrow.target) == (("R-5", "R-6"), (2, 4), (4, 4))
    assert drawn.layout.cells[(2, 4)].contains(arrow.path[0])
    assert drawn.layout.cells[(4, 4)].contains(arrow.path[-1])
    middle = arrow.path[len(arrow.path) // 3 : 2 * len(arrow.path) // 3]
    assert middle
    for point in middle:
        assert near(pixel(image, point), INK, tolerance=40), point


def test_legend_explains_bands_and_marks(drawn) -> None:
    assert drawn.layout.legend == (
        "Critical (score 20\N{EN DASH}25)",
        "High (score 10\N{EN DASH}16)",
        "Medium (score 5\N{EN DASH}9)",
        "Low (score 1\N{EN DASH}4)",
        "open risks in the cell",
        "moved since last digest",
        "+N new since last digest",
        "N closed since last digest",
    )


def test_same_data_same_bytes_and_an_extra_risk_changes_only_its_cell(drawn) -> None:
    again = draw_heatmap(dataclasses.replace(DATA, risks=tuple(RISKS)))
    assert again.png == drawn.png
    extra = draw_heatmap(dataclasses.replace(DATA, risks=(*RISKS, HeatmapRisk("R-9", 2, 2))))
    assert extra.png != drawn.png
    before, after = decode(drawn.png), decode(extra.png)
    assert changed_pixels(before, after, drawn.layout.cells[(2, 2)]) > 50
    for cell in ALL_CELLS:
        if cell != (2, 2):
            assert changed_pixels(before, after, drawn.layout.cells[cell]) == 0, cell


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="off the 5x5 grid"):
        HeatmapRisk("R-1", 6, 1)
    with pytest.raises(ValueError, match="missing"):
        HeatmapData("x", {(1, 1): "low"})
    with pytest.raises(ValueError, match="thresholds"):
        band_grid(10, 5, 20)


def test_default_thresholds_match_pulses_defaults() -> None:
    grid = band_grid()
    assert [grid[cell] for cell in ((2, 2), (1, 5), (3, 3), (2, 5), (4, 4), (4, 5), (5, 5))] == [
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "critical",
        "critical",
    ]


def test_arrow_path_is_in_pixels(drawn) -> None:
    (arrow,) = drawn.layout.arrows
    assert all(isinstance(point, Point) and 0 <= point.x <= 1100 and 0 <= point.y <= 820 for point in arrow.path)


@pytest.mark.parametrize(
    ("cell", "previous"),
    [((3, 3), (3, 4)), ((5, 4), (5, 5)), ((3, 3), (3, 2)), ((3, 3), (2, 3)), ((3, 3), (4, 3))],
    ids=["down", "down-into-critical", "up", "right", "left"],
)
def test_an_arrow_into_a_cell_leaves_its_band_name_clear(cell: tuple[int, int], previous: tuple[int, int]) -> None:
    """The arrow's head lands beside the band name in its cell's top left corner, not over it."""
    still = draw_heatmap(HeatmapData("Risks", band_grid(), (HeatmapRisk("R-1", *cell),)))
    moved = draw_heatmap(HeatmapData("Risks", band_grid(), (HeatmapRisk("R-1", *cell, previous=previous),)))
    (arrow,) = moved.layout.arrows
    label = moved.layout.bands[cell].box
    padded = dataclasses.replace(label, left=label.left - 2, top=label.top - 2, right=label.right + 2)
    assert changed_pixels(decode(still.png), decode(moved.png), padded) == 0, arrow.path[-1]
