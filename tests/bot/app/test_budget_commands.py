"""/budget over HTTP: plans by quarter, spending, variance and burn, the budget reason, permissions, restriction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from store.db import Database
from store.models import AuditEvent, BudgetPlan, BudgetSpend
from tests.support.app import (
    ADMIN,
    APPEALS,
    OWNER,
    STRANGER,
    create_program,
    fetch,
    fetch_all,
    first_line,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness

NOW = dt.datetime(2026, 11, 15, 15, 0, tzinfo=dt.UTC)  # day 46 of 92 in 2026Q4: half the quarter gone


@pytest.fixture
def program(pulse: PulseHarness) -> Iterator[PulseHarness]:
    """TNS-APPEALS owned by OWNER, with a 2026Q4 plan of 100k; the clock at NOW."""
    with time_machine.travel(NOW, tick=False):
        create_program(pulse)
        ok(pulse.command("/program", f"status {APPEALS} green On track"))
        answer = ok(pulse.command("/budget", f"set {APPEALS} 2026Q4 planned:100k"))
        assert first_line(answer) == f"Budget of *{APPEALS}* for 2026Q4 set."
        yield pulse


def test_set_stores_exact_minor_units_and_is_audited(program: PulseHarness, database: Database) -> None:
    ok(program.command("/budget", f"set {APPEALS} 2027Q1 planned:1.2m committed:12,500.50"))
    plan = fetch(database, BudgetPlan, quarter="2027Q1")
    assert (plan.planned, plan.committed) == (120_000_000, 1_250_050)
    assert isinstance(plan.planned, int)
    events = [e for e in fetch_all(database, AuditEvent) if e.entity_type == "budget"]
    assert [(e.entity_ref, e.action) for e in events] == [
        (f"{APPEALS}/2026Q4", "create"),
        (f"{APPEALS}/2027Q1", "create"),
    ]
    answer = ok(program.command("/budget", f"set {APPEALS} 2027q1 committed:200k"))
    assert "*2027Q1* planned USD 1,200,000 · committed USD 200,000 · actual USD 0" in answer.text
    update = fetch_all(database, AuditEvent)[-1]
    assert update.before is not None and update.after is not None
    assert (update.action, update.before["committed"], update.after["committed"]) == ("update", 1_250_050, 20_000_000)


def test_spending_gives_variance_burn_and_the_budget_reason(program: PulseHarness, database: Database) -> None:
    answer = ok(program.command("/budget", f'spend {APPEALS} 12.5k category:vendor note:"November invoice"'))
    assert first_line(answer) == (
        f"USD 12,500 spent on *{APPEALS}* (vendor) recorded for Sun 2026-11-15: November invoice."
    )
    assert "Burn: 12% of the plan spent with 50% of the quarter gone" in answer.text
    assert fetch(database, BudgetSpend, quarter="2026Q4").amount == 1_250_000
    digest = ok(program.command("/digest", f"preview {APPEALS}"))
    assert ":moneybag: Budget 2026Q4: USD 12,500 spent of USD 100,000 planned (12%)" in digest.text
    assert ":watermelon:" not in digest.text
    ok(program.command("/budget", f"spend {APPEALS} 98,000.01 category:headcount"))
    shown = ok(program.command("/budget", f"show {APPEALS}"))
    assert "variance +USD 10,500.01 (+11%) · :money_with_wings: *over plan by more than 10%*" in shown.text
    assert "Spent by category: headcount USD 98,000.01 · vendor USD 12,500" in shown.text
    digest = ok(program.command("/digest", f"preview {APPEALS}"))
    assert ":watermelon: reported green, facts say otherwise" in digest.text
    assert "budget 2026Q4 11% over plan (USD 110,500.01 spent of USD 100,000)" in digest.text
    portfolio = ok(program.command("/digest", "preview", user=ADMIN))
    assert "budget 2026Q4 11% over plan" in portfolio.text.split("*Looks green, isn't*")[1]


def test_exactly_the_threshold_is_not_over(program: PulseHarness) -> None:
    ok(program.command("/budget", f"spend {APPEALS} 110k"))
    assert ":watermelon:" not in ok(program.command("/digest", f"preview {APPEALS}")).text
    ok(program.command("/budget", f"spend {APPEALS} 0.01"))
    assert ":watermelon:" in ok(program.command("/digest", f"preview {APPEALS}")).text


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        (f"set {APPEALS} 2027Q5 planned:1k", "`2027Q5` is not a quarter: write it like `2027Q1`."),
        (f"set {APPEALS} 2027Q1 planned:lots", "`lots` is not an amount"),
        (f"set {APPEALS} 2027Q1 planned:12.505", "`12.505` has more decimals than USD has (2)"),
        (f"set {APPEALS} 2027Q1 committed:5k", "has no plan for 2027Q1 yet"),
        (f"set {APPEALS} 2026Q4 planned:100k", "already has these amounts"),
        (f"set {APPEALS} 2027Q1", "Give the plan or the commitments"),
        (f"set {APPEALS} 2027Q1 plannd:5k", "Did you mean `planned:`?"),
        (f"spend {APPEALS} -5k", "`-5k` is not an amount"),
        (f"spend {APPEALS} 0", "An amount of zero changes nothing"),
        (f"spend {APPEALS} 5k category:travel", "`travel` is not a category Pulse knows"),
        (f"spend {APPEALS} 5k category:vendr", "Did you mean `vendor`?"),
        ("spend TNS-APPEAL 5k", "TNS-APPEAL not found. Did you mean `TNS-APPEALS`?"),
        ("show", "Which program?"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    program: PulseHarness, database: Database, text: str, wording: str
) -> None:
    with nothing_written(database):
        answer = refused(program.command("/budget", text))
    assert wording in answer.text


def test_only_the_program_owner_or_an_admin_change_the_budget(program: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        answer = refused(program.command("/budget", f"spend {APPEALS} 5k", user=STRANGER))
    assert "Only the program owner (<@U0OWNER>) or a Pulse admin may record spending on TNS-APPEALS." in answer.text
    ok(program.command("/budget", f"show {APPEALS}", user=STRANGER))
    ok(program.command("/budget", f"spend {APPEALS} 5k", user=ADMIN))
    assert fetch(database, BudgetSpend, recorded_by=ADMIN).amount == 500_000


def test_a_restricted_programs_budget_is_not_found_by_strangers(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, "TNS-SECRET", "Secret work", fields="restricted:yes")
    ok(pulse.command("/budget", "set TNS-SECRET 2027Q1 planned:50k", user=OWNER))
    with nothing_written(database):
        shown = refused(pulse.command("/budget", "show TNS-SECRET", user=STRANGER))
        spent = refused(pulse.command("/budget", "spend TNS-SECRET 1k", user=STRANGER))
    assert first_line(shown) == first_line(spent) == ":warning: TNS-SECRET not found."
    assert "USD 50,000" in ok(pulse.command("/budget", "show TNS-SECRET", user=ADMIN)).text


def test_help_lists_the_plan_commands(pulse: PulseHarness) -> None:
    listed = ok(pulse.command("/pulse", "help")).text
    for command in ("/budget", "/issue", "/staff"):
        assert command in listed
    assert "/budget spend KEY AMOUNT" in ok(pulse.command("/pulse", "help budget")).text
