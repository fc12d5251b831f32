"""Pictures on demand over HTTP: /pulse heatmap, /pulse trend and /kpi chart upload PNGs drawn from the store,
and restricted programs change no pixel of a picture shown where they may not be seen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from bot.pictures import (
    HeatmapData,
    HeatmapRisk,
    KpiData,
    KpiReading,
    RagRow,
    RagTimelineData,
    band_grid,
    draw_heatmap,
    draw_kpi_chart,
    draw_rag_timeline,
)
from bot.pictures.data import Rag
from bot.slack_stub import SlackStub
from store.db import Database
from tests.bot.pictures.helpers import decode
from tests.support.app import (
    ADMIN,
    APPEALS,
    APPEALS_CHANNEL,
    GENERAL,
    OWNER,
    STRANGER,
    add_risk,
    channel_link,
    create_program,
    first_line,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness

START = dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC)  # before the last week
MOVES = dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC)  # in the last week
NOW = dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC)
SECRET, SECRET_CHANNEL = "TNS-SECRET", "C0SECRET"


@pytest.fixture
def appeals(pulse: PulseHarness) -> Iterator[PulseHarness]:
    """R-1 moved (2,4)->(4,4), R-2 stayed at (4,5), R-3 closed from (1,1), R-4 raised at (3,2) in the last week."""
    with time_machine.travel(START, tick=False):
        create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
        add_risk(pulse, "Vendor short", 2, 4)
        add_risk(pulse, "Policy change", 4, 5, fields='mitigation:"second vendor"')
        add_risk(pulse, "Latency", 1, 1)
    with time_machine.travel(MOVES, tick=False):
        ok(pulse.command("/risk", "update R-1 likelihood:4"))
        ok(pulse.command("/risk", "close R-3 Fixed"))
        add_risk(pulse, "Model drift", 3, 2)
    with time_machine.travel(NOW, tick=False):
        yield pulse


def heatmap(title: str, *risks: HeatmapRisk) -> bytes:
    return draw_heatmap(HeatmapData(title, band_grid(), risks, since="Tue 24 Nov")).png


APPEALS_RISKS = (
    HeatmapRisk("R-1", 4, 4, previous=(2, 4)),
    HeatmapRisk("R-2", 4, 5),
    HeatmapRisk("R-3", 1, 1, closed=True),
    HeatmapRisk("R-4", 3, 2, new=True),
)


def test_heatmap_uploads_the_programs_picture_to_the_channel(appeals: PulseHarness, stub: SlackStub) -> None:
    answer = ok(appeals.command("/pulse", f"heatmap {APPEALS}", channel=APPEALS_CHANNEL))
    assert first_line(answer) == "Risk heat map of *TNS-APPEALS*: 3 open risks."
    assert "Since 2026-11-24 15:00 UTC: 1 new, 1 escalated, 0 de-escalated, 1 closed." in answer.text
    assert "Posted heatmap-TNS-APPEALS-2026-12-01.png in <#C0APPEALS>." in answer.text
    (shared,) = stub.files(APPEALS_CHANNEL)
    assert decode(shared.content).size == (1100, 820)
    assert shared.content == heatmap("TNS-APPEALS risks · 01 Dec 2026", *APPEALS_RISKS)
    assert shared.title == "TNS-APPEALS risks · 01 Dec 2026"


def test_movement_counts_from_the_last_digest(appeals: PulseHarness, stub: SlackStub) -> None:
    ok(appeals.command("/digest", f"send {APPEALS}"))  # the digest goes out now: nothing has moved since
    ok(appeals.command("/pulse", f"heatmap {APPEALS}", channel=APPEALS_CHANNEL))
    assert (
        stub.files(APPEALS_CHANNEL)[-1].content
        == draw_heatmap(
            HeatmapData(
                "TNS-APPEALS risks · 01 Dec 2026",
                band_grid(),
                (HeatmapRisk("R-1", 4, 4), HeatmapRisk("R-2", 4, 5), HeatmapRisk("R-4", 3, 2)),
                since="Tue 01 Dec",
            )
        ).png
    )


@pytest.fixture
def with_secret(appeals: PulseHarness) -> PulseHarness:
    create_program(
        appeals, SECRET, "Secret work", fields=f"restricted:yes channel:{channel_link(SECRET_CHANNEL, 'tns-secret')}"
    )
    return appeals


def test_a_restricted_program_changes_no_pixel_where_it_may_not_be_seen(
    with_secret: PulseHarness, stub: SlackStub
) -> None:
    ok(with_secret.command("/pulse", "heatmap", user=ADMIN, channel=GENERAL))
    add_risk(with_secret, "Leak of case files", 5, 5, key=SECRET)
    add_risk(with_secret, "Vendor breach", 2, 4, key=SECRET)
    answer = ok(with_secret.command("/pulse", "heatmap", user=ADMIN, channel=GENERAL))
    assert first_line(answer) == "Risk heat map of the portfolio (1 program): 3 open risks."
    before, after = stub.files(GENERAL)
    assert before.content == after.content == heatmap("Portfolio risks · 01 Dec 2026", *APPEALS_RISKS)
    ok(with_secret.command("/pulse", "heatmap", user=ADMIN, channel=SECRET_CHANNEL))
    (cleared,) = stub.files(SECRET_CHANNEL)
    assert cleared.content == heatmap(
        "Portfolio risks · 01 Dec 2026",
        *APPEALS_RISKS,
        HeatmapRisk("R-5", 5, 5, new=True),
        HeatmapRisk("R-6", 2, 4, new=True),
    )


def test_a_dm_gets_what_the_caller_may_see(with_secret: PulseHarness, stub: SlackStub) -> None:
    add_risk(with_secret, "Leak of case files", 5, 5, key=SECRET)
    answer = ok(with_secret.command("/pulse", "heatmap", user=ADMIN, channel="D0SOMEONE"))
    assert "Sent heatmap-portfolio-2026-12-01.png to your DM with Pulse." in answer.text
    (shared,) = stub.files(stub.dm_channel(ADMIN))
    assert shared.content == heatmap(
        "Portfolio risks · 01 Dec 2026", *APPEALS_RISKS, HeatmapRisk("R-5", 5, 5, new=True)
    )


def test_a_restricted_program_by_name_is_refused_in_a_channel_that_may_not_see_it(
    with_secret: PulseHarness, database: Database, stub: SlackStub
) -> None:
    with nothing_written(database):
        answer = refused(with_secret.command("/pulse", f"heatmap {SECRET}", user=ADMIN, channel=GENERAL))
    assert "TNS-SECRET is restricted and <#C0GENERAL> may not see it" in answer.text
    assert stub.files() == []
    assert first_line(refused(with_secret.command("/pulse", f"heatmap {SECRET}", user=STRANGER))).endswith(
        "TNS-SECRET not found."
    )


def test_trend_draws_twelve_weeks_of_reports(appeals: PulseHarness, stub: SlackStub) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC), tick=False):
        ok(appeals.command("/program", f"status {APPEALS} amber Vendor slipped"))
    ok(appeals.command("/program", f"status {APPEALS} green Back on track"))
    answer = ok(appeals.command("/pulse", f"trend {APPEALS}", channel=APPEALS_CHANNEL))
    assert first_line(answer) == "Weekly status of *TNS-APPEALS* for the 12 weeks from Mon 2026-09-14."
    weeks = tuple(dt.date(2026, 9, 14) + dt.timedelta(weeks=n) for n in range(12))
    statuses: tuple[Rag | None, ...] = (None, None, None, None, None, None, None, None, "amber", None, None, "green")
    (shared,) = stub.files(APPEALS_CHANNEL)
    assert shared.filename == "trend-TNS-APPEALS-2026-11-30.png"
    expected = RagTimelineData("TNS-APPEALS status by week", weeks, (RagRow(APPEALS, statuses),))
    assert shared.content == draw_rag_timeline(expected).png


def test_kpi_chart_draws_the_readings_against_target_and_warning(appeals: PulseHarness, stub: SlackStub) -> None:
    ok(appeals.command("/kpi", f"add {APPEALS} Median appeal time unit:h target:48 direction:down warn:60"))
    assert "no readings to chart yet" in refused(appeals.command("/kpi", "chart K-1")).text
    for day, value in (("2026-11-17", 80), ("2026-11-24", 65), ("2026-12-01", 71)):
        ok(appeals.command("/kpi", f"set K-1 {value} at:{day}"))
    answer = ok(appeals.command("/kpi", "chart K-1", channel=APPEALS_CHANNEL))
    assert first_line(answer).startswith("Chart of K-1 on *TNS-APPEALS*, 3 readings: Median appeal time 71h")
    (shared,) = stub.files(APPEALS_CHANNEL)
    readings = (
        KpiReading(dt.date(2026, 11, 17), 80),
        KpiReading(dt.date(2026, 11, 24), 65),
        KpiReading(dt.date(2026, 12, 1), 71),
    )
    expected = KpiData("Median appeal time", "h", "down", 48, readings, 60, "K-1 Median appeal time · TNS-APPEALS")
    assert shared.content == draw_kpi_chart(expected).png


def test_an_upload_slack_refuses_is_explained(appeals: PulseHarness, stub: SlackStub) -> None:
    stub.fail("files.completeUploadExternal", error="not_in_channel")
    answer = ok(appeals.command("/pulse", "heatmap", user=OWNER, channel="C0ELSEWHERE"))
    assert (
        "Couldn't post heatmap-portfolio-2026-12-01.png in <#C0ELSEWHERE>: invite Pulse there with `/invite @Pulse`"
        in answer.text
    )
    assert stub.files() == []
