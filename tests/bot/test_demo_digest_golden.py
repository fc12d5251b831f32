"""The leadership digest of the demo portfolio, as #tns-leadership gets it: its text and its Block Kit are pinned
(tests/bot/golden/), so every change to what a director reads is seen and reviewed in a diff.

Regenerate after an intended change with `PULSE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/bot/test_demo_digest_golden.py`
and read the new files as a director would before committing them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
import time_machine

from bot import demo_data as demo
from bot.blocks import MAX_BLOCKS, to_slack
from bot.present import markup
from bot.terminal import to_terminal
from domain.access import channel_viewer
from domain.digests import portfolio_digest
from store.db import Database

GOLDEN = Path(__file__).parent / "golden"
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)  # a Tuesday morning
LEADERSHIP = "C0LEADS"
SCREEN_LINES = 35  # what fits on one screen before the thread (a laptop's Slack window; the plans added five)


@pytest.fixture(scope="module")
def digest_markup(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> list[str]:
    """The summary and thread replies of the demo's leadership digest, as Pulse markup."""
    path = tmp_path_factory.mktemp("golden") / "pulse.db"
    path.write_bytes(sqlite_template.read_bytes())
    database = Database(f"sqlite:///{path}")
    try:
        with time_machine.travel(NOW, tick=False):
            with database.session(write=True) as session:
                demo.seed(session, today=NOW.date(), now=NOW)
            with database.session() as session:
                viewer = channel_viewer(demo.DEMO_TEAM, LEADERSHIP)
                digest = portfolio_digest(session, viewer, since=None, now=NOW, today=NOW.date())
                return [markup(message, "") for message in digest.messages()]
    finally:
        database.dispose()


def check(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("PULSE_UPDATE_GOLDEN") == "1":
        golden.write_text(actual)
    assert actual == golden.read_text(), f"{name} changed: review it, then regenerate (see this module's docstring)"


def test_the_demo_leadership_digest_text(digest_markup: list[str]) -> None:
    check("demo_leadership_digest.txt", "\n\n=== thread ===\n\n".join(digest_markup) + "\n")
    names = {**demo.DEMO_USERS, **demo.DEMO_CHANNELS}
    check("demo_leadership_digest.terminal.txt", to_terminal(digest_markup[0], names) + "\n")


def test_the_demo_leadership_digest_block_kit(digest_markup: list[str]) -> None:
    payloads = [to_slack(text).payload() for text in digest_markup]
    check("demo_leadership_digest.blocks.json", json.dumps(payloads, indent=2, ensure_ascii=False) + "\n")
    assert all(len(p["blocks"]) <= MAX_BLOCKS for p in payloads)


def test_the_demo_digest_fits_one_screen_and_leaves_out_restricted_work(digest_markup: list[str]) -> None:
    summary = digest_markup[0]
    assert len(to_terminal(summary).splitlines()) <= SCREEN_LINES
    assert "TNS-HASH-MIGRATION" not in "".join(digest_markup) and ":lock:" not in "".join(digest_markup)
    first = summary.split("\n\n")[1]
    assert first.startswith("*6 programs: 1 red · 1 amber · 3 green · 1 never reported* · 2 need you this week")
