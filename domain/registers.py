"""Registers in and out.

Out: programs, risks, actions, decisions and KPIs as rows of Pulse's canonical register fields (the names
bot/spreadsheets/fields.py gives them), for the programs a viewer may see.

In: each register row becomes the typed input the slash command would build (RiskCreate, ActionCreate,
DecisionCreate, KpiCreate, KpiRecord, ...) and runs through the same use case, in the caller's transaction and
a savepoint of its own, so one bad row is reported without stopping the others and the caller commits only
when every row passed. The register's own IDs (`R-12`, `RISK-007`) are remembered with the Pulse IDs they
became, so a later import of actions or decisions can link to them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session

from domain import actions, decisions, kpis, risks
from domain.actions import ActionCreate
from domain.audience import private_to
from domain.context import Context
from domain.decisions import DecisionCreate, DecisionSupersede
from domain.errors import Invalid, PulseError
from domain.figures import Register, Upload, Value
from domain.inputs import Input, NumberRef, invalid
from domain.kpis import KpiCreate, KpiRecord
from domain.lookup import program as find_program
from domain.lookup import visible_programs
from domain.messages import Reply, reply, use_case
from domain.register_kinds import FileFormat, RegisterKind
from domain.risks import RiskClose, RiskCreate, RiskUpdate
from domain.status import status_of
from store import actions as action_rows
from store import audit, registers
from store import decisions as decision_rows
from store import kpis as kpi_rows
from store import risks as risk_rows
from store.ids import Kind, parse_ref, ref
from store.limits import TooLong
from store.models import (
    ActionStatus,
    DecisionStatus,
    Kpi,
    KpiDirection,
    Program,
    RiskResponse,
    RiskStatus,
)

Row = dict[str, Value]


LINK_KINDS = {"risk": (Kind.RISK, RegisterKind.RISKS), "decision": (Kind.DECISION, RegisterKind.DECISIONS)}
# The register field a use case input's field comes from, where their names differ (to point at the cell).
REGISTER_FIELD = {
    "owner_id": "owner",
    "decider_id": "decider",
    "driver_id": "driver",
    "taken_on": "reading_date",
    "value": "reading_value",
    "reason": "close_reason",
}


# Out ----------------------------------------------------------------------------------------------------


def export_rows(
    session: Session, team_id: str, program_list: Sequence[Program], kind: RegisterKind, *, tz: ZoneInfo
) -> list[Row]:
    """Every item of `kind` in the given programs (closed and done ones too), as register rows by ID."""
    if kind == RegisterKind.PROGRAMS:
        return _program_rows(session, program_list, tz)
    keys = {p.id or 0: p.key for p in program_list}
    if kind == RegisterKind.RISKS:
        return _risk_rows(session, team_id, keys)
    if kind == RegisterKind.ACTIONS:
        return _action_rows(session, team_id, keys)
    if kind == RegisterKind.DECISIONS:
        return _decision_rows(session, team_id, keys, tz)
    return _kpi_rows(session, team_id, program_list)


def _program_rows(session: Session, program_list: Sequence[Program], tz: ZoneInfo) -> list[Row]:
    statuses = status_of(session, list(program_list))
    rows: list[Row] = []
    for p in sorted(program_list, key=lambda p: p.key):
        current = statuses[p.id or 0].current
        rows.append(
            {
                "key": p.key,
                "name": p.name,
                "owner": p.owner_id,
                "channel": p.channel_id,
                "target_date": p.target_date,
                "restricted": "yes" if p.restricted else "no",
                "members": tuple(p.members),
                "status": current.rag.value if current else None,
                "summary": current.summary if current else None,
                "archived": p.archived_at.astimezone(tz).date() if p.archived_at else None,
            }
        )
    return rows


def _risk_rows(session: Session, team_id: str, keys: Mapping[int, str]) -> list[Row]:
    found = sorted(risk_rows.query(session, team_id, list(keys), include_closed=True), key=lambda r: r.number)
    return [
        {
            "ref": ref(Kind.RISK, r.number),
            "program": keys[r.program_id],
            "title": r.title,
            "likelihood": r.likelihood,
            "impact": r.impact,
            "owner": r.owner_id,
            "review_date": r.review_date,
            "mitigation": r.mitigation,
            "response": r.response.value,
            "category": r.category,
            "trigger": r.trigger,
            "status": r.status.value,
            "close_reason": r.close_reason,
        }
        for r in found
    ]


def _action_rows(session: Session, team_id: str, keys: Mapping[int, str]) -> list[Row]:
    risk_numbers = {r.id: r.number for r in risk_rows.query(session, team_id, list(keys), include_closed=True)}
    decision_numbers = {d.id: d.number for d in decision_rows.query(session, team_id, list(keys))}
    found = sorted(action_rows.query(session, team_id, list(keys), include_done=True), key=lambda a: a.number)
    return [
        {
            "ref": ref(Kind.ACTION, a.number),
            "program": keys[a.program_id],
            "title": a.title,
            "owner": a.owner_id,
            "due": a.due,
            "status": a.status.value,
            "risk": ref(Kind.RISK, risk_numbers[a.risk_id]) if a.risk_id in risk_numbers else None,
            "decision": ref(Kind.DECISION, decision_numbers[a.decision_id])
            if a.decision_id in decision_numbers
            else None,
        }
        for a in found
    ]


def _decision_rows(session: Session, team_id: str, keys: Mapping[int, str], tz: ZoneInfo) -> list[Row]:
    found = sorted(decision_rows.query(session, team_id, list(keys)), key=lambda d: d.number)
    numbers = {d.id: d.number for d in found}
    return [
        {
            "ref": ref(Kind.DECISION, d.number),
            "program": keys[d.program_id],
            "title": d.title,
            "decider": d.decider_id,
            "driver": d.driver_id,
            "outcome": d.decision if d.decision and d.decision != d.title else None,
            "rationale": d.rationale,
            "options": d.options,
            "context": d.context,
            "consulted": tuple(d.consulted),
            "informed": tuple(d.informed),
            "status": d.status.value,
            "date": d.decided_at.astimezone(tz).date() if d.decided_at else None,
            "superseded_by": ref(Kind.DECISION, numbers[d.superseded_by_id]) if d.superseded_by_id in numbers else None,
        }
        for d in found
    ]


def _kpi_rows(session: Session, team_id: str, program_list: Sequence[Program]) -> list[Row]:
    keys = {p.id or 0: p.key for p in program_list}
    found = kpi_rows.for_programs(session, team_id, list(keys))
    readings = kpi_rows.readings_of(session, [k.id or 0 for k in found])
    rows: list[Row] = []
    for k in found:
        definition: Row = {
            "program": keys[k.program_id],
            "name": k.name,
            "unit": k.unit,
            "target": k.target,
            "direction": k.direction.value,
            "warning": k.warning,
            "owner": k.owner_id,
            "source": k.source,
        }
        taken = readings[k.id or 0]
        rows += [
            {**definition, "reading_value": r.value, "reading_date": r.taken_on, "reading_note": r.note} for r in taken
        ] or [{**definition, "reading_value": None, "reading_date": None, "reading_note": None}]
    return rows


class ExportRequest(Input):
    """A register of one program, or of every program the caller may see when `key` is None."""

    kind: RegisterKind
    key: str | None = None
    format: FileFormat = FileFormat.CSV


@use_case(writes=False)
def export(ctx: Context, data: ExportRequest) -> Reply:
    """The register as a file sent to the caller's DM, holding only the programs they may see."""
    shown = (
        [find_program(ctx.session, ctx.actor, data.key)]
        if data.key
        else visible_programs(ctx.session, ctx.actor, include_archived=True)
    )
    rows = export_rows(ctx.session, ctx.team_id, shown, data.kind, tz=ctx.tz)
    scope = shown[0].key if data.key else "portfolio"
    register = Register(kind=data.kind.value, scope=scope, format=data.format.value, rows=tuple(rows))
    answer = reply("export_ready", register=register, programs=len(shown))
    answer.uploads = [Upload(register, private_to(ctx.actor).channel_id)]
    return answer


# In -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    """One row of a register being brought in: where it is ('line 12', 'row 7'), its values by canonical
    field (people already as Slack IDs), and where each field's cell is ('cell C7')."""

    where: str
    values: Mapping[str, Value]
    places: Mapping[str, str] = field(default_factory=dict)

    def place(self, name: str | None) -> str:
        """Where field `name` (a register or an input field name) is in the file, else the row."""
        if name is None:
            return self.where
        return self.places.get(REGISTER_FIELD.get(name, name), self.where)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return str(value).strip() or None if value is not None else None


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be brought in: where, and an error code with its values (worded by templates/errors.j2)."""

    where: str
    code: str
    values: dict[str, Any]


@dataclass
class Imported:
    """What an import did (or would do): rows read, what was created or changed, the register's IDs and the
    Pulse IDs they became, and the problems; the caller commits only when there are none."""

    kind: RegisterKind
    key: str  # the program's
    rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    refs: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)


def import_rows(
    ctx: Context,
    kind: RegisterKind,
    key: str,
    rows: Iterable[RegisterRow],
    *,
    source: str,
    close_reason: str,
    progress: Callable[[], None] = lambda: None,
) -> Imported:
    """Bring register rows of `kind` into program `key` in `ctx`'s transaction (see the module docstring).

    `close_reason` is recorded for closed risks whose row gives none; `progress` is called once per row. When
    nothing is wrong, the import itself is recorded in the audit trail with the IDs it mapped."""
    owning = find_program(ctx.session, ctx.actor, key)
    done = Imported(kind, owning.key)
    run = _Rows(ctx, owning, done)
    handlers: dict[RegisterKind, Callable[[RegisterRow], None]] = {
        RegisterKind.RISKS: lambda row: run.risk(row, close_reason),
        RegisterKind.ACTIONS: run.action,
        RegisterKind.DECISIONS: run.decision,
        RegisterKind.KPIS: run.kpi,
    }
    for row in rows:
        done.rows += 1
        run.attempt(row, handlers[kind])
        progress()
    for row, old, successor in run.supersedes:
        run.attempt(row, partial(run.supersede, old=old, successor=successor))
    if not done.problems:
        audit.record(
            ctx.session,
            team_id=ctx.team_id,
            actor_id=ctx.actor.user_id,
            entity_type=registers.IMPORT_ENTITY,
            entity_ref=owning.key,
            action="import",
            program=owning,
            before=None,
            after={
                "kind": kind.value,
                "source": source,
                "rows": done.rows,
                "counts": dict(done.counts),
                "refs": done.refs,
            },
        )
    return done


class _Rows:
    """Runs rows of one import: each through its use cases, in a savepoint, its problems collected."""

    def __init__(self, ctx: Context, owning: Program, done: Imported) -> None:
        self.ctx, self.owning, self.done = ctx, owning, done
        self.key = owning.key
        self.earlier: dict[RegisterKind, dict[str, str]] = {}
        self.supersedes: list[tuple[RegisterRow, int, str]] = []
        self.kpis: dict[str, Kpi] = {}

    def attempt(self, row: RegisterRow, handle: Callable[[RegisterRow], None]) -> None:
        """Run `handle` for `row` in a savepoint; on a problem, undo the row and note where it is."""
        problem: RowProblem | None = None
        try:
            named = row.text("program")
            if named is not None and named.upper() != self.key:
                raise Invalid("import_other_program", field="program", named=named, key=self.key)
            with self.ctx.session.begin_nested():
                handle(row)
        except PulseError as exc:
            problem = RowProblem(row.place(exc.field), exc.code, exc.values)
        except ValidationError as exc:
            error = invalid(exc)
            problem = RowProblem(row.place(error.field), error.code, error.values)
        except TooLong as exc:
            values = {"column": exc.column, "length": exc.length, "limit": exc.limit}
            problem = RowProblem(row.place(exc.column), "too_long", values)
        if problem is not None:
            self.done.problems.append(problem)

    def _remember(self, row: RegisterRow, new_ref: str) -> None:
        """Note the Pulse ID the row's own ID became (a register ID given twice is a problem)."""
        given = row.text("ref")
        if given is None:
            return
        if given in self.done.refs:
            raise Invalid("import_duplicate_ref", field="ref", ref=given)
        self.done.refs[given] = new_ref

    def _link(self, row: RegisterRow, name: str) -> int | None:
        """The number of the risk or decision a row names: a register ID mapped by this or an earlier import,
        else a Pulse ID."""
        given = row.text(name)
        if given is None:
            return None
        kind, register = LINK_KINDS[name]
        own = self.done.refs.get(given) if register == self.done.kind else None
        parsed = parse_ref(own or self._earlier(register).get(given) or given)
        if parsed is None or parsed[0] != kind:
            raise Invalid("import_unknown_link", field=name, ref=given, kind=register.value)
        return parsed[1]

    def _earlier(self, register: RegisterKind) -> dict[str, str]:
        """Register ID -> Pulse ID of `register` items earlier imports brought into the program (read once)."""
        if register not in self.earlier:
            program_id = self.owning.id or 0
            self.earlier[register] = registers.imported_refs(self.ctx.session, self.ctx.team_id, program_id, register)
        return self.earlier[register]

    def _needed(self, row: RegisterRow, name: str) -> Value:
        value = row.values.get(name)
        if value is None or value == ():
            raise Invalid("import_value_needed", field=name, name=name)
        return value

    def risk(self, row: RegisterRow, close_reason: str) -> None:
        v = row.values
        data = RiskCreate(
            key=self.key,
            title=str(self._needed(row, "title")),
            likelihood=v.get("likelihood"),
            impact=v.get("impact"),
            owner_id=row.text("owner"),
            review_date=v.get("review_date"),
            mitigation=row.text("mitigation"),
            response=RiskResponse(str(v["response"])) if v.get("response") else RiskResponse.MITIGATE,
            category=row.text("category"),
            trigger=row.text("trigger"),
        )
        number = risks.add(self.ctx, data).message.context["risk"].number
        self._remember(row, ref(Kind.RISK, number))
        status = v.get("status")
        if status in (RiskStatus.MITIGATING, RiskStatus.ACCEPTED):
            risks.update(self.ctx, RiskUpdate(number=number, status=RiskStatus(str(status))))
        elif status == RiskStatus.CLOSED:
            risks.close(self.ctx, RiskClose(number=number, reason=row.text("close_reason") or close_reason))
        self.done.counts["risks"] += 1
        self.done.counts[str(status or RiskStatus.OPEN)] += 1

    def action(self, row: RegisterRow) -> None:
        data = ActionCreate(
            key=self.key,
            title=str(self._needed(row, "title")),
            owner_id=str(self._needed(row, "owner")),
            due=self._needed(row, "due"),
            risk=self._link(row, "risk"),
            decision=self._link(row, "decision"),
        )
        number = actions.add(self.ctx, data).message.context["action"].number
        self._remember(row, ref(Kind.ACTION, number))
        if row.values.get("status") == ActionStatus.DONE:
            actions.complete(self.ctx, NumberRef(number=number))
            self.done.counts["done"] += 1
        self.done.counts["actions"] += 1

    def decision(self, row: RegisterRow) -> None:
        v = row.values
        status = DecisionStatus(str(v["status"])) if v.get("status") else DecisionStatus.DECIDED
        successor = row.text("superseded_by")
        if status == DecisionStatus.SUPERSEDED and successor is None:
            raise Invalid("import_superseded_without_successor", field="superseded_by")
        data = DecisionCreate(
            key=self.key,
            title=str(self._needed(row, "title")),
            decider_id=row.text("decider"),
            driver_id=row.text("driver"),
            outcome=row.text("outcome"),
            rationale=row.text("rationale"),
            options=row.text("options"),
            context=row.text("context"),
            consulted=_people(v.get("consulted")),
            informed=_people(v.get("informed")),
            status=DecisionStatus.DECIDED if status == DecisionStatus.SUPERSEDED else status,
            decided_on=v.get("date"),
        )
        number = decisions.log(self.ctx, data).message.context["decision"].number
        self._remember(row, ref(Kind.DECISION, number))
        if successor is not None:
            self.supersedes.append((row, number, successor))
        self.done.counts["decisions"] += 1

    def supersede(self, row: RegisterRow, old: int, successor: str) -> None:
        """After every decision of the file is in: mark `old` superseded by the one the row names."""
        new = self._link(RegisterRow(row.where, {"decision": successor}, row.places), "decision")
        decisions.supersede(self.ctx, DecisionSupersede(old=old, new=new or 0))
        self.done.counts["superseded"] += 1

    def kpi(self, row: RegisterRow) -> None:
        v = row.values
        name = str(self._needed(row, "name")).strip()
        kpi = self.kpis.get(name.lower()) or kpi_rows.name_taken(self.ctx.session, self.owning.id or 0, name)
        if kpi is None:
            direction = self._needed(row, "direction")
            data = KpiCreate(
                key=self.key,
                name=name,
                unit=str(self._needed(row, "unit")),
                target=self._needed(row, "target"),
                direction=KpiDirection(str(direction)),
                warning=v.get("warning"),
                owner_id=row.text("owner"),
                source=row.text("source"),
            )
            kpi = kpis.add(self.ctx, data).message.context["kpi"]
            self.done.counts["kpis"] += 1
        self.kpis[name.lower()] = kpi
        if v.get("reading_value") is not None:
            reading = KpiRecord(
                number=kpi.number,
                value=v["reading_value"],
                taken_on=v.get("reading_date"),
                note=row.text("reading_note"),
            )
            kpis.record(self.ctx, reading)
            self.done.counts["readings"] += 1


def _people(value: Value) -> list[str]:
    """People as Slack IDs (the reader gives a tuple; blank is nobody)."""
    return list(value) if isinstance(value, tuple) else []
