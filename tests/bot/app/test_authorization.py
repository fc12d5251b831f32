"""Who may change what, with the caller known only from the signed payload.

Every mutating command is tried by an admin, the program owner, the item's owner and a stranger: the allowed
ones take effect (recorded under the caller's own ID), the refused ones change nothing and say who may.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import col, select

from store.db import Database
from store.models import (
    Action,
    ActionStatus,
    AuditEvent,
    Decision,
    DecisionStatus,
    Milestone,
    Program,
    Rag,
    Risk,
    RiskStatus,
    StatusUpdate,
)
from tests.support.app import (
    ADMIN,
    ANA,
    APPEALS,
    OWNER,
    STRANGER,
    add_action,
    add_milestone,
    add_risk,
    create_program,
    fetch,
    log_decision,
    mention,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness

ROLES = {"admin": ADMIN, "program owner": OWNER, "item owner": ANA, "stranger": STRANGER}
PROGRAM_OWNERS = frozenset({"admin", "program owner"})
ITEM_OWNERS = frozenset({"admin", "program owner", "item owner"})
ONLY_PROGRAM_OWNER = "Only the program owner (<@U0OWNER>) or a Pulse admin may"


@dataclass(frozen=True)
class Mutation:
    command: str
    text: str
    allowed: frozenset[str]
    refusal: str  # the whole refusal, after the warning sign
    took_effect: Callable[[Database, str], bool]  # (database, caller) -> whether the change is there


MUTATIONS = [
    Mutation(
        "/program",
        f"status {APPEALS} amber Vendor slipped",
        PROGRAM_OWNERS,
        f"{ONLY_PROGRAM_OWNER} report status on TNS-APPEALS.",
        lambda db, user: (fetch(db, StatusUpdate).rag, fetch(db, StatusUpdate).author_id) == (Rag.AMBER, user),
    ),
    Mutation(
        "/program",
        f"milestone {APPEALS} Launch review due:2030-05-01",
        PROGRAM_OWNERS,
        f"{ONLY_PROGRAM_OWNER} add milestones to TNS-APPEALS.",
        lambda db, user: fetch(db, Milestone, title="Launch review").created_by == user,
    ),
    Mutation(
        "/program",
        "milestone-done M-1",
        PROGRAM_OWNERS,
        f"{ONLY_PROGRAM_OWNER} complete milestones of TNS-APPEALS.",
        lambda db, user: fetch(db, Milestone, number=1).done_by == user,
    ),
    Mutation(
        "/program",
        "archive TNS-OLD",
        PROGRAM_OWNERS,
        "Only the program owner (<@U0OWNER>) or a Pulse admin may archive TNS-OLD.",
        lambda db, user: fetch(db, Program, key="TNS-OLD").archived_at is not None,
    ),
    Mutation(
        "/risk",
        "update R-1 impact:2",
        ITEM_OWNERS,
        "Only the risk owner (<@U0ANA>), the program owner (<@U0OWNER>) or a Pulse admin may update R-1.",
        lambda db, user: fetch(db, Risk, number=1).impact == 2,
    ),
    Mutation(
        "/risk",
        "close R-2 Budget approved",
        ITEM_OWNERS,
        "Only the risk owner (<@U0ANA>), the program owner (<@U0OWNER>) or a Pulse admin may close R-2.",
        lambda db, user: fetch(db, Risk, number=2).status == RiskStatus.CLOSED,
    ),
    Mutation(
        "/action",
        "done A-1",
        ITEM_OWNERS,
        "Only the action owner (<@U0ANA>), the program owner (<@U0OWNER>) or a Pulse admin may complete A-1.",
        lambda db, user: (
            (fetch(db, Action, number=1).status, fetch(db, Action, number=1).done_by) == (ActionStatus.DONE, user)
        ),
    ),
    Mutation(
        "/action",
        "snooze A-2 until:2099-12-31",
        ITEM_OWNERS,
        "Only the action owner (<@U0ANA>), the program owner (<@U0OWNER>) or a Pulse admin may snooze A-2.",
        lambda db, user: fetch(db, Action, number=2).snoozed_until == dt.date(2099, 12, 31),
    ),
    Mutation(
        "/decision",
        "supersede D-1 D-2",
        ITEM_OWNERS,
        "Only the decider (<@U0ANA>), the program owner (<@U0OWNER>) or a Pulse admin may supersede D-1.",
        lambda db, user: fetch(db, Decision, number=1).status == DecisionStatus.SUPERSEDED,
    ),
]


def build_world(pulse: PulseHarness) -> None:
    """TNS-APPEALS and TNS-OLD, owned by U0OWNER; in TNS-APPEALS Ana owns M-1, R-1, R-2, A-1, A-2 and decided D-1."""
    create_program(pulse)
    create_program(pulse, "TNS-OLD", "Old work")
    add_milestone(pulse, fields=f"owner:{mention(ANA)}")
    add_risk(pulse, "Vendor slow", 2, 3, fields=f"owner:{mention(ANA)}")
    add_risk(pulse, "Budget cut", 2, 2, fields=f"owner:{mention(ANA)}")
    add_action(pulse, "Draft the SOW", owner=ANA)
    add_action(pulse, "Call the vendor", owner=ANA)
    log_decision(pulse, "Use vendor A", fields=f"decider:{mention(ANA)}")
    log_decision(pulse, "Use vendor B", fields=f"decider:{mention(ANA)}")


def newest_event(database: Database) -> AuditEvent:
    with database.session() as session:
        event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert event is not None
    return event


@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_what(pulse: PulseHarness, database: Database, subtests: pytest.Subtests, role: str) -> None:
    build_world(pulse)
    user = ROLES[role]
    for mutation in MUTATIONS:
        with subtests.test(f"{role}: {mutation.command} {mutation.text}"):
            if role in mutation.allowed:
                ok(pulse.command(mutation.command, mutation.text, user=user))
                assert mutation.took_effect(database, user)
                assert newest_event(database).actor_id == user  # recorded as the signed caller
            else:
                with nothing_written(database):
                    answer = refused(pulse.command(mutation.command, mutation.text, user=user))
                assert answer.text == f":warning: {mutation.refusal}"


@pytest.mark.parametrize("role", ROLES)
def test_anyone_who_may_see_the_program_adds_risks_decisions_and_actions(
    pulse: PulseHarness, database: Database, role: str
) -> None:
    create_program(pulse)
    user = ROLES[role]
    risk = add_risk(pulse, "Vendor slow", user=user)
    decision = log_decision(pulse, "Use vendor B", user=user)
    action = add_action(pulse, "Call the vendor", owner=OWNER, user=user)
    assert fetch(database, Risk, number=risk).created_by == user
    assert fetch(database, Decision, number=decision).driver_id == user
    assert fetch(database, Action, number=action).created_by == user


def test_naming_someone_else_in_the_text_grants_nothing(pulse: PulseHarness, database: Database) -> None:
    build_world(pulse)
    with nothing_written(database):
        answer = refused(pulse.command("/risk", f"update R-1 impact:2 owner:{mention(ADMIN)}", user=STRANGER))
    assert "may update R-1" in answer.text
    with nothing_written(database):
        refused(pulse.command("/risk", "update R-1 impact:2 user_id:U0ADMIN", user=STRANGER))
