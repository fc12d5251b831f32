"""Who may change what, enforced in the service layer; a refusal says who may do it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from domain.access import Actor
from domain.errors import Forbidden
from store.db import Database
from store.models import ActionStatus, DecisionStatus, Rag, RiskStatus
from tests.support.services import RiskChanges, actions, decisions, milestones, programs, risks
from tests.support.store import (
    ACTION_OWNER,
    ADMIN,
    DECIDER,
    OWNER,
    RISK_OWNER,
    STRANGER,
    TEAM,
    TODAY,
    get_action,
    get_decision,
    get_milestone,
    get_program,
    get_risk,
    new_program,
)

OTHER_ADMIN_TEAM = Actor(team_id="T2", user_id=ADMIN.user_id, is_admin=True)
MEMBER = Actor(team_id=TEAM, user_id="U0MEMBER")  # a member of the program, not its owner


@pytest.fixture
def seeded(database: Database) -> Database:
    """TNS-X owned by OWNER (member MEMBER), R-1 owned by RISK_OWNER, A-1 by ACTION_OWNER, M-1, D-1 and D-2."""
    new_program(database, members=[MEMBER.user_id])
    with database.session(write=True) as session:
        prog = get_program(session)
        risks.add(session, OWNER, prog, title="r", likelihood=2, impact=2, owner_id=RISK_OWNER.user_id)
        actions.add(session, OWNER, prog, title="a", owner_id=ACTION_OWNER.user_id, due=TODAY)
        milestones.add(session, OWNER, prog, title="m", due=TODAY, owner_id=RISK_OWNER.user_id)
        decisions.log(session, OWNER, prog, title="d1", decider_id=DECIDER.user_id)
        decisions.log(session, OWNER, prog, title="d2", decider_id=DECIDER.user_id)
    return database


def attempt(database: Database, work: Callable[[Any], object]) -> None:
    with database.session(write=True) as session:
        work(session)


# Each operation, and the exact refusal a person who may not do it sees.
def status(actor: Actor) -> Callable[[Any], object]:
    return lambda s: programs.report_status(s, actor, get_program(s), rag=Rag.AMBER, summary="Slipping")


def archive(actor: Actor) -> Callable[[Any], object]:
    return lambda s: programs.archive(s, actor, get_program(s))


def add_milestone(actor: Actor) -> Callable[[Any], object]:
    return lambda s: milestones.add(s, actor, get_program(s), title="New", due=TODAY, owner_id=actor.user_id)


def complete_milestone(actor: Actor) -> Callable[[Any], object]:
    return lambda s: milestones.complete(s, actor, get_milestone(s, 1)[1], get_milestone(s, 1)[0])


def update_risk(actor: Actor) -> Callable[[Any], object]:
    return lambda s: risks.update(s, actor, get_risk(s, 1)[1], get_risk(s, 1)[0], RiskChanges(impact=4))


def review_risk(actor: Actor) -> Callable[[Any], object]:
    return lambda s: risks.mark_reviewed(s, actor, get_risk(s, 1)[1], get_risk(s, 1)[0], next_review=TODAY)


def close_risk(actor: Actor) -> Callable[[Any], object]:
    return lambda s: risks.close(s, actor, get_risk(s, 1)[1], get_risk(s, 1)[0], reason="Gone")


def complete_action(actor: Actor) -> Callable[[Any], object]:
    return lambda s: actions.complete(s, actor, get_action(s, 1)[1], get_action(s, 1)[0])


def snooze_action(actor: Actor) -> Callable[[Any], object]:
    until = TODAY + dt.timedelta(days=2)
    return lambda s: actions.snooze(s, actor, get_action(s, 1)[1], get_action(s, 1)[0], until=until, today=TODAY)


def supersede(actor: Actor) -> Callable[[Any], object]:
    def work(s: Any) -> object:
        (old, old_program), (new, new_program) = get_decision(s, 1), get_decision(s, 2)
        return decisions.supersede(s, actor, old, old_program, new, new_program)

    return work


OWNER_ONLY = "Only the program owner (<@U0OWNER>) or a Pulse admin may {doing} TNS-X."
ITEM_OWNER = "Only {role} (<@{owner}>), the program owner (<@U0OWNER>) or a Pulse admin may {doing}."
RULES = {
    "status": (status, [OWNER, ADMIN], OWNER_ONLY.format(doing="report status on")),
    "archive": (archive, [OWNER, ADMIN], OWNER_ONLY.format(doing="archive")),
    "add_milestone": (add_milestone, [OWNER, ADMIN], OWNER_ONLY.format(doing="add milestones to")),
    "complete_milestone": (complete_milestone, [OWNER, ADMIN], OWNER_ONLY.format(doing="complete milestones of")),
    "update_risk": (
        update_risk,
        [RISK_OWNER, OWNER, ADMIN],
        ITEM_OWNER.format(role="the risk owner", owner="U0RISK", doing="update R-1"),
    ),
    "review_risk": (
        review_risk,
        [RISK_OWNER, OWNER, ADMIN],
        ITEM_OWNER.format(role="the risk owner", owner="U0RISK", doing="review R-1"),
    ),
    "close_risk": (
        close_risk,
        [RISK_OWNER, OWNER, ADMIN],
        ITEM_OWNER.format(role="the risk owner", owner="U0RISK", doing="close R-1"),
    ),
    "complete_action": (
        complete_action,
        [ACTION_OWNER, OWNER, ADMIN],
        ITEM_OWNER.format(role="the action owner", owner="U0DOER", doing="complete A-1"),
    ),
    "snooze_action": (
        snooze_action,
        [ACTION_OWNER, OWNER, ADMIN],
        ITEM_OWNER.format(role="the action owner", owner="U0DOER", doing="snooze A-1"),
    ),
    "supersede": (
        supersede,
        [DECIDER, OWNER, ADMIN],
        ITEM_OWNER.format(role="the decider", owner="U0DECIDER", doing="supersede D-1"),
    ),
}
EVERYONE = [OWNER, ADMIN, RISK_OWNER, ACTION_OWNER, DECIDER, MEMBER, STRANGER]


class _RollBack(Exception):
    """Raised after a permitted change so the next person starts from the same state."""


def succeeds_then_roll_back(database: Database, work: Callable[[Any], object]) -> None:
    try:
        with database.session(write=True) as session:
            work(session)  # no Forbidden
            raise _RollBack
    except _RollBack:
        pass


def test_only_the_allowed_people_may_change(seeded: Database) -> None:
    """Every operation tried by every role; permitted changes are rolled back so each starts from the same data."""
    for operation in RULES:
        check_operation(seeded, operation)


def check_operation(seeded: Database, operation: str) -> None:
    work, allowed, refusal = RULES[operation]
    for actor in EVERYONE:
        if actor in allowed:
            succeeds_then_roll_back(seeded, work(actor))
        else:
            with pytest.raises(Forbidden) as refused:
                attempt(seeded, work(actor))
            assert str(refused.value) == refusal, (operation, actor)


def test_allowed_changes_take_effect(seeded: Database) -> None:
    attempt(seeded, close_risk(RISK_OWNER))
    attempt(seeded, complete_action(OWNER))
    attempt(seeded, supersede(DECIDER))
    attempt(seeded, complete_milestone(ADMIN))
    with seeded.session() as session:
        assert get_risk(session, 1)[0].status == RiskStatus.CLOSED
        assert get_action(session, 1)[0].status == ActionStatus.DONE
        assert get_decision(session, 1)[0].status == DecisionStatus.SUPERSEDED
        assert get_milestone(session, 1)[0].done_by == ADMIN.user_id


def test_admin_rights_do_not_cross_workspaces(seeded: Database) -> None:
    """An admin of another workspace cannot even find the program (it is not theirs)."""
    from domain.errors import NotFound
    from domain.lookup import program as program_by_key

    with seeded.session() as session, pytest.raises(NotFound):
        program_by_key(session, OTHER_ADMIN_TEAM, "TNS-X")


def test_anyone_who_can_see_a_program_may_add_risks_actions_and_decisions(seeded: Database) -> None:
    with seeded.session(write=True) as session:
        prog = get_program(session)
        risk = risks.add(
            session, STRANGER, prog, title="seen by all", likelihood=1, impact=2, owner_id=STRANGER.user_id
        )
        action = actions.add(session, STRANGER, prog, title="do it", owner_id=OWNER.user_id, due=TODAY)
        decision = decisions.log(session, STRANGER, prog, title="we chose", decider_id=OWNER.user_id)
    assert (risk.created_by, action.created_by, decision.driver_id) == (STRANGER.user_id,) * 3
