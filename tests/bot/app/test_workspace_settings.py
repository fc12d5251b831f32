"""/pulse settings: each workspace's own escalation channel (the environment's is the default), risk bands,
ladder, date order and risk appetite; shown to anyone with where each value comes from, changed by admins, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from bot.slack_stub import SlackStub
from store.db import Database
from store.models import AuditEvent, Milestone, WorkspaceSettings
from tests.support.app import (
    ADMIN,
    APPEALS,
    APPEALS_CHANNEL,
    OWNER,
    channel_link,
    create_program,
    fetch,
    fetch_all,
    first_line,
    nothing_written,
    ok,
    posts_to,
    refused,
)
from tests.support.harness import TEAM, PulseHarness

TEAM_B = "T0TEAMB"
ADMIN_B = "U0BADMIN"
ENV_ESCALATION = "C0ENVESC"
B_ESCALATION = "C0BESC"


@pytest.fixture
def pulse(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    harness = PulseHarness(database, stub, PULSE_ADMINS=f"{ADMIN},{ADMIN_B}", PULSE_ESCALATION_CHANNEL=ENV_ESCALATION)
    yield harness
    harness.close()


def settings(pulse: PulseHarness, text: str = "", *, user: str = ADMIN, team: str = TEAM) -> str:
    return ok(pulse.command("/pulse", f"settings {text}".strip(), user=user, team=team)).text


def critical_risk(pulse: PulseHarness, *, team: str) -> None:
    """A program with its own channel and a critical risk in it (which raises an escalation alert)."""
    fields = f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}"
    ok(pulse.command("/program", f"new {APPEALS} Appeals {fields}", team=team))
    ok(pulse.command("/risk", f"add {APPEALS} Vendor gone likelihood:5 impact:5", team=team))


def test_team_b_escalations_go_to_team_b_s_channel(pulse: PulseHarness) -> None:
    changed = settings(pulse, f"escalation:{channel_link(B_ESCALATION, 'b-escalations')}", user=ADMIN_B, team=TEAM_B)
    assert "Settings changed: Escalation channel." in changed
    critical_risk(pulse, team=TEAM_B)
    critical_risk(pulse, team=TEAM)
    alerts_b = posts_to(pulse.stub, B_ESCALATION)
    alerts_env = posts_to(pulse.stub, ENV_ESCALATION)
    assert len(alerts_b) == 1 and "Vendor gone" in alerts_b[0]
    assert len(alerts_env) == 1  # team A has no channel of its own: the environment's default
    assert len(posts_to(pulse.stub, APPEALS_CHANNEL)) == 2  # each program channel has its own alert


def test_bare_settings_show_each_value_and_where_it_comes_from(pulse: PulseHarness) -> None:
    shown = settings(pulse, user=OWNER)
    assert "Escalation channel: <#C0ENVESC> _(the default, from PULSE_ESCALATION_CHANNEL)_" in shown
    assert "Risk bands: low 1-4, medium 5-9, high 10-19, critical 20-25 _(Pulse's default)_" in shown
    assert "Dates like `3/4`: March 4 (month/day) _(Pulse's default)_" in shown
    assert "Risk appetite: no critical risk without a mitigation _(Pulse's default)_" in shown
    assert "Pulse admins change these with `/pulse settings`." in shown
    settings(pulse, "escalation:<#C0OWN|own> bands:4,9,16 ladder:3,6 day_first:yes appetite:high")
    shown = settings(pulse, user=OWNER)
    assert "Escalation channel: <#C0OWN> _(set for this workspace)_" in shown
    assert "Risk bands: low 1-3, medium 4-8, high 9-15, critical 16-25 _(set for this workspace)_" in shown
    assert "program owner is told after 3 working days overdue, the escalation channel after 6" in shown
    assert "Dates like `3/4`: 3 April (day/month) _(set for this workspace)_" in shown
    assert "Risk appetite: no high or higher risk _(set for this workspace)_" in shown
    settings(pulse, "escalation:default")
    assert "Escalation channel: <#C0ENVESC> _(the default, from PULSE_ESCALATION_CHANNEL)_" in settings(pulse)


def test_the_new_bands_score_risks_and_day_first_reads_dates(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    settings(pulse, "bands:4,9,16 day_first:yes")
    added = ok(pulse.command("/risk", f"add {APPEALS} Vendor slow likelihood:4 impact:4"))
    assert first_line(added) == "R-1 added to TNS-APPEALS: score 16 (critical)"
    ok(pulse.command("/program", f"milestone {APPEALS} Vendor signed due:3/4/2031"))
    assert fetch(database, Milestone, number=1).due.isoformat() == "2031-04-03"


def test_only_admins_change_settings_and_nothing_is_written_when_refused(
    pulse: PulseHarness, database: Database
) -> None:
    with nothing_written(database):
        answer = refused(pulse.command("/pulse", "settings escalation:<#C0X|x>", user=OWNER))
    assert "Only Pulse admins may change the workspace's settings" in answer.plain
    with nothing_written(database):
        answer = refused(pulse.command("/pulse", "settings bands:10,5,20", user=ADMIN))
    assert "`bands:10,5,20` must rise: medium, then high, then critical" in answer.plain


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("escalaton:<#C0X|x>", "Did you mean `escalation:`?"),
        ("appetite:hihg", "Did you mean `high`?"),
        ("appetite:critcal-unmitigated", "Did you mean `critical-unmitigated`?"),
        ("ladder:2", "`ladder:2` should be two numbers of working days overdue"),
        ("day_first:maybe", "`maybe` is not yes or no."),
        ("escalation #c", "each setting is `name:value`"),
    ],
)
def test_bad_settings_say_how_to_fix_them(pulse: PulseHarness, text: str, says: str) -> None:
    answer = refused(pulse.command("/pulse", f"settings {text}", user=ADMIN))
    assert says in answer.plain
    assert "/pulse settings [escalation:#c|default]" in answer.plain


def test_a_change_is_audited_with_before_and_after(pulse: PulseHarness, database: Database) -> None:
    settings(pulse, "appetite:high-unmitigated")
    again = refused(pulse.command("/pulse", "settings appetite:high-unmitigated", user=ADMIN))
    assert "Nothing to change" in again.plain
    event = fetch(database, AuditEvent, entity_type="settings")
    assert (event.actor_id, event.action, event.entity_ref) == (ADMIN, "update", "settings")
    assert event.before is not None and event.after is not None
    assert (event.before["appetite_band"], event.after["appetite_band"]) == ("critical", "high")
    trail = ok(pulse.command("/pulse", "audit settings", user=OWNER)).text
    assert "*Audit trail of settings*" in trail
    assert f"<@{ADMIN}> · *update* settings\n    appetite_band: critical → high" in trail
    saved = fetch_all(database, WorkspaceSettings)
    assert [(s.team_id, s.appetite_band, s.appetite_needs_mitigation) for s in saved] == [(TEAM, "high", True)]


def test_currency_and_thresholds_are_shown_changed_by_admins_and_used(pulse: PulseHarness, database: Database) -> None:
    shown = settings(pulse, user=OWNER)
    assert "Budget currency: USD: budgets are kept and shown in it _(Pulse's default)_" in shown
    assert "Budget reason: a quarter's actuals more than 10% over its plan _(Pulse's default)_" in shown
    assert "People reason: less than 80% of the planned headcount filled _(Pulse's default)_" in shown
    with nothing_written(database):
        answer = refused(pulse.command("/pulse", "settings currency:EUR", user=OWNER))
    assert "Only Pulse admins may change the workspace's settings" in answer.plain
    changed = settings(pulse, "currency:eur budget_threshold:5% staffing_threshold:70")
    assert "Settings changed: Budget currency, Budget reason, People reason." in changed
    assert "*Budget reason*: a quarter's actuals more than 5% over its plan _(set for this workspace)_" in changed
    event = fetch_all(database, AuditEvent)[-1]
    assert event.before is not None and event.after is not None
    assert (event.entity_ref, event.before["currency"], event.after["currency"]) == ("settings", "USD", "EUR")
    assert (event.before["staffing_threshold_pct"], event.after["staffing_threshold_pct"]) == (80, 70)
    create_program(pulse)
    ok(pulse.command("/staff", f"plan {APPEALS} reviewers:10"))
    filled = ok(pulse.command("/staff", f"fill {APPEALS} reviewers:7")).text
    assert "Staffing 70% filled (reviewers 7/10)" in filled and "below" not in filled  # 80% would make it short
    with time_machine.travel(dt.datetime(2026, 11, 15, 15, 0, tzinfo=dt.UTC), tick=False):
        ok(pulse.command("/budget", f"set {APPEALS} 2026Q4 planned:100k"))
        ok(pulse.command("/budget", f"spend {APPEALS} 107k"))  # 7% over: a budget reason past 5%, not past 10%
        shown = ok(pulse.command("/budget", f"show {APPEALS}")).text
    assert "planned EUR 100,000 · committed EUR 0 · actual EUR 107,000" in shown
    assert "*over plan by more than 5%*" in shown


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("currency:EUT", "`EUT` is not an ISO 4217 currency code. Did you mean `EUR`?"),
        ("currency:euro", "Did you mean `EUR`?"),
        ("currency:gpb", "Did you mean `GBP`?"),
        ("currency:XAU", "`XAU` is not an ISO 4217 currency code."),
        ("budget_threshold:ten", "`ten` is not a percentage"),
        ("staffing_threshold:150%", "`staffing_threshold:150%` is past 100%"),
        ("budget_treshold:10%", "Did you mean `budget_threshold:`?"),
    ],
)
def test_bad_currency_or_threshold_says_how_to_fix_it(
    pulse: PulseHarness, database: Database, text: str, says: str
) -> None:
    with nothing_written(database):
        answer = refused(pulse.command("/pulse", f"settings {text}", user=ADMIN))
    assert says in answer.plain


def test_a_currency_with_other_minor_units_is_refused_once_budgets_exist(
    pulse: PulseHarness, database: Database
) -> None:
    create_program(pulse)
    ok(pulse.command("/budget", f"set {APPEALS} 2027Q1 planned:250k"))
    with nothing_written(database):
        answer = refused(pulse.command("/pulse", "settings currency:JPY", user=ADMIN))
    assert "Budgets here are kept in USD, and JPY has a different minor unit" in answer.plain
    relabelled = settings(pulse, "currency:EUR")
    assert "Budgets already recorded keep their amounts as typed: Pulse converts no money." in relabelled
    assert "planned EUR 250,000" in ok(pulse.command("/budget", f"show {APPEALS}")).text
