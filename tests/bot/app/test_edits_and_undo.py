"""Edit and undo over HTTP, each change audited: action update/reopen, decision edit (correction: once decided),
milestone re-baselines, risk reopen; and the DM a new owner gets when someone else gives them an action or risk."""

from __future__ import annotations

import datetime as dt

from store.db import Database
from store.models import Action, ActionStatus, AuditEvent, Decision, Milestone, Risk, RiskStatus
from tests.support.app import (
    ANA,
    MEMBER,
    OWNER,
    STRANGER,
    add_action,
    add_milestone,
    add_risk,
    create_program,
    fetch,
    fetch_all,
    first_line,
    log_decision,
    mention,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness


def dms_to(pulse: PulseHarness, user: str) -> list[str]:
    """The text of every DM Slack accepted for `user`."""
    opened = {
        str(call.response["channel"]["id"])
        for call in pulse.stub.calls("conversations.open")
        if call.ok and str(call.payload.get("users")) == user
    }
    return [str(p.get("text", "")) for p in pulse.stub.payloads("chat.postMessage") if p.get("channel") in opened]


def audit_rows(database: Database, ref: str) -> list[tuple[str, str]]:
    return [(e.action, e.actor_id) for e in fetch_all(database, AuditEvent, entity_ref=ref)]


def test_action_update_changes_title_owner_and_due_and_tells_the_new_owner(
    pulse: PulseHarness, database: Database
) -> None:
    create_program(pulse)
    add_action(pulse, "Draft the SOW", owner=OWNER, due="2030-01-15")
    assert dms_to(pulse, OWNER) == []  # giving yourself an action tells nobody
    answer = ok(pulse.command("/action", f"update A-1 Send the revised SOW owner:{mention(ANA)} due:2030-01-18"))
    assert first_line(answer) == (
        f"A-1 updated (TNS-APPEALS): Send the revised SOW, owner <@{ANA}>, due Fri Jan 18. <@{ANA}> is told by DM."
    )
    action = fetch(database, Action, number=1)
    assert (action.title, action.owner_id, action.due) == ("Send the revised SOW", ANA, dt.date(2030, 1, 18))
    (dm,) = dms_to(pulse, ANA)
    assert (
        dm == f"<@{OWNER}> made you the owner of action *A-1* on *TNS-APPEALS*: Send the revised SOW, due Fri Jan 18."
    )
    assert audit_rows(database, "A-1") == [("create", OWNER), ("update", OWNER)]
    audit = ok(pulse.command("/pulse", "audit A-1")).text
    assert f"owner_id: <@{OWNER}> → <@{ANA}>" in audit and "due: Tue 2030-01-15 → Fri 2030-01-18" in audit


def test_action_reopen_undoes_done(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_action(pulse, "Draft the SOW", owner=ANA, due="2000-01-15")
    ok(pulse.command("/action", "done A-1", user=ANA))
    with nothing_written(database):
        assert refused(pulse.command("/action", "update A-1 due:fri")).text == (
            ":warning: A-1 is done; reopen it first with `/action reopen A-1`."
        )
        assert refused(pulse.command("/action", "reopen A-1", user=STRANGER)).text.startswith(
            ":warning: Only the action owner"
        )
    reopened = ok(pulse.command("/action", "reopen A-1", user=ANA))
    assert first_line(reopened) == "A-1 is open again (TNS-APPEALS): Draft the SOW, and overdue."
    action = fetch(database, Action, number=1)
    assert (action.status, action.done_at, action.done_by) == (ActionStatus.OPEN, None, None)
    assert (
        refused(pulse.command("/action", "reopen A-1")).text == ":warning: A-1 is not done; there is nothing to reopen."
    )
    assert audit_rows(database, "A-1") == [("create", OWNER), ("done", ANA), ("reopen", ANA)]


def test_a_decision_is_edited_freely_while_proposed_then_only_corrected(
    pulse: PulseHarness, database: Database
) -> None:
    create_program(pulse)
    log_decision(pulse, "Use vendor B", fields="status:proposed why:cheaper")
    ok(pulse.command("/decision", "edit D-1 Use vendor B for EU queues why:cheaper and faster options:A; B"))
    decision = fetch(database, Decision, number=1)
    assert (decision.title, decision.rationale, decision.options) == (
        "Use vendor B for EU queues",
        "cheaper and faster",
        "A; B",
    )
    log_decision(pulse, "Hire two reviewers", fields="why:backlog")  # decided
    with nothing_written(database):
        refusal = refused(pulse.command("/decision", "edit D-2 why:SLA"))
    assert refusal.text.startswith(":warning: D-2 is decided: change it only as a correction that says why")
    corrected = ok(pulse.command("/decision", "edit D-2 why:SLA at 52h correction:the rationale was mistyped"))
    assert first_line(corrected) == "D-2 corrected (TNS-APPEALS): Hire two reviewers"
    assert "Correction noted: the rationale was mistyped." in corrected.text
    assert fetch(database, Decision, number=2).rationale == "SLA at 52h"
    assert audit_rows(database, "D-1") == [("create", OWNER), ("edit", OWNER)]
    assert audit_rows(database, "D-2") == [("create", OWNER), ("correct", OWNER)]
    audit = ok(pulse.command("/pulse", "audit D-2")).text
    assert (
        "rationale: backlog → SLA at 52h" in audit and "correction: \N{EN DASH} → the rationale was mistyped" in audit
    )


def test_a_re_baselined_milestone_keeps_its_first_date_and_shows_the_slip(
    pulse: PulseHarness, database: Database
) -> None:
    create_program(pulse)
    add_milestone(pulse, "Vendor signed", due="2030-01-15")
    moved = ok(pulse.command("/program", "milestone-update M-1 due:2030-01-29"))
    assert first_line(moved) == (
        "M-1 updated (TNS-APPEALS): Vendor signed, due Tue Jan 29, first promised Tue Jan 15 (14 days later)."
    )
    ok(pulse.command("/program", "milestone-update M-1 Vendor signed and staffed due:2030-02-05"))
    milestone = fetch(database, Milestone, number=1)
    assert (milestone.title, milestone.due, milestone.baseline_due) == (
        "Vendor signed and staffed",
        dt.date(2030, 2, 5),
        dt.date(2030, 1, 15),  # the first date promised, not the one before last
    )
    with nothing_written(database):
        assert refused(pulse.command("/program", "milestone-update M-1", user=ANA)).text.startswith(
            ":warning: Only the program owner"
        )
    assert audit_rows(database, "M-1") == [("create", OWNER), ("update", OWNER), ("update", OWNER)]


def test_a_closed_risk_is_reopened(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_risk(pulse, "Vendor cannot hire", 3, 3)
    ok(pulse.command("/risk", "close R-1 Vendor hired"))
    reopened = ok(pulse.command("/risk", "reopen R-1"))
    assert first_line(reopened).startswith("R-1 is open again (TNS-APPEALS): Vendor cannot hire · ")
    assert "· score 9 · owner" in first_line(reopened)
    risk = fetch(database, Risk, number=1)
    assert (risk.status, risk.closed_at, risk.close_reason) == (RiskStatus.OPEN, None, None)
    assert audit_rows(database, "R-1") == [("create", OWNER), ("close", OWNER), ("reopen", OWNER)]
    assert "close_reason: Vendor hired → \N{EN DASH}" in ok(pulse.command("/pulse", "audit R-1")).text  # kept on record
    ok(pulse.command("/risk", "update R-1 Vendor cannot hire in time"))
    assert fetch(database, Risk, number=1).title == "Vendor cannot hire in time"


def test_a_new_risk_owner_is_told_by_dm(pulse: PulseHarness) -> None:
    create_program(pulse, fields=f"members:{mention(MEMBER)}")
    add_risk(pulse, "Vendor cannot hire", 4, 5, fields=f"owner:{mention(ANA)}")
    (dm,) = dms_to(pulse, ANA)
    assert dm.startswith(f"<@{OWNER}> made you the owner of risk *R-1* on *TNS-APPEALS*: Vendor cannot hire")
    ok(pulse.command("/risk", f"update R-1 owner:{mention(MEMBER)}", user=ANA))
    assert len(dms_to(pulse, MEMBER)) == 1
    ok(pulse.command("/risk", "update R-1 impact:4", user=MEMBER))  # not a new owner: nobody is told
    assert len(dms_to(pulse, MEMBER)) == 1 and len(dms_to(pulse, ANA)) == 1
