"""Restricted programs are invisible to outsiders, indistinguishably from programs that do not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from domain.access import Actor, may_see
from domain.errors import NotFound
from domain.lookup import item as numbered
from domain.lookup import program as program_by_key
from domain.lookup import visible_programs
from domain.portfolio import portfolio
from store.db import Database
from store.ids import Kind
from store.models import Action, Decision, Milestone, Rag, Risk
from templates import error_text
from tests.support.services import actions, decisions, milestones, programs, risks
from tests.support.store import ADMIN, OWNER, STRANGER, TEAM, TODAY, new_program

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
MEMBER = Actor(team_id=TEAM, user_id="U0MEMBER")
OWN_CHANNEL, CLEARED_CHANNEL, OTHER_CHANNEL = "C0SECRET", "C0LEADS", "C0GENERAL"

NUMBERED: list[tuple[Any, Kind]] = [
    (Risk, Kind.RISK),
    (Action, Kind.ACTION),
    (Decision, Kind.DECISION),
    (Milestone, Kind.MILESTONE),
]
CAN_SEE = {
    "owner": OWNER,
    "member": MEMBER,
    "admin": ADMIN,
    "anyone in its channel": Actor(team_id=TEAM, user_id="U0PASSER", channel_id=OWN_CHANNEL),
    "anyone in an allow-listed channel": Actor(team_id=TEAM, user_id="U0PASSER", channel_id=CLEARED_CHANNEL),
    "owner in another channel": Actor(team_id=TEAM, user_id=OWNER.user_id, channel_id=OTHER_CHANNEL),
}
CANNOT_SEE = {
    "stranger in a DM": STRANGER,
    "stranger in another channel": Actor(team_id=TEAM, user_id=STRANGER.user_id, channel_id=OTHER_CHANNEL),
    "admin of another workspace": Actor(team_id="T2", user_id=ADMIN.user_id, is_admin=True),
    "owner id in another workspace": Actor(team_id="T2", user_id=OWNER.user_id, channel_id=OWN_CHANNEL),
}


@pytest.fixture
def seeded(database: Database) -> Database:
    """TNS-OPEN (green) and restricted TNS-SECRET (red) with a risk, action, decision and milestone each."""
    new_program(database, "TNS-OPEN")
    new_program(
        database,
        "TNS-SECRET",
        restricted=True,
        members=[MEMBER.user_id],
        channel_id=OWN_CHANNEL,
        allowed_channels=[CLEARED_CHANNEL],
    )
    with database.session(write=True) as session:
        for key, rag in (("TNS-OPEN", Rag.GREEN), ("TNS-SECRET", Rag.RED)):
            program = program_by_key(session, ADMIN, key)
            programs.report_status(session, OWNER, program, rag=rag, summary="s")
            risks.add(session, OWNER, program, title="r", likelihood=5, impact=5, owner_id=OWNER.user_id)
            actions.add(session, OWNER, program, title="a", owner_id=OWNER.user_id, due=TODAY - dt.timedelta(days=1))
            decisions.log(session, OWNER, program, title="d", decider_id=OWNER.user_id)
            milestones.add(session, OWNER, program, title="m", due=TODAY, owner_id=OWNER.user_id)
    return database


def not_found_message(database: Database, actor: Actor, key: str) -> str:
    with database.session() as session, pytest.raises(NotFound) as missing:
        program_by_key(session, actor, key)
    return error_text(missing.value.code, missing.value.values)


def test_insiders_see_a_restricted_program(seeded: Database) -> None:
    for who, actor in CAN_SEE.items():
        check_insider(seeded, who, actor)


def check_insider(seeded: Database, who: str, actor: Actor) -> None:
    with seeded.session() as session:
        program = program_by_key(session, actor, "tns-secret")
        assert may_see(actor, program), who
        assert "TNS-SECRET" in [p.key for p in visible_programs(session, actor)]
        for model, kind in NUMBERED:
            item, owner_program = numbered(session, actor, model, kind, 2)  # the second of each is TNS-SECRET's
            assert owner_program.key == "TNS-SECRET" and item.program_id == program.id
        facts = portfolio(session, actor, today=TODAY, now=NOW)
    assert [f.program.key for f in facts] == ["TNS-SECRET", "TNS-OPEN"], who  # red first


def test_outsiders_get_the_same_answer_as_for_a_program_that_does_not_exist(seeded: Database) -> None:
    for who, actor in CANNOT_SEE.items():
        check_outsider(seeded, who, actor)


def check_outsider(seeded: Database, who: str, actor: Actor) -> None:
    hidden = not_found_message(seeded, actor, "tns-secret")
    # the same workspace without the program gives the very same words: existence does not leak
    seeded_other_team = Actor(team_id="T-NONE", user_id=actor.user_id)
    assert hidden == not_found_message(seeded, seeded_other_team, "tns-secret") == "TNS-SECRET not found.", who
    assert not_found_message(seeded, actor, "TNS-ABSENT") == "TNS-ABSENT not found."
    with seeded.session() as session:
        secret = program_by_key(session, ADMIN, "TNS-SECRET")
        assert not may_see(actor, secret), who
        assert "TNS-SECRET" not in [p.key for p in visible_programs(session, actor, include_archived=True)]
        for model, kind in NUMBERED:
            with pytest.raises(NotFound) as hidden_item:
                numbered(session, actor, model, kind, 2)
            with pytest.raises(NotFound) as missing_item:
                numbered(session, actor, model, kind, 99)
            assert error_text(hidden_item.value.code, hidden_item.value.values) == f"{kind.value}-2 not found."
            assert error_text(missing_item.value.code, missing_item.value.values) == f"{kind.value}-99 not found."


def test_portfolio_counts_leave_hidden_programs_out(seeded: Database) -> None:
    with seeded.session() as session:
        stranger = portfolio(session, STRANGER, today=TODAY, now=NOW)
        insider = portfolio(session, MEMBER, today=TODAY, now=NOW)
    assert [f.program.key for f in stranger] == ["TNS-OPEN"]
    assert [f.rag for f in stranger] == [Rag.GREEN]  # no red: the red program is the hidden one
    assert sum(len(f.risks) for f in stranger) == 1
    assert sum(len(f.overdue_actions) for f in stranger) == 1
    assert sum(len(f.risks) for f in insider) == 2
    assert sum(len(f.overdue_actions) for f in insider) == 2


def test_unrestricted_programs_are_visible_to_everyone_in_the_workspace_only(seeded: Database) -> None:
    with seeded.session() as session:
        assert program_by_key(session, STRANGER, "TNS-OPEN").key == "TNS-OPEN"
        outsider = Actor(team_id="T2", user_id=STRANGER.user_id, is_admin=True)
        with pytest.raises(NotFound):
            program_by_key(session, outsider, "TNS-OPEN")
        assert visible_programs(session, outsider) == []
        assert portfolio(session, outsider, today=TODAY, now=NOW) == []


def test_workspaces_are_isolated(seeded: Database) -> None:
    """The same key and the same numbers in another workspace are separate things."""
    other_admin = Actor(team_id="T2", user_id="U0BOSS", is_admin=True)
    with seeded.session(write=True) as session:
        theirs = programs.create(session, other_admin, key="TNS-OPEN", name="Theirs", owner_id="U0BOSS")
        risk = risks.add(session, other_admin, theirs, title="their risk", likelihood=1, impact=1, owner_id="U0BOSS")
    assert risk.number == 1
    with seeded.session() as session:
        assert program_by_key(session, other_admin, "TNS-OPEN").name == "Theirs"
        assert program_by_key(session, ADMIN, "TNS-OPEN").name == "TNS-OPEN program"
        assert [p.key for p in visible_programs(session, other_admin)] == ["TNS-OPEN"]
        their_risk, _ = numbered(session, other_admin, Risk, Kind.RISK, 1)
        our_risk, _ = numbered(session, ADMIN, Risk, Kind.RISK, 1)
        assert (their_risk.title, our_risk.title) == ("their risk", "r")
        with pytest.raises(NotFound):
            numbered(session, other_admin, Risk, Kind.RISK, 2)
        their_view = portfolio(session, other_admin, today=TODAY, now=NOW)
    assert [(f.program.name, len(f.risks), len(f.open_actions)) for f in their_view] == [("Theirs", 1, 0)]
