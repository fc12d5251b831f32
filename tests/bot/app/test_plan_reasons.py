"""A program's plan in the leadership digest: an amber program's "Needs you" names what drives it, its path to
green and confidence, its severe issues with their impact, its budget reason and its people reason; the same
reasons make a green report a watermelon. The workspace's thresholds decide them."""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.support.app import ADMIN, APPEALS, create_program, ok
from tests.support.harness import PulseHarness

NOW = dt.datetime(2026, 11, 15, 15, 0, tzinfo=dt.UTC)


def planned(pulse: PulseHarness) -> None:
    """TNS-APPEALS 11% over its 2026Q4 plan and 62% staffed, with a severity-2 issue."""
    create_program(pulse)
    ok(pulse.command("/budget", f"set {APPEALS} 2026Q4 planned:100k"))
    ok(pulse.command("/budget", f"spend {APPEALS} 111k"))
    ok(pulse.command("/staff", f"plan {APPEALS} reviewers:40 ds:2"))
    ok(pulse.command("/staff", f"fill {APPEALS} reviewers:24 ds:2"))
    ok(pulse.command("/issue", f'raise {APPEALS} Queue backlog severity:2 impact:"14k appeals past the 48h SLA"'))


def test_needs_you_gives_the_drivers_and_every_plan_reason(pulse: PulseHarness) -> None:
    with time_machine.travel(NOW, tick=False):
        planned(pulse)
        ok(
            pulse.command(
                "/program",
                f'status {APPEALS} Vendor late schedule:amber budget:amber people:green path:"second vendor" '
                "confidence:low",
            )
        )
        needs_you = ok(pulse.command("/digest", "preview", user=ADMIN)).text.split("*Needs you*")[1]
    assert ":dart: Driven by schedule and budget · path to green: second vendor · confidence low" in needs_you
    assert ":fire: sev 2 *I-1* TNS-APPEALS · Queue backlog · impact: 14k appeals past the 48h SLA" in needs_you
    assert ":money_with_wings: budget 2026Q4 11% over plan (USD 111,000 spent of USD 100,000)" in needs_you
    assert ":busts_in_silhouette: staffing 62% filled, below 80%" in needs_you
    assert "*Looks green, isn't*" not in needs_you  # amber: not a watermelon


def test_a_green_report_with_plan_reasons_is_a_watermelon_unless_the_thresholds_allow_them(
    pulse: PulseHarness,
) -> None:
    with time_machine.travel(NOW, tick=False):
        planned(pulse)
        ok(pulse.command("/program", f"status {APPEALS} green On track"))
        melon = ok(pulse.command("/digest", "preview", user=ADMIN)).text.split("*Looks green, isn't*")[1]
        assert "budget 2026Q4 11% over plan" in melon and "staffing 62% filled, below 80%" in melon
        ok(pulse.command("/pulse", "settings budget_threshold:15% staffing_threshold:60%", user=ADMIN))
        digest = ok(pulse.command("/digest", "preview", user=ADMIN)).text
    assert "*Looks green, isn't*" not in digest
    assert "*Needs you*" in digest  # the severity-2 issue still needs leadership
