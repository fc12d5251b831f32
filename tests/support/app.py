"""People, channels and small helpers shared by the served-app tests (they run on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import inspect, text
from sqlmodel import SQLModel, col, select

from bot.slack_stub import SlackStub
from store.db import Database
from tests.support.harness import Answer, PulseHarness

ADMIN = "U0ADMIN"  # in PULSE_ADMINS
OWNER = "U0OWNER"  # owns the programs the tests create (and is the harness's default caller)
ANA = "U0ANA"  # owns risks, actions and milestones; decides decisions
STRANGER = "U0STRANGER"  # nothing to do with the program
MEMBER = "U0MEM"  # member of the restricted program

APPEALS = "TNS-APPEALS"
APPEALS_CHANNEL = "C0APPEALS"
GENERAL = "C0GENERAL"  # where the harness's commands come from by default

Row = TypeVar("Row", bound=SQLModel)


def mention(user_id: str) -> str:
    """A user mention the way Slack sends it with escaping on: `<@U0ANA|ana>`."""
    return f"<@{user_id}|{user_id[2:].lower()}>"


def channel_link(channel_id: str, name: str) -> str:
    """A channel link the way Slack sends it: `<#C0APPEALS|tns-appeals>`."""
    return f"<#{channel_id}|{name}>"


# What the user saw ---------------------------------------------------------------------------------


def ok(answer: Answer) -> Answer:
    """`answer` is a successful, ephemeral reply (no warning)."""
    assert answer.status == 200, answer
    assert answer.ephemeral, answer.body
    assert answer.text.strip(), answer.body
    assert not answer.text.startswith(":warning:"), answer.text
    return answer


def refused(answer: Answer) -> Answer:
    """`answer` is an ephemeral error reply (it starts with a warning)."""
    assert answer.status == 200, answer
    assert answer.ephemeral, answer.body
    assert answer.text.startswith(":warning:"), answer.text
    return answer


def first_line(answer: Answer) -> str:
    return answer.text.split("\n", 1)[0]


def listed_ids(answer: Answer, kind: str) -> list[str]:
    """The IDs of a list reply in the order shown (`*R-3*`, ...)."""
    return re.findall(rf"\*({kind}-\d+)\*", answer.text)


def posts_to(stub: SlackStub, channel_id: str) -> list[str]:
    """The readable text (fallback text and blocks) of every chat.postMessage to `channel_id`."""
    texts = []
    for payload in stub.payloads("chat.postMessage"):
        if payload.get("channel") != channel_id:
            continue
        parts = [str(payload.get("text", ""))]
        for block in payload.get("blocks") or []:
            if "text" in block:
                parts.append(block["text"]["text"])
            parts.extend(e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str))
        texts.append("\n".join(parts))
    return texts


# Creating things over HTTP, as a user would ---------------------------------------------------------


def _number(answer: Answer, kind: str) -> int:
    match = re.search(rf"\b{kind}-(\d+) (?:added|logged)", first_line(ok(answer)))
    assert match, answer.text
    return int(match.group(1))


def create_program(
    pulse: PulseHarness,
    key: str = APPEALS,
    title: str = "Appeals SLA reduction",
    *,
    user: str = OWNER,
    fields: str = "",
) -> Answer:
    answer = ok(pulse.command("/program", f"new {key} {title} {fields}".strip(), user=user))
    assert f"*{key}* created" in first_line(answer), answer.text
    return answer


def add_risk(
    pulse: PulseHarness,
    title: str = "Vendor cannot hire",
    likelihood: int = 2,
    impact: int = 2,
    *,
    key: str = APPEALS,
    user: str = OWNER,
    fields: str = "",
) -> int:
    text = f"add {key} {title} likelihood:{likelihood} impact:{impact} {fields}".strip()
    return _number(pulse.command("/risk", text, user=user), "R")


def log_decision(
    pulse: PulseHarness, title: str = "Use vendor B", *, key: str = APPEALS, user: str = OWNER, fields: str = ""
) -> int:
    return _number(pulse.command("/decision", f"log {key} {title} {fields}".strip(), user=user), "D")


def add_action(
    pulse: PulseHarness,
    title: str = "Draft the SOW",
    *,
    owner: str = ANA,
    due: str = "2030-01-15",
    key: str = APPEALS,
    user: str = OWNER,
    fields: str = "",
) -> int:
    text = f"add {key} {title} owner:{mention(owner)} due:{due} {fields}".strip()
    return _number(pulse.command("/action", text, user=user), "A")


def add_milestone(
    pulse: PulseHarness,
    title: str = "Vendor signed",
    *,
    due: str = "2030-01-15",
    key: str = APPEALS,
    user: str = OWNER,
    fields: str = "",
) -> int:
    return _number(pulse.command("/program", f"milestone {key} {title} due:{due} {fields}".strip(), user=user), "M")


# What the database holds -------------------------------------------------------------------------


# The directory's cache of Slack profiles (time zones) is filled on a user's first command, before the command
# itself runs and whatever it turns out to be, and so is the workspace's Slack domain (for permalinks): they may
# gain rows when nothing else may change.
# Every signed request leaves its fingerprint (replays are answered, not applied again): bookkeeping, not a change.
CACHES = {"user_profile", "workspace_settings", "seen_request"}
Snapshot = dict[str, list[tuple[Any, ...]]]  # every row of every table


def _tables(database: Database) -> list[str]:
    """Every table the migrations created, except Alembic's bookkeeping."""
    return sorted(name for name in inspect(database.engine).get_table_names() if name != "alembic_version")


def table_rows(database: Database) -> Snapshot:
    """Every row of every table (in a stable order): equal snapshots mean nothing was written."""
    with database.engine.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr)
            for name in _tables(database)
        }


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    """Tables whose rows differ between two snapshots (a cache that only gained rows has not changed)."""
    changed = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name, []), after.get(name, [])
        same = set(old) <= set(new) if name in CACHES else old == new
        if not same:
            changed.append(name)
    return changed


def assert_unchanged(before: Snapshot, after: Snapshot) -> None:
    """Every table is as it was."""
    changed = changed_tables(before, after)
    assert not changed, f"tables changed: {changed}"


@contextmanager
def nothing_written(database: Database) -> Iterator[None]:
    """Assert that the block leaves every table exactly as it was."""
    before = table_rows(database)
    yield
    assert_unchanged(before, table_rows(database))


def fetch(database: Database, model: type[Row], **where: Any) -> Row:
    """The one row of `model` matching `where`."""
    with database.session() as session:
        statement = select(model)
        for name, value in where.items():
            statement = statement.where(col(getattr(model, name)) == value)
        rows = list(session.exec(statement))
    assert len(rows) == 1, f"{len(rows)} {model.__name__} rows match {where}"
    return rows[0]


def fetch_all(database: Database, model: type[Row], **where: Any) -> list[Row]:
    """Every row of `model` matching `where`, by primary key."""
    with database.session() as session:
        statement = select(model)
        for name, value in where.items():
            statement = statement.where(col(getattr(model, name)) == value)
        return list(session.exec(statement.order_by(*model.__table__.primary_key.columns)))  # type: ignore[attr-defined]
