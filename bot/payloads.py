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


class _Surface(_Payload):
    type: str


class _Message(_Payload):
    ts: str
    text: str = ""


class BlockAction(_Payload):
    """A click on a button of one of Pulse's messages, or of the Home tab (`view`)."""

    team: _Id | None = None
    user: _User
    channel: _Id | None = None
    view: _Surface | None = None
    actions: list[ButtonPress] = Field(min_length=1)
    response_url: str | None = None
    trigger_id: str  # Slack always sends one (a form opens with it)
    message: _Message | None = None  # the message clicked on (none on the Home tab)

    @property
    def team_id(self) -> str:
        return self.team.id if self.team else self.user.team_id or ""

    @property
    def channel_id(self) -> str | None:
        return self.channel.id if self.channel else None

    @property
    def action(self) -> ButtonPress:
        return self.actions[0]

    @property
    def on_home(self) -> bool:
        return self.view is not None and self.view.type == "home"


class Shortcut(_Payload):
    """A shortcut: global (from the shortcuts menu) or on a message (`message_action`, with the message)."""

    callback_id: str
    trigger_id: str
    team: _Id | None = None
    user: _User
    channel: _Id | None = None
    message: _Message | None = None

    @property
    def team_id(self) -> str:
        return self.team.id if self.team else self.user.team_id or ""

    @property
    def channel_id(self) -> str | None:
        return self.channel.id if self.channel else None


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

    def values(self) -> dict[str, str | list[str]]:
        """The submitted value of each block (the one input element in it), by block id: one value for a text
        input, a select, a date or a user/channel picker; a list for multi-selects and checkboxes."""
        found: dict[str, str | list[str]] = {}
        blocks = self.view.state.get("values", {})
        for block_id, elements in blocks.items() if isinstance(blocks, dict) else ():
            element = elements.get("value") if isinstance(elements, dict) else None
            if isinstance(element, dict):
                value = _element_value(element)
                if value:
                    found[block_id] = value
        return found


class SlackEvent(_Payload):
    """An Events API delivery (`event_callback`); Slack retries it with the same `event_id`."""

    team_id: str
    event_id: str
    event: dict[str, Any]


SINGLE_KEYS = ("selected_date", "selected_user", "selected_conversation", "selected_channel", "value")
MANY_KEYS = ("selected_users", "selected_conversations", "selected_channels")


def _element_value(element: dict[str, Any]) -> str | list[str] | None:
    """What one input element holds, whatever its type."""
    picked = element.get("selected_option")
    if isinstance(picked, dict) and isinstance(picked.get("value"), str):
        return str(picked["value"])
    options = element.get("selected_options")
    if isinstance(options, list):
        return [str(o["value"]) for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)]
    for key in MANY_KEYS:
        if isinstance(element.get(key), list):
            return [str(v) for v in element[key] if isinstance(v, str)]
    for key in SINGLE_KEYS:
        if isinstance(element.get(key), str | int) and str(element[key]):
            return str(element[key])
    return None


class _HomeEvent(_Payload):
    type: str
    user: str
    tab: str = "home"


class HomeOpened(_Payload):
    """`app_home_opened`: someone opened one of Pulse's tabs."""

    team_id: str
    event: _HomeEvent
