"""/program over HTTP: create, list, show, status, milestones, archive; their errors and channel posts."""

from __future__ import annotations

import datetime as dt

import pytest

from store.db import Database
from store.models import AuditEvent, Milestone, Program, Rag, StatusUpdate
from tests.support.app import (
    ADMIN,
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    OWNER,
    add_action,
    add_milestone,
    add_risk,
    channel_link,
    create_program,
    fetch,
    fetch_all,
    first_line,
    log_decision,
    mention,
    nothing_written,
    ok,
    posts_to,
    refused,
)
from tests.support.harness import PulseHarness


def test_new_program_is_stored_and_confirmed(pulse: PulseHarness, database: Database) -> None:
    answer = pulse.command(
        "/program",
        f"new tns-appeals Appeals SLA reduction owner:{mention(ANA)} "
        f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')} due:2027-03-31",
    )
    assert first_line(ok(answer)) == ":white_check_mark: *TNS-APPEALS* created: Appeals SLA reduction"
    assert "Owner <@U0ANA> · channel <#C0APPEALS> · target Wed 2027-03-31" in answer.text
    program = fetch(database, Program, key=APPEALS)
    assert (program.name, program.owner_id, program.channel_id) == ("Appeals SLA reduction", ANA, APPEALS_CHANNEL)
    assert (program.target_date, program.restricted, program.created_by) == (dt.date(2027, 3, 31), False, OWNER)
    assert program.archived_at is None
    event = fetch(database, AuditEvent, entity_ref=APPEALS)
    assert (event.action, event.actor_id) == ("create", OWNER)


def test_new_program_defaults_to_the_caller_as_owner(pulse: PulseHarness, database: Database) -> None:
    answer = create_program(pulse, "TNS-OPS", "Ops work", user=ANA)
    assert "Owner <@U0ANA> · channel no channel · target no date" in answer.text
    program = fetch(database, Program, key="TNS-OPS")
    assert (program.owner_id, program.channel_id, program.target_date) == (ANA, None, None)


NEW_ERRORS = [
    ("new TNS-APPEALS Again", "That key is not available: TNS-APPEALS cannot be used"),
    ("new R-5 Looks like a risk ID", "`R-5` is not a usable program key"),
    ("new TNS-X Title chanel:#x", "`chanel:` is not a field here. Did you mean `channel:`?"),
    ("new TNS-X Title due:someday", "`someday` is not a date: write it like `"),
    ("new TNS-X Title restricted:maybe", "`maybe` is not yes or no."),
    ("new TNS-X Title owner:ana", "`ana` is not a person: mention them with @"),
    ('new TNS-X "Unclosed title', 'A quote is not closed near `"Unclosed title`: put a `"` at the end of the'),
    (f"new TNS-X {'x' * 201}", "The title is too long: 201 characters; keep it to 200."),
]


def test_new_program_errors_write_nothing(pulse: PulseHarness, database: Database, subtests: pytest.Subtests) -> None:
    create_program(pulse)
    for text, says in NEW_ERRORS:
        with subtests.test(text), nothing_written(database):
            assert says in refused(pulse.command("/program", text)).text


def test_program_list_puts_red_first_and_filters(pulse: PulseHarness) -> None:
    for key, rag in [("TNS-A", "green"), ("TNS-B", None), ("TNS-C", "red"), ("TNS-D", "amber")]:
        create_program(pulse, key, f"Program {key[-1]}", user=ANA if key == "TNS-D" else OWNER)
        if rag:
            ok(pulse.command("/program", f"status {key} {rag} Weekly report", user=ADMIN))
    listed = ok(pulse.command("/program", "list"))
    assert first_line(listed) == "*4 programs*"
    order = [line.split("*")[1] for line in listed.text.splitlines()[1:]]
    assert order == ["TNS-C", "TNS-D", "TNS-B", "TNS-A"]  # red, amber, not reported, green
    assert ":red_circle: RED *TNS-C* Program C" in listed.text

    red = ok(pulse.command("/program", "list status:red"))
    assert first_line(red) == "*1 program* (filtered)" and "TNS-C" in red.text and "TNS-A" not in red.text
    mine = ok(pulse.command("/program", "list owner:me", user=ANA))
    assert first_line(mine) == "*1 program* (filtered)" and "TNS-D" in mine.text
    none = ok(pulse.command("/program", f"list owner:{mention('U0NOBODY')}"))
    assert none.text == "No programs match those filters."


def test_program_list_says_how_many_more_beyond_fifteen(pulse: PulseHarness) -> None:
    for number in range(17):
        create_program(pulse, f"TNS-P{number:02d}", f"Program {number}")
    listed = ok(pulse.command("/program", "list"))
    assert first_line(listed) == "*17 programs*"
    assert listed.text.count("*TNS-P") == 15
    assert "…and 2 more. Narrow with `status:` or `owner:`." in listed.text


def test_empty_program_list_says_how_to_start(pulse: PulseHarness) -> None:
    assert ok(pulse.command("/program", "list")).text == "No programs yet: create one with `/program new KEY Title...`."


def test_program_show_gathers_status_milestones_risks_actions_and_decisions(pulse: PulseHarness) -> None:
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    ok(pulse.command("/program", f'status {APPEALS} amber Vendor ramp slipped asks:"2 extra reviewers"'))
    add_milestone(pulse, "Vendor at full capacity", due="2030-02-01")
    add_risk(pulse, "Budget cut", 2, 2)
    add_risk(pulse, "Vendor cannot hire", 4, 5)
    add_action(pulse, "Send overtime request", due="2030-01-10")
    log_decision(pulse, "Prioritise suspension appeals")

    shown = ok(pulse.command("/program", f"show {APPEALS.lower()}"))
    text = shown.text
    assert first_line(shown) == "TNS-APPEALS: Appeals SLA reduction"
    assert ":large_orange_circle: AMBER" in text
    assert "_Vendor ramp slipped_" in text and "*Ask:* *2 extra reviewers* → nobody named, no date (ASK-1)" in text
    assert "M-1 Vendor at full capacity · due Fri 2030-02-01 · <@U0OWNER>" in text
    assert "*Top risks* (2 open)" in text
    assert text.index("R-2 Vendor cannot hire · 20 (4x5)") < text.index("R-1 Budget cut · 4 (2x2)")
    assert "A-1 Send overtime request · due Thu 2030-01-10 · <@U0ANA>" in text
    assert "D-1 Prioritise suspension appeals · decided" in text


def test_program_status_is_recorded_and_posted_to_the_program_channel(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    answer = pulse.command("/program", f"status {APPEALS} amber Vendor ramp slipped a week asks:2 extra reviewers")
    assert first_line(ok(answer)) == ":large_orange_circle: AMBER recorded for *TNS-APPEALS* (· first report)."
    assert "*New ask:* *2 extra reviewers* → nobody named, no date (ASK-1)" in answer.text
    assert "Say whom you are asking and by when" in answer.text
    assert "Posted to <#C0APPEALS>." in answer.text
    update = fetch(database, StatusUpdate)
    assert (update.rag, update.summary, update.asks, update.author_id) == (
        Rag.AMBER,
        "Vendor ramp slipped a week",
        "2 extra reviewers",
        OWNER,
    )
    [post] = posts_to(pulse.stub, APPEALS_CHANNEL)
    assert "AMBER *TNS-APPEALS* Appeals SLA reduction" in post
    assert "Vendor ramp slipped a week" in post and "*Ask:* *2 extra reviewers*" in post

    better = ok(pulse.command("/program", f"status {APPEALS} green Vendor caught up"))
    assert first_line(better) == ":large_green_circle: GREEN recorded for *TNS-APPEALS* (↑ improving)."
    assert len(fetch_all(database, StatusUpdate)) == 2
    latest = posts_to(pulse.stub, APPEALS_CHANNEL)[-1]
    assert "GREEN *TNS-APPEALS*" in latest and "Vendor caught up" in latest and "was amber" in latest


def test_red_status_reaches_the_program_channel(pulse: PulseHarness) -> None:
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    ok(pulse.command("/program", f"status {APPEALS} red Vendor pulled out"))
    [post] = posts_to(pulse.stub, APPEALS_CHANNEL)
    assert "RED *TNS-APPEALS*" in post and "Vendor pulled out" in post


def test_green_status_needs_no_summary(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    ok(pulse.command("/program", f"status {APPEALS} green"))
    assert fetch(database, StatusUpdate).rag == Rag.GREEN


def test_status_of_a_program_without_channel_posts_nothing(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    answer = ok(pulse.command("/program", f"status {APPEALS} amber Vendor slipped"))
    assert "Posted to" not in answer.text
    assert pulse.stub.payloads("chat.postMessage") == []
    assert fetch(database, StatusUpdate).rag == Rag.AMBER


STATUS_ERRORS = [
    ("status TNS-APPEALS purple Fine", "`purple` is not a status Pulse knows: use one of `green`, `amber`, `red`."),
    ("status TNS-APPEALS ambr Late", "`ambr` is not a status Pulse knows. Did you mean `amber`?"),
    ("status TNS-APPEALS amber", "amber status needs a summary that says why"),
    ("status TNS-NOPE amber Late", "TNS-NOPE not found."),
    ("status TNS-APPEALS amber Late asks:", "`asks:` has no value"),
    ("status TNS-APPEALS amber Late aks:more", "`aks:` is not a field here. Did you mean `asks:`?"),
]


def test_status_errors_write_nothing(pulse: PulseHarness, database: Database, subtests: pytest.Subtests) -> None:
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    for text, says in STATUS_ERRORS:
        with subtests.test(text), nothing_written(database):
            assert says in refused(pulse.command("/program", text)).text
    assert pulse.stub.payloads("chat.postMessage") == []


def test_milestone_is_added_and_marked_done(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    answer = pulse.command(
        "/program", f"milestone {APPEALS} Vendor at full capacity due:2030-12-16 owner:{mention(ANA)}"
    )
    assert first_line(ok(answer)) == (
        ":white_check_mark: M-1 added to *TNS-APPEALS*: Vendor at full capacity, due Mon 2030-12-16, owner <@U0ANA>."
    )
    milestone = fetch(database, Milestone, number=1)
    assert (milestone.title, milestone.due, milestone.owner_id, milestone.done_at) == (
        "Vendor at full capacity",
        dt.date(2030, 12, 16),
        ANA,
        None,
    )
    defaulted = add_milestone(pulse, "Pilot done", due="2030-06-01")
    assert fetch(database, Milestone, number=defaulted).owner_id == OWNER  # the program owner by default

    done = ok(pulse.command("/program", "milestone-done m-1"))
    assert first_line(done) == ":white_check_mark: M-1 Vendor at full capacity is done (TNS-APPEALS)."
    finished = fetch(database, Milestone, number=1)
    assert finished.done_at is not None and finished.done_by == OWNER
    assert "M-1" not in ok(pulse.command("/program", f"show {APPEALS}")).text


MILESTONE_ERRORS = [
    ("milestone TNS-APPEALS Vendor signed", "`due:` is required."),
    ("milestone TNS-APPEALS due:2030-01-01", "The milestone title is missing"),
    ("milestone TNS-APPEALS Vendor signed due:2030-02-30", "`2030-02-30` is not a date"),
    ("milestone TNS-NOPE Vendor signed due:2030-01-01", "TNS-NOPE not found."),
    ("milestone-done M-1", "M-1 is already done."),
    ("milestone-done M-99", "M-99 not found."),
    ("milestone-done A-1", "`A-1` is not an ID like M-12."),
    ("milestone-done", "Which milestone? e.g. M-3."),
]


def test_milestone_errors_write_nothing(pulse: PulseHarness, database: Database, subtests: pytest.Subtests) -> None:
    create_program(pulse)
    add_milestone(pulse)
    ok(pulse.command("/program", "milestone-done M-1"))
    for text, says in MILESTONE_ERRORS:
        with subtests.test(text), nothing_written(database):
            assert says in refused(pulse.command("/program", text)).text


def test_archive_keeps_the_program_readable_but_closed_to_new_work(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_risk(pulse)
    add_action(pulse)
    answer = ok(pulse.command("/program", f"archive {APPEALS}"))
    assert first_line(answer) == (
        "*TNS-APPEALS* is archived. It stays readable with `/program show TNS-APPEALS` and `/program list all`."
    )
    assert "It still had 1 open risk and 1 open action; they are kept as they are." in answer.text
    assert fetch(database, Program, key=APPEALS).archived_at is not None

    assert ok(pulse.command("/program", "list")).text.startswith("No programs yet")
    assert "*TNS-APPEALS* Appeals SLA reduction (archived)" in ok(pulse.command("/program", "list all")).text
    assert "· archived " in ok(pulse.command("/program", f"show {APPEALS}")).text
    with nothing_written(database):
        assert (
            "TNS-APPEALS is archived; it takes no new risks."
            in refused(pulse.command("/risk", f"add {APPEALS} Late risk likelihood:2 impact:2")).text
        )
        assert "TNS-APPEALS is already archived." in refused(pulse.command("/program", f"archive {APPEALS}")).text
        assert (
            "TNS-APPEALS is archived; status can no longer be reported."
            in refused(pulse.command("/program", f"status {APPEALS} red Too late")).text
        )
