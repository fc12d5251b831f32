"""/issue over HTTP: raised with a severity and its impact, from a risk that materialised (closed as such),
resolved; severe issues in "Needs you"; permissions and restricted programs."""

from __future__ import annotations

import pytest

from store.db import Database
from store.models import Action, AuditEvent, Issue, IssueStatus, Risk, RiskStatus
from tests.support.app import (
    ADMIN,
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

RAISE = f'raise {APPEALS} Vendor queue backlog severity:2 impact:"14k appeals past the 48h SLA"'


@pytest.fixture
def program(pulse: PulseHarness) -> PulseHarness:
    """TNS-APPEALS (reported green) with R-1, owned by Ana."""
    create_program(pulse, fields=f"channel:{channel_link(APPEALS_CHANNEL, 'tns-appeals')}")
    ok(pulse.command("/program", f"status {APPEALS} green On track"))
    add_risk(pulse, "Vendor cannot hire", 4, 4, fields=f"owner:{mention(ANA)}")
    return pulse


def test_raising_from_a_risk_closes_it_as_materialised(program: PulseHarness, database: Database) -> None:
    answer = ok(program.command("/issue", f"{RAISE} from:R-1 owner:{mention(ANA)}", user=ANA))
    assert first_line(answer) == ("I-1 raised on *TNS-APPEALS* (:fire: sev 2): Vendor queue backlog, owner <@U0ANA>.")
    assert "R-1 Vendor cannot hire is closed as materialised." in answer.text
    issue, risk = fetch(database, Issue, number=1), fetch(database, Risk, number=1)
    assert (issue.severity, issue.impact, issue.risk_id, issue.status) == (
        2,
        "14k appeals past the 48h SLA",
        risk.id,
        IssueStatus.OPEN,
    )
    assert (risk.status, risk.close_reason) == (RiskStatus.CLOSED, "materialised as I-1")
    audited = [(e.entity_ref, e.action) for e in fetch_all(database, AuditEvent) if e.actor_id == ANA]
    assert audited == [("I-1", "create"), ("R-1", "close")]
    assert any("*Issue I-1* on *TNS-APPEALS*" in text for text in posts_to(program.stub, APPEALS_CHANNEL))


def test_severe_open_issues_need_leadership_until_resolved(program: PulseHarness, database: Database) -> None:
    ok(program.command("/issue", RAISE))
    ok(program.command("/issue", f'raise {APPEALS} Typo in the macro severity:4 impact:"cosmetic"'))
    digest = ok(program.command("/digest", "preview", user=ADMIN))
    needs_you = digest.text.split("*Needs you*")[1]
    assert ":fire: sev 2 *I-1* TNS-APPEALS · Vendor queue backlog · impact: 14k appeals past the 48h SLA" in needs_you
    assert "I-2" not in digest.text  # severity 4 is not for leadership
    assert ":fire: sev 2 *I-1*" in ok(program.command("/digest", f"preview {APPEALS}")).text
    assert listed_ids(ok(program.command("/issue", "list")), "I") == ["I-1", "I-2"]
    answer = ok(program.command("/issue", "resolve I-1 Second vendor cleared the backlog"))
    assert first_line(answer).startswith("I-1 resolved (TNS-APPEALS): Vendor queue backlog")
    assert fetch(database, Issue, number=1).resolved_by == OWNER
    assert "*Needs you*" not in ok(program.command("/digest", "preview", user=ADMIN)).text
    assert listed_ids(ok(program.command("/issue", f"list {APPEALS}")), "I") == ["I-2"]


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        (f"raise {APPEALS} Backlog severity:5 impact:x", "`5` is not a severity"),
        (f"raise {APPEALS} Backlog severity:2", "`impact:` is required"),
        (f"raise {APPEALS} Backlog severity:2 impact:x from:R-9", "R-9 not found."),
        (f"raise {APPEALS} Backlog severity:2 impact:x from:R1", "Did you mean `R-1`?"),
        (f"raise {APPEALS} Backlog severty:2 impact:x", "Did you mean `severity:`?"),
        ("resolve I-9", "I-9 not found."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    program: PulseHarness, database: Database, text: str, wording: str
) -> None:
    with nothing_written(database):
        answer = refused(program.command("/issue", text))
    assert wording in answer.text


def test_only_the_risk_owner_may_say_it_materialised_and_the_issue_owner_resolve(
    program: PulseHarness, database: Database
) -> None:
    with nothing_written(database):
        answer = refused(program.command("/issue", f"{RAISE} from:R-1", user=STRANGER))
    assert "Only the risk owner (<@U0ANA>)" in answer.text
    ok(program.command("/issue", RAISE, user=STRANGER))
    with nothing_written(database):
        refused(program.command("/issue", "resolve I-1", user=ANA))
    ok(program.command("/issue", "resolve I-1", user=STRANGER))
    with nothing_written(database):
        assert "I-1 is resolved already." in refused(program.command("/issue", "resolve I-1")).text


def test_a_restricted_programs_issues_never_show(pulse: PulseHarness, database: Database) -> None:
    create_program(pulse, "TNS-SECRET", "Secret work", fields="restricted:yes")
    ok(pulse.command("/issue", 'raise TNS-SECRET Leak severity:1 impact:"case files exposed"'))
    with nothing_written(database):
        assert first_line(refused(pulse.command("/issue", "resolve I-1", user=STRANGER))) == ":warning: I-1 not found."
        assert first_line(refused(pulse.command("/issue", "show I-1", user=STRANGER))) == ":warning: I-1 not found."
        assert "No open issues." in ok(pulse.command("/issue", "list", user=STRANGER)).text
        assert "Leak" not in ok(pulse.command("/digest", "preview", user=STRANGER)).text
    assert ":rotating_light: sev 1" in ok(pulse.command("/issue", "show I-1", user=ADMIN)).text


def test_actions_work_on_an_issue_and_show_with_it(program: PulseHarness, database: Database) -> None:
    ok(program.command("/issue", RAISE))
    assert "No actions on it yet" in ok(program.command("/issue", "show I-1")).text
    added = ok(
        program.command(
            "/action", f"add {APPEALS} Onboard a second vendor owner:{mention(ANA)} due:2030-01-15 issue:I-1"
        )
    )
    assert first_line(added).endswith("· for I-1")
    ok(program.command("/action", f"add {APPEALS} Unrelated work owner:{mention(ANA)} due:2030-01-20"))
    shown = ok(program.command("/issue", "show I-1")).text
    assert "*Actions on it:*" in shown and "*A-1* Onboard a second vendor · <@U0ANA> · due" in shown
    assert "Unrelated work" not in shown
    assert fetch(database, Action, number=1).issue_id == fetch(database, Issue, number=1).id
    with nothing_written(database):
        refused(program.command("/action", f"add {APPEALS} Chase owner:{mention(ANA)} due:2030-01-15 issue:I-9"))
    create_program(program, "TNS-OTHER", "Other program")
    with nothing_written(database):
        answer = refused(
            program.command("/action", f"add TNS-OTHER Chase owner:{mention(ANA)} due:2030-01-15 issue:I-1")
        )
    assert "I-1" in answer.plain
