"""Settings: sensible defaults; a wrong value stops start-up with one line naming the variable, never a secret."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings

REPO = Path(__file__).resolve().parents[2]
TOKENS = {
    "SLACK_BOT_TOKEN": ("xoxb" + "-1111-2222-SuperSecretBotToken"),
    "SLACK_SIGNING_SECRET": "8f14e45fceea167a5a36dedd4bea2543",
    "SLACK_APP_TOKEN": ("xapp" + "-1-A111-2222-SuperSecretAppToken"),
}
PULSE_ENV = ("PULSE_TIMEZONE", "PULSE_HOLIDAYS", "PULSE_ESCALATION_CHANNEL", "PULSE_CATCHUP_HOURS", "PORT")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No stray variables, and no `.env` file: the working directory is empty."""
    for name in PULSE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///./pulse.db"
    assert settings.timezone == "UTC" and str(settings.tz) == "UTC"
    assert settings.port == 3000
    assert settings.admins == [] and settings.holidays == []
    assert settings.command_prefix == "" and settings.command_name("risk") == "/risk"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token) == (None, None, None)
    assert settings.escalation_channel is None
    assert settings.catchup_hours == 6
    assert settings.canvases is True and load_settings(PULSE_CANVASES="off").canvases is False


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULSE_ADMINS", "U012ABC, W0XYZ")
    monkeypatch.setenv("PULSE_HOLIDAYS", "2026-12-25,2027-01-01")
    monkeypatch.setenv("PULSE_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("PULSE_COMMAND_PREFIX", "PM-")
    monkeypatch.setenv("DATABASE_URL", "postgres://pulse@db/pulse")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    monkeypatch.setenv("PORT", "8080")
    settings = load_settings()
    assert settings.admins == ["U012ABC", "W0XYZ"]
    assert settings.holidays == [dt.date(2026, 12, 25), dt.date(2027, 1, 1)]
    assert settings.tz.key == "Europe/Berlin"
    assert settings.command_name("risk") == "/pm-risk"
    assert settings.database_url == "postgresql://pulse@db/pulse"
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    assert settings.port == 8080


def test_the_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PULSE_TIMEZONE=Asia/Tokyo\nPORT=4000\n")
    settings = load_settings()
    assert (settings.timezone, settings.port) == ("Asia/Tokyo", 4000)


def test_a_copy_of_env_example_starts_with_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Blank lines in `.env` (as in `.env.example`) mean "not set", not "set to nothing"."""
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text())
    monkeypatch.setenv("PULSE_TIMEZONE", "")
    settings = load_settings()
    assert settings.slack_bot_token is None and settings.slack_app_token is None
    assert settings.slack_signing_secret is None
    assert settings.escalation_channel is None
    assert settings.admins == [] and settings.holidays == []
    assert (settings.timezone, settings.port, settings.command_prefix) == ("UTC", 3000, "")


BAD_VALUES = [
    ("PORT", "abc", "valid integer"),
    ("PORT", "70000", "less than or equal to 65535"),
    ("PULSE_TIMEZONE", "Mars/Base", "IANA time zone"),
    ("PULSE_ADMINS", "bob", "Slack user IDs"),
    ("PULSE_ADMINS", "U012ABC,bob", "Slack user IDs"),
    ("DATABASE_URL", "mysql://x", "sqlite:///path or postgresql://host/db"),
    ("PULSE_HOLIDAYS", "2026-13-01", "date"),
    ("PULSE_COMMAND_PREFIX", "pm/", "letters, digits"),
    ("PULSE_CATCHUP_HOURS", "-1", "greater than or equal to 0"),
    ("SLACK_API_URL", "ftp://slack", "http(s) URL"),
    ("PULSE_CANVASES", "sometimes", "must be on or off"),
]


@pytest.mark.parametrize(("name", "value", "expected"), BAD_VALUES, ids=[f"{n}={v}" for n, v, _ in BAD_VALUES])
def test_a_wrong_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    for token_name, token in TOKENS.items():
        monkeypatch.setenv(token_name, token)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith(f"{name}: ")
    assert expected in message
    assert "\n" not in message
    for token in TOKENS.values():
        assert token not in message
    assert error.value.__cause__ is None and error.value.__suppress_context__  # no pydantic dump chained on


def test_a_value_that_is_a_token_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone pastes the bot token into the wrong variable: the error must not print it."""
    monkeypatch.setenv("PULSE_TIMEZONE", TOKENS["SLACK_BOT_TOKEN"])
    monkeypatch.setenv("PORT", TOKENS["SLACK_APP_TOKEN"])
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert "PULSE_TIMEZONE: " in message and "PORT: " in message
    assert "\n" not in message
    assert "xoxb" not in message and "xapp" not in message and "SuperSecret" not in message


def test_tokens_are_hidden_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    for token_name, token in TOKENS.items():
        monkeypatch.setenv(token_name, token)
    settings = load_settings()
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == TOKENS["SLACK_BOT_TOKEN"]
    for token in TOKENS.values():
        assert token not in repr(settings) and token not in str(settings)


def test_settings_error_names_every_bad_variable_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "abc")
    monkeypatch.setenv("PULSE_TIMEZONE", "Nope")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).count("; ") == 1
    assert {part.split(":")[0] for part in str(error.value).split("; ")} == {"PORT", "PULSE_TIMEZONE"}


def test_overrides_take_precedence() -> None:
    assert load_settings(PORT=5000).port == 5000
    assert isinstance(load_settings(), Settings)


def _cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PULSE_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def test_the_cli_exits_2_with_one_line_naming_the_bad_variable(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env=_cli_env(PULSE_TIMEZONE="Nope", DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}", **TOKENS),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "PULSE_TIMEZONE" in lines[0]
    assert lines[0].startswith("pulse: configuration error:")
    for token in TOKENS.values():
        assert token not in result.stderr and token not in result.stdout
    assert not (tmp_path / "p.db").exists()  # stopped before touching the database
