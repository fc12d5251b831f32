"""/program status by dimension over HTTP: the overall rating (given, else the worst), what drives it in the
reply, the channel post and the digests, a path to green and a confidence."""

from __future__ import annotations

import pytest

from store.db import Database
from store.models import AuditEvent, Rag, StatusUpdate
from tests.bot.app.test_forms import inputs, opened, pick, submit
from tests.support.app import (
    ADMIN,
    APPEALS,
    APPEALS_CHANNEL,
    STRANGER,
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
from tests.support.harness import PulseHarness


@pytest.fixture
def program(pulse: PulseHarness) -> PulseHarness:
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    return pulse


def test_the_worst_dimension_is_the_status_when_none_is_given(program: PulseHarness, database: Database) -> None:
    answer = ok(
        program.command(
            "/program",
            f'status {APPEALS} Vendor ramp slipped schedule:red budget:green people:amber path:"second vendor by '
            'Jan 15" confidence:medium',
        )
    )
    assert first_line(answer).startswith(":red_circle: RED recorded for *TNS-APPEALS*")
    assert (
        "Schedule :red_circle: RED · Budget :large_green_circle: GREEN · People :large_orange_circle: AMBER "
        "(driven by schedule)" in answer.text
    )
    assert "*Path to green:* second vendor by Jan 15" in answer.text
    update = fetch(database, StatusUpdate)
    assert (update.rag, update.schedule, update.budget, update.scope, update.people, update.summary) == (
        Rag.RED,
        Rag.RED,
        Rag.GREEN,
        None,
        Rag.AMBER,
        "Vendor ramp slipped",
    )
    assert update.confidence is not None and update.confidence.value == "medium"
    (audited,) = [e.after for e in fetch_all(database, AuditEvent) if e.action == "status"]
    assert audited is not None and (audited["schedule"], audited["path_to_green"]) == ("red", "second vendor by Jan 15")
    assert any("(driven by schedule)" in text for text in posts_to(program.stub, APPEALS_CHANNEL))
    digest = ok(program.command("/digest", f"preview {APPEALS}"))
    assert "(driven by schedule)" in digest.text
    portfolio = ok(program.command("/digest", "preview", user=ADMIN))
    needs_you = portfolio.text.split("*Needs you*")[1]
    assert ":dart: Driven by schedule · path to green: second vendor by Jan 15 · confidence medium" in needs_you


def test_an_overall_status_given_is_kept(program: PulseHarness, database: Database) -> None:
    ok(program.command("/program", f"status {APPEALS} amber Holding up schedule:red scope:red budget:amber"))
    update = fetch(database, StatusUpdate)
    assert (update.rag, update.summary) == (Rag.AMBER, "Holding up")
    digest = ok(program.command("/digest", f"preview {APPEALS}"))
    assert ":large_orange_circle: AMBER" in digest.text and "(driven by schedule and scope)" in digest.text


def test_a_plain_report_is_as_before(program: PulseHarness, database: Database) -> None:
    answer = ok(program.command("/program", f"status {APPEALS} green All on track"))
    assert "driven by" not in answer.text and "Path to green" not in answer.text
    assert fetch(database, StatusUpdate).schedule is None


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        (f"status {APPEALS} ambr Slipped schedule:red", "Did you mean `amber`?"),
        (f"status {APPEALS} schedule:rde Slipped", "Did you mean `red`?"),
        (f"status {APPEALS} amber Slipped confidence:sure", "`sure` is not a confidence Pulse knows"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_is_written(
    program: PulseHarness, database: Database, text: str, wording: str
) -> None:
    with nothing_written(database):
        answer = refused(program.command("/program", text))
    assert wording in answer.text


@pytest.mark.parametrize("text", [f"status {APPEALS}", f"status {APPEALS} schedule:red"])
def test_a_status_without_its_summary_opens_its_form(program: PulseHarness, database: Database, text: str) -> None:
    with nothing_written(database):
        answer = program.command("/program", text, wait=False)
    assert (answer.status, answer.body) == (200, {})
    assert program.stub.payloads("views.open")[-1]["view"]["callback_id"] == "program_status_modal"


def test_only_the_owner_or_an_admin_rate_dimensions(program: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        refused(program.command("/program", f"status {APPEALS} Slipped schedule:red", user=STRANGER))
    ok(program.command("/program", f"status {APPEALS} Slipped schedule:red", user=ADMIN))


def test_the_status_form_rates_dimensions_and_shows_the_last_ratings(program: PulseHarness, database: Database) -> None:
    ok(program.command("/program", f'status {APPEALS} Vendor late schedule:amber path:"second vendor" confidence:low'))
    view = opened(program, "/program", f"status {APPEALS}")
    fields = inputs(view)
    assert fields["schedule"]["initial_option"]["value"] == "amber" and "initial_option" not in fields["budget"]
    assert fields["path"]["initial_value"] == "second vendor"
    assert fields["confidence"]["initial_option"]["value"] == "low"
    values = {
        "program": pick(APPEALS),
        "status": {"type": "static_select", "selected_option": None},
        "summary": "Vendor later still",
        "schedule": pick("red"),
        "people": pick("amber"),
        "path": "second vendor by Jan 15",
        "confidence": pick("medium"),
    }
    assert submit(program, view, values).body == {}
    latest = fetch_all(database, StatusUpdate)[-1]
    assert (latest.rag, latest.schedule, latest.people, latest.budget) == (Rag.RED, Rag.RED, Rag.AMBER, None)
    assert (latest.path_to_green, latest.confidence and latest.confidence.value) == (
        "second vendor by Jan 15",
        "medium",
    )
    assert "(driven by schedule)" in ok(program.command("/digest", f"preview {APPEALS}")).text
