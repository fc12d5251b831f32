"""/program people over HTTP: the stakeholder map by function with RACI roles, its audit, who may change it,
restricted programs, and decisions taking their Consulted and Informed from it."""

from __future__ import annotations

import pytest

from store.db import Database
from store.models import AuditEvent, Decision, Raci, Stakeholder, StakeholderFunction
from tests.support.app import (
    ADMIN,
    ANA,
    APPEALS,
    MEMBER,
    OWNER,
    STRANGER,
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

LENA, SAM = "U0LENA", "U0SAM"


@pytest.fixture
def program(pulse: PulseHarness) -> PulseHarness:
    """TNS-APPEALS with Lena consulted for Legal and Sam informed for Finance."""
    create_program(pulse, fields=f"members:{mention(MEMBER)}")
    answer = ok(pulse.command("/program", f"people {APPEALS} add {mention(LENA)} function:legal role:consulted"))
    assert first_line(answer) == f"<@{LENA}> is *consulted* for Legal on *{APPEALS}*."
    ok(pulse.command("/program", f"people {APPEALS} add {mention(SAM)} function:Finance"))
    return pulse


def test_the_map_shows_people_by_function_and_is_audited(program: PulseHarness, database: Database) -> None:
    answer = ok(program.command("/program", f"people {APPEALS}", user=STRANGER))
    assert answer.text.split("\n")[:5] == [
        f"*Stakeholders of {APPEALS}* Appeals SLA reduction",
        "*Finance*",
        f"<@{SAM}> · informed",
        "*Legal*",
        f"<@{LENA}> · consulted",
    ]
    changed = ok(program.command("/program", f"people {APPEALS} add {mention(LENA)} function:legal role:informed"))
    assert f"Finance: <@{SAM}> (I) · Legal: <@{LENA}> (I)" in changed.text
    ok(program.command("/program", f"people {APPEALS} remove {mention(LENA)}"))
    lena = fetch(database, Stakeholder, user_id=LENA)
    assert (lena.function, lena.role, lena.removed_at is not None) == (StakeholderFunction.LEGAL, Raci.INFORMED, True)
    again = ok(program.command("/program", f"people {APPEALS} add {mention(LENA)} function:legal role:consulted"))
    assert f"Legal: <@{LENA}> (C)" in again.text
    audited = [(e.entity_ref, e.action) for e in fetch_all(database, AuditEvent) if e.entity_type == "stakeholder"]
    legal = f"{APPEALS}/legal/{LENA}"
    assert audited == [
        (legal, "create"),
        (f"{APPEALS}/finance/{SAM}", "create"),
        (legal, "role"),
        (legal, "remove"),
        (legal, "add"),
    ]
    history = ok(program.command("/pulse", f"audit {APPEALS}")).text
    assert f"*add* {legal}" in history


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        (f"people {APPEALS} add {mention(ANA)} function:legl", "Did you mean `legal`?"),
        (f"people {APPEALS} add {mention(ANA)} function:finance role:consultd", "Did you mean `consulted`?"),
        (f"people {APPEALS} add {mention(ANA)}", "`function:` is required"),
        (f"people {APPEALS} ad {mention(ANA)} function:legal", "Did you mean `add`?"),
        (f"people {APPEALS} add", "Who? e.g. `/program people TNS-APPEALS add @lena function:legal`"),
        (f"people {APPEALS} function:legal", "Who? e.g. `/program people TNS-APPEALS add @lena function:legal`"),
        (f"people {APPEALS} add {mention(ANA)} {mention(SAM)} function:legal", "I don't know what to do with"),
        (f"people {APPEALS} add {mention(SAM)} function:finance", "already has that role for finance"),
        (f"people {APPEALS} remove {mention(ANA)}", f"<@{ANA}> is not a stakeholder on {APPEALS}."),
        (f"people {APPEALS} remove {mention(SAM)} function:legal", "They are in `finance`."),
        ("people TNS-APPEAL", "Did you mean `TNS-APPEALS`?"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    program: PulseHarness, database: Database, text: str, wording: str
) -> None:
    with nothing_written(database):
        assert wording in refused(program.command("/program", text)).text


def test_close_spellings_of_a_function_are_understood(program: PulseHarness, database: Database) -> None:
    ok(program.command("/program", f'people {APPEALS} add {mention(ANA)} function:"Risk & Compliance"'))
    ok(program.command("/program", f"people {APPEALS} add {mention(ANA)} function:ds role:responsible"))
    functions = {s.function for s in fetch_all(database, Stakeholder) if s.user_id == ANA}
    assert functions == {StakeholderFunction.RISK_COMPLIANCE, StakeholderFunction.DATA_SCIENCE}


def test_owner_members_and_admins_change_the_map_others_may_not(program: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        answer = refused(
            program.command("/program", f"people {APPEALS} add {mention(ANA)} function:legal", user=STRANGER)
        )
    assert "its members or a Pulse admin may change the stakeholders of TNS-APPEALS" in answer.text
    ok(program.command("/program", f"people {APPEALS} add {mention(ANA)} function:legal", user=MEMBER))
    ok(program.command("/program", f"people {APPEALS} add {mention(ANA)} function:product", user=ADMIN))
    ok(program.command("/program", f"people {APPEALS} remove {mention(ANA)} function:product", user=OWNER))


def test_a_restricted_programs_map_is_not_found_and_names_only_cleared_people(
    pulse: PulseHarness, database: Database
) -> None:
    create_program(pulse, "TNS-SECRET", "Secret work", fields=f"restricted:yes members:{mention(MEMBER)}")
    with nothing_written(database):
        answer = refused(pulse.command("/program", f"people TNS-SECRET add {mention(ANA)} function:legal"))
    assert "TNS-SECRET is restricted and they are not a member" in answer.text
    ok(pulse.command("/program", f"people TNS-SECRET add {mention(MEMBER)} function:legal"))
    with nothing_written(database):
        assert first_line(refused(pulse.command("/program", "people TNS-SECRET", user=STRANGER))) == (
            ":warning: TNS-SECRET not found."
        )
        refused(pulse.command("/program", f"people TNS-SECRET add {mention(STRANGER)} function:legal", user=STRANGER))


def test_a_decision_takes_consulted_and_informed_from_the_map(program: PulseHarness, database: Database) -> None:
    answer = ok(program.command("/decision", f"log {APPEALS} Use vendor B"))
    assert f"Informed (from the stakeholders): <@{SAM}>; they hear of it in their next morning DM." in answer.text
    assert f"consulted <@{LENA}>" in answer.text
    number = 1
    decision = fetch(database, Decision, number=number)
    assert (decision.consulted, decision.informed) == ([LENA], [SAM])
    given = log_decision(program, "Freeze ranking", fields=f"informed:{mention(ANA)}")
    decision = fetch(database, Decision, number=given)
    assert (decision.consulted, decision.informed) == ([LENA], [ANA])  # what is given wins; the rest defaults
