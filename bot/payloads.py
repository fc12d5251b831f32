"""Typed requests, one per payload kind Slack sends Pulse; listeners validate with these, then dispatch."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from templates import unescaped


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SlashCommand(_Payload):
    """A slash command (form-encoded)."""

    team_id: str
    team_domain: str | None = None
    user_id: str
    channel_id: str | None = None
    command: str
    text: str = ""
    response_url: str
    trigger_id: str | None = None

    @field_validator("text")
    @classmethod
    def _as_typed(cls, text: str) -> str:
        """The text as the person typed it: Slack sends `&`, `<` and `>` escaped (mentions stay `<@U1|ana>`);
        Pulse stores text as typed and escapes it once, where it is rendered."""
        return unescaped(text)


class _Id(_Payload):
    id: str


class _User(_Payload):
    id: str
    team_id: str | None = None


class ButtonPress(_Payload):
    """One element of `actions` in a `block_actions` payload."""

    action_id: str
    value: str = ""


class BlockAction(_Payload):
    """A click on a button of one of Pulse's messages."""

    team: _Id | None = None
    user: _User
    channel: _Id | None = None
    actions: list[ButtonPress] = Field(min_length=1)
    response_url: str | None = None
    trigger_id: str  # Slack always sends one (a form opens with it)

    @property
    def team_id(self) -> str:
        return self.team.id if self.team else self.user.team_id or ""

    @property
    def channel_id(self) -> str | None:
        return self.channel.id if self.channel else None

    @property
    def action(self) -> ButtonPress:
        return self.actions[0]


class View(_Payload):
    callback_id: str
    private_metadata: str = ""
    state: dict[str, Any] = {}


class ViewSubmission(_Payload):
    """A modal's Submit."""

    team: _Id | None = None
    user: _User
    view: View

    @property
    def team_id(self) -> str:
        return self.team.id if self.team else self.user.team_id or ""

    def values(self) -> dict[str, str]:
        """The submitted value of each block (the one input element in it), by block id."""
        found: dict[str, str] = {}
        blocks = self.view.state.get("values", {})
        for block_id, elements in blocks.items() if isinstance(blocks, dict) else ():
            element = elements.get("value") if isinstance(elements, dict) else None
            if not isinstance(element, dict):
                continue
            picked = element.get("selected_option") or {}
            value = (picked.get("value") if isinstance(picked, dict) else None) or element.get("selected_date")
            value = value or element.get("value")
            if isinstance(value, str | int) and str(value):
                found[block_id] = str(value)
        return found


class Shortcut(_Payload):
    """A global or message shortcut."""

    callback_id: str
    trigger_id: str
    user: _User


class SlackEvent(_Payload):
    """An Events API delivery (`event_callback`); Slack retries it with the same `event_id`."""

    team_id: str
    event_id: str
    event: dict[str, Any]
