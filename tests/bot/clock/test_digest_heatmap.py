"""The portfolio digest's risk heat map goes into the digest's thread: drawn from what the channel may see, uploaded
only once the summary has its ts, and exactly once even when the process uploading it dies before recording it."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from PIL import Image

from bot.slack_stub import SlackStub
from bot.uploads import figure_from
from domain.digests import FILE_KIND
from domain.figures import Heatmap
from store.models import OutboxStatus
from store.outbox import IN_FLIGHT, LEASE
from tests.bot.clock.test_cli_and_crash import run_tick, start_tick
from tests.support.clock import (
    ADMIN_ACTOR,
    ANA,
    HASH,
    KAI,
    LEADS,
    MORNING,
    WORKSPACE_TZ,
    add_risk,
    make_clock,
    outbox_rows,
    posted,
    seed_programs,
    seeding,
    tick_at,
    utc,
)
from tests.support.harness import PulseHarness
from tests.support.services import schedules


def leads_morning(pulse: PulseHarness) -> None:
    """#leads gets the portfolio digest at 09:00; a public and a restricted program each have a risk."""
    with seeding(pulse.database, utc(2027, 2, 26, 12)) as session:
        portfolio = seed_programs(session)
        add_risk(session, portfolio.classify, "Drift on new abuse patterns", owner=ANA, likelihood=5, impact=5)
        add_risk(session, portfolio.hash, "Vendor leaks hashes", owner=KAI, likelihood=4, impact=4)
        schedules.create(
            session, ADMIN_ACTOR, channel_id=LEADS, program=None, days="daily", time_of_day="09:00", tz=WORKSPACE_TZ
        )


def test_the_heat_map_lands_in_the_digest_thread_without_restricted_risks(pulse: PulseHarness) -> None:
    leads_morning(pulse)
    clock, _ = make_clock(pulse, pace_seconds=0)
    report = tick_at(clock, MORNING)
    assert report.failed == 0
    (summary,) = [m for m in posted(pulse.stub) if m.channel == LEADS and m.thread_ts is None]
    (shared,) = pulse.stub.files(LEADS)
    assert shared.thread_ts == summary.ts  # in the digest's thread, not the channel
    assert shared.filename == "heatmap-portfolio-2027-03-01.png"
    with Image.open(io.BytesIO(shared.content)) as picture:
        assert picture.format == "PNG" and min(picture.size) >= 600
    (row,) = [r for r in outbox_rows(pulse.database) if r.kind == FILE_KIND]
    figure = figure_from(row.markup)
    assert isinstance(figure, Heatmap)
    assert len(figure.marks) == 1  # TNS-CLASSIFY's risk; TNS-HASH's may not be seen in #leads
    assert HASH not in summary.text
    # A second tick sends nothing new, and the thread still holds one heat map.
    assert tick_at(clock, MORNING).sent == 0
    assert len(pulse.stub.files(LEADS)) == 1


class KillAfterUpload:
    """files.completeUploadExternal shares the file, then the uploading process is killed before it hears back."""

    def __init__(self, stub: SlackStub) -> None:
        self.stub = stub
        self.pid: int | None = None
        self.ready = threading.Event()
        self.killed = False

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        answer = self.stub.default_answer("files.completeUploadExternal", payload)
        self.ready.wait(10)
        assert self.pid is not None
        self.killed = True
        os.kill(self.pid, signal.SIGKILL)
        time.sleep(0.2)  # the answer goes nowhere
        return answer


def test_a_process_killed_after_uploading_the_heat_map_does_not_upload_it_twice(
    pulse: PulseHarness, tmp_path: Path
) -> None:
    leads_morning(pulse)
    killer = KillAfterUpload(pulse.stub)
    pulse.stub.on("files.completeUploadExternal", killer)
    process = start_tick(pulse, "2027-03-01T09:00:00Z", tmp_path)
    killer.pid = process.pid
    killer.ready.set()
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL and killer.killed
    pulse.stub.wait_for("files.completeUploadExternal")
    (lost,) = [r for r in outbox_rows(pulse.database) if r.kind == FILE_KIND]
    assert (lost.status, lost.last_error) == (OutboxStatus.SENDING, IN_FLIGHT)
    assert len(pulse.stub.files(LEADS)) == 1  # Slack has it

    pulse.stub.reset()  # Slack answers normally again (the files it holds stay)
    later = run_tick(pulse, (MORNING + LEASE + LEASE / 5).isoformat(), tmp_path)
    assert later.returncode == 0, later.stderr
    (found,) = [r for r in outbox_rows(pulse.database) if r.kind == FILE_KIND]
    assert (found.status, found.last_error) == (OutboxStatus.SENT, None)
    assert len(pulse.stub.files(LEADS)) == 1  # found in the thread, not uploaded again
    assert not pulse.stub.called("files.completeUploadExternal")
    assert pulse.stub.called("conversations.replies")  # it looked in the thread first
