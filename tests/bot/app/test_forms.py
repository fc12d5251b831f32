"""Forms: a command without what it needs opens a modal (signed requests to the real app, views recorded by the
stub); the submitted form runs the command's use case with the same input, errors shown on their fields."""

from __future__ import annotations

import json
from typing import Any

from bot.ids import CallbackId
from store.db import Database
from store.models import Action, AuditEvent, Program, Rag, Risk, StatusUpdate
from tests.support.app import (
    ANA,
    APPEALS,
    MEMBER,
    OWNER,
    STRANGER,
    add_action,
    add_risk,
    create_program,
    fetch,
    fetch_all,
    mention,
    nothing_written,
    ok,
)
from tests.support.harness import PulseHarness

SECRET = "TNS-SECRET"


def opened(pulse: PulseHarness, command: str, text: str, *, user: str = OWNER) -> dict[str, Any]:
    """Send `command text`; the ack is empty and the view it opened is returned."""
    before = len(pulse.stub.payloads("views.open"))
    answer = pulse.command(command, text, user=user, wait=False)
    assert (answer.status, answer.body) == (200, {}), answer.body
    views = pulse.stub.payloads("views.open")
    assert len(views) == before + 1
    assert views[-1]["trigger_id"]
    view: dict[str, Any] = views[-1]["view"]
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    assert len(view["blocks"]) <= 100 and len(view["private_metadata"]) <= 3000
    return view


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def options(element: dict[str, Any]) -> dict[str, str]:
    return {o["value"]: o["text"]["text"] for o in element["options"]}


def submit(pulse: PulseHarness, view: dict[str, Any], values: dict[str, Any], *, user: str = OWNER) -> Any:
    """Submit `view` with `values` by block (a string, a list, or an element state as Slack sends it)."""
    state = {}
    for block, value in values.items():
        if isinstance(value, dict):
            state[block] = value
        elif isinstance(value, list):
            state[block] = {"selected_users": value}
        else:
            state[block] = {"value": value}
    return pulse.submit_view(view["callback_id"], state, private_metadata=view["private_metadata"], user=user)


def pick(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def test_risk_add_opens_a_form_prefilled_from_the_command(pulse: PulseHarness) -> None:
    create_program(pulse)
    view = opened(pulse, "/risk", f"add {APPEALS} likelihood:4")
    assert view["callback_id"] == CallbackId.RISK_ADD
    fields = inputs(view)
    assert " ".join(fields) == "program title likelihood impact owner review mitigation response category trigger"
    assert fields["program"]["initial_option"]["value"] == APPEALS
    assert fields["likelihood"]["initial_option"]["value"] == "4"
    assert options(fields["likelihood"])["1"] == "1 rare" and options(fields["likelihood"])["5"] == "5 almost certain"
    assert options(fields["impact"])["5"] == "5 severe"
    assert fields["owner"]["type"] == "users_select" and fields["review"]["type"] == "datepicker"
    assert fields["mitigation"]["multiline"] is True
    assert set(options(fields["response"])) == {"avoid", "mitigate", "transfer", "accept"}
    assert "initial_option" not in fields["impact"]


def test_a_risk_from_the_form_equals_the_one_from_the_command(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_risk(pulse, "Vendor cannot hire", 4, 3, fields=f'owner:{mention(ANA)} review:2030-02-01 mitigation:"second"')
    view = opened(pulse, "/risk", f"add {APPEALS}")
    answer = submit(
        pulse,
        view,
        {
            "program": pick(APPEALS),
            "title": "Vendor cannot hire",
            "likelihood": pick("4"),
            "impact": pick("3"),
            "owner": {"type": "users_select", "selected_user": ANA},
            "review": {"type": "datepicker", "selected_date": "2030-02-01"},
            "mitigation": "second",
        },
    )
    assert (answer.status, answer.body) == (200, {})  # the form closes
    by_command, by_form = fetch(database, Risk, number=1), fetch(database, Risk, number=2)
    ignored = {"id", "number", "created_at", "updated_at"}
    assert by_form.model_dump(exclude=ignored) == by_command.model_dump(exclude=ignored)
    created = fetch(database, AuditEvent, entity_ref="R-2")
    assert (created.action, created.actor_id) == ("create", OWNER)
    (told,) = pulse.stub.wait_for("chat.postEphemeral")
    assert "R-2" in json.dumps(told.payload)


def test_form_errors_are_shown_on_their_field_and_write_nothing(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    view = opened(pulse, "/program", "new")
    with nothing_written(database):
        answer = submit(pulse, view, {"key": "bad key!", "title": "Appeals"})
    assert answer.body["response_action"] == "errors"
    assert list(answer.body["errors"]) == ["key"]
    status = opened(pulse, "/program", f"status {APPEALS}")
    with nothing_written(database):
        answer = submit(pulse, status, {"program": pick(APPEALS), "status": pick("amber")})
    assert list(answer.body["errors"]) == ["summary"]
    assert "amber status needs a summary" in answer.body["errors"]["summary"]


def test_program_new_form_creates_the_program_as_the_command_does(pulse: PulseHarness, database: Database) -> None:
    view = opened(pulse, "/program", f"new {APPEALS}")
    fields = inputs(view)
    assert fields["key"]["initial_value"] == APPEALS
    assert fields["restricted"]["type"] == "checkboxes" and fields["members"]["type"] == "multi_users_select"
    assert fields["channel"]["type"] == "conversations_select"
    answer = submit(
        pulse,
        view,
        {
            "key": APPEALS,
            "title": "Appeals SLA reduction",
            "restricted": {"type": "checkboxes", "selected_options": [{"value": "yes"}]},
            "members": [MEMBER],
            "due": {"type": "datepicker", "selected_date": "2030-03-31"},
        },
    )
    assert answer.body == {}
    program = fetch(database, Program, key=APPEALS)
    assert (program.name, program.owner_id, program.restricted, program.members) == (
        "Appeals SLA reduction",
        OWNER,
        True,
        [MEMBER],
    )
    assert fetch(database, AuditEvent, entity_type="program").action == "create"


def test_status_form_shows_the_last_status_and_records_a_new_one(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    ok(pulse.command("/program", f"status {APPEALS} amber Vendor slipped asks:Two more reviewers"))
    fields = inputs(opened(pulse, "/program", f"status {APPEALS}"))
    assert fields["status"]["initial_option"]["value"] == "amber"
    assert fields["summary"]["initial_value"] == "Vendor slipped" and fields["summary"]["multiline"] is True
    assert fields["asks"]["initial_value"] == "Two more reviewers"
    view = opened(pulse, "/program", f"status {APPEALS}")
    values = {"program": pick(APPEALS), "status": pick("green"), "summary": "Back on track"}
    assert submit(pulse, view, values).body == {}
    latest = fetch_all(database, StatusUpdate)[-1]
    assert (latest.rag, latest.summary, latest.author_id) == (Rag.GREEN, "Back on track", OWNER)


def test_update_forms_show_current_values_and_change_only_what_changed(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_action(pulse, "Draft the SOW", owner=ANA, due="2030-01-15")
    view = opened(pulse, "/action", "update A-1")
    assert json.loads(view["private_metadata"])["ref"] == "A-1"
    fields = inputs(view)
    assert fields["title"]["initial_value"] == "Draft the SOW"
    assert fields["owner"]["initial_user"] == ANA and fields["due"]["initial_date"] == "2030-01-15"
    values = {
        "title": "Draft the SOW",
        "owner": {"selected_user": ANA},
        "due": {"type": "datepicker", "selected_date": "2030-01-22"},
    }
    assert submit(pulse, view, values).body == {}
    assert str(fetch(database, Action, number=1).due) == "2030-01-22"
    assert [e.action for e in fetch_all(database, AuditEvent, entity_ref="A-1")] == ["create", "update"]


def test_a_typed_update_still_runs_as_typed(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_risk(pulse)
    ok(pulse.command("/risk", "update R-1 impact:3"))
    assert pulse.stub.payloads("views.open") == []
    assert fetch(database, Risk, number=1).impact == 3


def test_restricted_programs_are_not_offered_to_people_outside(pulse: PulseHarness) -> None:
    create_program(pulse)
    create_program(pulse, SECRET, "Secret vendor work", fields=f"restricted:yes members:{mention(MEMBER)}")
    for who, offered in [(STRANGER, {APPEALS}), (MEMBER, {APPEALS, SECRET})]:
        fields = inputs(opened(pulse, "/decision", "log", user=who))
        assert set(options(fields["program"])) == offered
    # Naming it gets the command's own answer, the same as for a program that does not exist.
    for key in (SECRET, "TNS-NOPE"):
        answer = pulse.command("/risk", f"add {key}", user=STRANGER)
        assert f"{key} not found." in answer.text
    risk_of_secret = add_risk(pulse, key=SECRET, user=MEMBER)
    assert f"R-{risk_of_secret} not found." in pulse.command("/risk", f"update R-{risk_of_secret}", user=STRANGER).text


def test_a_stranger_submitting_a_status_is_refused_on_the_form(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    view = opened(pulse, "/program", f"status {APPEALS}", user=STRANGER)
    with nothing_written(database):
        answer = submit(pulse, view, {"program": pick(APPEALS), "status": pick("green")}, user=STRANGER)
    assert answer.body["response_action"] == "errors"
    assert "program" in answer.body["errors"]
