"""`pulse import`: messy registers brought in through the use cases, people found by ID, email or name,
line- and cell-numbered problems, nothing written unless every row passes, one audited import, dry runs."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner, Result

from bot.cli import app as cli
from bot.slack_stub import SlackStub
from store.db import Database
from store.models import Action, AuditEvent, Decision, DecisionStatus, Kpi, KpiReading, Risk, RiskStatus
from tests.bot.spreadsheets.xlsx import workbook
from tests.support.app import fetch_all, nothing_written
from tests.support.harness import TOKEN
from tests.support.services import programs
from tests.support.store import ADMIN

OWNER, ANA, BO = "U0OWNER", "U0ANAXX", "U0BOXXX"


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        running.users[ANA] = {"real_name": "Ana Lima", "display_name": "ana", "email": "ana@example.com"}
        running.users[BO] = {"real_name": "Bo Chen", "email": "bo@example.com"}
        running.users["U0BO2XX"] = {"real_name": "Bo Chen", "email": "bo.chen@example.com"}
        yield running


@pytest.fixture
def workspace(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """TNS-APPEALS owned by U0OWNER, and TNS-SECRET (restricted, Ana a member), in an otherwise empty store."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    with database.session(write=True) as session:
        programs.create(session, ADMIN, key="TNS-APPEALS", name="Appeals", owner_id=OWNER)
        programs.create(session, ADMIN, key="TNS-SECRET", name="Secret", owner_id=OWNER, restricted=True, members=[ANA])
    return database


def pulse_import(database: Database, stub: SlackStub | None, *args: str) -> Result:
    env = {"DATABASE_URL": database.url, "PULSE_ADMINS": "U0ADMIN"}
    if stub is not None:
        env |= {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": stub.api_url}
    return CliRunner().invoke(cli, ["import", *args], env=env)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


MESSY_CSV = (
    codecs.BOM_UTF8
    + (
        "Risk register \N{EN DASH} Q3\n"
        "\n"
        "Risk ID;Risk description;Probability;Severity;Owner email;Next review;Mitigation plan;Score;Status\n"
        "RISK-001;Vendor cannot hire;4;severe;ana@example.com;01/12/2026;Second vendor;20;open\n"
        "RISK-002;Policy change raises volume;likely;2 - minor;Ana Lima;;;8;being mitigated\n"
        ";;;;;;;;\n"
        "RISK-003;Latency above 50ms;2;2;U0OWNER;5 Dec 2026;;4;closed\n"
        "\n"
    ).encode()
)


def test_a_messy_csv_register_comes_in_whole(workspace: Database, stub: SlackStub, tmp_path: Path) -> None:
    result = pulse_import(
        workspace, stub, "risks", write(tmp_path, "Q3 register.csv", MESSY_CSV), "--program", "tns-appeals"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Imported 3 risks (1 open, 1 mitigating, 1 closed) into TNS-APPEALS from 3 rows of Q3 register.csv, "
        "as one change: `/pulse audit TNS-APPEALS` shows it."
    )
    assert "ignored columns Pulse does not know: 'Score' (line 3)" in result.stderr
    risks = fetch_all(workspace, Risk)
    assert [(r.number, r.title, r.likelihood, r.impact, r.owner_id, r.review_date, r.status) for r in risks] == [
        (1, "Vendor cannot hire", 4, 5, ANA, dt.date(2026, 12, 1), RiskStatus.OPEN),
        (2, "Policy change raises volume", 4, 2, ANA, None, RiskStatus.MITIGATING),
        (3, "Latency above 50ms", 2, 2, OWNER, dt.date(2026, 12, 5), RiskStatus.CLOSED),
    ]
    assert risks[2].close_reason == "Closed in the register imported from Q3 register.csv."
    assert [c.payload["email"] for c in stub.calls("users.lookupByEmail")] == ["ana@example.com"]
    assert stub.call_count("users.list") == 1  # "Ana Lima", by name
    (event,) = fetch_all(workspace, AuditEvent, entity_type="import")
    assert (event.actor_id, event.entity_ref, event.after) == (
        OWNER,
        "TNS-APPEALS",
        {
            "kind": "risks",
            "source": "Q3 register.csv",
            "rows": 3,
            "counts": {"risks": 3, "open": 1, "mitigating": 1, "closed": 1},
            "refs": {"RISK-001": "R-1", "RISK-002": "R-2", "RISK-003": "R-3"},
        },
    )
    assert len(fetch_all(workspace, AuditEvent, entity_type="risk")) == 5  # three created, one updated, one closed


def test_every_problem_is_listed_by_line_or_cell_and_nothing_is_written(
    workspace: Database, stub: SlackStub, tmp_path: Path
) -> None:
    data = workbook(
        {
            "Register": [
                ["Risk register", None, None, None, None, None],
                ["ID", "Risk", "Assessment", None, "Owner", "Review"],
                [None, None, "L", "I", None, None],
                ["R-1", "Fine row", 3, 3, "ana@example.com", dt.datetime(2026, 12, 1)],
                ["R-2", "Bad score", 7, 3, "ana@example.com", None],
                ["R-3", "Bad date", 2, 2, "bo@example.com", "someday"],
                ["R-4", "Nobody by that email", 2, 2, "ghost@example.com", None],
                ["R-5", "Two Bo Chens", 2, 2, "Bo Chen", None],
                ["R-1", "Same ID again", 2, 2, OWNER, None],
                ["R-7", "x" * 301, 2, 2, OWNER, None],
            ]
        },
        merges={"Register": ["A1:F1", "C2:D2"]},
    )
    path = write(tmp_path, "register.xlsx", data)
    with nothing_written(workspace):
        result = pulse_import(workspace, stub, "risks", path, "--program", "TNS-APPEALS", "--sheet", "register")
    assert result.exit_code == 1
    lines = result.stdout.strip().split("\n")
    assert (
        lines[0]
        == "Nothing was imported: 6 problems in register.xlsx, sheet Register. Fix them and run the import again."
    )
    assert [line.strip() for line in lines[1:]] == [
        "cell C5: likelihood must be 1 to 5, not 7",
        "cell F6: review_date is not a date: 'someday' (write YYYY-MM-DD, DD/MM/YYYY or 1 Dec 2026)",
        "cell E7: no Slack user has the email ghost@example.com.",
        "cell E8: 2 Slack users are called `Bo Chen`: write their email or Slack ID instead.",
        "cell A9: the ID R-1 is on another row already; give each row its own ID.",
        "cell B10: The title is too long: 301 characters; keep it to 300.",
    ]


def test_rules_of_the_use_cases_hold_for_every_row(workspace: Database, stub: SlackStub, tmp_path: Path) -> None:
    data = b"Title,L,I,Owner\nLeak,2,2,U0ANAXX\nVendor,3,3,bo@example.com\n"
    with nothing_written(workspace):
        result = pulse_import(workspace, stub, "risks", write(tmp_path, "secret.csv", data), "--program", "TNS-SECRET")
    assert result.exit_code == 1
    assert result.stdout.split("\n")[1].strip() == (
        "line 3: @U0BOXXX cannot be the risk owner: TNS-SECRET is restricted and they are not a member. "
        "Add them with `/program edit TNS-SECRET members:...` first."
    )


def test_a_dry_run_says_what_would_be_created_and_writes_nothing(
    workspace: Database, stub: SlackStub, tmp_path: Path
) -> None:
    path = write(tmp_path, "register.csv", MESSY_CSV)
    with nothing_written(workspace):
        result = pulse_import(workspace, stub, "risks", path, "--program", "TNS-APPEALS", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Dry run: register.csv would add 3 risks (1 open, 1 mitigating, 1 closed) to TNS-APPEALS from 3 rows. "
        "Nothing was written."
    )
    assert pulse_import(workspace, stub, "risks", path, "--program", "TNS-APPEALS").exit_code == 0
    assert [r.number for r in fetch_all(workspace, Risk)] == [1, 2, 3]  # the dry run used up no numbers


def test_slack_ids_need_no_slack_but_emails_do(workspace: Database, tmp_path: Path) -> None:
    ok = write(tmp_path, "ids.csv", b"Title,L,I,Owner\nA,2,2,<@U0ANAXX|ana>\nB,2,2,\nC,2,2,U0SAM\n")
    assert pulse_import(workspace, None, "risks", ok, "--program", "TNS-APPEALS").exit_code == 0
    assert [r.owner_id for r in fetch_all(workspace, Risk)] == [ANA, OWNER, "U0SAM"]  # blank: the importer
    emails = write(tmp_path, "emails.csv", b"Title,L,I,Owner\nC,2,2,ana@example.com\n")
    result = pulse_import(workspace, None, "risks", emails, "--program", "TNS-APPEALS")
    assert result.exit_code == 1
    assert "line 2: `ana@example.com` is not a Slack user ID, and finding people by email or name needs" in (
        result.stdout
    )


def test_actions_link_to_risks_by_the_registers_own_ids(workspace: Database, stub: SlackStub, tmp_path: Path) -> None:
    assert (
        pulse_import(
            workspace, stub, "risks", write(tmp_path, "r.csv", MESSY_CSV), "--program", "TNS-APPEALS"
        ).exit_code
        == 0
    )
    actions = (
        b"Action,Assigned to,Due date,Linked risk,Status\n"
        b"Sign the second vendor,ana@example.com,2026-12-10,RISK-001,in progress\n"
        b"Write the runbook,bo@example.com,12/01/2026,,done\n"
        b"Ask legal,U0OWNER,2026-12-11,RISK-404,open\n"
    )
    path = write(tmp_path, "actions.csv", actions)
    with nothing_written(workspace):
        failed = pulse_import(workspace, stub, "actions", path, "--program", "TNS-APPEALS", "--month-first")
    assert failed.exit_code == 1
    assert (
        "line 4: RISK-404 is not one of this program's risks: use a Pulse ID, or import the risks first"
        in failed.stdout
    )
    path = write(tmp_path, "actions.csv", actions.replace(b"RISK-404", b"R-3"))
    result = pulse_import(workspace, stub, "actions", path, "--program", "TNS-APPEALS", "--month-first")
    assert result.exit_code == 0, result.output
    assert "Imported 3 actions (1 done) into TNS-APPEALS" in result.stdout
    with workspace.session() as session:
        risk_numbers = {r.id: r.number for r in session.exec(select(Risk))}
        rows = session.exec(select(Action).order_by(col(Action.number))).all()
    assert [(a.title, a.owner_id, a.due, risk_numbers.get(a.risk_id), a.status.value) for a in rows] == [
        ("Sign the second vendor", ANA, dt.date(2026, 12, 10), 1, "open"),
        ("Write the runbook", BO, dt.date(2026, 12, 1), None, "done"),
        ("Ask legal", OWNER, dt.date(2026, 12, 11), 3, "open"),
    ]


def test_decisions_and_their_successors(workspace: Database, stub: SlackStub, tmp_path: Path) -> None:
    data = (
        b"Decision,Approver,Raised by,Rationale,Consulted,Status,Decided on,Replaced by,ID\n"
        b"Use vendor A,ana@example.com,bo@example.com,Cheapest,"
        b'"ana@example.com; U0OWNER",superseded,2026-10-01,DEC-2,DEC-1\n'
        b"Use vendor B,ana@example.com,,Capacity,,approved,2026-11-02,,DEC-2\n"
        b"Freeze ranking,U0OWNER,,,,proposed,,,DEC-3\n"
    )
    result = pulse_import(workspace, stub, "decisions", write(tmp_path, "d.csv", data), "--program", "TNS-APPEALS")
    assert result.exit_code == 0, result.output
    assert "Imported 3 decisions (1 superseded)" in result.stdout
    rows = fetch_all(workspace, Decision)
    assert [(d.title, d.decider_id, d.driver_id, d.status, d.consulted) for d in rows] == [
        ("Use vendor A", ANA, BO, DecisionStatus.SUPERSEDED, sorted([ANA, OWNER])),
        ("Use vendor B", ANA, OWNER, DecisionStatus.DECIDED, []),
        ("Freeze ranking", OWNER, OWNER, DecisionStatus.PROPOSED, []),
    ]
    assert rows[0].superseded_by_id == rows[1].id
    assert rows[1].decided_at is not None and rows[1].decided_at.date() == dt.date(2026, 11, 2)


def test_kpi_rows_are_readings_of_kpis_defined_once(workspace: Database, stub: SlackStub, tmp_path: Path) -> None:
    data = (
        b"KPI,Unit,Target,Better,Warning threshold,Value,As of\n"
        b"Median appeal time,h,48,lower,60,80,2026-11-10\n"
        b"Median appeal time,,,,,71,2026-11-17\n"
        b"CSAT,%,90,higher,,,\n"
    )
    result = pulse_import(workspace, stub, "kpis", write(tmp_path, "k.csv", data), "--program", "TNS-APPEALS")
    assert result.exit_code == 0, result.output
    assert "Imported 2 new KPIs and 2 readings into TNS-APPEALS" in result.stdout
    kpis = fetch_all(workspace, Kpi)
    assert [(k.name, k.unit, k.target, k.direction.value, k.warning) for k in kpis] == [
        ("Median appeal time", "h", 48, "down", 60),
        ("CSAT", "%", 90, "up", None),
    ]
    assert [(r.value, r.taken_on) for r in fetch_all(workspace, KpiReading)] == [
        (80, dt.date(2026, 11, 10)),
        (71, dt.date(2026, 11, 17)),
    ]
    again = pulse_import(
        workspace,
        stub,
        "kpis",
        write(tmp_path, "k2.csv", b"KPI,Value,Date\nCSAT,88,2026-11-20\n"),
        "--program",
        "TNS-APPEALS",
    )
    assert "Imported 0 new KPIs and 1 reading" in again.stdout


def test_unreadable_files_and_unknown_programs_fail_with_one_line(workspace: Database, tmp_path: Path) -> None:
    missing = pulse_import(
        workspace, None, "risks", write(tmp_path, "x.csv", b"Owner,Notes\nU0ANAXX,hi\n"), "--program", "TNS-APPEALS"
    )
    assert missing.exit_code == 2 and "missing column 'Title'" in missing.stderr
    unknown = pulse_import(
        workspace, None, "risks", write(tmp_path, "y.csv", b"Title,L,I\nA,1,1\n"), "--program", "TNS-NOPE"
    )
    assert unknown.exit_code == 2 and unknown.stderr.strip() == "pulse: TNS-NOPE not found."
    old = pulse_import(
        workspace, None, "risks", write(tmp_path, "z.xls", b"\xd0\xcf\x11\xe0"), "--program", "TNS-APPEALS"
    )
    assert old.exit_code == 2 and "old-style Excel file (.xls)" in old.stderr
