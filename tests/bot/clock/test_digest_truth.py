"""The digest tells the truth: status moves read `amber → red`, never-reported programs are named as such, a
superseded decision is shown once (under its successor), asks carry their date and are flagged when late, an
answered ask is shown once, achievements appear, a person's preview marks restricted work, and sending a digest
elsewhere is for admins and owners, at most once per cool-down."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session

from bot.digest_cli import digest_text
from bot.directory import Directory
from bot.slack_client import make_web_client
from domain.access import Actor
from tests.support.app import nothing_written
from tests.support.clock import (
    ADMIN,
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    CLASSIFY,
    CLASSIFY_CHANNEL,
    HASH,
    KAI,
    LEADS,
    PRIYA,
    STRANGER,
    at,
    channel_link,
    posted,
    seed_programs,
    seeding,
    utc,
)
from tests.support.harness import TEAM, TOKEN, PulseHarness
from tests.support.services import programs

MONDAY = utc(2027, 3, 1, 10)
LINK = re.compile(r"<https://[^|>]+\|([^>]+)>")
DAY = dt.timedelta(days=1)


def say(pulse: PulseHarness, when: dt.datetime, command: str, text: str, user: str = ADMIN) -> str:
    """The reply `user` reads at `when`, links shown as their labels."""
    with at(when):
        return LINK.sub(r"\1", pulse.command(command, text, user=user).text)


def leadership(pulse: PulseHarness, when: dt.datetime) -> str:
    """The portfolio digest as the admin previews it at `when`."""
    return say(pulse, when, "/digest", "preview")


def test_a_status_move_inside_the_week_reads_from_where_it_was(pulse: PulseHarness) -> None:
    with seeding(pulse.database, MONDAY - 30 * DAY) as session:
        seed_programs(session, statuses=False)
    say(pulse, MONDAY - 5 * DAY, "/program", f"status {APPEALS} amber Backlog up 18%", user=PRIYA)
    say(pulse, MONDAY - 2 * DAY, "/program", f"status {APPEALS} red SLA at 52h", user=PRIYA)
    portfolio = leadership(pulse, MONDAY)
    team = say(pulse, MONDAY, "/digest", f"preview {APPEALS}", user=PRIYA)
    assert f":red_circle: RED *{APPEALS}*, was amber" in portfolio
    assert "*What changed:* amber → red" in team
    assert "first report" not in portfolio + team


def test_a_program_that_never_reported_is_named_as_such_and_is_not_stale(pulse: PulseHarness) -> None:
    with seeding(pulse.database, MONDAY - 30 * DAY) as session:
        seed_programs(session)
    say(pulse, MONDAY - dt.timedelta(minutes=5), "/program", "new TNS-SCAMS Scam ads enforcement")
    portfolio = leadership(pulse, MONDAY)
    assert "TNS-SCAMS has never reported a status (created today)" in portfolio
    assert "TNS-SCAMS silent" not in portfolio
    assert "*TNS-SCAMS* Scam ads enforcement (never reported)" in portfolio  # in the thread, not `first report`
    listed = say(pulse, MONDAY, "/program", "list")
    assert "never reported" in listed and "7+ days" not in listed
    team = say(pulse, MONDAY, "/digest", "preview TNS-SCAMS")
    assert "Never reported a status (created today)" in team and "no update for" not in team


def test_a_superseded_decision_is_shown_once_under_its_successor(pulse: PulseHarness) -> None:
    with seeding(pulse.database, MONDAY - 30 * DAY) as session:
        seed_programs(session)
    say(pulse, MONDAY - DAY, "/decision", f"log {APPEALS} Use vendor A", user=PRIYA)
    say(pulse, MONDAY - DAY, "/decision", f"log {APPEALS} Use vendor B", user=PRIYA)
    say(pulse, MONDAY - DAY, "/decision", "supersede D-1 D-2", user=PRIYA)
    team = say(pulse, MONDAY, "/digest", f"preview {APPEALS}", user=PRIYA)
    assert "decided D-2 Use vendor B, superseding D-1" in team
    assert "1 new decision" in team and "Use vendor A" not in team
    portfolio = leadership(pulse, MONDAY)
    assert "Since Mon Feb 22: 1 decision" in portfolio and "Use vendor A" not in portfolio


def test_an_ask_by_friday_is_flagged_a_week_later_and_an_answer_is_shown_once(pulse: PulseHarness) -> None:
    with seeding(pulse.database, MONDAY - 30 * DAY) as session:
        seed_programs(session)
    say(pulse, MONDAY, "/program", f"status {APPEALS} red SLA at 52h asks:Approve overtime ask-to:Finance ask-by:fri")
    friday = "Fri Mar 5"
    assert f"*Approve overtime* → Finance by {friday} (ASK-1)\n" in leadership(pulse, MONDAY + DAY) + "\n"
    week_later = leadership(pulse, MONDAY + 7 * DAY)
    assert f"*Approve overtime* → Finance by {friday} (ASK-1) · :hourglass: overdue" in week_later
    say(pulse, MONDAY + 7 * DAY, "/ask", "answer ASK-1 Approved for 3 weeks", user=PRIYA)
    answered = leadership(pulse, MONDAY + 8 * DAY)
    assert "ASK-1 Approve overtime answered" in answered and "→ Finance" not in answered
    assert "ASK-1" not in leadership(pulse, MONDAY + 16 * DAY)  # shown once, then it drops out


def test_achievements_are_news(pulse: PulseHarness) -> None:
    with seeding(pulse.database, MONDAY - 30 * DAY) as session:
        seed_programs(session)
    say(pulse, MONDAY - 20 * DAY, "/program", f"milestone {APPEALS} Vendor signed due:2027-03-05", user=PRIYA)
    say(pulse, MONDAY - 20 * DAY, "/risk", f"add {APPEALS} Vendor cannot hire likelihood:3 impact:3", user=PRIYA)
    say(pulse, MONDAY - 20 * DAY, "/action", f"add {APPEALS} Send the SOW owner:<@{ANA}|ana> due:2027-03-05")
    say(pulse, MONDAY - DAY, "/program", "milestone-done M-1", user=PRIYA)
    say(pulse, MONDAY - DAY, "/risk", "close R-1 Vendor hired 50 reviewers", user=PRIYA)
    say(pulse, MONDAY - DAY, "/action", "done A-1", user=ANA)
    portfolio = leadership(pulse, MONDAY)
    assert (
        f":white_check_mark: *Achieved:* M-1 Vendor signed done ({APPEALS}) · R-1 Vendor cannot hire closed"
        in portfolio
    )
    team = say(pulse, MONDAY, "/digest", f"preview {APPEALS}", user=PRIYA)
    assert "*What changed:* M-1 Vendor signed done · R-1 Vendor cannot hire closed · A-1 done" in team


def test_a_preview_for_a_person_says_it_includes_restricted_work_and_names_people(pulse: PulseHarness) -> None:
    with seeding(pulse.database, MONDAY - 30 * DAY) as session:
        seed_programs(session)
    ana_sees = say(pulse, MONDAY, "/digest", "preview", user=ANA)  # a member of the restricted TNS-HASH
    assert ana_sees.startswith("Portfolio pulse · Mon 2027-03-01\n:lock: This preview includes restricted programs")
    assert f"*{HASH}* :lock:" in ana_sees
    stranger_sees = say(pulse, MONDAY, "/digest", "preview", user=STRANGER)
    assert HASH not in stranger_sees and ":lock:" not in stranger_sees
    directory = Directory(pulse.database, make_web_client(TOKEN, pulse.stub.api_url), pulse.settings.tz)
    with at(MONDAY):
        terminal = digest_text(
            pulse.database,
            team_id=TEAM,
            key=None,
            channel_id=None,
            now=MONDAY,
            today=MONDAY.date(),
            tz=pulse.settings.tz,
            directory=directory,
        )
    assert terminal.startswith("PORTFOLIO PULSE · MON 2027-03-01")
    assert "[restricted] This preview includes restricted programs" in terminal and f"{HASH} [restricted]" in terminal
    assert "@Kai" in terminal and "U0KAI" not in terminal  # people as Slack names them, not raw IDs


def test_sending_a_digest_elsewhere_is_for_admins_and_owners_once_per_cool_down(pulse: PulseHarness) -> None:
    with seeding(pulse.database, MONDAY - 30 * DAY) as session:
        seed_programs(session)
    leads = channel_link(LEADS)
    with nothing_written(pulse.database):
        stranger = say(pulse, MONDAY, "/digest", f"send to:{leads}", user=STRANGER)
        not_owner = say(pulse, MONDAY, "/digest", f"send {APPEALS} to:{leads}", user=ANA)
    assert stranger.startswith(
        f":warning: Anyone may post a digest in the channel they are in; posting it to <#{LEADS}>"
    )
    assert f"is for Pulse admins and the owner of {APPEALS}" in not_owner
    with at(MONDAY):
        here = pulse.command("/digest", "send", user=STRANGER, channel=CLASSIFY_CHANNEL).text
    assert here.startswith(f"The portfolio digest is on its way to <#{CLASSIFY_CHANNEL}>")  # their own channel
    assert say(pulse, MONDAY, "/digest", f"send {APPEALS} to:{leads}", user=PRIYA).startswith(
        f"The {APPEALS} digest is on its way to <#{LEADS}>"
    )
    assert say(pulse, MONDAY, "/digest", f"send to:{leads}").startswith("The portfolio digest is on its way")
    again = say(pulse, MONDAY + dt.timedelta(minutes=20), "/digest", f"send to:{leads}")
    assert again == (
        f":warning: This digest went to <#{LEADS}> at 10:00 UTC (sent by <@{ADMIN}>); it can go there again from "
        "11:00 UTC."
    )
    assert say(pulse, MONDAY + dt.timedelta(minutes=61), "/digest", f"send to:{leads}").startswith("The portfolio")
    summaries = [m for m in posted(pulse.stub) if m.to == LEADS and m.thread_ts is None]
    assert len(summaries) == 3  # APPEALS once, the portfolio twice an hour apart
    assert APPEALS_CHANNEL not in {m.to for m in summaries}


def seed_restricted(session: Session) -> None:
    """A restricted program whose key is close to a public one."""
    programs.create(
        session, Actor(TEAM, ADMIN, is_admin=True), key="TNS-APPEALZ", name="Hidden", owner_id=KAI, restricted=True
    )


def test_restricted_work_is_absent_from_a_channels_digest_text_and_counts(pulse: PulseHarness) -> None:
    with seeding(pulse.database, MONDAY - 30 * DAY) as session:
        seed_programs(session)
        seed_restricted(session)
    say(pulse, MONDAY - DAY, "/program", f"status {HASH} red Vendor breach asks:Legal sign-off ask-to:Legal", user=KAI)
    say(pulse, MONDAY - DAY, "/risk", f"add {HASH} Data leak likelihood:5 impact:5", user=KAI)
    say(pulse, MONDAY - DAY, "/decision", f"log {HASH} Pause the vendor", user=KAI)
    say(pulse, MONDAY, "/digest", f"send to:{channel_link(LEADS)}")
    (summary,) = [m for m in posted(pulse.stub) if m.to == LEADS and m.thread_ts is None]
    thread = [m.text for m in posted(pulse.stub) if m.thread_ts == summary.ts]
    everything = summary.text + "\n".join(thread)
    assert HASH not in everything and "APPEALZ" not in everything and "Legal sign-off" not in everything
    assert "*2 programs: 0 red · 0 amber · 2 green*" in summary.text  # not 3, not 1 red
    assert "0 decisions" in summary.text and "0 new critical risks" in summary.text
    assert ":lock:" not in everything
    assert CLASSIFY in summary.text or CLASSIFY in everything
