"""An action is overdue when it is open, past its due date, and not snoozed beyond today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from domain.errors import Conflict, Invalid
from store.db import Database
from store.models import Action, ActionStatus
from tests.support.services import actions
from tests.support.store import ACTION_OWNER, OWNER, TEAM, TODAY, get_action, get_program, new_program, write

DAY = dt.timedelta(days=1)
YESTERDAY, TOMORROW = TODAY - DAY, TODAY + DAY


def action(due: dt.date, *, status: ActionStatus = ActionStatus.OPEN, snoozed_until: dt.date | None = None) -> Action:
    return Action(
        team_id=TEAM,
        number=1,
        program_id=1,
        title="a",
        owner_id="U1",
        due=due,
        status=status,
        snoozed_until=snoozed_until,
        created_by="U1",
    )


@pytest.mark.parametrize(
    ("item", "overdue"),
    [
        (action(YESTERDAY), True),
        (action(TODAY - 30 * DAY), True),
        (action(TODAY), False),  # due today is not late yet
        (action(TOMORROW), False),
        (action(YESTERDAY, status=ActionStatus.DONE), False),
        (action(YESTERDAY, snoozed_until=TOMORROW), False),
        (action(YESTERDAY, snoozed_until=TODAY), True),  # the snooze has run out
        (action(YESTERDAY, snoozed_until=YESTERDAY), True),
        (action(TOMORROW, snoozed_until=TODAY + 5 * DAY), False),
    ],
)
def test_is_overdue(item: Action, overdue: bool) -> None:
    assert actions.is_overdue(item, TODAY) is overdue


@pytest.fixture
def seeded(database: Database) -> Database:
    """A-1 due 10 days ago, A-2 yesterday, A-3 today, A-4 tomorrow, A-5 yesterday but done, A-6 someone else's."""
    new_program(database)
    with database.session(write=True) as session:
        program = get_program(session)
        for due in (TODAY - 10 * DAY, YESTERDAY, TODAY, TOMORROW, YESTERDAY):
            actions.add(session, OWNER, program, title=f"due {due}", owner_id=ACTION_OWNER.user_id, due=due)
        actions.add(session, OWNER, program, title="mine", owner_id=OWNER.user_id, due=YESTERDAY)
        actions.complete(session, OWNER, program, get_action(session, 5)[0])
    return database


def numbers(database: Database, **filters: Any) -> list[int]:
    with database.session() as session:
        program = get_program(session)
        return [a.number for a in actions.query(session, TEAM, [program.id or 0], **filters)]


def test_query_lists_overdue_open_actions_oldest_first(seeded: Database) -> None:
    assert numbers(seeded, overdue_on=TODAY) == [1, 2, 6]
    assert numbers(seeded, overdue_on=TODAY, owner_id=ACTION_OWNER.user_id) == [1, 2]
    assert numbers(seeded, overdue_on=TOMORROW) == [1, 2, 6, 3]
    assert numbers(seeded) == [1, 2, 6, 3, 4]
    assert numbers(seeded, include_done=True) == [1, 2, 5, 6, 3, 4]


def test_a_snoozed_action_leaves_the_overdue_list_until_its_snooze_ends(seeded: Database) -> None:
    with seeded.session(write=True) as session:
        item, program = get_action(session, 2)
        actions.snooze(session, ACTION_OWNER, program, item, until=TODAY + 3 * DAY, today=TODAY)
    assert numbers(seeded, overdue_on=TODAY) == [1, 6]
    assert numbers(seeded, overdue_on=TODAY + 2 * DAY) == [1, 6, 3, 4]
    assert numbers(seeded, overdue_on=TODAY + 3 * DAY) == [1, 2, 6, 3, 4]  # back on the day the snooze ends
    assert numbers(seeded) == [1, 2, 6, 3, 4]  # snoozed is still open


def test_snoozing_needs_a_future_date_and_an_open_action(seeded: Database) -> None:
    def snooze(number: int, until: dt.date) -> Callable[[Any], object]:
        return lambda s: actions.snooze(
            s, ACTION_OWNER, get_action(s, number)[1], get_action(s, number)[0], until=until, today=TODAY
        )

    for until in (TODAY, YESTERDAY):
        with pytest.raises(Invalid, match="future date"):
            write(seeded, snooze(1, until))
    with pytest.raises(Conflict, match="A-5 is already done"):
        write(seeded, snooze(5, TOMORROW))


def test_a_done_action_is_never_overdue_and_cannot_be_done_twice(seeded: Database) -> None:
    with seeded.session(write=True) as session:
        item, program = get_action(session, 1)
        actions.complete(session, ACTION_OWNER, program, item)
    assert numbers(seeded, overdue_on=TODAY) == [2, 6]
    with pytest.raises(Conflict, match="A-1 is already done"):
        write(seeded, lambda s: actions.complete(s, ACTION_OWNER, get_action(s, 1)[1], get_action(s, 1)[0]))


def test_linked_items_must_belong_to_the_same_program(database: Database) -> None:
    from tests.support.services import risks

    new_program(database, "TNS-A")
    new_program(database, "TNS-B")
    with database.session(write=True) as session:
        risk = risks.add(
            session, OWNER, get_program(session, "TNS-A"), title="r", likelihood=1, impact=1, owner_id=OWNER.user_id
        )
    with (
        pytest.raises(Invalid, match="R-1 belongs to another program than TNS-B"),
        database.session(write=True) as session,
    ):
        actions.add(
            session, OWNER, get_program(session, "TNS-B"), title="a", owner_id=OWNER.user_id, due=TODAY, risk=risk
        )
