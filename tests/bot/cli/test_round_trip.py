"""Export -> import into an empty workspace reproduces the same registers (IDs aside), in every format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from typer.testing import CliRunner, Result

from bot.cli import app as cli
from domain import kpis
from domain.access import Actor
from domain.kpis import KpiCreate, KpiRecord
from store.db import Database
from store.models import AuditEvent, KpiDirection, Rag, RiskResponse
from tests.support.app import fetch_all
from tests.support.cli import pulse
from tests.support.services import ProgramChanges, RiskChanges, actions, decisions, programs, risks, run

SOURCE, TARGET = "T0SOURCE", "T0TARGET"
OWNER, ANA, BO = "U0OWNER", "U0ANAXX", "U0BOXXX"
ADMIN = "U0ADMIN"
KINDS = ("risks", "decisions", "actions", "kpis")  # in the order links need them
DAY = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)


def actor(team: str, user: str) -> Actor:
    return Actor(team_id=team, user_id=user, is_admin=user == ADMIN)


def seed_source(database: Database) -> None:
    """TNS-APPEALS with every kind of item in every state, numbered around another program's items."""
    with time_machine.travel(DAY, tick=False), database.session(write=True) as session:
        admin, owner = actor(SOURCE, ADMIN), actor(SOURCE, OWNER)
        appeals = programs.create(session, admin, key="TNS-APPEALS", name="Appeals", owner_id=OWNER)
        other = programs.create(session, admin, key="TNS-OTHER", name="Other", owner_id=OWNER)
        programs.edit(session, admin, appeals, ProgramChanges(members=[ANA, BO]))
        programs.report_status(session, owner, appeals, rag=Rag.AMBER, summary="Vendor slipped")
        risks.add(session, owner, other, title="Elsewhere", likelihood=1, impact=1)  # R-1 is not in TNS-APPEALS
        vendor = risks.add(
            session,
            owner,
            appeals,
            title='Vendor can\'t hire; "urgent", =not a formula',
            likelihood=4,
            impact=5,
            owner_id=ANA,
            review_date=dt.date(2026, 12, 1),
            mitigation="Second vendor\nin pilot",
            category="vendor",
            trigger="Headcount < 80%",
        )
        policy = risks.add(
            session, owner, appeals, title="Policy change", likelihood=3, impact=3, response=RiskResponse.ACCEPT
        )
        risks.update(session, owner, appeals, policy, RiskChanges(status="accepted"))
        latency = risks.add(session, owner, appeals, title="Latency", likelihood=2, impact=2, owner_id=BO)
        risks.update(session, owner, appeals, latency, RiskChanges(status="mitigating"))
        gone = risks.add(session, owner, appeals, title="Old threat", likelihood=2, impact=3)
        risks.close(session, owner, appeals, gone, reason="Threat actor moved on")
        decisions.log(session, owner, other, title="Elsewhere too")
        first = decisions.log(
            session,
            actor(SOURCE, ANA),
            appeals,
            title="Use vendor A",
            decider_id=OWNER,
            rationale="Cheapest",
            options="A; B",
            context="Queues grow",
            consulted=[ANA, BO],
            informed=[OWNER],
        )
        second = decisions.log(session, owner, appeals, title="Use vendor B", decider_id=ANA, rationale="Capacity")
        decisions.supersede(session, owner, first, appeals, second, appeals)
        decisions.log(session, owner, appeals, title="Freeze ranking", status="proposed")
        actions.add(
            session,
            owner,
            appeals,
            title="Sign vendor B",
            owner_id=ANA,
            due=dt.date(2026, 12, 10),
            risk=vendor,
            decision=second,
        )
        done = actions.add(session, owner, appeals, title="Write the runbook", owner_id=BO, due=dt.date(2026, 11, 20))
        actions.complete(session, owner, appeals, done)
        actions.add(session, owner, appeals, title="Ask legal", owner_id=OWNER, due=dt.date(2026, 12, 11))
        for name, unit, target, direction, warning in (
            ("Median appeal time", "h", 48.0, KpiDirection.DOWN, 60.0),
            ("CSAT", "%", 92.5, KpiDirection.UP, None),
        ):
            data = KpiCreate(
                key="TNS-APPEALS", name=name, unit=unit, target=target, direction=direction, warning=warning
            )
            run(session, owner, kpis.add, data)
        for day, value, note in ((20, 80.0, None), (27, 71.25, "after the policy change")):
            run(
                session,
                owner,
                kpis.record,
                KpiRecord(number=1, value=value, taken_on=dt.date(2026, 10, day), note=note),
            )
        programs.create(
            session, actor(TARGET, ADMIN), key="TNS-APPEALS", name="Appeals", owner_id=OWNER, members=[ANA, BO]
        )


def invoke(database: Database, *args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database.url, "PULSE_ADMINS": ADMIN})
    assert result.exit_code == 0, result.output
    return result


def export(database: Database, team: str, kind: str, fmt: str, out: Path) -> Path:
    invoke(database, "export", kind, "--format", fmt, "--program", "TNS-APPEALS", "--team", team, "--out", str(out))
    return out


def parsed(path: Path, kind: str) -> list[dict[str, Any]]:
    from bot.spreadsheets import read_register

    result = read_register(kind, path)  # type: ignore[arg-type]
    assert not result.errors and not result.problems
    return [dict(record.values) for record in result.records]


def mapped(rows: list[dict[str, Any]], refs: dict[str, str]) -> list[dict[str, Any]]:
    """The rows with the source workspace's IDs replaced by the ones they became."""
    links = ("ref", "risk", "decision", "superseded_by")
    return [{k: refs.get(v, v) if k in links and v else v for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_then_import_into_an_empty_workspace_gives_the_same_registers(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    seed_source(database)
    refs: dict[str, str] = {}
    for kind in KINDS:
        source = export(database, SOURCE, kind, fmt, tmp_path / f"source-{kind}.{fmt}")
        invoke(database, "import", kind, str(source), "--program", "TNS-APPEALS", "--team", TARGET)
        event = fetch_all(database, AuditEvent, entity_type="import", team_id=TARGET)[-1]
        assert event.after is not None
        refs |= event.after["refs"]
        target = export(database, TARGET, kind, fmt, tmp_path / f"target-{kind}.{fmt}")
        before, after = parsed(source, kind), parsed(target, kind)
        assert len(before) == {"risks": 4, "decisions": 3, "actions": 3, "kpis": 3}[kind]
        assert mapped(before, refs) == after, kind
    assert refs["R-2"] == "R-1" and refs["D-2"] == "D-1"  # numbers differ: the source has another program


def test_the_programs_register_and_the_real_command_line(database: Database, tmp_path: Path) -> None:
    seed_source(database)
    env = {"DATABASE_URL": database.url}
    done = pulse("export", "programs", "--team", SOURCE, "--format", "json", cwd=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert [(p["key"], p["status"], p["summary"], p["members"]) for p in json.loads(done.stdout)] == [
        ("TNS-APPEALS", "amber", "Vendor slipped", [ANA, BO]),
        ("TNS-OTHER", None, None, []),
    ]
    out = tmp_path / "risks.csv"
    assert pulse("export", "risks", "--team", SOURCE, "--out", str(out), cwd=tmp_path, **env).returncode == 0
    done = pulse(
        "import", "risks", str(out), "--program", "TNS-APPEALS", "--team", TARGET, "--dry-run", cwd=tmp_path, **env
    )
    assert done.returncode == 1  # R-1 is TNS-OTHER's: the file holds both programs
    assert "line 2: " in done.stdout
