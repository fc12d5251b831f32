"""/staff over HTTP: planned and filled headcount by role, "staffing 60% filled", the people reason in the
digests and the watermelon check, permissions and restricted programs."""

from __future__ import annotations

import pytest

from store.db import Database
from store.models import AuditEvent, StaffingLine
from tests.support.app import (
    ADMIN,
    APPEALS,
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


@pytest.fixture
def program(pulse: PulseHarness) -> PulseHarness:
    """TNS-APPEALS reported green, planning 40 reviewers and 2 data scientists."""
    create_program(pulse)
    ok(pulse.command("/program", f"status {APPEALS} green On track"))
    answer = ok(pulse.command("/staff", f"plan {APPEALS} reviewers:40 ds:2"))
    assert first_line(answer) == f"Staffing of *{APPEALS}* planned."
    return pulse


def test_filling_shows_the_share_and_is_audited(program: PulseHarness, database: Database) -> None:
    answer = ok(program.command("/staff", f"fill {APPEALS} reviewers:24 DS:2"))
    assert ":busts_in_silhouette: Staffing 62% filled (ds 2/2 · reviewers 24/40)" in answer.text
    reviewers, ds = fetch(database, StaffingLine, role="reviewers"), fetch(database, StaffingLine, role="ds")
    assert (reviewers.filled, ds.filled) == (24, 2)
    audited = [(e.entity_ref, e.action) for e in fetch_all(database, AuditEvent) if e.entity_type == "staffing"]
    assert audited == [
        (f"{APPEALS}/reviewers", "create"),
        (f"{APPEALS}/ds", "create"),
        (f"{APPEALS}/reviewers", "fill"),
        (f"{APPEALS}/ds", "fill"),
    ]


def test_below_the_threshold_is_a_people_reason(program: PulseHarness) -> None:
    ok(program.command("/staff", f"fill {APPEALS} reviewers:24 ds:2"))
    digest = ok(program.command("/digest", f"preview {APPEALS}")).text
    assert "*staffing 62% filled, below 80%*" in digest and ":watermelon:" in digest
    leadership = ok(program.command("/digest", "preview", user=ADMIN)).text
    assert "staffing 62% filled, below 80%" in leadership.split("*Looks green, isn't*")[1]
    ok(program.command("/staff", f"fill {APPEALS} reviewers:32"))  # 34 of 42: 81%
    digest = ok(program.command("/digest", f"preview {APPEALS}")).text
    assert "Staffing 81% filled" in digest and ":watermelon:" not in digest


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        (f"fill {APPEALS} reviewer:24", "has no plan for `reviewer`. Did you mean `reviewers`?"),
        (f"fill {APPEALS} reviewers:many", "`reviewers:many` is not a headcount"),
        (f"plan {APPEALS} reviewers:40 ds:2", "already has these numbers"),
        (f"plan {APPEALS}", "Give the KEY and headcount by role"),
        ("show TNS-APPEAL", "Did you mean `TNS-APPEALS`?"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    program: PulseHarness, database: Database, text: str, wording: str
) -> None:
    with nothing_written(database):
        assert wording in refused(program.command("/staff", text)).text


def test_only_the_owner_or_an_admin_change_staffing(program: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        answer = refused(program.command("/staff", f"fill {APPEALS} reviewers:30", user=STRANGER))
    assert "may record the staffing of TNS-APPEALS" in answer.text
    assert "reviewers: 0 of 40 filled (40 open)" in ok(program.command("/staff", f"show {APPEALS}", user=STRANGER)).text
    ok(program.command("/staff", f"fill {APPEALS} reviewers:30", user=ADMIN))


def test_a_restricted_programs_staffing_is_not_found(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, "TNS-SECRET", "Secret work", fields="restricted:yes")
    ok(pulse.command("/staff", "plan TNS-SECRET analysts:3"))
    with nothing_written(database):
        assert first_line(refused(pulse.command("/staff", "show TNS-SECRET", user=STRANGER))) == (
            ":warning: TNS-SECRET not found."
        )


def test_roles_sit_in_functions(program: PulseHarness, database: Database) -> None:
    ok(program.command("/staff", f"plan {APPEALS} reviewers:40 qa:4 function:operations"))
    answer = ok(program.command("/staff", f"plan {APPEALS} ds:3 function:ds"))  # ds was planned 2, in no function
    assert "Staffing 0% filled (Data Science: ds 0/3 · Operations: qa 0/4, reviewers 0/40)" in answer.text
    shown = ok(program.command("/staff", f"show {APPEALS}")).text
    assert "*Data Science*: 0 of 3 filled\nds: 0 of 3 filled (3 open)\n*Operations*: 0 of 44 filled" in shown
    assert fetch(database, StaffingLine, role="qa").function == "operations"
    plans = [e for e in fetch_all(database, AuditEvent) if e.entity_ref == f"{APPEALS}/ds" and e.action == "plan"]
    assert plans[-1].after is not None and plans[-1].after["function"] == "data_science"
    with nothing_written(database):
        answer = refused(program.command("/staff", f"plan {APPEALS} ds:3 function:legl"))
    assert "Did you mean `legal`?" in answer.plain
    digest = ok(program.command("/digest", f"preview {APPEALS}")).text
    assert "Staffing 0% filled (Data Science: ds 0/3 · Operations: qa 0/4, reviewers 0/40)" in digest
