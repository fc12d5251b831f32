"""Human IDs stay unique and gap-free under 8 concurrent writers, on both databases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import col, select

from domain.access import Actor
from store.db import Database
from store.models import AuditEvent, Risk
from tests.support.services import programs, risks

TEAM = "T1"
ADMIN = Actor(team_id=TEAM, user_id="U0ADMIN", is_admin=True)
WRITERS = 8
PER_WRITER = 15


def test_risk_numbers_are_unique_under_eight_concurrent_writers(database: Database) -> None:
    with database.session(write=True) as session:
        programs.create(session, ADMIN, key="TNS-X", name="X", owner_id="U1")

    def writer(index: int) -> list[int]:
        actor = Actor(team_id=TEAM, user_id=f"U{index}")
        numbers = []
        for n in range(PER_WRITER):
            with database.session(write=True) as session:
                from domain.lookup import program as program_by_key

                program = program_by_key(session, actor, "TNS-X")
                risk = risks.add(
                    session, actor, program, title=f"risk {index}-{n}", likelihood=3, impact=3, owner_id=actor.user_id
                )
                numbers.append(risk.number)
        return numbers

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(writer, range(WRITERS)))

    handed_out = sorted(n for numbers in results for n in numbers)
    assert handed_out == list(range(1, WRITERS * PER_WRITER + 1))
    with database.session() as session:
        stored = sorted(session.exec(select(Risk.number).where(col(Risk.team_id) == TEAM)).all())
        audits = session.exec(select(AuditEvent).where(col(AuditEvent.entity_type) == "risk")).all()
    assert stored == handed_out
    assert len(audits) == WRITERS * PER_WRITER


def test_numbers_are_per_workspace(database: Database) -> None:
    other = Actor(team_id="T2", user_id="U9", is_admin=True)
    with database.session(write=True) as session:
        first = programs.create(session, ADMIN, key="A", name="A", owner_id="U1")
        second = programs.create(session, other, key="A", name="A in T2", owner_id="U9")
        r1 = risks.add(session, ADMIN, first, title="t1", likelihood=1, impact=1, owner_id="U1")
        r2 = risks.add(session, other, second, title="t2", likelihood=1, impact=1, owner_id="U9")
    assert (r1.number, r2.number) == (1, 1)
