"""Pulse settings, read from the environment and an optional `.env` file."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SLACK_DEFAULT_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable and what is expected."""


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Every knob Pulse reads from its environment (see `.env.example`)."""

    # env_ignore_empty: a blank `NAME=` line (as in .env.example) means "unset", not an empty token or channel.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=SLACK_DEFAULT_API_URL, alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite:///./pulse.db", alias="DATABASE_URL")
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="PULSE_ADMINS")
    escalation_channel: str | None = Field(default=None, alias="PULSE_ESCALATION_CHANNEL")
    timezone: str = Field(default="UTC", alias="PULSE_TIMEZONE")
    holidays: Annotated[list[dt.date], NoDecode] = Field(default_factory=list, alias="PULSE_HOLIDAYS")
    command_prefix: str = Field(default="", alias="PULSE_COMMAND_PREFIX")
    catchup_hours: int = Field(default=6, ge=0, le=24 * 7, alias="PULSE_CATCHUP_HOURS")
    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    # on: a DM whose sending outcome is unknown (crash, 5xx, timeout) is looked up in the DM's history before
    # it is sent again (needs im:history and mpim:history); off: it is sent again (it may show twice).
    history_check: bool = Field(default=True, alias="PULSE_HISTORY_CHECK")
    # on: each program channel gets a living program canvas (needs canvases:write); off: no canvas calls at all.
    canvases: bool = Field(default=True, alias="PULSE_CANVASES")

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        ids = _split_csv(value)
        if isinstance(ids, list):
            for user_id in ids:
                if not (isinstance(user_id, str) and user_id[:1] in {"U", "W"} and user_id.isalnum()):
                    raise ValueError("must be a comma-separated list of Slack user IDs like U012ABCDEF")
        return ids

    @field_validator("holidays", mode="before")
    @classmethod
    def _holidays(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("history_check", "canvases", mode="before")
    @classmethod
    def _on_off(cls, value: object) -> object:
        if isinstance(value, str):
            switch = {"on": True, "off": False}.get(value.strip().lower())
            if switch is None:
                raise ValueError("must be on or off")
            return switch
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("must be an IANA time zone name like UTC or America/New_York") from exc
        return value

    @field_validator("command_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value and not all(ch.isalnum() or ch in "-_" for ch in value):
            raise ValueError("must be letters, digits, '-' or '_' only, e.g. pm-")
        return value.lower()

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
            raise ValueError("must be a sqlite:///path or postgresql://host/db URL")
        if value.startswith("postgres:"):
            value = "postgresql:" + value.removeprefix("postgres:")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL ending in /api/")
        return value if value.endswith("/") else value + "/"

    @cached_property
    def tz(self) -> ZoneInfo:
        """The workspace default time zone."""
        return ZoneInfo(self.timezone)

    def command_name(self, base: str) -> str:
        """The slash command as users type it, e.g. `/pm-risk` for `risk` with prefix `pm-`."""
        return f"/{self.command_prefix}{base}"


ENV_NAMES = {name: field.alias for name, field in Settings.model_fields.items()}


def load_settings(**overrides: object) -> Settings:
    """Load settings; raise SettingsError with one line per bad variable (values never echoed)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            env = ENV_NAMES.get(field, field)
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{env}: {message}")
        raise SettingsError("; ".join(lines)) from None
