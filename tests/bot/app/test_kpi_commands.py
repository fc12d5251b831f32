"""/kpi over HTTP: add with a target, record readings, the evidence line, history, staleness, permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from store.db import Database
from store.models import AuditEvent, Kpi, KpiReading
from tests.support.app import (
    ANA,
    APPEALS,
    OWNER,
    STRANGER,
    create_program,
    fetch,
    fetch_all,
    first_line,
    mention,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)  # a Tuesday
ADD = f"add {APPEALS} Median appeal time unit:h target:48 direction:down warn:60 owner:{mention(ANA)}"


@pytest.fixture
def kpi(pulse: PulseHarness) -> Iterator[PulseHarness]:
    """TNS-APPEALS with K-1, median appeal time (hours, lower is better), owned by Ana; the clock at NOW."""
    with time_machine.travel(NOW, tick=False):
        create_program(pulse)
        answer = ok(pulse.command("/kpi", ADD))
        assert first_line(answer).startswith("K-1 added to *TNS-APPEALS*: Median appeal time (target 48h")
        yield pulse


def test_add_stores_the_target_direction_and_warning(kpi: PulseHarness, database: Database) -> None:
    row = fetch(database, Kpi, number=1)
    assert (row.name, row.unit, row.target, row.direction.value, row.warning, row.owner_id) == (
        "Median appeal time",
        "h",
        48,
        "down",
        60,
        ANA,
    )
    assert fetch(database, AuditEvent, entity_ref="K-1").action == "create"


def test_readings_give_the_evidence_line(kpi: PulseHarness, database: Database) -> None:
    ok(kpi.command("/kpi", "set K-1 65 at:2026-11-24", user=ANA))
    answer = ok(kpi.command("/kpi", 'set K-1 71 note:"after the policy change"', user=ANA))
    assert first_line(answer) == "K-1 on *TNS-APPEALS*: 71h recorded for Tue 2026-12-01."
    assert ":rotating_light: Median appeal time 71h (target 48h, ↑ from 65h) · *past warning*" in answer.text
    readings = fetch_all(database, KpiReading)
    assert [(r.value, r.taken_on, r.note) for r in readings] == [
        (65, dt.date(2026, 11, 24), None),
        (71, dt.date(2026, 12, 1), "after the policy change"),
    ]
    listed = ok(kpi.command("/kpi", "list"))
    assert ":rotating_light: *K-1* TNS-APPEALS · Median appeal time 71h (target 48h, ↑ from 65h) · past warning" in (
        listed.text
    )


def test_an_earlier_reading_does_not_replace_the_latest(kpi: PulseHarness) -> None:
    ok(kpi.command("/kpi", "set K-1 40", user=ANA))
    answer = ok(kpi.command("/kpi", "set K-1 52 at:2026-11-20", user=ANA))
    assert "Median appeal time 40h (target 48h, ↓ from 52h) · *on target* (latest reading is for Tue 2026-12-01)" in (
        answer.text
    )


def test_show_lists_the_history_newest_first(kpi: PulseHarness) -> None:
    for day, value in (("2026-11-10", 80), ("2026-11-17", 75), ("2026-11-24", 47.5)):
        ok(kpi.command("/kpi", f"set K-1 {value} at:{day}", user=ANA))
    answer = ok(kpi.command("/kpi", "show K-1"))
    assert first_line(answer) == "K-1: Median appeal time"
    lines = answer.text.split("\n")
    start = lines.index("*Readings*, newest first")
    assert lines[start + 1 : start + 4] == [
        f"Tue 2026-11-24 · 47.5h · {'<@' + ANA + '>'}",
        f"Tue 2026-11-17 · 75h · {'<@' + ANA + '>'}",
        f"Tue 2026-11-10 · 80h · {'<@' + ANA + '>'}",
    ]
    assert "target 48h · warning at 60h · lower is better" in answer.text


def test_no_reading_for_more_than_14_days_is_stale(kpi: PulseHarness) -> None:
    ok(kpi.command("/kpi", "set K-1 45", user=ANA))
    with time_machine.travel(NOW + dt.timedelta(days=14), tick=False):
        assert ":zzz:" not in ok(kpi.command("/kpi", "list")).text
    with time_machine.travel(NOW + dt.timedelta(days=15), tick=False):
        assert "K-1* TNS-APPEALS · Median appeal time 45h (target 48h) · on target · :zzz: no reading for 14+ days" in (
            ok(kpi.command("/kpi", "list")).text
        )


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("set K-1 seventy", "`seventy` is not a number"),
        ("set K-1 71 at:2026-12-09", "can't be for a day that hasn't come yet"),
        ("set K-1", "Which KPI, and what value?"),
        ("set R-1 71", "`R-1` is not an ID like K-12"),
        (f"add {APPEALS} Appeals per day unit:tickets target:500", "`direction:` is required"),
        (f"add {APPEALS} CSAT unit:% target:90 direction:up warn:95", "must be worse than the target: below it"),
        (f"add {APPEALS} median appeal time unit:h target:40 direction:down", "already has a KPI called"),
        (f"add {APPEALS} unit:h target:40 direction:down", "The KPI name is missing"),
        ("show K-9", "K-9 not found."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    kpi: PulseHarness, database: Database, text: str, wording: str
) -> None:
    with nothing_written(database):
        answer = refused(kpi.command("/kpi", text, user=OWNER))
    assert wording in answer.text


def test_only_the_kpi_owner_program_owner_or_admin_record(kpi: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        answer = refused(kpi.command("/kpi", "set K-1 50", user=STRANGER))
    assert "Only the KPI owner (<@U0ANA>), the program owner (<@U0OWNER>) or a Pulse admin may record K-1." in (
        answer.text
    )
    ok(kpi.command("/kpi", "set K-1 50", user=OWNER))


def test_kpi_ids_work_in_the_audit_trail(kpi: PulseHarness) -> None:
    ok(kpi.command("/kpi", "set K-1 50", user=ANA))
    answer = ok(kpi.command("/pulse", "audit K-1"))
    assert "reading" in answer.text and "create" in answer.text


def test_source_links_are_stored_as_urls(kpi: PulseHarness, database: Database) -> None:
    ok(
        kpi.command(
            "/kpi",
            f"add {APPEALS} Appeals per day unit:tickets target:500 direction:up "
            "source:<https://dash.example.com/appeals|dash>",
        )
    )
    assert fetch(database, Kpi, number=2).source == "https://dash.example.com/appeals"
