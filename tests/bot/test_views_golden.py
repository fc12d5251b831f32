"""Every form Pulse opens and a Home tab, for the demo portfolio at a fixed instant: the views Slack got
(`views.open`, `views.publish`) are pinned in tests/bot/golden/, so every change to a form or the Home tab is seen
and reviewed in a diff.

Regenerate after an intended change with `PULSE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/bot/test_views_golden.py`
and read the new files before committing them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot import demo_data as demo
from bot.console import Console
from bot.home import publish_home
from bot.modals import MAX_METADATA_CHARS, MAX_TITLE_CHARS
from bot.settings import Settings
from store.db import Database

GOLDEN = Path(__file__).parent / "golden"
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)  # a Tuesday morning, as the digest's golden
FORMS = {
    "program_new": "/program new",
    "program_status": "/program status TNS-APPEALS",
    "risk_add": "/risk add TNS-APPEALS likelihood:4",
    "risk_update": "/risk update R-1",
    "decision_log": "/decision log TNS-APPEALS",
    "action_add": "/action add TNS-APPEALS",
    "action_update": "/action update A-1",
    "issue_raise": "/issue raise TNS-APPEALS",
    "budget_spend": "/budget spend TNS-APPEALS",
    "staff_fill": "/staff fill TNS-APPEALS",
}
HOME_OF = "U0PRIYA"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Console]:
    """The console (the real app and the stub) on the demo portfolio, living at NOW, acting as its owner priya."""
    path = tmp_path_factory.mktemp("golden-views") / "pulse.db"
    path.write_bytes(sqlite_template.read_bytes())
    database = Database(f"sqlite:///{path}")
    with time_machine.travel(NOW, tick=False):
        with database.session(write=True) as session:
            demo.seed(session, today=NOW.date(), now=NOW)
        settings = Settings(_env_file=None, DATABASE_URL=database.url, PULSE_TIMEZONE="Europe/London")
        with Console(settings, database, user_id=HOME_OF) as running:
            yield running
    database.dispose()


def check(name: str, view: dict[str, Any]) -> None:
    golden = GOLDEN / name
    actual = json.dumps(view, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("PULSE_UPDATE_GOLDEN") == "1":
        golden.write_text(actual)
    assert actual == golden.read_text(), f"{name} changed: review it, then regenerate (see this module's docstring)"


@pytest.mark.parametrize("name", list(FORMS))
def test_each_form(console: Console, name: str) -> None:
    opened = console.stub.call_count("views.open")
    command, _, text = FORMS[name].removeprefix("/").partition(" ")
    assert console.command(command, text).reply == "Form closed: nothing was saved."  # no one types in it
    view = console.stub.calls("views.open")[opened].payload["view"]
    check(f"form_{name}.json", view)
    assert len(view["title"]["text"]) <= MAX_TITLE_CHARS and len(view["submit"]["text"]) <= MAX_TITLE_CHARS
    assert len(view["blocks"]) <= 100 and len(view["private_metadata"]) <= MAX_METADATA_CHARS


def test_the_home_tab(console: Console) -> None:
    published = console.stub.call_count("views.publish")
    publish_home(console.runtime, demo.DEMO_TEAM, HOME_OF)
    call = console.stub.calls("views.publish")[published]
    assert call.payload["user_id"] == HOME_OF
    check("home_priya.json", call.payload["view"])
    assert len(call.payload["view"]["blocks"]) <= 100
