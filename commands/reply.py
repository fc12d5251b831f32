"""What a command handler receives and returns; no Slack transport here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from store.access import Actor
from templates import render, with_prefix


@dataclass(frozen=True)
class CommandRequest:
    """One slash command: who typed what, where, and when (in their time zone)."""

    actor: Actor
    command: str
    text: str
    now: dt.datetime
    tz: ZoneInfo
    command_prefix: str = ""
    escalation_channel: str | None = None
    resolve_channel: Callable[[str], str | None] = lambda _name: None

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.tz).date()

    def slash(self, command: str | None = None) -> str:
        """How the user types a command, e.g. `/pm-risk`."""
        return f"/{self.command_prefix}{command or self.command}"


@dataclass(frozen=True)
class ButtonSpec:
    """A button on a reply (rendered by the Slack layer)."""

    text: str
    action_id: str
    value: str
    style: str | None = None
    group: str | None = None


@dataclass
class Message:
    """A template and its context; rendered to markup when sent."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    buttons: list[ButtonSpec] = field(default_factory=list)
    command_prefix: str = ""  # PULSE_COMMAND_PREFIX: `/risk ...` hints read `/pm-risk ...`

    def markup(self) -> str:
        return with_prefix(render(self.template, **self.context), self.command_prefix)


@dataclass
class ChannelPost:
    """A message the channel should see too (new decision, status change, high risk).

    `entity_ref` names what it is about so the posted message can later be updated in place.
    """

    channel_id: str
    message: Message
    entity_ref: str


def post_to(channel_id: str | None, message: Message, entity_ref: str) -> list[ChannelPost]:
    """A channel post when the program has a channel, else nothing."""
    return [ChannelPost(channel_id, message, entity_ref)] if channel_id else []


@dataclass
class Reply:
    """The answer to the caller (ephemeral) plus any channel posts the change warrants."""

    message: Message
    posts: list[ChannelPost] = field(default_factory=list)
    ok: bool = True
    outbox_ids: list[int] = field(default_factory=list)

    def markup(self) -> str:
        return self.message.markup()


def reply(template: str, **context: Any) -> Reply:
    """A successful ephemeral reply rendered from `templates/<template>.j2`."""
    return Reply(Message(template, context))


def error(text: str, usage: str | None = None) -> Reply:
    """An ephemeral error saying what was wrong and, when known, the correct form."""
    return Reply(Message("error", {"text": text, "usage": usage}), ok=False)
