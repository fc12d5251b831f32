"""The weekly RAG grid: colour and letter of every (program, week) cell."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.pictures import RagRow, RagTimelineData, draw_rag_timeline
from bot.pictures.data import Rag
from bot.pictures.layout import Point
from bot.pictures.palette import RAG_COLOURS, RAG_LETTERS
from tests.bot.pictures.helpers import decode, near, pixel

WEEKS = tuple(dt.date(2026, 9, 14) + dt.timedelta(weeks=n) for n in range(12))
LETTERS: dict[str, Rag | None] = {"R": "red", "A": "amber", "G": "green", "-": None}
ROWS = {"TNS-APPEALS": "GGGAAARRAAGG", "TNS-ELECTIONS-2026": "AAAARRRRRAAG", "TNS-SPAM": "--GGAGGAAAGR"}


def _data(rows: dict[str, str]) -> RagTimelineData:
    return RagTimelineData(
        "Portfolio RAG",
        WEEKS,
        tuple(RagRow(key, tuple(LETTERS[letter] for letter in statuses)) for key, statuses in rows.items()),
    )


@pytest.fixture(scope="module")
def drawn():
    return draw_rag_timeline(_data(ROWS))


def test_png_decodes_and_is_preview_sized(drawn) -> None:
    image = decode(drawn.png)
    assert image.size == (drawn.layout.width, drawn.layout.height)
    assert image.size[0] == 1100


def test_each_cell_has_its_status_colour_and_letter(drawn) -> None:
    image = decode(drawn.png)
    for key, statuses in ROWS.items():
        for week, letter in enumerate(statuses):
            status = LETTERS[letter]
            box = drawn.layout.cells[(key, week)]
            assert near(pixel(image, Point(box.left + 8, box.top + 8)), RAG_COLOURS[status]), (key, week)
            label = drawn.layout.letters[(key, week)]
            assert label.text == RAG_LETTERS[status]
            assert box.encloses(label.box)
            assert abs(label.box.center.x - box.center.x) < 2


def test_rows_are_programs_top_down_and_columns_weeks_oldest_first(drawn) -> None:
    assert [label.text for label in drawn.layout.row_labels] == list(ROWS)
    assert [label.text for label in drawn.layout.week_labels] == [f"{week.day} {week:%b}" for week in WEEKS]
    cells = drawn.layout.cells
    assert cells[("TNS-APPEALS", 0)].top < cells[("TNS-ELECTIONS-2026", 0)].top < cells[("TNS-SPAM", 0)].top
    assert cells[("TNS-SPAM", 0)].left < cells[("TNS-SPAM", 11)].left
    for label, week in zip(drawn.layout.week_labels, range(12), strict=True):
        assert abs(label.box.center.x - cells[("TNS-SPAM", week)].center.x) < 2
    assert drawn.layout.legend == ("R  Red", "A  Amber", "G  Green", "\N{EN DASH}  No report")


def test_long_keys_get_room_and_more_programs_a_taller_picture(drawn) -> None:
    image = decode(drawn.png)
    labels = {label.text: label for label in drawn.layout.row_labels}
    assert labels["TNS-ELECTIONS-2026"].box.left >= 0
    taller = draw_rag_timeline(_data({**ROWS, "TNS-CSAM": "G" * 12, "TNS-AGE": "A" * 12}))
    assert taller.layout.height > drawn.layout.height == image.size[1]


def test_same_data_same_bytes_and_one_changed_week_changes_only_that_cell(drawn) -> None:
    assert draw_rag_timeline(_data(ROWS)).png == drawn.png
    changed = draw_rag_timeline(_data({**ROWS, "TNS-SPAM": "--GGAGGAAAGG"}))
    image = decode(changed.png)
    box = changed.layout.cells[("TNS-SPAM", 11)]
    assert near(pixel(image, Point(box.left + 8, box.top + 8)), RAG_COLOURS["green"])
    assert changed.png != drawn.png


def test_statuses_must_match_the_weeks() -> None:
    with pytest.raises(ValueError, match="2 statuses for 12 weeks"):
        RagTimelineData("x", WEEKS, (RagRow("A", ("red", "red")),))
