"""Shortcuts: on a message, open the matching form filled from the message (mentions become the owner or the
decider), then add the message's permalink as the item's source; the global shortcut opens "New program"."""

from __future__ import annotations

import json
from typing import Any

from bot.ids import CallbackId, ShortcutId
from store.db import Database
from store.models import AuditEvent, Decision, Program, Risk, StatusUpdate
from tests.bot.app.test_forms import inputs, pick, submit
from tests.support.app import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    GENERAL,
    MEMBER,
    STRANGER,
    channel_link,
    create_program,
    fetch,
    ok,
)
from tests.support.harness import PulseHarness

MESSAGE = (
    "Vendor B cannot staff the night shift &amp; <@U0ANA> owns the fallback\nDetails in <https://x.test/doc|the doc>"
)
TS = "1700000000.000200"
PERMALINK = f"https://pulse-stub.slack.com/archives/{APPEALS_CHANNEL}/p{TS.replace('.', '')}"


def program_with_channel(pulse: PulseHarness) -> None:
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")


def use(
    pulse: PulseHarness, shortcut: ShortcutId, *, user: str = "U0OWNER", channel: str = APPEALS_CHANNEL
) -> dict[str, Any]:
    """Use `shortcut` on MESSAGE in `channel` (the program's); the view after its source was added."""
    assert pulse.shortcut(shortcut.value, message=MESSAGE, channel=channel, message_ts=TS, user=user) == 200
    (updated,) = pulse.stub.wait_for("views.update")
    (opened,) = pulse.stub.payloads("views.open")
    assert updated.payload["view_id"] and updated.payload["hash"]
    view: dict[str, Any] = updated.payload["view"]
    assert inputs(view) == inputs(opened["view"])  # the update only adds the source
    return view


def test_add_as_risk_fills_the_form_from_the_message_and_keeps_its_permalink(
    pulse: PulseHarness, database: Database
) -> None:
    program_with_channel(pulse)
    view = use(pulse, ShortcutId.ADD_RISK)
    assert view["callback_id"] == CallbackId.RISK_ADD
    fields = inputs(view)
    assert fields["program"]["initial_option"]["value"] == APPEALS  # the channel's program
    assert fields["title"]["initial_value"] == "Vendor B cannot staff the night shift & @U0ANA owns the fallback"
    assert fields["owner"]["initial_user"] == ANA
    assert json.loads(view["private_metadata"])["source"] == PERMALINK
    assert PERMALINK in json.dumps(view["blocks"][-1])
    values = {"program": pick(APPEALS), "title": "Night shift staffing", "likelihood": pick("3"), "impact": pick("4")}
    assert submit(pulse, view, values | {"owner": {"selected_user": ANA}}).body == {}
    risk = fetch(database, Risk, number=1)
    assert (risk.title, risk.owner_id, risk.source_permalink) == ("Night shift staffing", ANA, PERMALINK)
    assert fetch(database, AuditEvent, entity_ref="R-1").after["source_permalink"] == PERMALINK  # type: ignore[index]
    assert f"<{PERMALINK}|a message>" in ok(pulse.command("/risk", "show R-1")).text


def test_log_as_decision_names_the_mentioned_person_as_decider(pulse: PulseHarness, database: Database) -> None:
    program_with_channel(pulse)
    view = use(pulse, ShortcutId.LOG_DECISION)
    fields = inputs(view)
    assert fields["decider"]["initial_user"] == ANA
    assert fields["context"]["initial_value"].endswith("Details in the doc")
    submitted = {
        "program": pick(APPEALS),
        "title": fields["title"]["initial_value"],
        "decider": {"selected_user": ANA},
        "context": fields["context"]["initial_value"],
    }
    assert submit(pulse, view, submitted).body == {}
    decision = fetch(database, Decision, number=1)
    assert (decision.decider_id, decision.source_permalink) == (ANA, PERMALINK)
    assert f"<{PERMALINK}|a message>" in ok(pulse.command("/decision", "show D-1")).text


def test_record_status_takes_the_message_as_summary(pulse: PulseHarness, database: Database) -> None:
    program_with_channel(pulse)
    view = use(pulse, ShortcutId.RECORD_STATUS)
    summary = inputs(view)["summary"]["initial_value"]
    assert summary.startswith("Vendor B cannot staff")
    assert submit(pulse, view, {"program": pick(APPEALS), "status": pick("amber"), "summary": summary}).body == {}
    assert fetch(database, StatusUpdate).source_permalink == PERMALINK
    assert f"<{PERMALINK}|a message>" in ok(pulse.command("/program", f"show {APPEALS}")).text


def test_a_restricted_program_is_not_offered_to_a_stranger(pulse: PulseHarness) -> None:
    create_program(pulse, "TNS-SECRET", "Secret work", fields=f"restricted:yes members:<@{MEMBER}>")
    create_program(pulse)
    view = use(pulse, ShortcutId.ADD_ACTION, user=STRANGER, channel=GENERAL)
    program = inputs(view)["program"]
    assert "initial_option" not in program
    assert [o["value"] for o in program["options"]] == [APPEALS]


def test_the_global_shortcut_opens_new_program(pulse: PulseHarness, database: Database) -> None:
    assert pulse.shortcut(ShortcutId.NEW_PROGRAM.value) == 200
    (opened,) = pulse.stub.wait_for("views.open")
    view = opened.payload["view"]
    assert view["callback_id"] == CallbackId.PROGRAM_NEW
    assert submit(pulse, view, {"key": "TNS-NEW", "title": "New work"}).body == {}
    assert fetch(database, Program, key="TNS-NEW").name == "New work"
    assert pulse.stub.payloads("views.update") == []
