"""Every service-layer mutation writes exactly one audit event, in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from domain.errors import Conflict, Forbidden, Invalid
from store.db import Database
from store.models import AuditEvent, Rag, RiskStatus
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
    audit_events,
    get_action,
    get_decision,
    get_milestone,
    get_program,
    get_risk,
    new_program,
    row_counts,
    write,
)


def one_new_event(database: Database, seen: int) -> AuditEvent:
    """The single audit event written since `seen` events existed."""
    events = audit_events(database)
    assert len(events) == seen + 1, [(e.entity_ref, e.action) for e in events[seen:]]
    return events[-1]


def check(event: AuditEvent, *, actor: str, entity_type: str, ref: str, action: str, program_id: int | None) -> None:
    assert (event.team_id, event.actor_id, event.entity_type, event.entity_ref, event.action, event.program_id) == (
        TEAM,
        actor,
        entity_type,
        ref,
        action,
        program_id,
    )


def changed(event: AuditEvent) -> dict[str, tuple[Any, Any]]:
    """Fields whose value differs between the before and after snapshots."""
    assert event.before is not None and event.after is not None
    return {k: (event.before.get(k), v) for k, v in event.after.items() if event.before.get(k) != v}


def test_program_create_status_and_archive_are_audited(database: Database) -> None:
    with database.session(write=True) as session:
        program = programs.create(
            session, ADMIN, key="tns-appeals", name="Appeals", owner_id=OWNER.user_id, restricted=True
        )
    created = one_new_event(database, 0)
    check(
        created, actor=ADMIN.user_id, entity_type="program", ref="TNS-APPEALS", action="create", program_id=program.id
    )
    assert created.before is None
    assert created.after is not None
    assert created.after["key"] == "TNS-APPEALS" and created.after["restricted"] is True
    assert created.after["id"] == program.id

    with database.session(write=True) as session:
        first, _ = programs.report_status(
            session, OWNER, get_program(session, "TNS-APPEALS"), rag=Rag.GREEN, summary="On track"
        )
    event = one_new_event(database, 1)
    check(event, actor=OWNER.user_id, entity_type="program", ref="TNS-APPEALS", action="status", program_id=program.id)
    assert event.before is None  # no earlier report
    assert event.after is not None
    assert (event.after["rag"], event.after["summary"], event.after["id"]) == ("green", "On track", first.id)

    with database.session(write=True) as session:
        programs.report_status(
            session, OWNER, get_program(session, "TNS-APPEALS"), rag=Rag.RED, summary="Vendor slipped", asks="Budget"
        )
    event, ask = audit_events(database)[2:]
    assert event.before is not None and event.after is not None
    assert (event.before["rag"], event.before["id"]) == ("green", first.id)
    assert (event.after["rag"], event.after["asks"]) == ("red", "Budget")
    check(ask, actor=OWNER.user_id, entity_type="ask", ref="ASK-1", action="create", program_id=program.id)
    assert ask.after is not None and (ask.after["text"], ask.after["state"]) == ("Budget", "open")

    with database.session(write=True) as session:
        programs.archive(session, ADMIN, get_program(session, "TNS-APPEALS"))
    event = one_new_event(database, 4)
    check(event, actor=ADMIN.user_id, entity_type="program", ref="TNS-APPEALS", action="archive", program_id=program.id)
    diff = changed(event)
    assert diff["archived_at"][0] is None and diff["archived_at"][1] is not None


def test_milestone_add_and_complete_are_audited(database: Database) -> None:
    program = new_program(database)
    with database.session(write=True) as session:
        milestone = milestones.add(
            session, OWNER, get_program(session), title="Vendor signed", due=TODAY, owner_id=RISK_OWNER.user_id
        )
    event = one_new_event(database, 1)
    check(
        event,
        actor=OWNER.user_id,
        entity_type="milestone",
        ref=f"M-{milestone.number}",
        action="create",
        program_id=program.id,
    )
    assert event.before is None
    assert event.after is not None and event.after["title"] == "Vendor signed" and event.after["due"] == "2026-11-25"

    with database.session(write=True) as session:
        item, prog = get_milestone(session, milestone.number)
        milestones.complete(session, ADMIN, prog, item)
    event = one_new_event(database, 2)
    check(event, actor=ADMIN.user_id, entity_type="milestone", ref="M-1", action="done", program_id=program.id)
    diff = changed(event)
    assert diff["done_by"] == (None, ADMIN.user_id)
    assert diff["done_at"][0] is None and diff["done_at"][1] is not None


def test_risk_add_update_review_and_close_are_audited(database: Database) -> None:
    program = new_program(database)
    with database.session(write=True) as session:
        risk = risks.add(
            session,
            STRANGER,
            get_program(session),
            title="Vendor short",
            likelihood=2,
            impact=3,
            owner_id=RISK_OWNER.user_id,
        )
    event = one_new_event(database, 1)
    check(event, actor=STRANGER.user_id, entity_type="risk", ref="R-1", action="create", program_id=program.id)
    assert event.before is None
    assert event.after is not None and (event.after["score"], event.after["owner_id"]) == (6, RISK_OWNER.user_id)
    assert risk.number == 1

    with database.session(write=True) as session:
        item, prog = get_risk(session, 1)
        risks.update(session, RISK_OWNER, prog, item, RiskChanges(impact=5, mitigation="Second vendor"))
    event = one_new_event(database, 2)
    check(event, actor=RISK_OWNER.user_id, entity_type="risk", ref="R-1", action="update", program_id=program.id)
    diff = changed(event)
    assert diff["impact"] == (3, 5)
    assert diff["score"] == (6, 10)
    assert diff["mitigation"] == (None, "Second vendor")
    assert set(diff) == {"impact", "score", "mitigation", "updated_at"}

    with database.session(write=True) as session:
        item, prog = get_risk(session, 1)
        risks.mark_reviewed(session, OWNER, prog, item, next_review=TODAY + dt.timedelta(days=14))
    event = one_new_event(database, 3)
    check(event, actor=OWNER.user_id, entity_type="risk", ref="R-1", action="review", program_id=program.id)
    diff = changed(event)
    assert diff["review_date"] == (None, "2026-12-09")
    assert diff["reviewed_at"][1] is not None

    with database.session(write=True) as session:
        item, prog = get_risk(session, 1)
        risks.close(session, ADMIN, prog, item, reason="Second vendor signed")
    event = one_new_event(database, 4)
    check(event, actor=ADMIN.user_id, entity_type="risk", ref="R-1", action="close", program_id=program.id)
    diff = changed(event)
    assert diff["status"] == ("open", "closed")
    assert diff["close_reason"] == (None, "Second vendor signed")


def test_decision_log_and_supersede_are_audited(database: Database) -> None:
    program = new_program(database)
    with database.session(write=True) as session:
        old = decisions.log(
            session,
            STRANGER,
            get_program(session),
            title="Use vendor A",
            decider_id=DECIDER.user_id,
            rationale="Cheaper",
            consulted=["U2", "U1", "U2"],
        )
    event = one_new_event(database, 1)
    check(event, actor=STRANGER.user_id, entity_type="decision", ref="D-1", action="create", program_id=program.id)
    assert event.before is None
    assert event.after is not None
    assert (event.after["driver_id"], event.after["decider_id"]) == (STRANGER.user_id, DECIDER.user_id)
    assert event.after["consulted"] == ["U1", "U2"]

    with database.session(write=True) as session:
        new = decisions.log(session, OWNER, get_program(session), title="Use vendor B", decider_id=DECIDER.user_id)
    assert one_new_event(database, 2).entity_ref == "D-2"

    with database.session(write=True) as session:
        first, first_program = get_decision(session, old.number)
        second, second_program = get_decision(session, new.number)
        decisions.supersede(session, DECIDER, first, first_program, second, second_program)
    event = one_new_event(database, 3)
    check(event, actor=DECIDER.user_id, entity_type="decision", ref="D-1", action="supersede", program_id=program.id)
    assert changed(event) == {"status": ("decided", "superseded"), "superseded_by_id": (None, new.id)}


def test_action_add_complete_and_snooze_are_audited(database: Database) -> None:
    program = new_program(database)
    with database.session(write=True) as session:
        prog = get_program(session)
        risk = risks.add(session, OWNER, prog, title="r", likelihood=1, impact=1, owner_id=OWNER.user_id)
        first = actions.add(
            session, STRANGER, prog, title="Draft SOW", owner_id=ACTION_OWNER.user_id, due=TODAY, risk=risk
        )
        second = actions.add(session, STRANGER, prog, title="Call vendor", owner_id=ACTION_OWNER.user_id, due=TODAY)
    events = audit_events(database)
    assert [(e.entity_ref, e.action) for e in events[1:]] == [("R-1", "create"), ("A-1", "create"), ("A-2", "create")]
    check(events[2], actor=STRANGER.user_id, entity_type="action", ref="A-1", action="create", program_id=program.id)
    assert events[2].after is not None and events[2].after["risk_id"] == risk.id

    with database.session(write=True) as session:
        item, prog = get_action(session, first.number)
        actions.complete(session, ACTION_OWNER, prog, item)
    event = one_new_event(database, 4)
    check(event, actor=ACTION_OWNER.user_id, entity_type="action", ref="A-1", action="done", program_id=program.id)
    diff = changed(event)
    assert diff["status"] == ("open", "done")
    assert diff["done_by"] == (None, ACTION_OWNER.user_id)

    with database.session(write=True) as session:
        item, prog = get_action(session, second.number)
        actions.snooze(session, OWNER, prog, item, until=TODAY + dt.timedelta(days=3), today=TODAY)
    event = one_new_event(database, 5)
    check(event, actor=OWNER.user_id, entity_type="action", ref="A-2", action="snooze", program_id=program.id)
    assert changed(event) == {"snoozed_until": (None, "2026-11-28")}


def test_history_lists_an_entitys_events_newest_first(database: Database) -> None:
    from store.audit import history

    new_program(database)
    with database.session(write=True) as session:
        risks.add(session, OWNER, get_program(session), title="r", likelihood=1, impact=1, owner_id=OWNER.user_id)
    with database.session(write=True) as session:
        item, prog = get_risk(session, 1)
        risks.update(session, OWNER, prog, item, RiskChanges(likelihood=2))
    with database.session(write=True) as session:
        item, prog = get_risk(session, 1)
        risks.close(session, OWNER, prog, item, reason="gone")
    with database.session() as session:
        assert [e.action for e in history(session, TEAM, "risk", "R-1")] == ["close", "update", "create"]
        assert history(session, "T2", "risk", "R-1") == []


# --- Nothing is written when a service call fails -------------------------------------------------


def _fail_forbidden_status(session: Any) -> None:
    programs.report_status(session, STRANGER, get_program(session), rag=Rag.RED, summary="no")


def _fail_invalid_status(session: Any) -> None:
    programs.report_status(session, OWNER, get_program(session), rag=Rag.AMBER, summary="   ")


def _fail_forbidden_archive(session: Any) -> None:
    programs.archive(session, STRANGER, get_program(session))


def _fail_conflict_duplicate_key(session: Any) -> None:
    programs.create(session, ADMIN, key="tns-x", name="Again", owner_id=OWNER.user_id)


def _fail_invalid_key(session: Any) -> None:
    programs.create(session, ADMIN, key="R-12", name="Looks like a risk", owner_id=OWNER.user_id)


def _fail_forbidden_milestone(session: Any) -> None:
    milestones.add(session, STRANGER, get_program(session), title="m", due=TODAY, owner_id=STRANGER.user_id)


def _fail_invalid_risk_scale(session: Any) -> None:
    risks.add(session, OWNER, get_program(session), title="r", likelihood=6, impact=1, owner_id=OWNER.user_id)


def _fail_forbidden_risk_update(session: Any) -> None:
    item, prog = get_risk(session, 1)
    risks.update(session, STRANGER, prog, item, RiskChanges(impact=5))


def _fail_invalid_risk_update_half_applied(session: Any) -> None:
    item, prog = get_risk(session, 1)
    # likelihood is valid, impact is not: the valid half must not reach the database either
    risks.update(session, RISK_OWNER, prog, item, RiskChanges(likelihood=4, impact=9, title="renamed"))


def _fail_close_without_reason(session: Any) -> None:
    item, prog = get_risk(session, 1)
    risks.close(session, RISK_OWNER, prog, item, reason=" ")


def _fail_forbidden_action_done(session: Any) -> None:
    item, prog = get_action(session, 1)
    actions.complete(session, STRANGER, prog, item)


def _fail_snooze_into_the_past(session: Any) -> None:
    item, prog = get_action(session, 1)
    actions.snooze(session, ACTION_OWNER, prog, item, until=TODAY, today=TODAY)


def _fail_forbidden_supersede(session: Any) -> None:
    old, old_program = get_decision(session, 1)
    new, new_program = get_decision(session, 2)
    decisions.supersede(session, STRANGER, old, old_program, new, new_program)


def _fail_supersede_backwards(session: Any) -> None:
    old, old_program = get_decision(session, 1)
    new, new_program = get_decision(session, 2)
    decisions.supersede(session, DECIDER, new, new_program, old, old_program)


def _fail_after_a_successful_write(session: Any) -> None:
    # a command that writes, then fails, leaves neither the write nor its audit event behind
    risks.add(session, OWNER, get_program(session), title="ok", likelihood=1, impact=1, owner_id=OWNER.user_id)
    programs.archive(session, STRANGER, get_program(session))


FAILURES = [
    (_fail_forbidden_status, Forbidden),
    (_fail_invalid_status, Invalid),
    (_fail_forbidden_archive, Forbidden),
    (_fail_conflict_duplicate_key, Conflict),
    (_fail_invalid_key, Invalid),
    (_fail_forbidden_milestone, Forbidden),
    (_fail_invalid_risk_scale, Invalid),
    (_fail_forbidden_risk_update, Forbidden),
    (_fail_invalid_risk_update_half_applied, Invalid),
    (_fail_close_without_reason, Invalid),
    (_fail_forbidden_action_done, Forbidden),
    (_fail_snooze_into_the_past, Invalid),
    (_fail_forbidden_supersede, Forbidden),
    (_fail_supersede_backwards, Invalid),
    (_fail_after_a_successful_write, Forbidden),
]


@pytest.fixture
def seeded(database: Database) -> Database:
    """TNS-X with R-1 (owned by RISK_OWNER), A-1 (ACTION_OWNER) and D-1, D-2 (decided by DECIDER)."""
    new_program(database)
    with database.session(write=True) as session:
        prog = get_program(session)
        risks.add(session, OWNER, prog, title="r", likelihood=2, impact=2, owner_id=RISK_OWNER.user_id)
        actions.add(session, OWNER, prog, title="a", owner_id=ACTION_OWNER.user_id, due=TODAY)
        decisions.log(session, OWNER, prog, title="d1", decider_id=DECIDER.user_id)
        decisions.log(session, OWNER, prog, title="d2", decider_id=DECIDER.user_id)
    return database


def stored_items(database: Database) -> list[dict[str, Any]]:
    """The program, R-1, A-1, D-1 and D-2 as stored."""
    with database.session() as session:
        rows: list[Any] = [get_program(session), get_risk(session, 1)[0], get_action(session, 1)[0]]
        rows += [get_decision(session, 1)[0], get_decision(session, 2)[0]]
        return [row.model_dump() for row in rows]


def test_a_failing_service_call_writes_nothing(seeded: Database) -> None:
    """Each refused call, one after the other on the same data: none of them leaves a trace."""
    counts, items = row_counts(seeded), stored_items(seeded)
    for attempt, error in FAILURES:
        with pytest.raises(error):
            write(seeded, attempt)
        assert row_counts(seeded) == counts, attempt.__name__
        assert stored_items(seeded) == items, attempt.__name__


def test_closed_risk_status_cannot_be_set_through_update(seeded: Database) -> None:
    counts = row_counts(seeded)
    with pytest.raises(Invalid, match="risk close R-1"):
        write(
            seeded,
            lambda s: risks.update(
                s, ADMIN, get_risk(s, 1)[1], get_risk(s, 1)[0], RiskChanges(status=RiskStatus.CLOSED)
            ),
        )
    assert row_counts(seeded) == counts


def test_a_caught_validation_error_leaves_no_unaudited_change(seeded: Database) -> None:
    """A caller that reports the error and lets its session commit must not persist half an update."""
    counts = row_counts(seeded)
    with seeded.session(write=True) as session:
        item, prog = get_risk(session, 1)
        with pytest.raises(Invalid, match="impact must be a whole number from 1 to 5"):
            risks.update(session, RISK_OWNER, prog, item, RiskChanges(likelihood=4, impact=9))
    assert row_counts(seeded) == counts
    with seeded.session() as session:
        stored, _ = get_risk(session, 1)
    assert (stored.likelihood, stored.impact, stored.score) == (2, 2, 4)
