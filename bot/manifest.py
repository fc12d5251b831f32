"""`pulse manifest`: the Slack app manifest (YAML) for this deployment's commands, scopes and transport."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.forms import SHORTCUTS
from bot.ids import ShortcutId
from bot.settings import Settings
from bot.wsgi import EVENTS_PATH
from commands.parse import COMMANDS
from templates import label

APP_NAME = "Pulse"
APP_DESCRIPTION = "Keeps a Trust & Safety program portfolio honest and visible: status, risks, decisions, actions."
BACKGROUND_COLOR = "#1d3557"
MAX_DESCRIPTION_CHARS = 100  # Slack allows 2000; short reads better in the command picker
MAX_USAGE_HINT_CHARS = 100  # Slack allows 1000
MAX_SHORTCUT_NAME_CHARS = 24  # Slack's limits for a shortcut's name and description
MAX_SHORTCUT_ABOUT_CHARS = 80

# Least privilege: exactly the bot scopes the code's Web API calls need (tests/slack/test_manifest.py
# greps the code for calls and fails when a call lacks its scope or a scope is no longer used).
# Socket Mode's apps.connections.open uses the app-level token (SLACK_APP_TOKEN, scope connections:write),
# which is not a bot scope; auth.test (Bolt's start-up check) needs no scope.
BOT_SCOPES: tuple[str, ...] = (
    "commands",  # the slash commands themselves (every command in commands.parse.COMMANDS)
    "chat:write",  # chat.postMessage: channel posts and DMs (bot/delivery.py)
    "users:read",  # users.info: each user's time zone (bot/directory.py)
    "im:write",  # conversations.open: the DM channel for a user (bot/delivery.py)
    "channels:read",  # conversations.list of public channels: resolve #names (bot/directory.py)
    "groups:read",  # conversations.list of private channels: resolve #names (bot/directory.py)
    # conversations.history / conversations.replies: after a crash, find a post whose outcome is unknown
    # before sending it again (bot/delivery.py), in public and private channels, DMs and group DMs.
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    # files_upload_v2 (files.getUploadURLExternal, then files.completeUploadExternal): pictures and exports
    # (bot/uploads.py).
    "files:write",
    "users:read.email",  # users.lookupByEmail: the owners a spreadsheet names by email (bot/people.py)
    # conversations.canvases.create and canvases.edit: each program channel's living canvas (bot/canvases.py);
    # asked for only with PULSE_CANVASES=on.
    "canvases:write",
)
# Asked for only with PULSE_HISTORY_CHECK=on: reading DMs back to find a DM whose outcome is unknown.
DM_HISTORY_SCOPES = frozenset({"im:history", "mpim:history"})


CANVAS_SCOPES = frozenset({"canvases:write"})


def bot_scopes(settings: Settings) -> list[str]:
    """BOT_SCOPES, without the DM history scopes when PULSE_HISTORY_CHECK is off and without the canvas scope
    when PULSE_CANVASES is off."""
    left_out = (set() if settings.history_check else DM_HISTORY_SCOPES) | (
        set() if settings.canvases else CANVAS_SCOPES
    )
    return [scope for scope in BOT_SCOPES if scope not in left_out]


BOT_EVENTS: tuple[str, ...] = ("app_home_opened",)  # the Home tab (bot/listeners/events.py); needs no scope


class ManifestError(ValueError):
    """An option of `pulse manifest` is unusable; the message says what is expected."""


def validate_request_url(url: str) -> str:
    """`url` if Slack can send requests to it: https, a host, and the path /slack/events."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname or not parts.path.endswith(EVENTS_PATH) or parts.query:
        raise ManifestError(
            f"--http must be the public https URL of POST {EVENTS_PATH}, "
            f"e.g. https://pulse.example.com{EVENTS_PATH} (Slack only calls https request URLs); got {url!r}"
        )
    return url.strip()


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slash_commands(settings: Settings, request_url: str | None = None) -> list[dict[str, Any]]:
    """One manifest entry per registered command, named with PULSE_COMMAND_PREFIX."""
    entries: list[dict[str, Any]] = []
    for name, command in COMMANDS.items():
        summary = command.summary or f"Pulse {name} commands"
        subs = command.subs
        entry: dict[str, Any] = {
            "command": settings.command_name(name),
            "description": _shorten(summary[:1].upper() + summary[1:], MAX_DESCRIPTION_CHARS),
            "usage_hint": _shorten(" | ".join(subs) or "help", MAX_USAGE_HINT_CHARS),
            "should_escape": True,
        }
        if request_url is not None:
            entry["url"] = request_url
        entries.append(entry)
    return entries


def shortcuts() -> list[dict[str, str]]:
    """The message shortcuts and the global one, each opening a form (bot/listeners/shortcuts.py)."""
    return [
        {
            "name": label("shortcut", id=shortcut.value)[:MAX_SHORTCUT_NAME_CHARS],
            "type": "global" if shortcut == ShortcutId.NEW_PROGRAM else "message",
            "callback_id": shortcut.value,
            "description": label("shortcut_about", id=shortcut.value)[:MAX_SHORTCUT_ABOUT_CHARS],
        }
        for shortcut in SHORTCUTS
    ]


def build_manifest(settings: Settings, *, http_url: str | None = None) -> dict[str, Any]:
    """The manifest as a dict: Socket Mode by default, or HTTP request URLs when `http_url` is given."""
    request_url = validate_request_url(http_url) if http_url is not None else None
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url is not None:
        interactivity["request_url"] = request_url
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    if request_url is not None:
        events["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": APP_NAME,
            "description": APP_DESCRIPTION,
            "background_color": BACKGROUND_COLOR,
        },
        "features": {
            "bot_user": {"display_name": APP_NAME, "always_online": True},
            "slash_commands": slash_commands(settings, request_url),
            "shortcuts": shortcuts(),
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
        },
        "oauth_config": {"scopes": {"bot": bot_scopes(settings)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(settings: Settings, *, http_url: str | None = None) -> str:
    """The manifest as YAML, ready to paste into "Create New App > From an app manifest"."""
    mode = f"HTTP at {http_url}" if http_url else "Socket Mode (needs an app-level token, SLACK_APP_TOKEN)"
    header = f"# Slack app manifest for Pulse, generated by `pulse manifest`: {mode}.\n"
    body = yaml.safe_dump(build_manifest(settings, http_url=http_url), sort_keys=False, allow_unicode=True, width=1000)
    return header + body
