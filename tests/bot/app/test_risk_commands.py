"""/risk over HTTP: add, list, show, update, close; usage, errors and channel posts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.canvases import CANVAS_KIND
from store.db import Database
from store.models import AuditEvent, OutboxMessage, OutboxStatus, Risk, RiskResponse, RiskStatus
from tests.support.app import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    OWNER,
    STRANGER,
    add_risk,
    channel_link,
    create_program,
    fetch,
    fetch_all,
    first_line,
    listed_ids,
    mention,
    nothing_written,
    ok,
    posts_to,
    refused,
)
from tests.support.harness import PulseHarness

WITH_CHANNEL = f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}"
SUBCOMMANDS = ["add", "close", "list", "show", "update"]


def test_added_risk_reports_score_and_band_first_and_is_stored(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    answer = pulse.command(
        "/risk",
        f"add {APPEALS} Vendor cannot hire in time likelihood:4 impact:5 owner:{mention(ANA)} review:2030-01-15 "
        'mitigation:"add a second vendor" response:transfer category:staffing trigger:"hiring below 50%"',
    )
    assert first_line(ok(answer)) == "R-1 added to TNS-APPEALS: score 20 (critical)"
    assert (
        ":rotating_light: critical *Vendor cannot hire in time* · 4 likelihood x 5 impact · owner <@U0ANA> · "
        "transfer · review Tue 2030-01-15"
    ) in answer.text
    risk = fetch(database, Risk, number=1)
    assert (risk.title, risk.likelihood, risk.impact, risk.score) == ("Vendor cannot hire in time", 4, 5, 20)
    assert (risk.owner_id, risk.review_date, risk.response) == (ANA, dt.date(2030, 1, 15), RiskResponse.TRANSFER)
    assert (risk.mitigation, risk.category, risk.trigger) == ("add a second vendor", "staffing", "hiring below 50%")
    assert (risk.status, risk.created_by) == (RiskStatus.OPEN, OWNER)
    event = fetch(database, AuditEvent, entity_ref="R-1")
    assert (event.action, event.actor_id, event.entity_type) == ("create", OWNER, "risk")


def test_risk_defaults_and_review_hint(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    answer = ok(pulse.command("/risk", f"add {APPEALS} Budget cut likelihood:1 impact:3", user=STRANGER))
    assert first_line(answer) == "R-1 added to TNS-APPEALS: score 3 (low)"
    assert "No review date: set one with `/risk update R-1 review:+2w`." in answer.text
    risk = fetch(database, Risk, number=1)
    assert (risk.owner_id, risk.response, risk.review_date, risk.created_by) == (
        STRANGER,
        RiskResponse.MITIGATE,
        None,
        STRANGER,
    )


def test_score_bands_and_which_risks_reach_the_channel(
    pulse: PulseHarness, database: Database, subtests: pytest.Subtests
) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    bands = [(1, 4, "low"), (1, 5, "medium"), (3, 3, "medium"), (2, 5, "high"), (4, 4, "high"), (4, 5, "critical")]
    for number, (likelihood, impact, band) in enumerate(bands, start=1):
        with subtests.test(f"{likelihood}x{impact}"):
            before = len(posts_to(pulse.stub, APPEALS_CHANNEL))
            answer = pulse.command("/risk", f"add {APPEALS} Risk {number} likelihood:{likelihood} impact:{impact}")
            assert first_line(ok(answer)) == f"R-{number} added to TNS-APPEALS: score {likelihood * impact} ({band})"
            posts = posts_to(pulse.stub, APPEALS_CHANNEL)[before:]
            if band in {"high", "critical"}:
                assert len(posts) == 1, posts
                assert f"{band.upper()} risk R-{number}* on *TNS-APPEALS*: Risk {number}" in posts[0]
                assert (
                    "Posted to <#C0APPEALS>." in answer.text
                    or "Escalation alert posted to <#C0APPEALS>." in answer.text
                )
            else:
                assert posts == []
                assert "Posted to" not in answer.text
    assert [r.score for r in fetch_all(database, Risk)] == [4, 5, 9, 10, 16, 20]


def test_risk_of_a_program_without_channel_posts_nothing(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    ok(pulse.command("/risk", f"add {APPEALS} Vendor gone likelihood:5 impact:5"))
    assert pulse.stub.payloads("chat.postMessage") == []
    assert fetch_all(database, OutboxMessage) == []


def test_post_failing_with_not_in_channel_still_records_the_risk(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    pulse.stub.fail("chat.postMessage", error="not_in_channel")
    answer = ok(pulse.command("/risk", f"add {APPEALS} Vendor cannot hire likelihood:4 impact:3"))
    assert first_line(answer) == "R-1 added to TNS-APPEALS: score 12 (high)"
    assert ":warning: Couldn't post to <#C0APPEALS>: invite Pulse there with `/invite @Pulse`." in answer.text
    assert fetch(database, Risk, number=1).score == 12
    posts = [m for m in fetch_all(database, OutboxMessage) if m.kind != CANVAS_KIND]  # the canvas sync waits
    assert [m.status for m in posts] == [OutboxStatus.FAILED]


def test_reply_does_not_claim_a_post_that_failed(pulse: PulseHarness) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    pulse.stub.fail("chat.postMessage", error="not_in_channel")
    answer = ok(pulse.command("/risk", f"add {APPEALS} Vendor cannot hire likelihood:4 impact:3"))
    assert "Couldn't post to <#C0APPEALS>" in answer.text
    assert "Posted to <#C0APPEALS>" not in answer.text


def test_risk_list_is_sorted_by_score_and_says_how_many_more(pulse: PulseHarness) -> None:
    create_program(pulse)
    scales = [(1, 1), (5, 5), (2, 3), (4, 4), (1, 2), (3, 3), (5, 4), (2, 2), (3, 4), (1, 5)]
    scales += [(4, 2), (2, 5), (3, 1), (5, 3), (2, 1), (4, 3), (3, 2)]
    for number, (likelihood, impact) in enumerate(scales, start=1):
        add_risk(pulse, f"Risk {number}", likelihood, impact)
    listed = ok(pulse.command("/risk", "list"))
    assert first_line(listed) == "*17 risks*, highest score first"
    expected = sorted(range(1, 18), key=lambda n: (-scales[n - 1][0] * scales[n - 1][1], n))
    assert listed_ids(listed, "R") == [f"R-{n}" for n in expected[:15]]
    assert ":rotating_light: critical *R-2* 25 (5x5) TNS-APPEALS · Risk 2 · <@U0OWNER>" in listed.text
    assert "…and 2 more. Narrow with a KEY, `band:` or `owner:`." in listed.text


def test_risk_list_filters(pulse: PulseHarness) -> None:
    create_program(pulse)
    create_program(pulse, "TNS-OPS", "Ops")
    add_risk(pulse, "Critical one", 5, 5)
    add_risk(pulse, "Ana's high one", 4, 3, fields=f"owner:{mention(ANA)}")
    add_risk(pulse, "Ops low one", 1, 1, key="TNS-OPS")
    ok(pulse.command("/risk", "close R-1 Handled"))

    assert listed_ids(ok(pulse.command("/risk", "list")), "R") == ["R-2", "R-3"]
    assert listed_ids(ok(pulse.command("/risk", "list all")), "R") == ["R-1", "R-2", "R-3"]
    assert "· closed" in ok(pulse.command("/risk", "list all")).text
    assert listed_ids(ok(pulse.command("/risk", "list tns-ops")), "R") == ["R-3"]
    assert listed_ids(ok(pulse.command("/risk", "list band:high")), "R") == ["R-2"]
    assert listed_ids(ok(pulse.command("/risk", "list owner:me", user=ANA)), "R") == ["R-2"]
    assert listed_ids(ok(pulse.command("/risk", f"list {APPEALS} all band:critical")), "R") == ["R-1"]
    assert ok(pulse.command("/risk", "list band:medium")).text == "No risks match."


def test_empty_risk_list(pulse: PulseHarness) -> None:
    create_program(pulse)
    assert ok(pulse.command("/risk", "list")).text == "No open risks."


def test_risk_show(pulse: PulseHarness) -> None:
    create_program(pulse)
    add_risk(
        pulse, "Vendor cannot hire", 4, 5, fields=f'owner:{mention(ANA)} mitigation:"second vendor" category:staff'
    )
    shown = ok(pulse.command("/risk", "show r-1"))
    assert first_line(shown) == "R-1: Vendor cannot hire"
    assert (
        ":rotating_light: critical · score *20* (4 likelihood x 5 impact) · *open* · program *TNS-APPEALS*"
        in shown.text
    )
    assert "Owner <@U0ANA> · response mitigate · category staff · review no date" in shown.text
    assert "*Mitigation:* second vendor" in shown.text
    assert "by <@U0OWNER>" in shown.text


def test_risk_update_rescores_and_is_audited(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_risk(pulse, "Vendor cannot hire", 4, 5, fields=f"owner:{mention(ANA)}")
    answer = ok(pulse.command("/risk", "update R-1 impact:3 status:mitigating review:2030-02-01", user=ANA))
    assert first_line(answer) == (
        "R-1 updated (TNS-APPEALS): score 12 (high), was 20 (critical) · mitigating · owner <@U0ANA> · "
        "review Fri 2030-02-01"
    )
    risk = fetch(database, Risk, number=1)
    assert (risk.impact, risk.score, risk.status, risk.review_date) == (
        3,
        12,
        RiskStatus.MITIGATING,
        dt.date(2030, 2, 1),
    )
    update = fetch(database, AuditEvent, entity_ref="R-1", action="update")
    assert update.actor_id == ANA
    assert update.before is not None and update.after is not None
    assert (update.before["impact"], update.after["impact"]) == (5, 3)

    ok(pulse.command("/risk", f'update R-1 owner:{mention(OWNER)} mitigation:"hire locally" response:avoid'))
    risk = fetch(database, Risk, number=1)
    assert (risk.owner_id, risk.mitigation, risk.response) == (OWNER, "hire locally", RiskResponse.AVOID)


def test_risk_rising_to_high_is_posted_but_falling_is_not(pulse: PulseHarness) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    add_risk(pulse, "Vendor slow", 2, 2)
    assert posts_to(pulse.stub, APPEALS_CHANNEL) == []
    ok(pulse.command("/risk", "update R-1 likelihood:4 impact:3"))
    [post] = posts_to(pulse.stub, APPEALS_CHANNEL)
    assert "HIGH risk R-1* on *TNS-APPEALS*: Vendor slow" in post and "Score 12" in post
    ok(pulse.command("/risk", "update R-1 impact:1"))
    assert len(posts_to(pulse.stub, APPEALS_CHANNEL)) == 1


def test_risk_close_keeps_it_on_record(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    add_risk(pulse)
    answer = ok(pulse.command("/risk", "close R-1 Second vendor signed and staffed"))
    assert first_line(answer) == "R-1 closed (TNS-APPEALS): Second vendor signed and staffed"
    assert "`/risk show R-1`, `/risk list TNS-APPEALS all`" in answer.text
    risk = fetch(database, Risk, number=1)
    assert (risk.status, risk.close_reason) == (RiskStatus.CLOSED, "Second vendor signed and staffed")
    assert risk.closed_at is not None
    assert "*Closed*" in ok(pulse.command("/risk", "show R-1")).text


@pytest.mark.parametrize("text", ["", "help", "?"])
def test_bare_risk_and_help_show_usage_with_examples(pulse: PulseHarness, database: Database, text: str) -> None:
    with nothing_written(database):
        answer = ok(pulse.command("/risk", text))
    assert answer.via == "ack"  # answered at once, without the database
    assert first_line(answer) == "*/risk*: the risk register: 5x5 likelihood x impact, owners, reviews"
    for sub in SUBCOMMANDS:
        assert f"`/risk {sub} " in answer.text
    assert "`/risk add KEY Title... likelihood:1-5 impact:1-5 [owner:@u] [review:DATE]" in answer.text
    assert "e.g. `/risk add TNS-APPEALS Vendor cannot hire in time likelihood:4 impact:5" in answer.text
    assert "e.g. `/risk close R-1 Second vendor signed and staffed`" in answer.text


def test_unknown_subcommand_shows_usage_with_a_note(pulse: PulseHarness, database: Database) -> None:
    with nothing_written(database):
        answer = refused(pulse.command("/risk", "remove R-1"))
    assert first_line(answer) == ":warning: `remove` is not something `/risk` does: here is what it does."
    assert "`/risk add KEY Title..." in answer.text


def test_subcommand_may_be_followed_by_any_whitespace(pulse: PulseHarness) -> None:
    create_program(pulse)
    add_risk(pulse, "Vendor slow")
    assert first_line(ok(pulse.command("/risk", "show\tR-1"))) == "R-1: Vendor slow"
    assert listed_ids(ok(pulse.command("/risk", "list\u00a0all")), "R") == ["R-1"]


RISK_ERRORS = [
    ("add TNS-APPEALS Vendor likelihood:2 impact:2 mitgation:x", "`mitgation:` is not a field here. Did you mean"),
    ("add TNS-APPEALS Vendor likelihood:6 impact:2", "`6` is not on the 1-5 scale: give a whole number from 1 to 5."),
    ("add TNS-APPEALS Vendor likelihood:0 impact:2", "`0` is not on the 1-5 scale"),
    ("add TNS-APPEALS Vendor likelihood:high impact:2", "`high` is not on the 1-5 scale"),
    ("add TNS-APPEALS Vendor likelihood:2.5 impact:2", "`2.5` is not on the 1-5 scale"),
    ("add TNS-APPEALS Vendor likelihood:2 impact:9", "`9` is not on the 1-5 scale"),
    ("add TNS-APPEALS Vendor impact:2", "`likelihood:` is required."),
    ("add TNS-APPEALS Vendor likelihood:2", "`impact:` is required."),
    ("add TNS-APPEALS Vendor likelihood:2 likelihood:3 impact:2", "`likelihood:` is given twice"),
    ("add TNS-APPEALS Vendor likelihood:2 impact:2 review:2030-13-01", "`2030-13-01` is not a date: write it like"),
    ("add TNS-APPEALS Vendor likelihood:2 impact:2 review:someday", "`someday` is not a date"),
    (
        "add TNS-APPEALS Vendor likelihood:2 impact:2 response:ignore",
        "`ignore` is not a response Pulse knows: use one of `avoid`, `mitigate`, `transfer`",
    ),
    ("add TNS-APPEALS Vendor likelihood:2 impact:2 owner:ana", "`ana` is not a person"),
    ('add TNS-APPEALS Vendor likelihood:2 impact:2 mitigation:"add a vendor', "A quote is not closed"),
    ('add TNS-APPEALS "Vendor cannot hire likelihood:2 impact:2', "A quote is not closed"),
    ("add TNS-NOPE Vendor likelihood:2 impact:2", "TNS-NOPE not found."),
    (f"add TNS-APPEALS {'x' * 301} likelihood:2 impact:2", "The title is too long: 301 characters; keep it to 300."),
    ("show R-99", "R-99 not found."),
    ("show D-1", "`D-1` is not an ID like R-12."),
    ("show", "Which risk? e.g. `/risk show R-12`."),
    ("update R-99 impact:2", "R-99 not found."),
    ("update R-1 impact:0", "`0` is not on the 1-5 scale"),
    ("update R-1 status:closed", "Close a risk with `/risk close R-1 Reason...` so the reason is recorded."),
    ("update R-1 status:gone", "`gone` is not a status Pulse knows: use one of `open`, `mitigating`, `accepted`"),
    ("update R-1 impcat:2", "`impcat:` is not a field here. Did you mean `impact:`?"),
    ("update R-2 impact:3", "R-2 is closed; reopen it first with `/risk reopen R-2`."),
    ("close R-1", "Say why the risk is closed, e.g. `/risk close R-1 Second vendor signed`."),
    ("close R-2 Again", "R-2 is already closed."),
    ("close R-99 Gone", "R-99 not found."),
    ("list TNS-NOPE", "TNS-NOPE not found."),
    ("list band:severe", "`severe` is not a band Pulse knows: use one of `low`, `medium`, `high`, `critical`."),
    ("list band:critcal", "`critcal` is not a band Pulse knows. Did you mean `critical`?"),
    ("show R1", "`R1` is not an ID. Did you mean `R-1`? IDs have a dash, like `R-12`."),
]


def test_risk_errors_are_ephemeral_and_write_nothing(
    pulse: PulseHarness, database: Database, subtests: pytest.Subtests
) -> None:
    create_program(pulse, fields=WITH_CHANNEL)
    add_risk(pulse, "Vendor slow", 2, 2)
    add_risk(pulse, "Old risk", 2, 2)
    ok(pulse.command("/risk", "close R-2 Done"))
    posts = pulse.stub.call_count("chat.postMessage")
    for text, says in RISK_ERRORS:
        with subtests.test(text), nothing_written(database):
            answer = refused(pulse.command("/risk", text))
            assert says in answer.text
    assert pulse.stub.call_count("chat.postMessage") == posts


def test_grammar_errors_come_with_the_correct_form(pulse: PulseHarness) -> None:
    answer = refused(pulse.command("/risk", "add TNS-APPEALS Vendor likelihood:9 impact:2"))
    assert answer.via == "ack"  # a grammar error needs no database
    assert answer.text == (
        ":warning: `9` is not on the 1-5 scale: give a whole number from 1 to 5.\n"
        'Usage: `/risk add KEY Title... likelihood:1-5 impact:1-5 [owner:@u] [review:DATE] [mitigation:"..."] '
        '[response:avoid|mitigate|transfer|accept] [category:...] [trigger:"..."]`'
    )


def test_text_up_to_its_column_limit_is_kept_and_longer_is_refused(
    pulse: PulseHarness, database: Database, subtests: pytest.Subtests
) -> None:
    create_program(pulse)
    for label, text, says in [
        ("title", "add TNS-APPEALS {} likelihood:1 impact:1", "The title is too long: {n} characters; keep it to 300."),
        ("category", "add TNS-APPEALS Vendor likelihood:1 impact:1 category:{}", "`category:` is too long"),
        ("mitigation", 'add TNS-APPEALS Vendor likelihood:1 impact:1 mitigation:"{}"', "`mitigation:` is too long"),
        ("reason", "close R-1 {}", "The reason is too long: {n} characters; keep it to 2000."),
    ]:
        limit = {"title": 300, "category": 80, "mitigation": 2000, "reason": 2000}[label]
        with subtests.test(f"{label} of {limit + 1}"), nothing_written(database):
            answer = refused(pulse.command("/risk", text.format("x" * (limit + 1))))
            assert says.format(n=limit + 1) in answer.text
        with subtests.test(f"{label} of {limit}"):
            ok(pulse.command("/risk", text.format("x" * limit)))
    assert fetch(database, Risk, number=1).title == "x" * 300
    assert fetch(database, Risk, number=1).close_reason == "x" * 2000


def test_a_nul_character_in_the_text_is_dropped(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse)
    ok(pulse.command("/risk", f"add {APPEALS} Vendor\x00 slow likelihood:1 impact:1 category:staff\x00ing"))
    risk = fetch(database, Risk, number=1)
    assert (risk.title, risk.category) == ("Vendor slow", "staffing")


def test_reply_claims_no_alert_post_when_there_is_nowhere_to_post(pulse: PulseHarness) -> None:
    create_program(pulse)  # no channel, and the harness sets no escalation channel
    answer = ok(pulse.command("/risk", f"add {APPEALS} Vendor gone likelihood:5 impact:5"))
    assert pulse.stub.payloads("chat.postMessage") == []
    assert "went to" not in answer.text and "Posted to" not in answer.text
