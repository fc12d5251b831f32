"""`pulse manifest`: a valid Slack app manifest with exactly the scopes the code needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk import WebClient
from typer.testing import CliRunner, Result

from bot.cli import app as cli
from bot.manifest import BOT_SCOPES, ManifestError, build_manifest, validate_request_url
from bot.settings import Settings
from commands.parse import COMMANDS as REGISTRY
from tests.support.cli import REPO, pulse

URL = "https://pulse.example.com/slack/events"

# The bot-token scopes Slack documents for each Web API method (docs.slack.dev/reference/methods).
# A call the code makes that is missing here fails the scope test: add the method with its scopes here
# and to BOT_SCOPES in bot/manifest.py.
SLACK_METHOD_SCOPES: dict[str, frozenset[str]] = {
    "auth.test": frozenset(),
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "chat.delete": frozenset({"chat:write"}),
    "chat.getPermalink": frozenset(),
    "users.info": frozenset({"users:read"}),
    "conversations.open": frozenset({"im:write"}),
    # Pulse lists public and private channels (types=public_channel,private_channel).
    "conversations.list": frozenset({"channels:read", "groups:read"}),
    "conversations.history": frozenset({"channels:history", "groups:history", "im:history", "mpim:history"}),
    "conversations.replies": frozenset({"channels:history", "groups:history", "im:history", "mpim:history"}),
    "conversations.info": frozenset({"channels:read", "groups:read"}),
    "views.open": frozenset(),
    "views.push": frozenset(),
    "views.update": frozenset(),
    "views.publish": frozenset(),
    # slack_sdk's helper: files.getUploadURLExternal, a POST to the upload URL, files.completeUploadExternal.
    "files.upload.v2": frozenset({"files:write"}),
    "users.lookupByEmail": frozenset({"users:read.email"}),
    "users.list": frozenset({"users:read"}),
    "conversations.canvases.create": frozenset({"canvases:write"}),
    "canvases.edit": frozenset({"canvases:write"}),
}
# The scopes each kind of Bolt listener needs. Events (`app.event`) need a subscription in the manifest and
# scopes per event: the one Pulse listens for (app_home_opened) needs none, and the event test below fails when
# a listener's event is not in bot.manifest.BOT_EVENTS.
LISTENER_SCOPES = {
    "command": frozenset({"commands"}),
    "shortcut": frozenset({"commands"}),
    "action": frozenset(),
    "view": frozenset(),
    "options": frozenset(),
    "event": frozenset(),  # app_home_opened needs no scope; each event is also declared in BOT_EVENTS (below)
}

WEB_CLIENT_CALL = re.compile(r"\b\w*client\.([a-z]+(?:_[A-Za-z0-9]+)+)\s*\(")  # client., self._client., ...
API_CALL = re.compile(r"\bapi_call\(\s*[\"']([A-Za-z.]+)[\"']")
SAY_CALL = re.compile(r"\bsay\(")
LISTENER = re.compile(r"\bapp\.(command|event|message|shortcut|action|view|options)\(")
# Where Pulse's own code lives (the packages pyproject ships); the stub serves the API rather than calling it.
SOURCE_DIRS = ("bot", "commands", "store", "templates")
NOT_CALLERS = {Path("bot/slack_stub.py")}


def manifest_of(output: str) -> dict[str, Any]:
    parsed = yaml.safe_load(output)
    assert isinstance(parsed, dict)
    return parsed


def source_files() -> list[Path]:
    files = [p for d in SOURCE_DIRS for p in sorted((REPO / d).rglob("*.py"))]
    return [p for p in files if p.relative_to(REPO) not in NOT_CALLERS]


def web_api_calls() -> dict[str, set[str]]:
    """Each Web API method the code calls, with the files that call it."""
    found: dict[str, set[str]] = {}
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(REPO))
        methods = [m for m in WEB_CLIENT_CALL.findall(text) if m != "api_call" and hasattr(WebClient, m)]
        dotted = [m.replace("_", ".") for m in methods] + API_CALL.findall(text)
        dotted += ["chat.postMessage"] * len(SAY_CALL.findall(text))
        for method in dotted:
            found.setdefault(method, set()).add(where)
    return found


def listeners() -> set[str]:
    return {kind for path in source_files() for kind in LISTENER.findall(path.read_text(encoding="utf-8"))}


def test_scopes_are_exactly_what_the_code_calls() -> None:
    calls = web_api_calls()
    assert {"chat.postMessage", "users.info", "conversations.open", "conversations.list"} <= set(calls), calls
    assert {"views.open", "views.publish", "chat.getPermalink", "auth.test"} <= set(calls), calls  # forms, Home
    unknown = {m: sorted(w) for m, w in calls.items() if m not in SLACK_METHOD_SCOPES}
    assert not unknown, f"Web API calls with no known scope (add them to SLACK_METHOD_SCOPES and BOT_SCOPES): {unknown}"
    kinds = listeners()
    assert kinds <= set(LISTENER_SCOPES), f"listeners the manifest does not provide for: {kinds - set(LISTENER_SCOPES)}"
    needed = {scope for method in calls for scope in SLACK_METHOD_SCOPES[method]}
    needed |= {scope for kind in kinds for scope in LISTENER_SCOPES[kind]}
    assert "commands" in needed  # the slash command listeners were found
    missing = needed - set(BOT_SCOPES)
    unused = set(BOT_SCOPES) - needed
    assert not missing, f"scopes the code needs but the manifest lacks: {sorted(missing)}"
    assert not unused, f"scopes in the manifest that no call needs (least privilege): {sorted(unused)}"
    assert len(BOT_SCOPES) == len(set(BOT_SCOPES))


def test_manifest_command_prints_valid_yaml_with_the_scopes(tmp_path: Path) -> None:
    result = pulse("manifest", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = manifest_of(result.stdout)
    assert manifest["_metadata"] == {"major_version": 1, "minor_version": 1}
    assert manifest["display_information"]["name"] == "Pulse"
    assert manifest["features"]["bot_user"]["display_name"] == "Pulse"
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert set(BOT_SCOPES) == {
        "commands",
        "chat:write",
        "users:read",
        "im:write",
        "channels:read",
        "groups:read",
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
        "files:write",
        "users:read.email",
        "canvases:write",
    }
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"] == {"is_enabled": True}
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [f"/{name}" for name in REGISTRY]
    for command in commands:
        assert command["should_escape"] is True
        assert 0 < len(command["description"]) <= 100
        assert 0 < len(command["usage_hint"]) <= 100
        assert "url" not in command


def run_manifest(*args: str, **env: str) -> Result:
    """`pulse manifest ARGS` in this process (quicker than a subprocess; the first test runs the real one)."""
    return CliRunner().invoke(cli, ["manifest", *args], env={"PULSE_COMMAND_PREFIX": "", **env})


@pytest.fixture(autouse=True)
def _no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # settings read .env from the working directory


def test_prefix_renames_every_command() -> None:
    result = run_manifest(PULSE_COMMAND_PREFIX="pm-")
    assert result.exit_code == 0, result.stderr
    names = [c["command"] for c in manifest_of(result.stdout)["features"]["slash_commands"]]
    assert names == [f"/pm-{name}" for name in REGISTRY]


def test_http_url_sets_request_urls_and_turns_socket_mode_off() -> None:
    result = run_manifest("--http", URL)
    assert result.exit_code == 0, result.stderr
    manifest = manifest_of(result.stdout)
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {URL}
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": URL}
    assert manifest["settings"]["socket_mode_enabled"] is False


@pytest.mark.parametrize(
    "url",
    [
        "https://pulse.example.com/",
        "https://pulse.example.com/slack/events/extra",
        "http://pulse.example.com/slack/events",
        "pulse.example.com/slack/events",
        "https:///slack/events",
        "https://pulse.example.com/slack/events?x=1",
    ],
)
def test_bad_request_urls_are_refused(url: str) -> None:
    with pytest.raises(ManifestError, match="/slack/events"):
        validate_request_url(url)


def test_bad_http_url_fails_with_one_line() -> None:
    result = run_manifest("--http", "https://pulse.example.com/")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pulse: --http must be") and "/slack/events" in lines[0]
    assert result.stdout == ""


def test_manifest_for_a_path_prefix_behind_a_proxy() -> None:
    url = "https://tools.example.com/pulse/slack/events"
    manifest = build_manifest(Settings(_env_file=None), http_url=url)
    assert manifest["settings"]["interactivity"]["request_url"] == url


def test_manifest_declares_the_shortcuts_the_app_listens_for() -> None:
    shortcuts = build_manifest(Settings(_env_file=None))["features"]["shortcuts"]
    assert [(s["name"], s["type"]) for s in shortcuts] == [
        ("Log as decision", "message"),
        ("Add as risk", "message"),
        ("Add as action", "message"),
        ("Record status", "message"),
        ("New program", "global"),
    ]
    assert all(len(s["name"]) <= 24 and s["callback_id"] for s in shortcuts)


def test_manifest_subscribes_to_exactly_the_events_the_app_listens_for() -> None:
    manifest = build_manifest(Settings(_env_file=None), http_url=URL)
    listened = {e for path in source_files() for e in re.findall(r'app\.event\("(\w+)"\)', path.read_text("utf-8"))}
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == listened == {"app_home_opened"}
    assert manifest["settings"]["event_subscriptions"]["request_url"] == URL
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_the_manifest_asks_for_canvases_only_when_they_are_on() -> None:
    on = run_manifest()
    off = run_manifest(PULSE_CANVASES="off")
    assert on.exit_code == 0 and off.exit_code == 0, (on.output, off.output)
    assert "canvases:write" in manifest_of(on.output)["oauth_config"]["scopes"]["bot"]
    scopes = manifest_of(off.output)["oauth_config"]["scopes"]["bot"]
    assert "canvases:write" not in scopes and scopes == [s for s in BOT_SCOPES if s != "canvases:write"]
