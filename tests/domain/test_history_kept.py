"""Nothing is hard-deleted: closing, archiving and superseding keep the rows; numbers are never reused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event

from domain.errors import Conflict
from domain.lookup import visible_programs
from store.db import Database
from store.models import DecisionStatus, Rag, RiskStatus
from tests.support.services import RiskChanges, actions, decisions, milestones, programs, risks
from tests.support.store import (
    ADMIN,
    OWNER,
    TEAM,
    TODAY,
    get_action,
    get_decision,
    get_milestone,
    get_program,
    get_risk,
    new_program,
    row_counts,
    write,
)


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement the store sends while the test runs."""
    sent: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(database.engine, "before_cursor_execute", remember)
    yield sent
    event.remove(database.engine, "before_cursor_execute", remember)


def test_a_full_lifecycle_never_deletes_a_row(database: Database, statements: list[str]) -> None:
    new_program(database)
    with database.session(write=True) as session:
        program = get_program(session)
        programs.report_status(session, OWNER, program, rag=Rag.GREEN, summary="ok")
        risk = risks.add(session, OWNER, program, title="r", likelihood=3, impact=3, owner_id=OWNER.user_id)
        milestone = milestones.add(session, OWNER, program, title="m", due=TODAY, owner_id=OWNER.user_id)
        first = decisions.log(session, OWNER, program, title="d1", decider_id=OWNER.user_id)
        second = decisions.log(session, OWNER, program, title="d2", decider_id=OWNER.user_id)
        action = actions.add(session, OWNER, program, title="a", owner_id=OWNER.user_id, due=TODAY, risk=risk)
    grown = row_counts(database)
    with database.session(write=True) as session:
        program = get_program(session)
        risks.close(session, OWNER, program, get_risk(session, risk.number)[0], reason="done")
        milestones.complete(session, OWNER, program, get_milestone(session, milestone.number)[0])
        decisions.supersede(
            session,
            OWNER,
            get_decision(session, first.number)[0],
            program,
            get_decision(session, second.number)[0],
            program,
        )
        actions.complete(session, OWNER, program, get_action(session, action.number)[0])
        programs.archive(session, OWNER, program)

    assert statements, "the listener saw the work"
    assert not [s for s in statements if s.lstrip().upper().startswith(("DELETE", "TRUNCATE", "DROP"))]
    after = row_counts(database)
    assert after["audit_event"] == grown["audit_event"] + 5
    assert {k: v for k, v in after.items() if k != "audit_event"} == {
        k: v for k, v in grown.items() if k != "audit_event"
    }


def on_risk_1(change: Callable[..., object], session: Any) -> object:
    return change(session, *get_risk(session, 1))


def on_program(change: Callable[..., object], session: Any) -> object:
    return change(session, get_program(session))


def test_a_closed_risk_is_kept_and_final(database: Database) -> None:
    new_program(database)
    with database.session(write=True) as session:
        risks.add(session, OWNER, get_program(session), title="r", likelihood=3, impact=3, owner_id=OWNER.user_id)
    with database.session(write=True) as session:
        risk, program = get_risk(session, 1)
        risks.close(session, OWNER, program, risk, reason="  Mitigated by vendor B  ")

    with database.session() as session:
        risk, program = get_risk(session, 1)  # still found by its number
        assert (risk.status, risk.close_reason) == (RiskStatus.CLOSED, "Mitigated by vendor B")
        assert risk.closed_at is not None
        assert risks.query(session, TEAM, [program.id or 0]) == []
        assert [r.number for r in risks.query(session, TEAM, [program.id or 0], include_closed=True)] == [1]

    for change, error in (
        (lambda s, r, p: risks.update(s, ADMIN, p, r, RiskChanges(impact=1)), "R-1 is closed"),
        (lambda s, r, p: risks.update(s, ADMIN, p, r, RiskChanges(status=RiskStatus.OPEN)), "R-1 is closed"),
        (lambda s, r, p: risks.close(s, ADMIN, p, r, reason="again"), "R-1 is already closed"),
        (lambda s, r, p: risks.mark_reviewed(s, ADMIN, p, r, next_review=TODAY), "R-1 is closed"),
    ):
        counts = row_counts(database)
        with pytest.raises(Conflict, match=error):
            write(database, partial(on_risk_1, change))
        assert row_counts(database) == counts


def test_an_archived_program_stays_readable_but_takes_no_changes(database: Database) -> None:
    new_program(database)
    with database.session(write=True) as session:
        risks.add(session, OWNER, get_program(session), title="r", likelihood=1, impact=1, owner_id=OWNER.user_id)
        programs.archive(session, OWNER, get_program(session))
    with database.session() as session:
        program = get_program(session)
        assert program.archived_at is not None
        assert visible_programs(session, ADMIN) == []
        assert [p.key for p in visible_programs(session, ADMIN, include_archived=True)] == ["TNS-X"]
        assert get_risk(session, 1)[0].title == "r"

    refusals = {
        "archive": (lambda s, p: programs.archive(s, ADMIN, p), "TNS-X is already archived."),
        "status": (
            lambda s, p: programs.report_status(s, ADMIN, p, rag=Rag.RED, summary="x"),
            "TNS-X is archived; status can no longer be reported.",
        ),
        "risk": (
            lambda s, p: risks.add(s, ADMIN, p, title="r", likelihood=1, impact=1, owner_id=OWNER.user_id),
            "TNS-X is archived; it takes no new risks.",
        ),
        "action": (
            lambda s, p: actions.add(s, ADMIN, p, title="a", owner_id=OWNER.user_id, due=TODAY),
            "TNS-X is archived; it takes no new actions.",
        ),
        "milestone": (
            lambda s, p: milestones.add(s, ADMIN, p, title="m", due=TODAY, owner_id=OWNER.user_id),
            "TNS-X is archived; it takes no new milestones.",
        ),
        "same key": (
            lambda s, p: programs.create(s, ADMIN, key="TNS-X", name="again", owner_id=OWNER.user_id),
            "That key is not available: TNS-X cannot be used for a new program; choose another key.",
        ),
    }
    for name, (change, message) in refusals.items():
        with pytest.raises(Conflict) as refused:
            write(database, partial(on_program, change))
        assert str(refused.value) == message, name


def test_a_superseded_decision_is_kept_and_cannot_be_superseded_again(database: Database) -> None:
    new_program(database)
    with database.session(write=True) as session:
        program = get_program(session)
        for title in ("Vendor A", "Vendor B", "Vendor C"):
            decisions.log(session, OWNER, program, title=title, decider_id=OWNER.user_id)
    with database.session(write=True) as session:
        program = get_program(session)
        decisions.supersede(session, OWNER, get_decision(session, 1)[0], program, get_decision(session, 2)[0], program)
    with database.session() as session:
        old, program = get_decision(session, 1)
        new, _ = get_decision(session, 2)
        assert (old.status, old.superseded_by_id, old.title) == (DecisionStatus.SUPERSEDED, new.id, "Vendor A")
        assert [d.number for d in decisions.query(session, TEAM, [program.id or 0])] == [3, 2, 1]

    def supersede(old_number: int, new_number: int) -> Callable[[Any], object]:
        def work(s: Any) -> object:
            (old, program), (new, _) = get_decision(s, old_number), get_decision(s, new_number)
            return decisions.supersede(s, OWNER, old, program, new, program)

        return work

    for old_number, new_number, message in (
        (1, 3, "D-1 is already superseded."),
        (3, 1, "D-1 is itself superseded; supersede with the current decision."),
    ):
        with pytest.raises(Conflict) as refused:
            write(database, supersede(old_number, new_number))
        assert str(refused.value) == message


def test_numbers_are_never_reused(database: Database) -> None:
    new_program(database)
    with database.session(write=True) as session:
        program = get_program(session)
        first = risks.add(session, OWNER, program, title="r1", likelihood=1, impact=1, owner_id=OWNER.user_id)
        risks.close(session, OWNER, program, first, reason="gone")
        second = risks.add(session, OWNER, program, title="r2", likelihood=1, impact=1, owner_id=OWNER.user_id)
        action = actions.add(session, OWNER, program, title="a1", owner_id=OWNER.user_id, due=TODAY)
        actions.complete(session, OWNER, program, action)
        later = actions.add(session, OWNER, program, title="a2", owner_id=OWNER.user_id, due=TODAY)
        milestone = milestones.add(session, OWNER, program, title="m1", due=TODAY, owner_id=OWNER.user_id)
    assert (first.number, second.number) == (1, 2)
    assert (action.number, later.number) == (1, 2)  # each kind counts on its own
    assert milestone.number == 1

    # a refused change consumes nothing either
    def add_then_fail(s: Any) -> None:
        risks.add(s, OWNER, get_program(s), title="r3", likelihood=1, impact=1, owner_id=OWNER.user_id)
        programs.archive(s, OWNER, get_program(s))
        programs.archive(s, OWNER, get_program(s))

    with pytest.raises(Conflict):
        write(database, add_then_fail)
    with database.session(write=True) as session:
        third = risks.add(
            session, OWNER, get_program(session), title="r3", likelihood=1, impact=1, owner_id=OWNER.user_id
        )
    assert third.number == 3


def test_reviewing_an_open_risk_keeps_its_scores(database: Database) -> None:
    new_program(database)
    with database.session(write=True) as session:
        risks.add(session, OWNER, get_program(session), title="r", likelihood=4, impact=4, owner_id=OWNER.user_id)
    with database.session(write=True) as session:
        risk, program = get_risk(session, 1)
        risks.mark_reviewed(session, OWNER, program, risk, next_review=TODAY + dt.timedelta(days=7))
    with database.session() as session:
        risk, _ = get_risk(session, 1)
    assert (risk.likelihood, risk.impact, risk.score, risk.review_date) == (4, 4, 16, dt.date(2026, 12, 2))
    assert risk.reviewed_at is not None
