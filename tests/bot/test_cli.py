"""The `pulse` command line, run as a user runs it: a separate process with only the environment it needs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, table
from sqlmodel import SQLModel

from bot import __version__
from store.migrate import head_revision
from tests.support.store import scratch_postgres

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "pulse"
# The installed console script when there is one (`make install`), else the same entry point via `python -m bot`.
PULSE = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "bot"]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without any Slack or Pulse settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PULSE_", "DATABASE_URL", "PORT"))}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def pulse(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [*PULSE, *args], env=clean_env(**env), cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: int(conn.execute(select(func.count()).select_from(table(t.name))).scalar_one())
                for t in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_help_lists_the_commands_and_exits_0(tmp_path: Path) -> None:
    result = pulse("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("migrate", "demo", "version"):
        assert re.search(rf"^\W*{command}\b", result.stdout, re.MULTILINE), result.stdout
    assert result.stderr == ""


def test_no_arguments_shows_help_without_a_traceback(tmp_path: Path) -> None:
    result = pulse(cwd=tmp_path)
    assert "migrate" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_help_does_not_import_slack_or_the_database_layer(tmp_path: Path) -> None:
    probe = (
        "import json, sys\n"
        "sys.argv = ['pulse', '--help']\n"
        "from bot.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "               {'slack_bolt', 'slack_sdk', 'sqlalchemy', 'sqlmodel', 'alembic', 'psycopg', 'store'})\n"
        "print(json.dumps({'code': code, 'heavy': heavy, 'typer': 'typer' in sys.modules}))\n"
    )
    result = subprocess.run(  # noqa: S603 - fixed probe script
        [sys.executable, "-c", probe],
        env=clean_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["typer"] is True  # the probe really ran the CLI
    assert report["code"] in (0, None)
    assert report["heavy"] == []


def test_version(tmp_path: Path) -> None:
    result = pulse("version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"pulse {__version__} (schema {head_revision()})"


def test_migrate_twice_on_a_new_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "pulse.db"
    path.parent.mkdir()
    url = f"sqlite:///{path}"
    first = pulse("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"database sqlite at schema {head_revision()} (migrated from empty)"
    second = pulse("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"database sqlite at schema {head_revision()} (already up to date)"
    assert set(inspect(create_engine(url)).get_table_names()) >= {t.name for t in SQLModel.metadata.sorted_tables}
    assert not (tmp_path / "pulse.db").exists()  # DATABASE_URL was used, not the default


def test_an_unreachable_database_is_one_line_on_stderr(tmp_path: Path) -> None:
    result = pulse("migrate", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'missing-dir' / 'p.db'}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"pulse: cannot reach the database at sqlite:///{tmp_path / 'missing-dir' / 'p.db'}"
    ]


def test_a_database_password_is_never_printed(tmp_path: Path) -> None:
    result = pulse("migrate", cwd=tmp_path, DATABASE_URL="postgresql://pulse:Sup3rS3cretPw@127.0.0.1:1/pulse")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "pulse: cannot reach the database at postgresql+psycopg://pulse:***@127.0.0.1:1/pulse"
    ]
    assert "Sup3rS3cretPw" not in result.stdout + result.stderr


def check_demo_output(output: str) -> None:
    assert re.search(r"portfolio: 7 programs", output, re.IGNORECASE), output
    counts = re.search(r"(\d+) red · (\d+) amber · (\d+) green · (\d+) not reported", output)
    assert counts, output
    red, amber, green, silent = (int(n) for n in counts.groups())
    assert red >= 1 and amber >= 1 and green >= 1 and silent >= 1 and red + amber + green + silent == 7
    assert "watermelon" in output.lower()
    keys = ("TNS-APPEALS", "TNS-CLASSIFIER", "TNS-WELLNESS", "TNS-VENDOR-QA", "TNS-ELECTION", "TNS-SCAMS")
    for key in (*keys, "TNS-HASH-MIGRATION"):
        assert key in output
    digest = output.split("The leadership digest")[1]
    assert "TNS-HASH-MIGRATION" not in digest  # restricted: not in the leadership channel's digest
    assert "<@" not in output  # user ids are shown as names in the terminal
    assert "[people] Finance: @omar (C) · Legal: @sam (C) · Data Science: @lena (R) · Leadership: @alex (I)" in output


def test_demo_seeds_once_and_prints_the_portfolio(tmp_path: Path) -> None:
    """`make demo` on a fresh checkout: no .env, no DATABASE_URL, so the embedded default ./pulse.db."""
    first = pulse("demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Seeded the demo portfolio.")
    check_demo_output(first.stdout)
    url = f"sqlite:///{tmp_path / 'pulse.db'}"
    counts = row_counts(url)
    assert counts["program"] == 7 and counts["risk"] > 0 and counts["audit_event"] > 0

    again = pulse("demo", cwd=tmp_path, DATABASE_URL=url)  # the same file, named explicitly
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Demo portfolio already present; nothing added.")
    check_demo_output(again.stdout)
    assert row_counts(url) == counts


@pytest.fixture
def scratch_pg_url(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL database of its own (not the shared session one), dropped afterwards."""
    with scratch_postgres(postgres_url) as url:
        yield url


@pytest.mark.postgres
def test_migrate_and_demo_on_postgresql(tmp_path: Path, scratch_pg_url: str) -> None:
    plain_url = scratch_pg_url.replace("postgresql+psycopg://", "postgresql://", 1)  # as an operator writes it
    migrated = pulse("migrate", cwd=tmp_path, DATABASE_URL=plain_url)
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == f"database postgresql at schema {head_revision()} (migrated from empty)"
    first = pulse("demo", cwd=tmp_path, DATABASE_URL=plain_url)
    assert first.returncode == 0, first.stderr
    check_demo_output(first.stdout)
    assert first.stdout.startswith("Seeded the demo portfolio.")
    counts = row_counts(scratch_pg_url)
    assert counts["program"] == 7 and counts["status_update"] > 7 and counts["audit_event"] > 30
