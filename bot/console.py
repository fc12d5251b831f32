"""`pulse console`: type slash commands in a terminal and read Pulse's replies, with no Slack workspace.

The console runs the very Bolt app `pulse serve` runs. Each typed line becomes a signed slash-command
request dispatched in-process; the app's Web API calls go to a local Slack stub, which also receives the
response_url replies. Replies and the channel posts a command caused are printed as terminal text. A command that
opens a form in Slack asks its fields one by one here (bot/console_form.py) and submits it as Slack does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import logging
import re
import secrets
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TextIO

import typer
from pydantic import SecretStr
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.app import create_app
from bot.console_form import Ask, Cancelled, Pickers, Say, fill
from bot.demo_data import DEMO_ADMIN, DEMO_CHANNELS, DEMO_TEAM, DEMO_USERS
from bot.runtime import Runtime
from bot.settings import SLACK_DEFAULT_API_URL, Settings
from bot.signing import signed_headers, slash_command_body, view_submission_body
from bot.slack_client import make_web_client
from bot.slack_stub import SlackStub
from bot.startup import database_or_exit, fail, settings_or_exit
from bot.terminal import to_terminal
from commands import dates
from commands.parse import names
from commands.problems import UsageError
from domain.spelling import did_you_mean
from store.db import Database
from store.programs import workspaces
from store.settings import workspace_settings
from store.types import utcnow

CONSOLE_TOKEN = "xoxb-console"  # noqa: S105 - a fake bot token: the console only talks to its own stub
CONSOLE_CHANNEL = "D0CONSOLE"  # commands are typed in a DM with Pulse unless --channel says otherwise
REPLY_TIMEOUT_SECONDS = 30.0
QUIT_WORDS = frozenset({"quit", "exit", "q", "/quit", "/exit"})
HELP_WORDS = frozenset({"help", "?", "/help"})
AS_WORDS = frozenset({"/as", "as"})
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
# What Slack escapes in a command's text when the command asks it to: @person, #channel, @here and friends.
TYPED_MENTION = re.compile(r"(?<![\w<@#|/])@([a-z][a-z0-9._-]*)", re.IGNORECASE)
TYPED_CHANNEL = re.compile(r"(?<![\w<@#|/&])#([a-z0-9][a-z0-9_-]*)", re.IGNORECASE)
BROADCASTS = {"here", "channel", "everyone"}
CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,}$")
TEAM_ID = re.compile(r"^T[A-Z0-9]{2,}$")

CONSOLE_HELP = """\
In this console:
  /program list, /risk list band:critical, /program show TNS-APPEALS, ...  as in Slack
  /risk add TNS-APPEALS     a command that opens a form in Slack asks its fields here, one by one
  /as U0LENA (or /as lena)  act as another user; /as alone says who you are
  help                      this help, after Pulse's own
  quit                      leave (Ctrl-D too)"""


@dataclass(frozen=True)
class Post:
    """A message the command caused Pulse to post (to a channel or a DM)."""

    where: str
    text: str


@dataclass(frozen=True)
class Exchange:
    """What one slash command produced: the reply its caller sees and the posts it caused."""

    reply: str
    posts: list[Post] = field(default_factory=list)
    via: str = "ack"

    def text(self) -> str:
        """The reply, then one `posted to #channel: ...` paragraph per post."""
        lines = [self.reply]
        for post in self.posts:
            first, *rest = post.text.split("\n")
            lines.append(f"posted to {post.where}: {first}")
            lines.extend(f"    {line}" if line else "" for line in rest)
        return "\n".join(lines)


def console_settings(settings: Settings, *, api_url: str, signing_secret: str) -> Settings:
    """`settings` with the real Slack credentials replaced: a fake token, a throwaway secret, the stub's URL."""
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr(CONSOLE_TOKEN),
            "slack_signing_secret": SecretStr(signing_secret),
            "slack_app_token": None,
            "slack_api_url": api_url,
            "admins": list(dict.fromkeys([*settings.admins, DEMO_ADMIN])),
        }
    )


def short_name(user_id: str) -> str:
    """`priya` for U0PRIYA (the first word of the demo name), else the ID itself."""
    return DEMO_USERS.get(user_id, user_id).split(" ")[0]


def resolve_user(text: str) -> str | None:
    """A user ID from `U0LENA`, `@lena`, `lena` or `<@U0LENA>`; None when it names nobody."""
    word = text.strip().removeprefix("<").removesuffix(">").lstrip("@").split("|")[0]
    by_name = {short_name(uid).lower(): uid for uid in DEMO_USERS}
    if word.lower() in by_name:
        return by_name[word.lower()]
    return word if USER_ID.match(word) else None


def slack_escaped(text: str) -> str:
    """`text` as Slack sends it for a command that escapes names: `@priya` -> `<@U0PRIYA|priya>`, `#tns-appeals`
    -> `<#C0APPEALS|tns-appeals>`, `@here` -> `<!here>`, and `&`, `<`, `>` escaped. Names Slack would not know
    stay as typed."""
    people = {short_name(uid).lower(): uid for uid in DEMO_USERS}
    channels = {name: cid for cid, name in DEMO_CHANNELS.items()}

    def person(match: re.Match[str]) -> str:
        name = match.group(1).rstrip(".")
        rest = match.group(1)[len(name) :]
        if name.lower() in BROADCASTS:
            return f"<!{name.lower()}>{rest}"
        found = people.get(name.lower())
        return f"<@{found}|{name.lower()}>{rest}" if found else match.group(0)

    def channel(match: re.Match[str]) -> str:
        found = channels.get(match.group(1).lower())
        return f"<#{found}|{match.group(1).lower()}>" if found else match.group(0)

    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return TYPED_CHANNEL.sub(channel, TYPED_MENTION.sub(person, escaped))


def blocks_markup(payload: dict[str, Any]) -> str:
    """Pulse markup (see bot.renderer) rebuilt from a message's Block Kit blocks, or its plain text."""
    parts: list[str] = []
    for block in payload.get("blocks") or []:
        kind = block.get("type")
        if kind == "header":
            parts.append("# " + str(block["text"]["text"]))
        elif kind == "divider":
            parts.append("---")
        elif kind == "section":
            texts = [block["text"]] if "text" in block else block.get("fields", [])
            parts.append("\n".join(str(t.get("text", "")) for t in texts))
        elif kind == "context":
            parts.append("\n".join("~ " + str(e.get("text", "")) for e in block.get("elements", [])))
        elif kind == "actions":
            parts.append(" ".join(f"[{e['text']['text']}]" for e in block.get("elements", []) if "text" in e))
    return "\n\n".join(parts) if parts else str(payload.get("text", ""))


class Console:
    """The real Bolt app behind a local Slack stub, driven one typed line at a time (not thread-safe)."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        user_id: str = DEMO_ADMIN,
        team_id: str = DEMO_TEAM,
        channel_id: str = CONSOLE_CHANNEL,
        ask: Ask = lambda _prompt: None,
        say: Say = lambda _text: None,
    ) -> None:
        self.database = database
        self.ask, self.say = ask, say  # how a form's fields are asked (the default leaves every form at once)
        self.team_id = team_id
        self.channel_id = channel_id
        self.names: dict[str, str] = {**DEMO_USERS, **DEMO_CHANNELS}
        self.stub = SlackStub()
        self._secret = secrets.token_hex(20)  # in memory only, new every run
        self._request_names = itertools.count(1)
        self.settings = console_settings(settings, api_url=self.stub.api_url, signing_secret=self._secret)
        self.stub.on("conversations.list", self._channel_list)
        for known in DEMO_USERS:
            self._add_user(known)
        self.user_id = user_id
        self._add_user(user_id)
        client = make_web_client(CONSOLE_TOKEN, self.stub.api_url)
        self.runtime = Runtime.build(self.settings, database, client)
        self.app = create_app(self.runtime)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Finish the work in flight and stop the stub (the database belongs to the caller)."""
        self.runtime.close()
        self.stub.stop()

    @property
    def prompt(self) -> str:
        return f"pulse:{short_name(self.user_id)}> "

    def _add_user(self, user_id: str) -> None:
        self.stub.users.setdefault(user_id, {"real_name": short_name(user_id), "tz": self.settings.timezone})

    def _channel_list(self, _payload: dict[str, Any]) -> dict[str, Any]:
        channels = [{"id": cid, "name": name, "is_private": False} for cid, name in DEMO_CHANNELS.items()]
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}

    # ------------------------------------------------------------------ one line

    def handle(self, line: str) -> str | None:
        """The text to print for one typed line ("" for nothing); None when the line asks to quit."""
        word, _, rest = line.strip().partition(" ")
        lowered = word.lower()
        if not word or word.startswith("#"):
            return ""
        if lowered in QUIT_WORDS:
            return None
        if lowered in HELP_WORDS:
            return self.command("pulse", "help").text() + "\n\n" + CONSOLE_HELP
        if lowered in AS_WORDS:
            return self.switch_user(rest)
        name = lowered.lstrip("/")
        prefix = self.settings.command_prefix
        base = name.removeprefix(prefix) if prefix and name.startswith(prefix) else name
        if base not in names():
            close = did_you_mean(base, names())
            if close is not None:
                return f"`{word}` is not a Pulse command. Did you mean `{self.settings.command_name(close)}`?"
            known = ", ".join(self.settings.command_name(c) for c in names())
            return f"`{word}` is not a Pulse command. Try one of {known}, or help."
        return self.command(base, slack_escaped(rest.strip())).text()

    def switch_user(self, text: str) -> str:
        """Act as the user `text` names from now on; says who you are when `text` is empty."""
        if text.strip():
            user_id = resolve_user(text)
            if user_id is None:
                return f"`{text.strip()}` is not a user: give a Slack user ID like U0LENA or a demo name like lena."
            self.user_id = user_id
            self._add_user(user_id)
        admin = " (admin)" if self.user_id in self.settings.admins else ""
        return f"You are {self.user_id}, {DEMO_USERS.get(self.user_id, 'a Slack user')}{admin}, in {self.team_id}."

    def command(self, command: str, text: str) -> Exchange:
        """Send `/command text` as a signed request through the Bolt app; wait for the reply."""
        name = f"console-{next(self._request_names)}"
        body = slash_command_body(
            command=self.settings.command_name(command),
            text=text,
            user_id=self.user_id,
            team_id=self.team_id,
            channel_id=self.channel_id,
            response_url=self.stub.response_url(name),
        )
        posted_before = self.stub.call_count("chat.postMessage")
        opened_before = self.stub.call_count("views.open")
        response = self._dispatch(body)
        if response.status != 200:
            return Exchange(f"Pulse answered HTTP {response.status}: {response.body}")
        if response.body:
            return Exchange(self.render(_ack_payload(response.body)), self._posts(posted_before))
        if self.stub.call_count("views.open") > opened_before:  # the command opened a form instead
            return self.form(self.stub.calls("views.open")[opened_before].payload["view"])
        try:
            posted = self.stub.wait_for_response(name, timeout=REPLY_TIMEOUT_SECONDS)[0]
        except AssertionError:
            return Exchange(f"No reply within {REPLY_TIMEOUT_SECONDS:.0f}s.", self._posts(posted_before), "none")
        return Exchange(self.render(posted.payload), self._posts(posted_before), "response_url")

    def _dispatch(self, body: str) -> BoltResponse:
        """Send `body`, signed as Slack signs it, through the Bolt app; its ack."""
        headers: dict[str, str | Sequence[str]] = {**signed_headers(self._secret, body)}
        return self.app.dispatch(BoltRequest(body=body, headers=headers))

    def form(self, view: dict[str, Any]) -> Exchange:
        """Fill in `view` field by field and submit it as Slack would; what Pulse then tells the person."""
        posted_before = self.stub.call_count("chat.postMessage")
        told_before = self.stub.call_count("chat.postEphemeral")

        def submit(values: dict[str, dict[str, Any]]) -> dict[str, str]:
            body = view_submission_body(view=view, values=values, user_id=self.user_id, team_id=self.team_id)
            response = self._dispatch(body)
            errors = _ack_payload(response.body).get("errors") if response.body else None
            if response.status != 200 or (response.body and not isinstance(errors, dict)):
                raise Cancelled(f"Pulse answered HTTP {response.status}: {response.body}")
            return {str(block): self.render({"text": text}) for block, text in (errors or {}).items()}

        pickers = Pickers(person=resolve_user, channel=self._channel_id, date=self._date, shown=self.names)
        try:
            fill(view, self.ask, self.say, submit, pickers)
        except Cancelled as left:
            return Exchange(str(left) or "Form closed: nothing was saved.", via="form")
        try:
            told = self.stub.wait_for("chat.postEphemeral", count=told_before + 1, timeout=REPLY_TIMEOUT_SECONDS)
        except AssertionError:
            return Exchange("Saved.", self._posts(posted_before), "form")
        return Exchange(self.render(told[told_before].payload), self._posts(posted_before), "form")

    def _date(self, text: str) -> dt.date | None:
        """The date `text` means to the person, as a command's date field reads it (`fri`, `+2w`, `2027-01-15`)."""
        with self.database.session() as session:
            day_first = workspace_settings(session, self.team_id).day_first
        today = utcnow().astimezone(self.runtime.directory.tz_for(self.team_id, self.user_id)).date()
        try:
            return dates.parse_date(text, today=today, day_first=day_first)
        except UsageError:
            return None

    def _channel_id(self, text: str) -> str | None:
        """A channel ID from `#tns-appeals`, `tns-appeals` or `C0APPEALS`."""
        word = text.strip().lstrip("#").lower()
        found = {name: cid for cid, name in DEMO_CHANNELS.items()}.get(word)
        return found or (text.strip() if CHANNEL_ID.match(text.strip()) else None)

    def render(self, payload: dict[str, Any]) -> str:
        """A Slack message payload as terminal text, with demo IDs shown as names."""
        return to_terminal(blocks_markup(payload), names=self.names)

    def _posts(self, since: int) -> list[Post]:
        calls = self.stub.calls("chat.postMessage")[since:]
        return [Post(self._where(str(c.response.get("channel", ""))), self.render(c.payload)) for c in calls if c.ok]

    def _where(self, channel_id: str) -> str:
        if channel_id.startswith("D"):
            for call in self.stub.calls("conversations.open"):
                if call.ok and call.response.get("channel", {}).get("id") == channel_id:
                    return f"@{short_name(str(call.payload.get('users', '')))} (DM)"
            return f"a DM ({channel_id})"
        return "#" + self.names.get(channel_id, channel_id)


def _ack_payload(body: str) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"text": body}
    return parsed if isinstance(parsed, dict) else {"text": body}


# ---------------------------------------------------------------------- the terminal loop


def _check(value: str | None, pattern: re.Pattern[str], option: str, example: str) -> None:
    if value is not None and not pattern.match(value):
        fail(f"{option} must be a Slack ID like {example}")


def _has_programs(database: Database, team_id: str) -> bool:
    with database.session() as session:
        return team_id in workspaces(session)


def intro(console: Console) -> str:
    """The greeting of an interactive console."""
    who = DEMO_USERS.get(console.user_id, console.user_id)
    return (
        f"\nPulse console: you are {who} in {console.team_id}. Type slash commands as in Slack, e.g.\n"
        "  /program list    /risk list band:critical    /program show TNS-APPEALS\n"
        "A command that opens a form in Slack (/risk add TNS-APPEALS) asks its fields here, one by one.\n"
        "help lists every command; /as lena acts as someone else; quit (or Ctrl-D) leaves.\n"
    )


def _lines(stream: TextIO) -> Iterator[str]:
    for raw in stream:
        yield raw.rstrip("\n")


def _asked_from(lines: Iterator[str]) -> Ask:
    """A form's answers from the next lines of the input, each echoed after its prompt (a transcript)."""

    def ask(prompt: str) -> str | None:
        line = next(lines, None)
        if line is not None:
            typer.echo(prompt + line.strip())
        return line

    return ask


def _asked_at_the_terminal(prompt: str) -> str | None:
    """A form's answer typed at the terminal; Ctrl-C or Ctrl-D leaves the form."""
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        typer.echo()
        return None


def run_console(
    *,
    user_id: str | None = None,
    channel_id: str | None = None,
    team_id: str | None = None,
    stdin: TextIO | None = None,
) -> None:
    """Run the console on the configured database: interactive on a terminal, else one command per stdin line."""
    # The real Slack credentials are never loaded: the console runs on a fake token and its own stub.
    settings = settings_or_exit(
        SLACK_BOT_TOKEN=None, SLACK_SIGNING_SECRET=None, SLACK_APP_TOKEN=None, SLACK_API_URL=SLACK_DEFAULT_API_URL
    )
    logging.getLogger().setLevel(logging.WARNING)  # INFO start-up chatter would drown the replies
    acting = resolve_user(user_id) if user_id is not None else DEMO_ADMIN
    if acting is None:
        fail("--as must be a Slack user ID like U0LENA (or a demo name like lena)")
    _check(channel_id, CHANNEL_ID, "--channel", "C0APPEALS")
    _check(team_id, TEAM_ID, "--team", "T0DEMO")
    database = database_or_exit(settings)
    stream = stdin or sys.stdin
    try:
        team = team_id or DEMO_TEAM
        if team == DEMO_TEAM and not _has_programs(database, team):
            typer.echo("No demo portfolio in this database yet: run `pulse demo` first.", err=True)
        lines = _lines(stream)
        with Console(
            settings,
            database,
            user_id=acting,
            team_id=team,
            channel_id=channel_id or CONSOLE_CHANNEL,
            ask=_asked_at_the_terminal if stream.isatty() else _asked_from(lines),
            say=typer.echo,
        ) as console:
            if stream.isatty():
                _interactive(console)
            else:
                _batch(console, lines)
    finally:
        database.dispose()


def _batch(console: Console, lines: Iterable[str]) -> None:
    """One command per line, each echoed after the prompt so the output reads as a transcript."""
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        typer.echo(console.prompt + line.strip())
        output = console.handle(line)
        if output is None:
            return
        if output:
            typer.echo(output + "\n")


def _interactive(console: Console) -> None:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    typer.echo(intro(console))
    while True:
        try:
            line = input(console.prompt)
        except EOFError:
            typer.echo()
            return
        except KeyboardInterrupt:
            typer.echo()
            continue
        try:
            output = console.handle(line)
        except KeyboardInterrupt:
            typer.echo("(interrupted)")
            continue
        if output is None:
            return
        if output:
            typer.echo(output + "\n")
