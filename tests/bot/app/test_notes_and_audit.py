"""What a reply notes instead of accepting silently (a past review date, a red report that alerts nobody, a second
schedule for the same digest), and an audit trail people can read: schedules found, IDs, people and dates."""

from __future__ import annotations

import re

from tests.support.app import (
    ADMIN,
    APPEALS,
    APPEALS_CHANNEL,
    OWNER,
    add_risk,
    channel_link,
    create_program,
    log_decision,
    ok,
)
from tests.support.harness import PulseHarness

LEADS = channel_link("C0LEADS", "tns-leadership")
RAW_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_a_review_date_in_the_past_is_accepted_with_a_note(pulse: PulseHarness) -> None:
    create_program(pulse)
    added = ok(pulse.command("/risk", f"add {APPEALS} Vendor late likelihood:2 impact:2 review:2020-01-06"))
    assert "The review date Mon 2020-01-06 has already passed, so R-1 is due for review now" in added.text
    assert "has already passed" in ok(pulse.command("/risk", "update R-1 review:2020-01-07")).text
    assert "has already passed" not in ok(pulse.command("/risk", "update R-1 review:2099-01-07")).text


def test_a_red_report_that_alerts_nobody_says_so(pulse: PulseHarness) -> None:
    create_program(pulse)  # no channel, and this workspace has no escalation channel
    red = ok(pulse.command("/program", f"status {APPEALS} red Vendor pulled out"))
    assert f"Nobody was alerted: {APPEALS} has no channel and Pulse has no escalation channel." in red.text
    create_program(pulse, "TNS-OPS", "Ops", fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    assert "Nobody was alerted" not in ok(pulse.command("/program", "status TNS-OPS red Down")).text


def test_a_second_schedule_for_the_same_digest_and_channel_gets_a_note(pulse: PulseHarness) -> None:
    first = ok(pulse.command("/digest", f"schedule {LEADS} portfolio day:mon time:09:00", user=ADMIN))
    assert "already gets this digest" not in first.text
    second = ok(pulse.command("/digest", f"schedule {LEADS} portfolio day:mon time:09:30", user=ADMIN))
    assert "<#C0LEADS> already gets this digest from S-1 (mon at 09:00 " in second.text
    assert "remove the old one with `/digest remove S-1`" in second.text


def test_a_removed_schedule_is_found_by_the_audit(pulse: PulseHarness) -> None:
    ok(pulse.command("/digest", f"schedule {LEADS} portfolio day:mon time:09:00", user=ADMIN))
    removed = ok(pulse.command("/digest", "remove S-1", user=ADMIN))
    assert "It stays on record: `/pulse audit S-1`." in removed.text
    audit = ok(pulse.command("/pulse", "audit S-1", user=ADMIN))
    assert [line.split(" · ", 2)[2] for line in audit.text.splitlines() if " · " in line] == [
        "*remove* S-1",
        "*create* S-1",
    ]
    assert f"removed_by: \N{EN DASH} → <@{ADMIN}>" in audit.text
    assert not RAW_INSTANT.search(audit.text)


def test_audit_entries_read_ids_people_and_dates_not_rows_or_timestamps(pulse: PulseHarness) -> None:
    create_program(pulse)
    log_decision(pulse, "Use vendor A")
    log_decision(pulse, "Use vendor B", fields="consulted:<@U0ANA|ana>")
    add_risk(pulse, "Vendor cannot hire")
    ok(pulse.command("/action", f"add {APPEALS} Follow up owner:me due:2030-01-15 risk:R-1 decision:D-2"))
    ok(pulse.command("/decision", "supersede D-1 D-2"))
    superseded = ok(pulse.command("/pulse", "audit D-1")).text
    assert "superseded_by_id: \N{EN DASH} → D-2" in superseded and "status: decided → superseded" in superseded
    created = ok(pulse.command("/pulse", "audit A-1")).text
    assert "risk_id: \N{EN DASH} → R-1" in created and "decision_id: \N{EN DASH} → D-2" in created
    assert f"owner_id: \N{EN DASH} → <@{OWNER}>" in created and "due: \N{EN DASH} → Tue 2030-01-15" in created
    program = ok(pulse.command("/pulse", f"audit {APPEALS}")).text
    assert "consulted: \N{EN DASH} → <@U0ANA>" in program
    assert not RAW_INSTANT.search(superseded + created + program)
    assert "number:" not in created and "id:" not in created.replace("_id:", "")
