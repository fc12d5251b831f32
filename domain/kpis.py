"""KPIs (K-n): a program's numbers, each with a target, the better direction, an optional warning level and a
history of readings. A reading worse than the target is a breach (a watermelon reason); no reading for
STALE_AFTER_DAYS makes a KPI stale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import FiniteFloat
from sqlmodel import Session

from domain.access import require_cleared
from domain.audience import shown_to
from domain.context import Context
from domain.errors import Conflict, Forbidden, Invalid
from domain.figures import KpiSeries, Upload
from domain.inputs import Input, NumberRef
from domain.lookup import item, item_to_change, program, program_to_change, visible_programs
from domain.messages import Reply, reply, use_case
from domain.pages import page
from store import kpis
from store.ids import Kind, next_number, ref
from store.models import Kpi, KpiDirection, KpiReading, Program

STALE_AFTER_DAYS = 14
HISTORY_SHOWN = 12  # readings `/kpi show` lists
CHART_READINGS = 104  # readings a chart draws: two years of weekly ones


class KpiCreate(Input):
    key: str
    name: str
    unit: str
    target: FiniteFloat
    direction: KpiDirection
    warning: FiniteFloat | None = None  # a level past the target that is worse still
    owner_id: str | None = None  # the program owner when not given
    source: str | None = None  # where the number comes from (a dashboard URL)


class KpiRecord(Input):
    """A reading of K-n: its value as of a day (today when not given)."""

    number: int
    value: FiniteFloat
    taken_on: dt.date | None = None
    note: str | None = None


class KpiQuery(Input):
    key: str | None = None  # every visible program when not given


class Standing(StrEnum):
    ON_TARGET = "on target"
    OFF_TARGET = "off target"
    PAST_WARNING = "past warning"


def standing(kpi: Kpi, value: float) -> Standing:
    """Where a value stands against the KPI's target and warning level."""
    better = 1 if kpi.direction == KpiDirection.UP else -1
    if (value - kpi.target) * better >= 0:
        return Standing.ON_TARGET
    if kpi.warning is not None and (value - kpi.warning) * better <= 0:
        return Standing.PAST_WARNING
    return Standing.OFF_TARGET


@dataclass(frozen=True)
class KpiFacts:
    """A KPI with its newest readings (newest first) as of `today`: the evidence a digest line states."""

    kpi: Kpi
    program: Program
    readings: Sequence[KpiReading]
    today: dt.date

    @property
    def ref(self) -> str:
        return ref(Kind.KPI, self.kpi.number)

    @property
    def latest(self) -> KpiReading | None:
        return self.readings[0] if self.readings else None

    @property
    def previous(self) -> KpiReading | None:
        return self.readings[1] if len(self.readings) > 1 else None

    @property
    def standing(self) -> Standing | None:
        return standing(self.kpi, self.latest.value) if self.latest else None

    @property
    def breached(self) -> bool:
        """The latest reading is worse than the target."""
        return self.standing in (Standing.OFF_TARGET, Standing.PAST_WARNING)

    @property
    def stale(self) -> bool:
        """No reading for more than STALE_AFTER_DAYS (counted from its creation when it never had one)."""
        since = self.latest.taken_on if self.latest else self.kpi.created_at.date()
        return (self.today - since).days > STALE_AFTER_DAYS

    @property
    def change(self) -> str | None:
        """How the latest value moved from the previous one: up, down or same (None without two readings)."""
        if self.latest is None or self.previous is None:
            return None
        delta = self.latest.value - self.previous.value
        return "up" if delta > 0 else "down" if delta < 0 else "same"


def facts_for(
    session: Session, team_id: str, program_list: list[Program], *, today: dt.date, readings: int = 2
) -> list[KpiFacts]:
    """The KPIs of the given programs with their newest `readings`, by program key then number (two queries)."""
    by_id = {p.id: p for p in program_list if p.id is not None}
    found = kpis.for_programs(session, team_id, list(by_id))
    latest = kpis.latest_readings(session, [k.id for k in found if k.id is not None], readings)
    facts = [KpiFacts(k, by_id[k.program_id], latest[k.id or 0], today) for k in found]
    return sorted(facts, key=lambda f: (f.program.key, f.kpi.number))


def evidence(
    session: Session, team_id: str, program_list: list[Program], *, today: dt.date, readings: int = 2
) -> dict[int, list[KpiFacts]]:
    """Each program's KPIs with their latest and previous readings (or `readings` of them): the digest's
    evidence lines, by program id."""
    grouped: dict[int, list[KpiFacts]] = {p.id: [] for p in program_list if p.id is not None}
    for fact in facts_for(session, team_id, program_list, today=today, readings=readings):
        grouped[fact.program.id or 0].append(fact)
    return grouped


def kpi_reasons(
    session: Session, team_id: str, program_list: list[Program], *, today: dt.date
) -> dict[int, list[KpiFacts]]:
    """Each program's KPIs whose latest reading breaches the target: reasons a green report is a watermelon."""
    return {
        pid: [f for f in facts if f.breached]
        for pid, facts in evidence(session, team_id, program_list, today=today).items()
    }


@use_case(writes=True)
def add(ctx: Context, data: KpiCreate) -> Reply:
    """Add a KPI to a program (its owner or an admin); names are unique within a program."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "add_kpi")
    name, unit = data.name.strip(), data.unit.strip()
    if not name:
        raise Invalid("kpi_needs_name", field="name")
    if not unit:
        raise Invalid("kpi_needs_unit", field="unit")
    better = 1 if data.direction == KpiDirection.UP else -1
    if data.warning is not None and (data.warning - data.target) * better >= 0:
        raise Invalid("warning_wrong_side", field="warning", direction=data.direction.value)
    taken = kpis.name_taken(ctx.session, owning.id or 0, name)
    if taken is not None:
        raise Conflict("kpi_name_taken", field="name", name=taken.name, ref=ref(Kind.KPI, taken.number))
    owner = data.owner_id or owning.owner_id
    require_cleared(ctx.actor, owning, owner, "kpi_owner")
    kpi = Kpi(
        team_id=ctx.team_id,
        number=next_number(ctx.session, ctx.team_id, Kind.KPI),
        program_id=owning.id or 0,
        name=name,
        unit=unit,
        target=data.target,
        direction=data.direction,
        warning=data.warning,
        owner_id=owner,
        source=data.source or None,
        created_by=ctx.actor.user_id,
    )
    ctx.created(kpi, "kpi", ref(Kind.KPI, kpi.number), owning)
    return reply("kpi_added", kpi=kpi, program=owning)


@use_case(writes=True)
def record(ctx: Context, data: KpiRecord) -> Reply:
    """Record a reading (the KPI's owner, the program owner or an admin); a day may not be in the future."""
    kpi, owning, label = item_to_change(
        ctx.session, ctx.actor, Kpi, Kind.KPI, data.number, role="kpi_owner", act="record"
    )
    if owning.archived_at is not None:
        raise Conflict("archived", key=owning.key, act="kpi_reading")
    taken_on = data.taken_on or ctx.today
    if taken_on > ctx.today:
        raise Invalid("reading_in_future", field="taken_on", ref=label)
    reading = KpiReading(
        team_id=ctx.team_id,
        kpi_id=kpi.id or 0,
        value=data.value,
        taken_on=taken_on,
        note=data.note or None,
        recorded_by=ctx.actor.user_id,
    )
    ctx.session.add(reading)
    ctx.record("kpi", label, "reading", owning, None, reading)
    facts = facts_for(ctx.session, ctx.team_id, [owning], today=ctx.today)
    return reply("kpi_recorded", f=next(f for f in facts if f.kpi.id == kpi.id), reading=reading)


@use_case(writes=False)
def list_(ctx: Context, data: KpiQuery) -> Reply:
    """KPIs with their latest reading, by program: breached and stale ones marked."""
    scope = [program(ctx.session, ctx.actor, data.key)] if data.key else visible_programs(ctx.session, ctx.actor)
    facts = facts_for(ctx.session, ctx.team_id, scope, today=ctx.today)
    return reply("kpi_list", page=page(facts, 25), filtered=data.key is not None)


@use_case(writes=False)
def show(ctx: Context, data: NumberRef) -> Reply:
    """One KPI with its recent readings."""
    kpi, owning = item(ctx.session, ctx.actor, Kpi, Kind.KPI, data.number)
    readings = kpis.latest_readings(ctx.session, [kpi.id or 0], HISTORY_SHOWN)[kpi.id or 0]
    return reply("kpi_show", f=KpiFacts(kpi, owning, readings, ctx.today))


@use_case(writes=False)
def chart(ctx: Context, data: NumberRef) -> Reply:
    """A chart of a KPI's readings against its target, shown where the caller asked (if its program may be)."""
    kpi, owning = item(ctx.session, ctx.actor, Kpi, Kind.KPI, data.number)
    label = ref(Kind.KPI, kpi.number)
    audience = shown_to(ctx.actor)
    if not audience.may_include(owning):
        raise Forbidden("picture_restricted", key=owning.key, channel=audience.channel_id)
    readings = kpis.latest_readings(ctx.session, [kpi.id or 0], CHART_READINGS)[kpi.id or 0]
    if not readings:
        raise Invalid("kpi_no_readings", ref=label)
    facts = KpiFacts(kpi, owning, readings, ctx.today)
    answer = reply("kpi_chart", f=facts, count=len(readings))
    answer.uploads = [Upload(series(facts), audience.channel_id)]
    return answer


def series(facts: KpiFacts) -> KpiSeries:
    """What a KPI's chart draws: its readings, oldest first, against its target and warning level."""
    kpi = facts.kpi
    return KpiSeries(
        ref=facts.ref,
        key=facts.program.key,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        target=kpi.target,
        warning=kpi.warning,
        readings=tuple((r.taken_on, r.value) for r in reversed(facts.readings)),
    )
