"""bench/seed.py seeds a consistent workspace: every reference resolves, numbers and counters agree."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bench.pulse_api import Store
from bench.seed import build
from bench.workspace import TEAM, Shape

SHAPE = Shape(programs=6, risks_per_program=3, decisions_per_program=4, actions_per_program=5, people=6)


def test_a_tiny_workspace_is_consistent_on_sqlite(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'seed.db'}")
    try:
        counts = store.insert(build(SHAPE))
        assert counts["program"] == 6
        assert counts["risk"] == store.count("risk") == 18
        assert counts["decision"] == store.count("decision") == 24
        assert counts["action"] == store.count("action") == 30
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
            counters: dict[str, int] = dict(
                conn.execute(text("SELECT kind, value FROM id_counter WHERE team_id = :t"), {"t": TEAM}).all()
            )
            for kind, table in {"R": "risk", "D": "decision", "A": "action", "M": "milestone"}.items():
                top = conn.execute(text(f"SELECT MAX(number), MAX(id), COUNT(*) FROM {table}")).one()
                assert tuple(top) == (counters[kind],) * 3, table
            crossed = conn.execute(
                text(
                    "SELECT COUNT(*) FROM action a LEFT JOIN risk r ON r.id = a.risk_id "
                    "LEFT JOIN decision d ON d.id = a.decision_id "
                    "WHERE r.program_id <> a.program_id OR d.program_id <> a.program_id"
                )
            ).scalar_one()
            assert crossed == 0, "an action points at another program's risk or decision"
            superseded = conn.execute(
                text(
                    "SELECT d.status, n.program_id = d.program_id FROM decision d "
                    "JOIN decision n ON n.id = d.superseded_by_id"
                )
            ).all()
            assert superseded and all(status == "superseded" and same for status, same in superseded)
    finally:
        store.dispose()


def test_program_p_gets_the_same_items_whatever_the_size() -> None:
    small, large = build(Shape(programs=2)), build(Shape(programs=5))
    assert [r["title"] for r in small["risk"]] == [r["title"] for r in large["risk"][: len(small["risk"])]]
