"""/program depends over HTTP: a slipped milestone another program depends on is flagged in both programs'
digests and the leadership digest; restricted programs are never named where they may not be seen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from store.db import Database
from store.models import AuditEvent, ProgramDependency
from tests.support.app import (
    ADMIN,
    OWNER,
    STRANGER,
    add_milestone,
    create_program,
    fetch,
    fetch_all,
    first_line,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
FLAG = ":link: TNS-CLASSIFIER M-1 Classifier v2 live slipped 9 days; TNS-ELECTION depends on it"


@pytest.fixture
def programs(pulse: PulseHarness) -> Iterator[PulseHarness]:
    """TNS-CLASSIFIER with M-1 due Dec 10; TNS-ELECTION depending on it; the clock at NOW."""
    with time_machine.travel(NOW, tick=False):
        create_program(pulse, "TNS-CLASSIFIER", "Classifier v2")
        create_program(pulse, "TNS-ELECTION", "Election integrity")
        add_milestone(pulse, "Classifier v2 live", due="2026-12-10", key="TNS-CLASSIFIER")
        answer = ok(pulse.command("/program", "depends TNS-ELECTION on:TNS-CLASSIFIER milestone:M-1"))
        assert first_line(answer) == (
            "*TNS-ELECTION* now depends on *TNS-CLASSIFIER* M-1 Classifier v2 live (due Thu Dec 10)."
        )
        yield pulse


def test_a_simulated_slip_is_flagged_in_both_digests(programs: PulseHarness, database: Database) -> None:
    link = fetch(database, ProgramDependency)
    assert fetch_all(database, AuditEvent)[-1].entity_ref == "TNS-ELECTION" and link.milestone_id is not None
    for key in ("TNS-ELECTION", "TNS-CLASSIFIER"):
        assert ":link:" not in ok(programs.command("/digest", f"preview {key}")).text  # on plan: nothing to flag
    ok(programs.command("/program", "milestone-update M-1 due:2026-12-19"))
    for key in ("TNS-ELECTION", "TNS-CLASSIFIER"):
        assert FLAG in ok(programs.command("/digest", f"preview {key}")).text
    leadership = ok(programs.command("/digest", "preview", user=ADMIN)).text
    assert leadership.count(FLAG) == 1 and "*Dependencies slipping*" in leadership


def test_a_dependency_on_a_whole_program_flags_any_of_its_slips(programs: PulseHarness) -> None:
    create_program(programs, "TNS-APPEALS", "Appeals")
    ok(programs.command("/program", "depends TNS-APPEALS on:TNS-CLASSIFIER"))
    with time_machine.travel(NOW + dt.timedelta(days=12), tick=False):  # M-1 now 3 days overdue
        text = ok(programs.command("/digest", "preview TNS-CLASSIFIER")).text
    assert "M-1 Classifier v2 live slipped 3 days; TNS-APPEALS depends on it" in text
    assert "M-1 Classifier v2 live slipped 3 days; TNS-ELECTION depends on it" in text


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("depends TNS-ELECTION on:TNS-ELECTION", "cannot depend on itself"),
        ("depends TNS-ELECTION on:TNS-CLASSIFER", "Did you mean `TNS-CLASSIFIER`?"),
        ("depends TNS-ELECTION on:TNS-CLASSIFIER milestone:M-1", "already depends on TNS-CLASSIFIER"),
        ("depends TNS-CLASSIFIER on:TNS-ELECTION", "is a circle, not a plan"),
        ("depends TNS-ELECTION on:TNS-CLASSIFIER milestone:M-9", "M-9 not found."),
        ("depends TNS-ELECTION", "`on:` is required"),
    ],
)
def test_bad_dependencies_are_refused_and_nothing_is_written(
    programs: PulseHarness, database: Database, text: str, wording: str
) -> None:
    with nothing_written(database):
        assert wording in refused(programs.command("/program", text)).text


def test_only_the_dependent_programs_owner_or_an_admin_add_one(programs: PulseHarness, database: Database) -> None:
    create_program(programs, "TNS-APPEALS", "Appeals")
    with nothing_written(database):
        refused(programs.command("/program", "depends TNS-APPEALS on:TNS-CLASSIFIER", user=STRANGER))
    ok(programs.command("/program", "depends TNS-APPEALS on:TNS-CLASSIFIER", user=ADMIN))


def test_a_restricted_upstream_is_not_named_in_a_public_digest(programs: PulseHarness, database: Database) -> None:
    create_program(programs, "TNS-SECRET", "Secret work", fields="restricted:yes")
    add_milestone(programs, "Vendor vetted", due="2026-11-20", key="TNS-SECRET")
    create_program(programs, "TNS-MINE", "A stranger's own program", user=STRANGER)
    with nothing_written(database):
        refused_answer = refused(programs.command("/program", "depends TNS-MINE on:TNS-SECRET", user=STRANGER))
    assert first_line(refused_answer) == ":warning: TNS-SECRET not found."
    ok(programs.command("/program", "depends TNS-ELECTION on:TNS-SECRET", user=OWNER))
    with time_machine.travel(NOW, tick=False):
        assert "TNS-SECRET" not in ok(programs.command("/digest", "preview TNS-ELECTION")).text
        assert "TNS-SECRET" not in ok(programs.command("/digest", "preview", user=STRANGER)).text
        secret = ok(programs.command("/digest", "preview TNS-SECRET", user=OWNER)).text
    assert "M-2 Vendor vetted slipped 11 days; TNS-ELECTION depends on it" in secret
