"""KPIs: where a reading stands against its target, staleness after 14 days, breaches as watermelon reasons."""

from __future__ import annotations

import datetime as dt

import pytest

from domain import kpis
from domain.errors import Conflict, Forbidden, Invalid
from domain.kpis import KpiCreate, KpiRecord, Standing, kpi_reasons
from store.db import Database
from store.models import Kpi, KpiDirection
from tests.support.services import run
from tests.support.store import ADMIN, OWNER, STRANGER, TODAY, get_program, new_program

DOWN, UP = KpiDirection.DOWN, KpiDirection.UP


def add(database: Database, name: str = "Median appeal time", **fields: object) -> Kpi:
    values: dict[str, object] = {"unit": "h", "target": 48, "direction": DOWN, **fields}
    with database.session(write=True) as session:
        created: Kpi = run(session, OWNER, kpis.add, KpiCreate(key="TNS-X", name=name, **values)).message.context["kpi"]
        return created


def record(database: Database, number: int, value: float, on: dt.date, *, today: dt.date = TODAY) -> None:
    with database.session(write=True) as session:
        run(session, OWNER, kpis.record, KpiRecord(number=number, value=value, taken_on=on), today=today)


def facts(database: Database, today: dt.date = TODAY) -> list[kpis.KpiFacts]:
    with database.session() as session:
        return kpis.facts_for(session, "T1", [get_program(session)], today=today)


@pytest.fixture
def program(database: Database) -> Database:
    new_program(database)
    return database


@pytest.mark.parametrize(
    ("direction", "value", "expected"),
    [
        (DOWN, 40, Standing.ON_TARGET),
        (DOWN, 48, Standing.ON_TARGET),
        (DOWN, 55, Standing.OFF_TARGET),
        (DOWN, 60, Standing.PAST_WARNING),
        (DOWN, 71, Standing.PAST_WARNING),
        (UP, 97, Standing.ON_TARGET),
        (UP, 93, Standing.OFF_TARGET),
        (UP, 90, Standing.PAST_WARNING),
    ],
)
def test_standing_follows_the_better_direction(direction: KpiDirection, value: float, expected: Standing) -> None:
    target, warning = (48, 60) if direction == DOWN else (95, 90)
    kpi = Kpi(
        team_id="T1",
        number=1,
        program_id=1,
        name="x",
        unit="h",
        target=target,
        direction=direction,
        warning=warning,
        owner_id="U1",
        created_by="U1",
    )
    assert kpis.standing(kpi, value) == expected


def test_latest_and_previous_readings_give_the_change(program: Database) -> None:
    kpi = add(program)
    record(program, kpi.number, 65, TODAY - dt.timedelta(days=7))
    record(program, kpi.number, 90, TODAY - dt.timedelta(days=30))  # an old reading entered late
    record(program, kpi.number, 71, TODAY)
    (fact,) = facts(program)
    assert fact.latest is not None and fact.previous is not None
    assert (fact.latest.value, fact.previous.value, fact.change) == (71, 65, "up")
    assert fact.breached and fact.standing == Standing.OFF_TARGET and not fact.stale


def test_a_kpi_without_a_reading_for_more_than_14_days_is_stale(program: Database) -> None:
    kpi = add(program)
    record(program, kpi.number, 40, TODAY)
    assert not facts(program, TODAY + dt.timedelta(days=14))[0].stale
    assert facts(program, TODAY + dt.timedelta(days=15))[0].stale


def test_breached_kpis_are_the_watermelon_reasons(program: Database) -> None:
    late, fine, unread = add(program, "Median appeal time"), add(program, "Appeals per day"), add(program, "CSAT")
    record(program, late.number, 71, TODAY)
    record(program, fine.number, 30, TODAY)
    with program.session() as session:
        reasons = kpi_reasons(session, "T1", [get_program(session)], today=TODAY)
    assert [[f.kpi.name for f in found] for found in reasons.values()] == [["Median appeal time"]]
    assert unread.number not in {f.kpi.number for found in reasons.values() for f in found}


def test_bad_kpis_are_refused(program: Database) -> None:
    with pytest.raises(Invalid, match="warning level must be worse than the target: above it"):
        add(program, warning=40)
    with pytest.raises(Invalid, match="needs a unit"):
        add(program, unit=" ")
    add(program)
    with pytest.raises(Conflict, match=r"already has a KPI called Median appeal time \(K-1\)"):
        add(program, "median APPEAL time")
    with program.session(write=True) as session, pytest.raises(Forbidden, match="Only the program owner"):
        run(session, STRANGER, kpis.add, KpiCreate(key="TNS-X", name="Mine", unit="h", target=1, direction=UP))


def test_readings_are_not_for_tomorrow_and_only_owners_record(program: Database) -> None:
    kpi = add(program, owner_id="U0RISK")
    with pytest.raises(Invalid, match="hasn't come yet"):
        record(program, kpi.number, 50, TODAY + dt.timedelta(days=1))
    with program.session(write=True) as session, pytest.raises(Forbidden, match="Only the KPI owner"):
        run(session, STRANGER, kpis.record, KpiRecord(number=kpi.number, value=1))
    with program.session(write=True) as session:
        run(session, ADMIN, kpis.record, KpiRecord(number=kpi.number, value=1), today=TODAY)
    latest = facts(program)[0].latest
    assert latest is not None and latest.recorded_by == ADMIN.user_id
