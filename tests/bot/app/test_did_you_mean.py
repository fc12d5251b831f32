"""Did-you-mean on program keys, as people see it in Slack: only keys the caller may see are ever suggested."""

from __future__ import annotations

from store.db import Database
from tests.support.app import MEMBER, STRANGER, create_program, nothing_written, refused
from tests.support.harness import PulseHarness


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
