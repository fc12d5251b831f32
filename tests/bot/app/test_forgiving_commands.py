"""Forgiving commands as people see them in Slack: did-you-mean on program keys (only keys the caller may see are
ever suggested), and dates like 12/5 in the workspace's day order."""

from __future__ import annotations

import datetime as dt

from store.db import Database
from store.models import Milestone, WorkspaceSettings
from tests.support.app import MEMBER, STRANGER, create_program, fetch_all, nothing_written, ok, refused
from tests.support.harness import TEAM, PulseHarness


def test_a_mistyped_key_gets_the_closest_key(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, "TNS-SCAMS", "Scam ads")
    with nothing_written(database):
        answer = refused(pulse.command("/program", "status TNS-SCAM red Ads back"))
    assert answer.text.startswith(":warning: TNS-SCAM not found. Did you mean `TNS-SCAMS`?")


def test_a_restricted_key_is_suggested_only_to_who_may_see_it(pulse: PulseHarness) -> None:
    create_program(pulse, "TNS-SECRET", "Secret work", fields="restricted:yes members:<@U0MEM>")
    stranger = refused(pulse.command("/program", "show TNS-SECRT", user=STRANGER))
    nothing = refused(pulse.command("/program", "show TNS-ABSENT", user=STRANGER))
    assert stranger.text == ":warning: TNS-SECRT not found."  # exactly like a key nobody has
    assert nothing.text == ":warning: TNS-ABSENT not found."
    member = refused(pulse.command("/program", "show TNS-SECRT", user=MEMBER))
    assert member.text == ":warning: TNS-SECRT not found. Did you mean `TNS-SECRET`?"


def test_12_5_follows_the_workspaces_day_order(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, "TNS-SCAMS", "Scam ads")
    ok(pulse.command("/program", "milestone TNS-SCAMS Vendor signed due:12/5/2030"))
    with database.session(write=True) as session:
        settings = session.get(WorkspaceSettings, TEAM) or WorkspaceSettings(team_id=TEAM)
        settings.day_first = True
        session.add(settings)
    ok(pulse.command("/program", "milestone TNS-SCAMS Go live due:12/5/2030"))
    dues = [m.due for m in fetch_all(database, Milestone)]
    assert sorted(dues) == [dt.date(2030, 5, 12), dt.date(2030, 12, 5)]
    answer = refused(pulse.command("/program", "milestone TNS-SCAMS Later due:5/13/2030"))
    assert "`5/13/2030` does not fit this workspace's day/month dates. Did you mean `2030-05-13`?" in answer.text
