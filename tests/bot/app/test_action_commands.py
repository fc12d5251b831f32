"""/action over HTTP: add (with every date form), list, done, snooze; errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from store.db import Database
from store.models import Action, ActionStatus, AuditEvent, Decision, Risk
from tests.support.app import (
    ANA,
    APPEALS,
    OWNER,
    STRANGER,
    add_action,
    add_risk,
    create_program,
    fetch,
    first_line,
    listed_ids,
    log_decision,
    mention,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness

TODAY = dt.date(2030, 1, 9)  # a Wednesday


@pytest.fixture
def frozen() -> Iterator[None]:
    """Noon UTC on TODAY (the clock keeps ticking, so requests stay freshly signed)."""
    with time_machine.travel(dt.datetime(2030, 1, 9, 12, tzinfo=dt.UTC), tick=True):
        yield


def test_added_action_is_stored_and_linked(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_risk(pulse, "Vendor cannot hire", 4, 5)
    log_decision(pulse, "Use vendor B")
    answer = pulse.command(
        "/action",
        f"add {APPEALS} Send overtime request to Finance owner:{mention('U0OMAR')} due:2030-01-11 "
        "risk:r-1 decision:D-1",
    )
    assert first_line(ok(answer)) == (
        "A-1 added to TNS-APPEALS: Send overtime request to Finance, owner <@U0OMAR>, due Fri 2030-01-11"
        " · for R-1 · for D-1"
    )
    action = fetch(database, Action, number=1)
    risk, decision = fetch(database, Risk, number=1), fetch(database, Decision, number=1)
    assert (action.title, action.owner_id, action.due) == (
        "Send overtime request to Finance",
        "U0OMAR",
        TODAY.replace(day=11),
    )
    assert (action.risk_id, action.decision_id, action.status, action.created_by) == (
        risk.id,
        decision.id,
        ActionStatus.OPEN,
        OWNER,
    )
    assert fetch(database, AuditEvent, entity_ref="A-1").action == "create"


def test_anyone_who_may_see_the_program_adds_actions(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    ok(pulse.command("/action", f"add {APPEALS} Check the queue owner:me due:2030-01-11", user=STRANGER))
    action = fetch(database, Action, number=1)
    assert (action.owner_id, action.created_by) == (STRANGER, STRANGER)


@pytest.mark.usefixtures("frozen")
def test_every_date_form_resolves_in_the_callers_calendar(
    pulse: PulseHarness, database: Database, subtests: pytest.Subtests
) -> None:
    create_program(pulse)
    forms = {
        "2030-02-01": "Fri 2030-02-01",
        "today": "Wed 2030-01-09",
        "tomorrow": "Thu 2030-01-10",
        "fri": "Fri 2030-01-11",
        "Friday": "Fri 2030-01-11",
        "tue": "Tue 2030-01-15",
        "wed": "Wed 2030-01-16",  # the next Wednesday, not today
        "+3d": "Sat 2030-01-12",
        "+2w": "Wed 2030-01-23",
    }
    for number, (form, shown) in enumerate(forms.items(), start=1):
        with subtests.test(form):
            answer = ok(pulse.command("/action", f"add {APPEALS} Task {form} owner:me due:{form}"))
            assert first_line(answer) == f"A-{number} added to TNS-APPEALS: Task {form}, owner <@U0OWNER>, due {shown}"
            assert fetch(database, Action, number=number).due.strftime("%a %Y-%m-%d") == shown


def test_dates_are_read_in_the_callers_time_zone(pulse: PulseHarness, database: Database) -> None:
    pulse.stub.users["U0TOKYO"] = {"tz": "Asia/Tokyo"}
    create_program(pulse)
    with time_machine.travel(dt.datetime(2030, 1, 9, 20, tzinfo=dt.UTC), tick=True):  # already the 10th in Tokyo
        ok(pulse.command("/action", f"add {APPEALS} Tokyo task owner:me due:today", user="U0TOKYO"))
        ok(pulse.command("/action", f"add {APPEALS} UTC task owner:me due:today"))
    assert fetch(database, Action, number=1).due == dt.date(2030, 1, 10)
    assert fetch(database, Action, number=2).due == dt.date(2030, 1, 9)


@pytest.mark.usefixtures("frozen")
def test_past_due_date_is_accepted_with_a_note(pulse: PulseHarness) -> None:
    create_program(pulse)
    answer = ok(pulse.command("/action", f"add {APPEALS} Late already owner:me due:2030-01-05"))
    assert first_line(answer).endswith("due Sat 2030-01-05 (already past)")


@pytest.mark.usefixtures("frozen")
def test_action_list_is_sorted_by_due_date_and_says_how_many_more(pulse: PulseHarness) -> None:
    create_program(pulse)
    offsets = [5, -3, 12, 0, 30, 1, -10, 7, 2, 20, 3, 15, 4, 9, 6, 25, 8]
    for number, offset in enumerate(offsets, start=1):
        due = (TODAY + dt.timedelta(days=offset)).isoformat()
        add_action(pulse, f"Action {number}", due=due, owner=ANA if number % 2 else OWNER)
    listed = ok(pulse.command("/action", "list"))
    assert first_line(listed) == "*17 actions*, soonest due first"
    expected = sorted(range(1, 18), key=lambda n: (offsets[n - 1], n))
    assert listed_ids(listed, "A") == [f"A-{n}" for n in expected[:15]]
    assert ":hourglass: *A-7* TNS-APPEALS · Action 7 · <@U0ANA> · due Sun 2029-12-30" in listed.text
    assert "…and 2 more. Narrow with a KEY, `owner:` or `overdue`." in listed.text

    assert listed_ids(ok(pulse.command("/action", "list overdue")), "A") == ["A-7", "A-2"]
    mine = ok(pulse.command("/action", "list owner:me"))
    assert listed_ids(mine, "A") == [f"A-{n}" for n in expected if n % 2 == 0]


@pytest.mark.usefixtures("frozen")
def test_done_and_snoozed_actions_leave_the_open_lists(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    create_program(pulse, "TNS-OPS", "Ops")
    add_action(pulse, "Draft the SOW", due="2030-01-05")
    add_action(pulse, "Call the vendor", due="2030-01-07")
    add_action(pulse, "Ops thing", due="2030-01-20", key="TNS-OPS")

    done = ok(pulse.command("/action", "done a-1", user=ANA))
    assert first_line(done) == ":white_check_mark: A-1 done (TNS-APPEALS): Draft the SOW (4 days late)"
    action = fetch(database, Action, number=1)
    assert (action.status, action.done_by) == (ActionStatus.DONE, ANA) and action.done_at is not None

    snoozed = ok(pulse.command("/action", "snooze A-2 until:+3d", user=ANA))
    assert first_line(snoozed) == (
        "A-2 snoozed until Sat 2030-01-12 (TNS-APPEALS); reminders stop until then. Due date stays Mon 2030-01-07."
    )
    assert fetch(database, Action, number=2).snoozed_until == dt.date(2030, 1, 12)

    assert listed_ids(ok(pulse.command("/action", "list")), "A") == ["A-2", "A-3"]
    assert "snoozed to Sat 2030-01-12" in ok(pulse.command("/action", "list")).text
    assert ok(pulse.command("/action", "list overdue")).text == "No actions match."  # A-2 is snoozed past today
    assert listed_ids(ok(pulse.command("/action", f"list {APPEALS} all")), "A") == ["A-1", "A-2"]
    assert listed_ids(ok(pulse.command("/action", "list tns-ops")), "A") == ["A-3"]


def test_empty_action_list(pulse: PulseHarness) -> None:
    create_program(pulse)
    assert ok(pulse.command("/action", "list")).text == "No open actions."


ACTION_ERRORS = [
    ("add TNS-APPEALS Draft the SOW due:fri", "`owner:` is required."),
    ("add TNS-APPEALS Draft the SOW owner:me", "`due:` is required."),
    ("add TNS-APPEALS Draft the SOW owner:me due:31/01", "`31/01` does not fit this workspace's month/day dates."),
    ("add TNS-APPEALS Draft the SOW owner:me due:+3m", "`+3m` is not a date"),
    ("add TNS-APPEALS Draft the SOW owner:bob due:fri", "`bob` is not a person"),
    ("add TNS-APPEALS Draft the SOW ownr:me due:fri", "`ownr:` is not a field here. Did you mean `owner:`?"),
    ('add TNS-APPEALS "Draft the SOW owner:me due:fri', "A quote is not closed"),
    ("add TNS-NOPE Draft the SOW owner:me due:fri", "TNS-NOPE not found."),
    ("add TNS-APPEALS Draft the SOW owner:me due:fri risk:R-99", "R-99 not found."),
    ("add TNS-APPEALS Draft the SOW owner:me due:fri risk:D-1", "`D-1` is not an ID like R-12."),
    ("add TNS-APPEALS Draft the SOW owner:me due:fri risk:R-2", "R-2 belongs to another program than TNS-APPEALS."),
    ("add TNS-APPEALS Draft the SOW owner:me due:fri decision:D-9", "D-9 not found."),
    ("done A-99", "A-99 not found."),
    ("done R-1", "`R-1` is not an ID like A-12."),
    ("done", "Which action? e.g. `/action done A-7`."),
    ("done A-2", "A-2 is already done."),
    ("snooze A-1", "`until:` is required."),
    ("snooze A-1 until:today", "Snooze until a future date, e.g. `/action snooze A-1 until:+3d`."),
    ("snooze A-1 until:someday", "`someday` is not a date"),
    ("snooze A-2 until:+3d", "A-2 is already done; nothing to snooze."),
    ("snooze A-99 until:+3d", "A-99 not found."),
    ("list owner:bob", "`bob` is not a person"),
    ("list TNS-NOPE", "TNS-NOPE not found."),
]


def test_action_errors_are_ephemeral_and_write_nothing(
    pulse: PulseHarness, database: Database, subtests: pytest.Subtests
) -> None:
    create_program(pulse)
    create_program(pulse, "TNS-OPS", "Ops")
    add_risk(pulse)
    add_risk(pulse, key="TNS-OPS")
    log_decision(pulse)
    add_action(pulse, "Open one")
    add_action(pulse, "Done one")
    ok(pulse.command("/action", "done A-2"))
    for text, says in ACTION_ERRORS:
        with subtests.test(text), nothing_written(database):
            assert says in refused(pulse.command("/action", text)).text
