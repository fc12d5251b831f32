"""Isolation: another workspace, and a person not cleared for a restricted program, run every read command and
get the digests and ticks; no reply and no payload Pulse sends them names what they may not see (its key, its
title, its items' titles) or counts it.

Prints `isolation: N tried, N held` (past pytest's capture).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack_stub import SlackStub
from commands.parse import COMMANDS
from store.db import Database
from tests.support.app import (
    ADMIN,
    ANA,
    GENERAL,
    MEMBER,
    OWNER,
    STRANGER,
    add_action,
    add_milestone,
    add_risk,
    channel_link,
    create_program,
    log_decision,
    ok,
)
from tests.support.clock import make_clock, tick_at
from tests.support.figures import area_figures
from tests.support.harness import Answer, PulseHarness

TEAM_A, TEAM_B = "T0TEST", "T0OTHER"
BETA_USER, BETA_CHANNEL = "U0BETA", "C0BETA"
ESCALATION = "C0ESC"
HUSH, HUSH_CHANNEL, CLEARED_CHANNEL = "TNS-HUSH", "C0HUSH", "C0SECRET"
# What each viewer may not see: team A's work (for team B), the restricted program's (for everyone uncleared).
ALPHA_SECRETS = ["TNS-ALPHA", "Alpha launch plan", "Alpha vendor", "Alpha decision", "Alpha call"]
HUSH_SECRETS = [HUSH, "Hush casework", "Hush leak", "Hush escalate", "Hush call", "Hush milestone"]
ABSENT = "TNS-ABSENT"
REFS = {"R-n": "R-{}", "A-n": "A-{}", "M-n": "M-{}", "D-n": "D-{}", "K-n": "K-{}", "ASK-n": "ASK-{}"}


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def pulse(database: Database, stub: SlackStub) -> Iterator[PulseHarness]:
    """Team A: TNS-ALPHA (R-1, D-1, A-1, M-1, ASK-1) and restricted TNS-HUSH (R-2, D-2, A-2, M-2, ASK-2, a
    critical risk); team B: its own TNS-BETA."""
    harness = PulseHarness(database, stub, PULSE_ADMINS=ADMIN, PULSE_ESCALATION_CHANNEL=ESCALATION)
    create_program(harness, "TNS-ALPHA", "Alpha launch plan", fields=f"channel:{channel_link('C0ALPHA', 'alpha')}")
    create_program(
        harness,
        HUSH,
        "Hush casework",
        fields=f"restricted:yes members:<@{MEMBER}> channels:<#{CLEARED_CHANNEL}> "
        f"channel:{channel_link(HUSH_CHANNEL, 'hush')}",
    )
    for key, word, owner in (("TNS-ALPHA", "Alpha", ANA), (HUSH, "Hush", MEMBER)):
        add_risk(harness, f"{word} vendor leak", 5, 5, key=key, fields=f"owner:<@{owner}>")
        log_decision(harness, f"{word} decision to escalate", key=key)
        add_action(harness, f"{word} call the vendor", key=key, owner=owner, due="2020-01-15")
        add_milestone(harness, f"{word} milestone signed", key=key, due="2020-01-15")
        ok(harness.command("/program", f"status {key} red {word} escalate now asks:{word} leak budget ask-to:Finance"))
    ok(harness.command("/kpi", f"add {HUSH} Hush leak rate unit:% target:1 direction:down"))
    ok(harness.command("/program", "new TNS-BETA Beta work", user=BETA_USER, team=TEAM_B))
    ok(harness.command("/risk", "add TNS-BETA Beta risk likelihood:2 impact:2", user=BETA_USER, team=TEAM_B))
    yield harness
    harness.close()


def read_requests() -> list[tuple[str, str, str]]:
    """Every read subcommand, aimed at nothing, at the restricted program, team A's program and each kind of ID:
    (command, text, the program KEY it names or "")."""
    sent = []
    for name, command in sorted(COMMANDS.items()):
        for sub in sorted(command.subs.values(), key=lambda s: s.name):
            if sub.runs is None or sub.runs.writes:
                continue
            shape = sub.usage.split(" ")[0] if sub.usage else ""
            head = f"{sub.name} risks" if sub.name == "export" else sub.name
            sent.append((name, head, ""))
            if "KEY" in shape or sub.name == "export":
                sent += [(name, f"{head} {key}", key) for key in (HUSH, "TNS-ALPHA")]
            sent += [(name, f"{head} {REFS[ref].format(n)}", "") for ref in REFS if ref in shape for n in (2,)]
    return sent


def words_in(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret.lower() in text.lower()]


def test_nothing_crosses_workspaces_or_restriction(pulse: PulseHarness, request: pytest.FixtureRequest) -> None:
    with area_figures(request, "isolation") as tally:
        scan_everything(pulse, tally)


def scan_everything(pulse: PulseHarness, tally: Counter[str]) -> None:
    viewers = {
        "team B": (BETA_USER, BETA_CHANNEL, TEAM_B, ALPHA_SECRETS + HUSH_SECRETS),
        "stranger": (STRANGER, GENERAL, TEAM_A, HUSH_SECRETS),
    }
    for who, (user, channel, team, secrets) in viewers.items():
        for command, text, key in read_requests():
            tally["tried"] += 1
            answer: Answer = pulse.command(f"/{command}", text, user=user, channel=channel, team=team)
            assert answer.status == 200, (who, command, text)
            if key in secrets:  # asking for what they may not see is exactly like asking for what does not exist
                twin = pulse.command(f"/{command}", text.replace(key, ABSENT), user=user, channel=channel, team=team)
                assert words_in(answer.body).replace(key, ABSENT) == words_in(twin.body), (who, command, text)
            else:
                assert not leaks(words_in(answer.body), secrets), (who, command, text, answer.text)
            tally["held"] += 1
        tally["tried"] += 1
        whoami = pulse.command("/pulse", "whoami", user=user, channel=channel, team=team)
        assert "You can see 1 program" in whoami.text, (who, whoami.text)  # TNS-BETA, or TNS-ALPHA
        tally["held"] += 1

    # Digests sent now and by the clock, to team B and to team A's uncleared channels.
    ok(pulse.command("/digest", "send", user=BETA_USER, channel=BETA_CHANNEL, team=TEAM_B))
    ok(pulse.command("/digest", "send", user=STRANGER, channel=GENERAL))
    ok(pulse.command("/digest", "send TNS-ALPHA", user=STRANGER, channel="C0ALPHA"))
    ok(
        pulse.command(
            "/digest",
            f"schedule <#{BETA_CHANNEL}> portfolio day:daily time:09:00 tz:UTC",
            user=ADMIN,
            team=TEAM_B,
            channel=BETA_CHANNEL,
        )
    )
    ok(pulse.command("/digest", f"schedule <#{GENERAL}> portfolio day:daily time:09:00 tz:UTC", user=ADMIN))
    clock, _ = make_clock(pulse, pace_seconds=0)
    tomorrow = dt.datetime.now(dt.UTC).replace(hour=9, minute=1, second=0, microsecond=0) + dt.timedelta(days=1)
    for day in range(2):  # the digests, reminders and escalation ladder of two mornings
        tick_at(clock, tomorrow + dt.timedelta(days=day))

    cleared = {HUSH_CHANNEL, CLEARED_CHANNEL, pulse.stub.dm_channel(MEMBER), pulse.stub.dm_channel(OWNER)}
    cleared |= {pulse.stub.dm_channel(ADMIN)}
    for call in pulse.stub.calls():
        if not call.method.startswith(("chat.", "files.", "views.")):
            continue
        where = str(call.payload.get("channel") or call.payload.get("channel_id") or "")
        where = pulse.stub.dm_channel(where) if where[:1] in {"U", "W"} else where
        tally["tried"] += 1
        if where == BETA_CHANNEL or where == pulse.stub.dm_channel(BETA_USER):
            assert not leaks(words_in(call.payload), ALPHA_SECRETS + HUSH_SECRETS), (where, call.payload)
        elif where not in cleared:
            assert not leaks(words_in(call.payload), HUSH_SECRETS), (where, call.payload)
        tally["held"] += 1
