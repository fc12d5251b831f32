"""A program's trend compares its newest status report with the one before."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from domain.errors import Invalid
from domain.status import ProgramStatus, Trend
from store.db import Database
from store.models import Program, Rag, StatusUpdate
from tests.support.services import programs
from tests.support.store import OWNER, get_program, new_program, write

G, A, R = Rag.GREEN, Rag.AMBER, Rag.RED


def report(database: Database, key: str, *rags: Rag) -> ProgramStatus:
    """Report `rags` in order on `key`; the status as returned by the last report."""
    result = None
    with database.session(write=True) as session:
        program = get_program(session, key)
        for number, rag in enumerate(rags):
            _, result = programs.report_status(session, OWNER, program, rag=rag, summary=f"report {number}")
    assert result is not None
    return result


def current(database: Database, key: str) -> ProgramStatus:
    with database.session() as session:
        program = get_program(session, key)
        return programs.status_of(session, [program])[program.id or 0]


TREND_CASES = [
    ((G,), Trend.INSUFFICIENT),
    ((G, A), Trend.WORSENING),
    ((A, R), Trend.WORSENING),
    ((G, R), Trend.WORSENING),
    ((R, A), Trend.IMPROVING),
    ((A, G), Trend.IMPROVING),
    ((R, G), Trend.IMPROVING),
    ((A, A), Trend.UNCHANGED),
    ((G, G), Trend.UNCHANGED),
    ((R, R, R), Trend.UNCHANGED),
    ((G, R, R), Trend.UNCHANGED),  # only the last two reports count
    ((R, G, A), Trend.WORSENING),
]


def test_trend_follows_the_last_two_reports(database: Database) -> None:
    """One program per history (all in one database, which also shows they do not mix)."""
    keys = [f"TNS-{n}" for n in range(len(TREND_CASES))]
    for key in keys:
        new_program(database, key)
    returned = [report(database, key, *history) for key, (history, _) in zip(keys, TREND_CASES, strict=True)]
    for key, (history, trend), result in zip(keys, TREND_CASES, returned, strict=True):
        stored = current(database, key)
        assert (result.trend, result.rag) == (trend, history[-1]), history
        assert (stored.trend, stored.rag) == (trend, history[-1]), history
        assert stored.current is not None and stored.current.summary == f"report {len(history) - 1}"


def test_a_program_without_reports_has_never_reported(database: Database) -> None:
    new_program(database)
    status = current(database, "TNS-X")
    assert (status.rag, status.current, status.previous, status.trend) == (None, None, None, Trend.NEVER)
    assert Trend.NEVER.value == "never reported"  # how it reads (not "first report", which it has not made)


def test_status_of_many_programs_keeps_each_programs_own_history(database: Database) -> None:
    for key in ("TNS-A", "TNS-B", "TNS-C"):
        new_program(database, key)
    report(database, "TNS-A", R, A)
    report(database, "TNS-B", G, G, R)
    with database.session() as session:
        listed: list[Program] = [get_program(session, k) for k in ("TNS-A", "TNS-B", "TNS-C")]
        statuses = programs.status_of(session, listed)
    assert [(statuses[p.id or 0].rag, statuses[p.id or 0].trend) for p in listed] == [
        (A, Trend.IMPROVING),
        (R, Trend.WORSENING),
        (None, Trend.NEVER),
    ]


def test_the_newest_report_by_time_is_current_even_when_written_later(database: Database) -> None:
    """Back-dated history (as the demo writes it) orders by when the report was made."""
    new_program(database)
    report(database, "TNS-X", R, G)
    with database.session(write=True) as session:
        program = get_program(session)
        updates = programs.status_history(session, program)
        newest, older = updates[0], updates[1]
        newest.created_at, older.created_at = older.created_at - dt.timedelta(days=1), newest.created_at
        session.add_all([newest, older])
    status = current(database, "TNS-X")
    assert (status.rag, status.trend) == (R, Trend.WORSENING)
    with database.session() as session:
        assert [u.rag for u in programs.status_history(session, get_program(session))] == [R, G]


@pytest.mark.parametrize("rag", [Rag.AMBER, Rag.RED])
def test_amber_and_red_reports_need_a_summary(database: Database, rag: Rag) -> None:
    new_program(database)
    with pytest.raises(Invalid, match=f"An? {rag.value} status needs a summary that says why"):
        write(database, lambda s: programs.report_status(s, OWNER, get_program(s), rag=rag, summary=" "))
    with database.session() as session:
        assert session.exec(select(StatusUpdate)).all() == []


def test_a_green_report_may_go_without_a_summary(database: Database) -> None:
    new_program(database)
    with database.session(write=True) as session:
        update, status = programs.report_status(session, OWNER, get_program(session), rag=Rag.GREEN, summary="")
    assert (update.rag, update.summary, status.rag) == (Rag.GREEN, "", Rag.GREEN)
    assert current(database, "TNS-X").rag == Rag.GREEN
