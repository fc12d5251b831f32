"""/program milestone-move: a milestone re-planned keeps the date first planned, so its slip stays visible."""

from __future__ import annotations

import datetime as dt

from store.db import Database
from store.models import Milestone
from tests.support.app import STRANGER, add_milestone, create_program, fetch, first_line, nothing_written, ok, refused
from tests.support.harness import PulseHarness


def test_moving_a_milestone_keeps_its_first_date(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_milestone(pulse, due="2030-01-15")
    answer = ok(pulse.command("/program", "milestone-move M-1 due:2030-02-01"))
    assert first_line(answer) == (
        "M-1 of *TNS-APPEALS* (Vendor signed) is now due Fri 2030-02-01; "
        "first planned for Tue 2030-01-15 (17 days later)."
    )
    ok(pulse.command("/program", "milestone-move M-1 due:2030-03-01"))
    row = fetch(database, Milestone, number=1)
    assert (row.due, row.baseline_due) == (dt.date(2030, 3, 1), dt.date(2030, 1, 15))


def test_who_may_move_it_and_when(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_milestone(pulse, due="2030-01-15")
    with nothing_written(database):
        assert (
            "Only the program owner"
            in refused(pulse.command("/program", "milestone-move M-1 due:2030-02-01", user=STRANGER)).text
        )
        assert "Nothing to change" in refused(pulse.command("/program", "milestone-move M-1 due:2030-01-15")).text
        assert "`due:` is required" in refused(pulse.command("/program", "milestone-move M-1")).text
    ok(pulse.command("/program", "milestone-done M-1"))
    assert "M-1 is already done." in refused(pulse.command("/program", "milestone-move M-1 due:2030-02-01")).text
