"""Forms of the plan's kinds: a bare `/issue raise KEY`, `/budget spend KEY` or `/staff fill KEY` opens its modal,
and the submitted form stores what the command stores (audited), errors on their fields, restricted programs as
the command."""

from __future__ import annotations

from typing import Any

import pytest

from bot.ids import CallbackId
from store.db import Database
from store.models import AuditEvent, BudgetSpend, Issue, Risk, RiskStatus, StaffingLine
from tests.bot.app.test_forms import SECRET, inputs, opened, options, pick, submit
from tests.support.app import (
    ANA,
    APPEALS,
    MEMBER,
    OWNER,
    STRANGER,
    add_risk,
    create_program,
    fetch,
    fetch_all,
    mention,
    nothing_written,
    ok,
)
from tests.support.harness import PulseHarness

IGNORED = {"id", "number", "created_at", "updated_at", "risk_id", "program_id"}


@pytest.fixture
def programs(pulse: PulseHarness) -> PulseHarness:
    """TNS-APPEALS with R-1 and R-2, and TNS-SECRET restricted to its owner and a member."""
    create_program(pulse)
    create_program(pulse, SECRET, "Secret vendor work", fields=f"restricted:yes members:{mention(MEMBER)}")
    add_risk(pulse, "Vendor cannot hire", 4, 4)
    add_risk(pulse, "Vendor cannot hire", 4, 4)
    return pulse


def test_a_bare_issue_raise_opens_the_raise_issue_form(programs: PulseHarness) -> None:
    view = opened(programs, "/issue", f"raise {APPEALS}")
    assert (view["callback_id"], view["title"]["text"]) == (CallbackId.ISSUE_RAISE, "Raise issue")
    fields = inputs(view)
    assert " ".join(fields) == "program title severity impact from owner"
    assert fields["program"]["initial_option"]["value"] == APPEALS
    severities = {"1": "1 critical incident", "2": "2 major", "3": "3 moderate", "4": "4 minor"}
    assert options(fields["severity"]) == severities
    labels = {b["block_id"]: b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}
    assert (labels["impact"], labels["from"]) == ("Impact", "From risk (R-n)")  # not the risk's "Impact (1-5)"
    assert fields["impact"]["multiline"] is True and fields["owner"]["type"] == "users_select"
    alone = inputs(opened(programs, "/issue", "raise"))
    assert "initial_option" not in alone["program"]
    # Without a title the command opens its form too, with what it was given (as `/risk add KEY likelihood:4`).
    given = inputs(opened(programs, "/issue", f"raise {APPEALS} severity:2 impact:x"))
    assert (given["severity"]["initial_option"]["value"], given["impact"]["initial_value"]) == ("2", "x")


def test_an_issue_from_the_form_equals_the_one_from_the_command(programs: PulseHarness, database: Database) -> None:
    typed = f'raise {APPEALS} Backlog severity:2 impact:"14k late" from:R-1 owner:{mention(ANA)}'
    ok(programs.command("/issue", typed))
    view = opened(programs, "/issue", f"raise {APPEALS}")
    answer = submit(
        programs,
        view,
        {
            "program": pick(APPEALS),
            "title": "Backlog",
            "severity": pick("2"),
            "impact": "14k late",
            "from": "R-2",
            "owner": {"type": "users_select", "selected_user": ANA},
        },
    )
    assert (answer.status, answer.body) == (200, {})
    by_command, by_form = fetch(database, Issue, number=1), fetch(database, Issue, number=2)
    assert by_form.model_dump(exclude=IGNORED) == by_command.model_dump(exclude=IGNORED)
    assert by_form.risk_id == fetch(database, Risk, number=2).id
    assert fetch(database, Risk, number=2).status == RiskStatus.CLOSED
    audited = [(e.entity_ref, e.action, e.actor_id) for e in fetch_all(database, AuditEvent) if e.entity_ref in {"I-2"}]
    assert audited == [("I-2", "create", OWNER)]


def test_a_bad_issue_value_is_shown_on_its_field_and_writes_nothing(programs: PulseHarness, database: Database) -> None:
    view = opened(programs, "/issue", f"raise {APPEALS}")
    good: dict[str, Any] = {"program": pick(APPEALS), "title": "Backlog", "severity": pick("2"), "impact": "14k late"}
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"from": "D-1"}, "from", "`D-1` is not an ID like R-12."),
        ({"impact": "   "}, "impact", "`impact` has a value Pulse cannot use"),
        ({"severity": pick("7")}, "severity", "`severity` has a value Pulse cannot use"),
    ]
    for bad, field, says in cases:
        with nothing_written(database):
            answer = submit(programs, view, {**good, **bad})
        assert answer.body["response_action"] == "errors"
        assert list(answer.body["errors"]) == [field], answer.body
        assert says in answer.body["errors"][field]


def test_a_stranger_cannot_raise_an_issue_on_a_restricted_program(programs: PulseHarness, database: Database) -> None:
    for key in (SECRET, "TNS-NOPE"):
        assert f"{key} not found." in programs.command("/issue", f"raise {key}", user=STRANGER).text
    view = opened(programs, "/issue", "raise", user=STRANGER)
    assert set(options(inputs(view)["program"])) == {APPEALS}
    with nothing_written(database):
        answer = submit(
            programs,
            view,
            {"program": pick(SECRET), "title": "Leak", "severity": pick("3"), "impact": "none"},
            user=STRANGER,
        )
    assert list(answer.body["errors"]) == ["program"]
    assert f"{SECRET} not found." in answer.body["errors"]["program"]


def test_a_bare_budget_spend_opens_the_record_spending_form(programs: PulseHarness) -> None:
    view = opened(programs, "/budget", f"spend {APPEALS}")
    assert (view["callback_id"], view["title"]["text"]) == (CallbackId.BUDGET_SPEND, "Record spending")
    fields = inputs(view)
    assert " ".join(fields) == "program amount category note"
    assert fields["program"]["initial_option"]["value"] == APPEALS
    assert set(options(fields["category"])) == {"vendor", "headcount", "tooling"}


def test_spending_from_the_form_equals_the_command(programs: PulseHarness, database: Database) -> None:
    ok(programs.command("/budget", f'spend {APPEALS} 12.5k category:vendor note:"November invoice"'))
    view = opened(programs, "/budget", f"spend {APPEALS}")
    values = {"program": pick(APPEALS), "amount": "12.5k", "category": pick("vendor"), "note": "November invoice"}
    assert (submit(programs, view, values).body) == {}
    first, second = fetch_all(database, BudgetSpend)
    assert second.model_dump(exclude=IGNORED) == first.model_dump(exclude=IGNORED)
    assert second.amount == 1_250_000
    spent = [(e.entity_ref, e.action, e.actor_id) for e in fetch_all(database, AuditEvent) if e.action == "spend"]
    assert spent == [(f"{APPEALS}/2026Q4", "spend", OWNER)] * 2


def test_a_bad_amount_is_shown_on_its_field_and_writes_nothing(programs: PulseHarness, database: Database) -> None:
    view = opened(programs, "/budget", f"spend {APPEALS}")
    for amount, says in [("-5k", "`-5k` is not an amount"), ("0", "An amount of zero changes nothing")]:
        with nothing_written(database):
            answer = submit(programs, view, {"program": pick(APPEALS), "amount": amount})
        assert list(answer.body["errors"]) == ["amount"], answer.body
        assert says in answer.body["errors"]["amount"]


def test_a_stranger_cannot_record_spending_on_a_restricted_program(programs: PulseHarness, database: Database) -> None:
    for key in (SECRET, "TNS-NOPE"):
        assert f"{key} not found." in programs.command("/budget", f"spend {key}", user=STRANGER).text
    view = opened(programs, "/budget", "spend", user=STRANGER)
    with nothing_written(database):
        answer = submit(programs, view, {"program": pick(SECRET), "amount": "5k"}, user=STRANGER)
    assert list(answer.body["errors"]) == ["program"]
    assert f"{SECRET} not found." in answer.body["errors"]["program"]


def test_a_bare_staff_fill_opens_record_staffing_with_each_planned_role(programs: PulseHarness) -> None:
    assert "TNS-APPEALS has no planned roles to fill yet" in programs.command("/staff", f"fill {APPEALS}").text
    ok(programs.command("/staff", f"plan {APPEALS} reviewers:40 ds:2"))
    ok(programs.command("/staff", f"fill {APPEALS} reviewers:24"))
    view = opened(programs, "/staff", f"fill {APPEALS}")
    assert (view["callback_id"], view["title"]["text"]) == (CallbackId.STAFF_FILL, "Record staffing")
    fields = inputs(view)
    assert list(fields) == ["program", "counts:ds", "counts:reviewers"]
    assert (fields["counts:ds"]["initial_value"], fields["counts:reviewers"]["initial_value"]) == ("0", "24")
    labels = {b["block_id"]: b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}
    assert labels["counts:reviewers"] == "reviewers filled (of 40 planned)"


def test_staffing_from_the_form_equals_the_command(programs: PulseHarness, database: Database) -> None:
    ok(programs.command("/staff", f"plan {APPEALS} reviewers:40 ds:2"))
    ok(programs.command("/staff", f"plan {SECRET} reviewers:40 ds:2"))
    ok(programs.command("/staff", f"fill {SECRET} reviewers:24 ds:1"))
    view = opened(programs, "/staff", f"fill {APPEALS}")
    answer = submit(programs, view, {"program": pick(APPEALS), "counts:ds": "1", "counts:reviewers": "24"})
    assert answer.body == {}
    lines = fetch_all(database, StaffingLine)
    by_program = [{x.role: x.filled for x in lines if x.program_id == line.program_id} for line in lines]
    assert by_program == [{"reviewers": 24, "ds": 1}] * 4  # the command's program and the form's alike
    filled = [(e.entity_ref, e.actor_id) for e in fetch_all(database, AuditEvent) if e.action == "fill"]
    assert sorted(filled) == sorted(
        [(f"{key}/{role}", OWNER) for key in (APPEALS, SECRET) for role in ("ds", "reviewers")]
    )


def test_a_bad_headcount_is_shown_on_its_role_and_writes_nothing(programs: PulseHarness, database: Database) -> None:
    ok(programs.command("/staff", f"plan {APPEALS} reviewers:40 ds:2"))
    view = opened(programs, "/staff", f"fill {APPEALS}")
    for ds, says in [("two", "`ds:two` is not a headcount"), ("9999999", "9999999 ds is more than any program plans")]:
        with nothing_written(database):
            answer = submit(programs, view, {"program": pick(APPEALS), "counts:ds": ds, "counts:reviewers": "3"})
        assert list(answer.body["errors"]) == ["counts:ds"], answer.body
        assert says in answer.body["errors"]["counts:ds"]
    with nothing_written(database):
        answer = submit(programs, view, {"program": pick(APPEALS), "counts:ds": "0", "counts:reviewers": "0"})
    assert "staffing already has these numbers" in answer.body["errors"]["program"]


def test_a_stranger_cannot_record_staffing_on_a_restricted_program(programs: PulseHarness, database: Database) -> None:
    ok(programs.command("/staff", f"plan {SECRET} reviewers:40"))
    for key in (SECRET, "TNS-NOPE"):
        assert f"{key} not found." in programs.command("/staff", f"fill {key}", user=STRANGER).text
    view = opened(programs, "/staff", f"fill {SECRET}")
    with nothing_written(database):
        answer = submit(programs, view, {"program": pick(SECRET), "counts:reviewers": "5"}, user=STRANGER)
    assert list(answer.body["errors"]) == ["program"]
    assert f"{SECRET} not found." in answer.body["errors"]["program"]
