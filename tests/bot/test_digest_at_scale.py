"""A large portfolio's leadership digest still fits one Slack message: its summary keeps its shape (the worst
programs in full, lists that name a few and count the rest), so Slack never cuts its story short, and every
program is in the thread."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bench.seed import seed
from bench.workspace import LEADS_CHANNEL, MORNING, TEAM, Shape
from bot.blocks import MAX_BLOCKS, MAX_TOTAL_CHARS, to_slack
from bot.present import markup
from domain.access import channel_viewer
from domain.digests import SUMMARY_PROGRAMS, portfolio_digest
from store.db import Database
from store.models import OutboxMessage, OutboxStatus, Program, Risk
from store.settings import remember_team_domain

PROGRAMS = 60


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[list[str]]:
    """The leadership digest of a 60-program portfolio (20 risks and 100 actions each) whose programs and risks
    were all announced in a channel, so every ID in it is a permalink (the longest text it can have)."""
    path = tmp_path_factory.mktemp("scale") / "pulse.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    try:
        seed(database.engine, Shape(PROGRAMS))
        with database.session(write=True) as session:
            remember_team_domain(session, TEAM, "trust-and-safety")
            refs = [f"{p.key}/status" for p in session.exec(select(Program))]
            refs += [f"R-{r.number}" for r in session.exec(select(Risk))]
            for n, ref in enumerate(refs):
                session.add(
                    OutboxMessage(
                        team_id=TEAM,
                        dedupe_key=f"announced:{ref}",
                        kind="post",
                        channel_id="C0PROGRAM",
                        entity_ref=ref,
                        markup=ref,
                        status=OutboxStatus.SENT,
                        sent_channel="C0PROGRAM",
                        sent_ts=f"1700000000.{n:06d}",
                    )
                )
        with database.session() as session:
            built = portfolio_digest(
                session, channel_viewer(TEAM, LEADS_CHANNEL), since=None, now=MORNING, today=MORNING.date()
            )
            yield [markup(message, "") for message in built.messages()]
    finally:
        database.dispose()


def test_the_summary_fits_one_message_with_its_whole_story(digest: list[str]) -> None:
    summary = digest[0]
    blocks = to_slack(summary).blocks
    shown = "\n".join(b["text"]["text"] if "text" in b else b["elements"][0].get("text", "") for b in blocks)
    assert "not shown" not in shown, "Slack would cut the summary short"
    assert len(blocks) <= MAX_BLOCKS and len(shown) <= MAX_TOTAL_CHARS
    for part in ("*Needs you*", "*Risk & delivery*", "Delivery, last 4 weeks", "program by program in the thread"):
        assert part in shown


def test_the_worst_programs_are_in_full_and_the_rest_named_and_in_the_thread(digest: list[str]) -> None:
    summary, thread = digest[0], "\n".join(digest[1:])
    needing = int(re.search(r"· (\d+) need you this week", summary).group(1))  # type: ignore[union-attr]
    assert needing > SUMMARY_PROGRAMS + 10  # this portfolio has more than the summary names
    in_full = re.findall(r"^:(?:red|large_orange)_circle: (?:RED|AMBER) \*<[^|]+\|(TNS-P\d+)>\*", summary, re.M)
    assert len(in_full) == SUMMARY_PROGRAMS
    assert summary.index(":red_circle: RED") < summary.index("…and")  # red first
    assert f"…and {needing - SUMMARY_PROGRAMS} more need you: " in summary
    assert "`/program list status:red`" in summary
    visible = int(re.search(r"^\*(\d+) programs:", summary, re.M).group(1))  # type: ignore[union-attr]
    listed = set(re.findall(r"\|(TNS-P\d+)>\*", thread))
    assert len(listed) == visible and set(in_full) <= listed
