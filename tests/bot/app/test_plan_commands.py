"""/program phase, /program plan and /pulse roadmap over HTTP: phases and milestones keep their first dates and
the reason they moved, the plan shows the slips and dependencies, and the roadmap picture is uploaded where it may
be seen (restricted programs only to who may see them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from bot.drawings import roadmap_data
from bot.pictures import Phase, RoadmapData, RoadmapMilestone, RoadmapRow, draw_roadmap
from bot.slack_stub import SlackStub
from bot.uploads import figure_from, stored
from domain.figures import PlanBar, PlanDiamond, Roadmap, RoadmapLine
from store.db import Database
from store.models import AuditEvent, Milestone, ProgramPhase
from tests.support.app import (
    ADMIN,
    APPEALS,
    APPEALS_CHANNEL,
    GENERAL,
    STRANGER,
    add_milestone,
    channel_link,
    create_program,
    fetch,
    fetch_all,
    first_line,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
D = dt.date
SECRET, SECRET_CHANNEL = "TNS-SECRET", "C0SECRET"


@pytest.fixture
def planned(pulse: PulseHarness) -> Iterator[PulseHarness]:
    """TNS-APPEALS with Discovery and Build phases and M-1; Build re-planned two weeks later with a reason."""
    with time_machine.travel(NOW, tick=False):
        create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
        answer = ok(pulse.command("/program", f"phase {APPEALS} Discovery 2026-10-01..2026-11-30"))
        assert (
            first_line(answer)
            == ":white_check_mark: Phase *Discovery* added to *TNS-APPEALS*: Thu Oct 1 to Mon Nov 30."
        )
        ok(pulse.command("/program", f"phase {APPEALS} Build 2026-12-01..2027-02-26"))
        add_milestone(pulse, "Vendor at full capacity", due="2027-01-15")
        yield pulse


def test_a_replanned_phase_keeps_its_first_dates_and_the_reason(planned: PulseHarness, database: Database) -> None:
    answer = ok(planned.command("/program", f'phase {APPEALS} build 2026-12-01..2027-03-12 reason:"vendor ramp late"'))
    assert first_line(answer) == (
        "Phase *Build* of *TNS-APPEALS* re-planned: Tue Dec 1 to Fri Mar 12, first planned Tue Dec 1 to Fri Feb 26"
        " (14 days later). Why: vendor ramp late"
    )
    ok(planned.command("/program", f'phase {APPEALS} Build 2026-12-01..2027-03-19 reason:"second vendor"'))
    build = fetch(database, ProgramPhase, name="Build")
    assert (build.baseline_start, build.baseline_end, build.end) == (D(2026, 12, 1), D(2027, 2, 26), D(2027, 3, 19))
    assert build.replan_reason == "second vendor"
    events = [e for e in fetch_all(database, AuditEvent) if e.action in ("add_phase", "replan_phase")]
    assert [e.action for e in events] == ["add_phase", "add_phase", "replan_phase", "replan_phase"]
    lines = ok(planned.command("/program", f"plan {APPEALS}")).text.split("\n")
    build_line = lines.index(
        "Build · Tue Dec 1 to Fri Mar 19 · first planned Tue Dec 1 to Fri Feb 26 · slipped 21 days: _second vendor_"
    )
    replans = lines[build_line + 1 : build_line + 3]
    assert [line.split(": ", 1)[1] for line in replans] == [
        "Fri Feb 26 → Fri Mar 12, vendor ramp late",
        "Fri Mar 12 → Fri Mar 19, second vendor",
    ]
    assert all(line.startswith("    ↳ 2026-12-01") and "<@U0OWNER>" in line for line in replans)
    trail = ok(planned.command("/pulse", f"audit {APPEALS}")).text
    assert "*replan_phase* TNS-APPEALS" in trail and "replan_reason: vendor ramp late → second vendor" in trail


def test_a_redated_milestone_keeps_the_reason(planned: PulseHarness, database: Database) -> None:
    answer = ok(planned.command("/program", 'milestone-update M-1 due:2027-01-24 reason:"hiring freeze"'))
    assert answer.text.endswith("first promised Fri Jan 15 (9 days later). Why: hiring freeze")
    assert fetch(database, Milestone).replan_reason == "hiring freeze"
    with nothing_written(database):
        wrong = refused(planned.command("/program", 'milestone-update M-1 reason:"no new date"'))
    assert "A reason goes with a new date" in wrong.text


def test_the_plan_shows_slips_reasons_and_dependencies(planned: PulseHarness, stub: SlackStub) -> None:
    ok(planned.command("/program", f'phase {APPEALS} Build 2026-12-01..2027-03-12 reason:"vendor ramp late"'))
    ok(planned.command("/program", 'milestone-update M-1 due:2027-01-24 reason:"hiring freeze"'))
    create_program(planned, "TNS-ELECTION", "Election integrity")
    ok(planned.command("/program", f"depends TNS-ELECTION on:{APPEALS} milestone:M-1"))
    with time_machine.travel(NOW, tick=False):
        answer = ok(planned.command("/program", f"plan {APPEALS}", channel=APPEALS_CHANNEL))
    lines = answer.text.split("\n")
    assert lines[0] == "Plan of TNS-APPEALS: Appeals SLA reduction"
    assert "Discovery · Thu Oct 1 to Mon Nov 30" in lines
    assert (
        "Build · Tue Dec 1 to Fri Mar 12 · first planned Tue Dec 1 to Fri Feb 26 · slipped 14 days: _vendor ramp late_"
        in lines
    )
    assert (
        "M-1 Vendor at full capacity · due Sun Jan 24 · first promised Fri Jan 15 · slipped 9 days: _hiring freeze_"
        in lines
    )
    assert "*TNS-ELECTION* depends on M-1 Vendor at full capacity" in lines
    assert ":link: TNS-APPEALS M-1 Vendor at full capacity slipped 9 days; TNS-ELECTION depends on it" in lines
    assert "Posted roadmap-TNS-APPEALS-2026-12-01.png in <#C0APPEALS>." in answer.text
    (shared,) = stub.files(APPEALS_CHANNEL)
    assert shared.title == "TNS-APPEALS roadmap · 01 Dec 2026"
    expected = RoadmapData(
        "TNS-APPEALS roadmap · 01 Dec 2026",
        D(2026, 12, 1),
        (
            RoadmapRow(
                APPEALS,
                (
                    Phase("Discovery", D(2026, 10, 1), D(2026, 11, 30)),
                    Phase("Build", D(2026, 12, 1), D(2027, 3, 12), D(2026, 12, 1), D(2027, 2, 26)),
                ),
                (RoadmapMilestone("M-1 Vendor at full capacity", D(2027, 1, 24), D(2027, 1, 15)),),
            ),
        ),
    )
    assert shared.content == draw_roadmap(expected).png
    election = ok(planned.command("/program", "plan TNS-ELECTION")).text
    assert "Depends on *TNS-APPEALS* M-1 Vendor at full capacity (due Sun Jan 24)" in election


def test_a_phase_that_slipped_is_in_the_programs_digest(planned: PulseHarness) -> None:
    assert ":calendar:" not in ok(planned.command("/digest", f"preview {APPEALS}")).text  # on plan
    ok(planned.command("/program", f'phase {APPEALS} Build 2026-12-01..2027-03-12 reason:"vendor ramp late"'))
    ok(planned.command("/program", f"phase {APPEALS} Discovery 2026-10-01..2026-11-23"))  # earlier: not a slip
    text = ok(planned.command("/digest", f"preview {APPEALS}")).text
    line = (
        ":calendar: Phase Build now ends Fri Mar 12, 14 days after first planned: vendor ramp late"
        " (`/program plan TNS-APPEALS`)"
    )
    assert text.count(":calendar:") == 1 and line in text


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        (
            f"phase {APPEALS} Build 2027-03-01..2027-01-04",
            "The phase ends (2027-01-04) before it starts (2027-03-01)",
        ),
        (f"phase {APPEALS} Build 2027-03-01", "is not a span of dates: give START..END"),
        (f"phase {APPEALS} Build 2027-01-04..soonish", "soonish"),
        (f"phase {APPEALS} Build 2026-12-01..2027-02-26", "Nothing to change"),
        ("plan TNS-APPEAL", "TNS-APPEAL not found. Did you mean `TNS-APPEALS`?"),
    ],
)
def test_bad_plans_are_refused_and_write_nothing(
    planned: PulseHarness, database: Database, text: str, wording: str
) -> None:
    with nothing_written(database):
        answer = refused(planned.command("/program", text))
    assert wording in answer.text


def test_only_the_owner_plans_phases(planned: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        answer = refused(planned.command("/program", f"phase {APPEALS} Launch 2027-03-01..2027-03-31", user=STRANGER))
    assert "may plan the phases of TNS-APPEALS" in answer.text


@pytest.fixture
def with_secret(planned: PulseHarness) -> PulseHarness:
    create_program(
        planned, SECRET, "Secret work", fields=f"restricted:yes channel:{channel_link(SECRET_CHANNEL, 'tns-secret')}"
    )
    ok(planned.command("/program", f"phase {SECRET} Cut-over 2027-01-04..2027-02-01"))
    return planned


def test_the_portfolio_roadmap_shows_restricted_programs_only_where_they_may_be_seen(
    with_secret: PulseHarness, stub: SlackStub
) -> None:
    with time_machine.travel(NOW, tick=False):
        answer = ok(with_secret.command("/pulse", "roadmap", user=ADMIN, channel=GENERAL))
        assert first_line(answer) == (
            "Roadmap of the portfolio (1 program with a plan): 2 phases, 1 milestone, 0 slipped."
        )
        ok(with_secret.command("/pulse", "roadmap", user=ADMIN, channel=SECRET_CHANNEL))
        stranger = refused(with_secret.command("/program", f"plan {SECRET}", user=STRANGER, channel=GENERAL))
    assert first_line(stranger) == ":warning: TNS-SECRET not found."
    (general,) = stub.files(GENERAL)
    (cleared,) = stub.files(SECRET_CHANNEL)
    assert general.filename == "roadmap-portfolio-2026-12-01.png"
    assert general.content != cleared.content
    assert (
        cleared.content
        == draw_roadmap(
            roadmap_data(
                Roadmap(
                    "portfolio",
                    D(2026, 12, 1),
                    (
                        RoadmapLine(
                            APPEALS,
                            (
                                PlanBar("Discovery", D(2026, 10, 1), D(2026, 11, 30)),
                                PlanBar("Build", D(2026, 12, 1), D(2027, 2, 26)),
                            ),
                            (PlanDiamond("M-1 Vendor at full capacity", D(2027, 1, 15)),),
                        ),
                        RoadmapLine(SECRET, (PlanBar("Cut-over", D(2027, 1, 4), D(2027, 2, 1)),)),
                    ),
                )
            )
        ).png
    )


def test_a_restricted_plan_asked_in_an_uncleared_channel_goes_to_the_dm(
    with_secret: PulseHarness, stub: SlackStub
) -> None:
    answer = ok(with_secret.command("/program", f"plan {SECRET}", user=ADMIN, channel=GENERAL))
    assert "Sent roadmap-TNS-SECRET-" in answer.text and "to your DM with Pulse." in answer.text
    assert stub.files(GENERAL) == []
    assert len(stub.files(stub.dm_channel(ADMIN))) == 1


def test_a_roadmap_keeps_its_facts_through_the_outbox() -> None:
    figure = Roadmap(
        "portfolio",
        D(2026, 12, 1),
        (RoadmapLine(APPEALS, (PlanBar("Build", D(2026, 12, 1), D(2027, 3, 12), D(2026, 12, 1), D(2027, 2, 26)),)),),
    )
    assert figure_from(stored(figure)) == figure
