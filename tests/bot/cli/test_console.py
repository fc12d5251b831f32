"""`pulse console`: slash commands typed in a terminal run through the real Bolt app against the Slack stub."""

from __future__ import annotations

import os
import re
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import demo_data as demo
from bot.console import CONSOLE_TOKEN, Console, blocks_markup, resolve_user, slack_escaped
from bot.settings import Settings
from commands.grammar import ParseContext
from commands.parse import COMMANDS, Parsed, parse
from store.db import Database
from store.types import utcnow
from tests.support.cli import PULSE, clean_env, pulse

ADDED = re.compile(r"^R-\d+ added to TNS-APPEALS: score 25 \(critical\)", re.MULTILINE)
DEMO_KEYS = ("TNS-APPEALS", "TNS-CLASSIFIER", "TNS-WELLNESS", "TNS-VENDOR-QA", "TNS-ELECTION", "TNS-HASH-MIGRATION")


def test_demo_then_console_over_a_pipe(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pulse.db"
    seeded = pulse("demo", cwd=tmp_path, DATABASE_URL=url)
    assert seeded.returncode == 0, seeded.stderr
    assert "TNS-APPEALS" in seeded.stdout
    assert "pulse:" not in seeded.stdout  # no terminal: no console after the portfolio

    typed = "/program list\n/risk add TNS-APPEALS New risk likelihood:5 impact:5\n"
    result = pulse("console", cwd=tmp_path, stdin=typed, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for key in DEMO_KEYS:
        assert key in out
    assert ADDED.search(out), out
    assert re.search(r"^posted to #tns-appeals: ", out, re.MULTILINE), out
    assert "<@U0" not in out and "<#C0" not in out  # IDs shown as names
    assert "Traceback" not in result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr


def test_console_ignores_real_slack_credentials(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pulse.db"
    assert pulse("demo", cwd=tmp_path, DATABASE_URL=url).returncode == 0
    real = {
        "SLACK_BOT_TOKEN": ("xoxb" + "-4444-real-bot-token-never-used"),
        "SLACK_APP_TOKEN": ("xapp" + "-1-A0-5555-real-app-token"),
        "SLACK_SIGNING_SECRET": "real-signing-secret-6666",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing listens on the discard port
    }
    result = pulse("console", "--as", "U0LENA", cwd=tmp_path, stdin="/pulse whoami\n", DATABASE_URL=url, **real)
    assert result.returncode == 0, result.stderr
    assert "@lena" in result.stdout
    for value in real.values():
        assert value not in result.stdout + result.stderr


def test_console_rejects_a_bad_user_id(tmp_path: Path) -> None:
    result = pulse("console", "--as", "bob", cwd=tmp_path, stdin="", DATABASE_URL=f"sqlite:///{tmp_path}/p.db")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "pulse: --as must be a Slack user ID like U0LENA (or a demo name like lena)"
    ]


def read_until_exit(fd: int, process: subprocess.Popen[bytes], timeout: float) -> str:
    """Everything written to the pty `fd` until `process` exits (or `timeout` passes)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its side of the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=max(deadline - time.monotonic(), 1))
    return b"".join(chunks).decode("utf-8", "replace")


def test_demo_enters_the_console_in_a_terminal(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    parent, child = pty.openpty()
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/pulse.db", TERM="dumb")
    process = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
        [*PULSE, "demo"], cwd=tmp_path, env=env, stdin=child, stdout=child, stderr=child
    )
    os.close(child)
    try:
        os.write(parent, b"/risk list band:critical\n/as lena\nquit\n")  # typed ahead; the terminal buffers it
        out = read_until_exit(parent, process, timeout=60)
    finally:
        os.close(parent)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, out
    assert "Pulse console: you are alex" in out
    assert "critical" in out and "TNS-HASH-MIGRATION" in out
    assert "You are U0LENA" in out


# ---------------------------------------------------------------------- in-process


@pytest.fixture
def demo_database(database: Database) -> Database:
    now = utcnow()
    with database.session(write=True) as session:
        demo.seed(session, today=now.date(), now=now)
    return database


@pytest.fixture
def console(demo_database: Database) -> Iterator[Console]:
    settings = Settings(_env_file=None, DATABASE_URL=demo_database.url)
    with Console(settings, demo_database) as running:
        yield running


def test_commands_run_through_the_app_with_the_fake_token(console: Console) -> None:
    listed = console.handle("/risk list band:critical")
    assert listed is not None and "TNS-APPEALS" in listed
    assert console.handle("risk") is not None  # the slash is optional
    calls = console.stub.calls()
    assert calls and {c.token for c in calls} == {CONSOLE_TOKEN}
    assert console.settings.slack_api_url == console.stub.api_url
    assert demo.DEMO_ADMIN in console.settings.admins


def test_quick_replies_come_from_the_ack(console: Console) -> None:
    usage = console.command("risk", "")
    assert usage.via == "ack" and "/risk add" in usage.reply
    listed = console.command("program", "list")
    assert listed.via == "ack" and "TNS-APPEALS" in listed.reply  # answered in the ack when it is done in time


def test_switching_user_changes_what_is_visible(console: Console) -> None:
    assert "TNS-HASH-MIGRATION" in (console.handle("/program list") or "")
    assert console.handle("/as lena") == "You are U0LENA, lena (data science), in T0DEMO."
    assert console.prompt == "pulse:lena> "
    assert "TNS-HASH-MIGRATION" not in (console.handle("/program list") or "")  # restricted, lena is no member
    assert "not a user" in (console.handle("/as nobody") or "")
    assert console.user_id == "U0LENA"


def test_help_unknown_and_quit(console: Console) -> None:
    help_text = console.handle("help") or ""
    assert "/risk" in help_text and "quit" in help_text
    assert "not a Pulse command" in (console.handle("/deploy prod") or "")
    assert console.handle("") == ""
    assert console.handle("quit") is None


def test_command_prefix_is_honoured(demo_database: Database) -> None:
    settings = Settings(_env_file=None, DATABASE_URL=demo_database.url, PULSE_COMMAND_PREFIX="pm-")
    with Console(settings, demo_database) as prefixed:
        for typed in ("/pm-program list", "/program list"):
            assert "TNS-APPEALS" in (prefixed.handle(typed) or "")


def test_resolve_user_and_blocks_markup() -> None:
    assert resolve_user("lena") == resolve_user("@lena") == resolve_user("<@U0LENA|lena>") == "U0LENA"
    assert resolve_user("U0NEWBIE") == "U0NEWBIE"
    assert resolve_user("bob") is None
    payload = {
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Title"}},
            {"type": "divider"},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*bold* body"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "small"}]},
            {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Ack"}}]},
        ]
    }
    assert blocks_markup(payload) == "# Title\n\n---\n\n*bold* body\n\n~ small\n\n[Ack]"
    assert blocks_markup({"text": "plain"}) == "plain"


def test_names_and_channels_are_escaped_the_way_slack_does(console: Console) -> None:
    assert slack_escaped("owner:@priya to:#tns-leadership cc @sam, #tns-appeals") == (
        "owner:<@U0PRIYA|priya> to:<#C0LEADS|tns-leadership> cc <@U0SAM|sam>, <#C0APPEALS|tns-appeals>"
    )
    assert slack_escaped("@here mail a@b.c #nochannel @nobody <@U0LENA|lena> R&D") == (
        "<!here> mail a@b.c #nochannel @nobody &lt;@U0LENA|lena&gt; R&amp;D"
    )
    added = console.handle("/action add TNS-APPEALS Send the SOW owner:@omar due:fri") or ""
    assert "owner @omar" in added, added
    sent = console.handle("/digest send to:#tns-leadership") or ""
    assert "on its way to #tns-leadership" in sent, sent


def test_a_mistyped_command_gets_a_suggestion(console: Console) -> None:
    assert console.handle("/progam list") == "`/progam` is not a Pulse command. Did you mean `/program`?"


def test_every_example_in_help_parses_as_written_in_the_console(console: Console) -> None:
    """Each `e.g.` of every command's usage, typed in the console, reaches its use case (no grammar error)."""
    ctx = ParseContext(user_id=console.user_id, today=utcnow().date(), resolve_channel=lambda _name: None)
    for name, command in COMMANDS.items():
        for sub in command.subs.values():
            for example in sub.examples:
                typed_command, _, text = example.partition(" ")
                assert typed_command == name, example
                result = parse(name, slack_escaped(text), ctx)
                answered = not isinstance(result, Parsed) and result.message.template == "usage"
                assert isinstance(result, Parsed) or (answered and not result.message.context["note"]), example
