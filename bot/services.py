"""The long-lived objects the Slack listeners share (built once per process)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.delivery import Deliverer
from bot.directory import Directory
from bot.settings import Settings
from bot.slack_client import retry_handlers
from bot.work import Work
from commands.reply import CommandRequest
from store.access import Actor
from store.db import Database
from store.types import utcnow

UNRESOLVED_CHANNEL = "C0UNRESOLVED"


@dataclass
class Services:
    """Settings, database, Web API client and the helpers built on them."""

    settings: Settings
    database: Database
    client: WebClient
    directory: Directory
    deliverer: Deliverer
    work: Work | None = None

    @classmethod
    def build(cls, settings: Settings, database: Database, client: WebClient) -> Services:
        return cls(
            settings=settings,
            database=database,
            client=client,
            directory=Directory(database, client, settings.tz),
            deliverer=Deliverer(database, client),
        )

    def submit(self, kind: str, body: dict[str, Any]) -> None:
        """Hand the slow part of a request to the work runner (see bot/work.py)."""
        assert self.work is not None, "create_app sets the work runner"
        self.work.submit(kind, body)

    def respond(self, response_url: str, payload: dict[str, Any]) -> None:
        """Answer through a request's response_url (retried like every Web API call)."""
        WebhookClient(response_url, timeout=10, retry_handlers=retry_handlers()).send_dict(
            {"replace_original": False, **payload}
        )

    def actor(self, team_id: str, user_id: str, channel_id: str | None) -> Actor:
        """The caller as the signed payload names them; admin only by PULSE_ADMINS."""
        return Actor(team_id=team_id, user_id=user_id, channel_id=channel_id, is_admin=user_id in self.settings.admins)

    def command_request(
        self,
        body: dict[str, str],
        *,
        tz: ZoneInfo | None = None,
        now: dt.datetime | None = None,
        lookups: bool = True,
    ) -> CommandRequest:
        """A CommandRequest from a slash-command payload (`/pm-risk` -> `risk`).

        `lookups=False` (the ack path) never calls Slack: `#name` channels are taken as resolvable there
        and resolved for real in the lazy listener.
        """
        team_id = body.get("team_id", "")

        def resolve(name: str) -> str | None:
            return self.directory.channel_id(team_id, name) if lookups else UNRESOLVED_CHANNEL

        name = body.get("command", "/").lstrip("/").removeprefix(self.settings.command_prefix)
        return CommandRequest(
            actor=self.actor(team_id, body.get("user_id", ""), body.get("channel_id")),
            command=name,
            text=body.get("text", ""),
            now=now or utcnow(),
            tz=tz or self.settings.tz,
            command_prefix=self.settings.command_prefix,
            escalation_channel=self.settings.escalation_channel,
            resolve_channel=resolve,
        )
