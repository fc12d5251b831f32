"""`/digest send [KEY] to:FUNCTION`: the digest by DM to a function's people (through the outbox, details in the
DM's thread), each seeing only the programs they may see; audited, admins and a program's owner only."""

from __future__ import annotations

from store.db import Database
from store.models import AuditEvent
from tests.support.app import (
    ADMIN,
    ANA,
    APPEALS,
    MEMBER,
    STRANGER,
    create_program,
    fetch_all,
    mention,
    nothing_written,
    ok,
    posts_to,
    refused,
)
from tests.support.harness import PulseHarness

SECRET = "TNS-SECRET"


def seed(pulse: PulseHarness) -> None:
    """Ana is Finance on TNS-APPEALS; the member of the restricted TNS-SECRET is Finance there."""
    create_program(pulse)
    create_program(pulse, SECRET, "Secret vendor work", fields=f"restricted:yes members:{mention(MEMBER)}")
    ok(pulse.command("/program", f"status {APPEALS} green On track"))
    ok(pulse.command("/program", f"status {SECRET} amber Secret vendor late"))
    ok(pulse.command("/program", f"people {APPEALS} add {mention(ANA)} function:finance"))
    ok(pulse.command("/program", f"people {SECRET} add {mention(MEMBER)} function:finance role:consulted"))


def test_the_leadership_digest_goes_to_finance_each_seeing_what_they_may(
    pulse: PulseHarness, database: Database
) -> None:
    seed(pulse)
    answer = ok(pulse.command("/digest", "send to:Finance", user=ADMIN))
    assert answer.text.startswith(f"The portfolio digest is on its way by DM to Finance: <@{ANA}>, <@{MEMBER}>")
    pulse.stub.wait_for(lambda _e: len(posts_to(pulse.stub, pulse.stub.dm_channel(MEMBER))) >= 2)
    ana = "\n".join(posts_to(pulse.stub, pulse.stub.dm_channel(ANA)))
    member = "\n".join(posts_to(pulse.stub, pulse.stub.dm_channel(MEMBER)))
    assert APPEALS in ana and SECRET not in ana and "Secret vendor" not in ana
    assert APPEALS in member and SECRET in member
    (sent,) = [e for e in fetch_all(database, AuditEvent) if e.entity_type == "digest"]
    assert (sent.entity_ref, sent.after) == ("portfolio", {"function": "finance", "people": [ANA, MEMBER]})
    with nothing_written(database):
        again = refused(pulse.command("/digest", "send to:finance", user=ADMIN))
    assert "This digest went to finance's people at" in again.text


def test_a_programs_digest_to_a_function_and_who_may_send_it(pulse: PulseHarness, database: Database) -> None:
    seed(pulse)
    with nothing_written(database):
        assert "Did you mean `legal`?" in refused(pulse.command("/digest", f"send {APPEALS} to:legl")).text
        empty = refused(pulse.command("/digest", f"send {APPEALS} to:legal"))
        assert f"No one is in legal on {APPEALS}" in empty.text
        denied = refused(pulse.command("/digest", f"send {APPEALS} to:finance", user=STRANGER))
        assert "Sending a digest to finance's people is for Pulse admins and the owner of TNS-APPEALS" in denied.text
        assert refused(pulse.command("/digest", f"send {SECRET} to:finance", user=STRANGER)).text == (
            f":warning: {SECRET} not found."
        )
    ok(pulse.command("/digest", f"send {APPEALS} to:finance"))  # the owner
    pulse.stub.wait_for(lambda _e: len(posts_to(pulse.stub, pulse.stub.dm_channel(ANA))) >= 2)
    assert posts_to(pulse.stub, pulse.stub.dm_channel(MEMBER)) == []
