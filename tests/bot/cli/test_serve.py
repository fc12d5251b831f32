"""`pulse serve` refuses to start without its credentials: one line naming what is missing, never a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import pulse

BOT_TOKEN = "xoxb" + "-1111-serve-cli-secret-bot-token"
APP_TOKEN = "xapp" + "-1-A0PULSE-2222-serve-cli-secret-app-token"
SIGNING_SECRET = "serve-cli-signing-secret-3333"


def error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("pulse: "), stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "env", "missing", "present"),
    [
        pytest.param((), {}, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], [], id="no-tokens-http"),
        pytest.param(
            (), {"SLACK_APP_TOKEN": APP_TOKEN}, ["SLACK_BOT_TOKEN"], ["SLACK_APP_TOKEN"], id="socket-without-bot-token"
        ),
        pytest.param(
            ("--socket",), {"SLACK_BOT_TOKEN": BOT_TOKEN}, ["SLACK_APP_TOKEN"], ["SLACK_BOT_TOKEN"], id="socket-flag"
        ),
        pytest.param(
            ("--http",),
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN},
            ["SLACK_SIGNING_SECRET"],
            ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"],
            id="http-flag-without-secret",
        ),
    ],
)
def test_serve_names_the_missing_variables(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], missing: list[str], present: list[str]
) -> None:
    result = pulse("serve", *args, cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/pulse.db", **env)
    assert result.returncode == 2, result.stderr
    line = error_line(result.stderr)
    for name in missing:
        assert name in line
    for name in present:
        assert name not in line
    output = result.stdout + result.stderr
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        assert secret not in output
    assert "Traceback" not in output
    assert not (tmp_path / "pulse.db").exists()  # refused before touching the database


def test_serve_refuses_both_modes_at_once(tmp_path: Path) -> None:
    result = pulse("serve", "--http", "--socket", cwd=tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN)
    assert result.returncode == 2
    assert "--http" in error_line(result.stderr)
    assert BOT_TOKEN not in result.stdout + result.stderr
