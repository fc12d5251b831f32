"""Queries of KPIs and their readings."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.models import Kpi, KpiReading


def for_programs(session: Session, team_id: str, program_ids: list[int]) -> list[Kpi]:
    """The KPIs of the given programs, by number."""
    if not program_ids:
        return []
    statement = select(Kpi).where(col(Kpi.team_id) == team_id, col(Kpi.program_id).in_(program_ids))
    return list(session.exec(statement.order_by(col(Kpi.number))))


def name_taken(session: Session, program_id: int, name: str) -> Kpi | None:
    """The program's KPI called `name` (case does not matter), if any."""
    statement = select(Kpi).where(col(Kpi.program_id) == program_id, func.lower(col(Kpi.name)) == name.lower())
    return session.exec(statement).first()


def latest_readings(session: Session, kpi_ids: list[int], count: int) -> dict[int, list[KpiReading]]:
    """The newest `count` readings of each KPI (newest first: latest day, then latest recorded), in one query."""
    result: dict[int, list[KpiReading]] = {kpi_id: [] for kpi_id in kpi_ids}
    if not kpi_ids:
        return result
    ranked = (
        select(
            col(KpiReading.id).label("id"),
            func.row_number()
            .over(
                partition_by=col(KpiReading.kpi_id),
                order_by=(col(KpiReading.taken_on).desc(), col(KpiReading.id).desc()),
            )
            .label("rank"),
        )
        .where(col(KpiReading.kpi_id).in_(kpi_ids))
        .subquery()
    )
    rows = session.exec(
        select(KpiReading, ranked.c.rank)
        .join(ranked, ranked.c.id == col(KpiReading.id))
        .where(ranked.c.rank <= count)
        .order_by(ranked.c.rank)
    ).all()
    for reading, _rank in rows:
        result[reading.kpi_id].append(reading)
    return result


def readings_of(session: Session, kpi_ids: list[int]) -> dict[int, list[KpiReading]]:
    """Every reading of each KPI, oldest first (exports)."""
    result: dict[int, list[KpiReading]] = {kpi_id: [] for kpi_id in kpi_ids}
    if not kpi_ids:
        return result
    statement = (
        select(KpiReading)
        .where(col(KpiReading.kpi_id).in_(kpi_ids))
        .order_by(col(KpiReading.taken_on), col(KpiReading.id))
    )
    for reading in session.exec(statement):
        result[reading.kpi_id].append(reading)
    return result
