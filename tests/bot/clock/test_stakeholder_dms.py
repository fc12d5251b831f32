"""The stakeholder map in the morning DM: Informed people hear of a decision once (never of a program they may no
longer see), and an ask to a function reaches the program's people of that function (its owner chases it when the
function has no one)."""

from __future__ import annotations

import datetime as dt

from tests.support.clock import (
    ANA,
    APPEALS,
    HASH,
    KAI,
    PRIYA,
    STRANGER,
    at,
    dm_items,
    local,
    make_clock,
    posted,
    seed_programs,
    seeding,
    tick_at,
    utc,
)
from tests.support.harness import PulseHarness

MONDAY = utc(2027, 3, 1, 11)  # 11:00 in London: after the morning DMs


def mention(user: str) -> str:
    return f"<@{user}|{user[2:].lower()}>"


def morning_dms(pulse: PulseHarness, user: str) -> dict[dt.date, list[str]]:
    return {local(m.at, user).date(): dm_items(m.text) for m in posted(pulse.stub) if m.is_dm and m.to == user}


def test_informed_stakeholders_hear_of_a_decision_once_and_only_while_they_may_see_it(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 2, 26, 12)) as session:
        seed_programs(session)  # TNS-HASH is restricted: Kai owns it, Ana is its member
    with at(MONDAY):
        pulse.command("/program", f"people {APPEALS} add {mention(ANA)} function:finance", user=PRIYA)
        pulse.command("/program", f"people {APPEALS} add {mention(STRANGER)} function:legal role:consulted", user=PRIYA)
        pulse.command("/program", f"people {HASH} add {mention(ANA)} function:leadership", user=KAI)
        logged = pulse.command("/decision", f"log {APPEALS} Use vendor B", user=PRIYA)  # D-1
        pulse.command("/decision", f"log {HASH} Switch hash vendor", user=KAI)  # D-2, Ana informed
        pulse.command("/program", f"edit {HASH} members:{mention(KAI)}", user=KAI)  # Ana may no longer see it
    assert "D-1 logged" in logged.text
    assert not [m for m in posted(pulse.stub) if m.is_dm]  # told in the morning, not at once
    clock, _ = make_clock(pulse, pace_seconds=0)
    for day in range(1, 5):  # Tuesday 2nd to Friday 5th, at 09:00 and again at 09:30 London
        tick_at(clock, utc(2027, 3, 1 + day, 9))
        tick_at(clock, utc(2027, 3, 1 + day, 9, 30))
    assert morning_dms(pulse, ANA) == {dt.date(2027, 3, 2): ["informed D-1"]}  # once; never D-2 of TNS-HASH
    (told,) = [m for m in posted(pulse.stub) if m.is_dm and m.to == ANA]
    assert HASH not in told.text and "Switch hash vendor" not in told.text
    assert morning_dms(pulse, STRANGER) == {}  # Consulted is not told by DM


def test_an_ask_to_a_function_reaches_its_people_and_the_owner_chases_a_function_with_no_one(
    pulse: PulseHarness,
) -> None:
    with seeding(pulse.database, utc(2027, 2, 26, 12)) as session:
        seed_programs(session)
    with at(MONDAY):
        pulse.command("/program", f"people {APPEALS} add {mention(STRANGER)} function:finance", user=PRIYA)
        for ask in ("Approve overtime ask-to:Finance", "Review the vendor contract ask-to:Legal"):
            pulse.command("/program", f"status {APPEALS} amber Vendor late asks:{ask} ask-by:tue", user=PRIYA)
    clock, _ = make_clock(pulse, pace_seconds=0)
    for day in range(1, 5):  # each morning in London (= UTC) and in New York
        tick_at(clock, utc(2027, 3, 1 + day, 9))
        tick_at(clock, utc(2027, 3, 1 + day, 14))
    assert morning_dms(pulse, STRANGER) == {dt.date(2027, 3, 3): ["ask ASK-1"]}
    assert morning_dms(pulse, PRIYA) == {dt.date(2027, 3, 3): ["ask ASK-2"]}  # Legal has no one: Priya chases
    (finance,) = [m for m in posted(pulse.stub) if m.is_dm and m.to == STRANGER]
    assert f"*ASK-1* Approve overtime ({APPEALS}) was needed from Finance by Tue 2027-03-02. Answer it" in finance.text
    with at(utc(2027, 3, 3, 10)):
        answered = pulse.command("/ask", "answer ASK-1 Approved for 3 weeks", user=STRANGER)
    assert not answered.text.startswith(":warning:"), answered.text
