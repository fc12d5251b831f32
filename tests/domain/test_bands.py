"""Risk score = likelihood x impact, banded by per-workspace thresholds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.bands import Band, band_for, band_range, score
from domain.errors import Invalid
from store.db import Database
from store.models import WorkspaceSettings
from store.settings import workspace_settings
from tests.support.services import RiskChanges, risks
from tests.support.store import OWNER, TEAM, get_program, get_risk, new_program, write

DEFAULT_BANDS = {
    Band.LOW: {1, 2, 3, 4},
    Band.MEDIUM: {5, 6, 8, 9},
    Band.HIGH: {10, 12, 15, 16},
    Band.CRITICAL: {20, 25},
}


@pytest.mark.parametrize("likelihood", range(1, 6))
@pytest.mark.parametrize("impact", range(1, 6))
def test_default_band_of_every_cell_of_the_five_by_five(likelihood: int, impact: int) -> None:
    value = score(likelihood, impact)
    assert value == likelihood * impact
    expected = next(band for band, scores in DEFAULT_BANDS.items() if value in scores)
    assert band_for(value, WorkspaceSettings(team_id=TEAM)) == expected


def test_default_band_ranges() -> None:
    settings = WorkspaceSettings(team_id=TEAM)
    assert [band_range(b, settings) for b in Band] == [(1, 4), (5, 9), (10, 19), (20, 25)]


@pytest.fixture
def risk_per_score(database: Database) -> Database:
    """TNS-X with one risk for each possible score, numbered in order of score."""
    new_program(database)
    products = sorted({lk * im for lk in range(1, 6) for im in range(1, 6)})
    with database.session(write=True) as session:
        program = get_program(session)
        for value in products:
            likelihood = next(lk for lk in range(1, 6) if value % lk == 0 and value // lk <= 5)
            risks.add(
                session,
                OWNER,
                program,
                title=f"score {value}",
                likelihood=likelihood,
                impact=value // likelihood,
                owner_id=OWNER.user_id,
            )
    return database


def scores_in(database: Database, band: Band) -> set[int]:
    with database.session() as session:
        program = get_program(session)
        return {r.score for r in risks.query(session, TEAM, [program.id or 0], band=band)}


def test_query_by_band_uses_default_thresholds(risk_per_score: Database) -> None:
    for band, expected in DEFAULT_BANDS.items():
        assert scores_in(risk_per_score, band) == expected


def test_changing_workspace_thresholds_moves_risks_between_bands(risk_per_score: Database) -> None:
    with risk_per_score.session(write=True) as session:
        session.add(WorkspaceSettings(team_id=TEAM, band_medium_min=3, band_high_min=8, band_critical_min=15))
    assert scores_in(risk_per_score, Band.LOW) == {1, 2}
    assert scores_in(risk_per_score, Band.MEDIUM) == {3, 4, 5, 6}
    assert scores_in(risk_per_score, Band.HIGH) == {8, 9, 10, 12}
    assert scores_in(risk_per_score, Band.CRITICAL) == {15, 16, 20, 25}
    with risk_per_score.session() as session:
        fifteen = next(r for r in risks.query(session, TEAM, [get_program(session).id or 0]) if r.score == 15)
        assert risks.band_of(session, fifteen) == Band.CRITICAL
        assert workspace_settings(session, "T2").band_critical_min == 20  # other workspaces keep the defaults


def test_settings_are_not_written_when_only_read(database: Database) -> None:
    with database.session() as session:
        assert workspace_settings(session, TEAM).band_high_min == 10
    with database.session() as session:
        assert session.get(WorkspaceSettings, TEAM) is None


def test_updating_scales_rescores_and_rebands_a_risk(database: Database) -> None:
    new_program(database)
    with database.session(write=True) as session:
        risk = risks.add(
            session, OWNER, get_program(session), title="r", likelihood=2, impact=2, owner_id=OWNER.user_id
        )
        assert (risk.score, risks.band_of(session, risk)) == (4, Band.LOW)
    with database.session(write=True) as session:
        risk, program = get_risk(session, 1)
        risks.update(session, OWNER, program, risk, RiskChanges(likelihood=5, impact=4))
    with database.session() as session:
        risk, _ = get_risk(session, 1)
        assert (risk.score, risks.band_of(session, risk)) == (20, Band.CRITICAL)


def add_risk(likelihood: int, impact: int) -> Callable[[Any], object]:
    return lambda s: risks.add(
        s, OWNER, get_program(s), title="r", likelihood=likelihood, impact=impact, owner_id=OWNER.user_id
    )


def test_scales_outside_one_to_five_are_refused(database: Database) -> None:
    new_program(database)
    for likelihood, impact in [(0, 3), (6, 3), (3, 0), (3, 6), (-1, 1)]:
        with pytest.raises(Invalid, match="must be a whole number from 1 to 5"):
            write(database, add_risk(likelihood, impact))
    with database.session() as session:
        assert risks.query(session, TEAM, [get_program(session).id or 0], include_closed=True) == []
