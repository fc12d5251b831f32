"""The risk register (R-n): 5x5 scoring, owners, reviews; closed with a reason, never deleted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from store import audit
from store.access import Actor, require_cleared, require_owner_of
from store.bands import Band, band_for, band_range, score, workspace_settings
from store.errors import Conflict, Invalid
from store.ids import Kind, next_number, ref
from store.models import Program, Risk, RiskResponse, RiskStatus
from store.types import utcnow

OPEN_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.ACCEPTED)


@dataclass
class RiskChanges:
    """Fields `/risk update` may change; None means unchanged."""

    likelihood: int | None = None
    impact: int | None = None
    owner_id: str | None = None
    review_date: dt.date | None = None
    mitigation: str | None = None
    response: RiskResponse | None = None
    status: RiskStatus | None = None
    category: str | None = None
    trigger: str | None = None
    title: str | None = None


def _check_scale(name: str, value: int) -> None:
    if not 1 <= value <= 5:
        raise Invalid(f"{name} must be a whole number from 1 to 5 (got {value}).")


def add(
    session: Session,
    actor: Actor,
    program: Program,
    *,
    title: str,
    likelihood: int,
    impact: int,
    owner_id: str,
    review_date: dt.date | None = None,
    mitigation: str | None = None,
    response: RiskResponse = RiskResponse.MITIGATE,
    category: str | None = None,
    trigger: str | None = None,
) -> Risk:
    """Add a risk to a program (anyone who may see it)."""
    if program.archived_at is not None:
        raise Conflict(f"{program.key} is archived; it takes no new risks.")
    if not title.strip():
        raise Invalid("A risk needs a title, e.g. `/risk add KEY Vendor capacity short likelihood:3 impact:4`.")
    _check_scale("likelihood", likelihood)
    _check_scale("impact", impact)
    require_cleared(actor, program, owner_id, "the risk owner")
    risk = Risk(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, Kind.RISK),
        program_id=program.id or 0,
        title=title.strip(),
        likelihood=likelihood,
        impact=impact,
        score=score(likelihood, impact),
        owner_id=owner_id,
        review_date=review_date,
        mitigation=mitigation,
        response=response,
        category=category,
        trigger=trigger,
        created_by=actor.user_id,
    )
    session.add(risk)
    audit.record(
        session,
        actor,
        entity_type="risk",
        entity_ref=ref(Kind.RISK, risk.number),
        action="create",
        program=program,
        before=None,
        after=risk,
    )
    return risk


def update(session: Session, actor: Actor, program: Program, risk: Risk, changes: RiskChanges) -> Risk:
    """Change a risk (its owner, the program owner or an admin); the score follows the scales."""
    label = ref(Kind.RISK, risk.number)
    require_owner_of(actor, program, risk.owner_id, "the risk owner", f"update {label}")
    if risk.status == RiskStatus.CLOSED:
        raise Conflict(f"{label} is closed; add a new risk instead of reopening it.")
    if changes.status == RiskStatus.CLOSED:
        raise Invalid(f"Close a risk with `/risk close {label} Reason...` so the reason is recorded.")
    for name in ("likelihood", "impact"):
        value = getattr(changes, name)
        if value is not None:
            _check_scale(name, value)  # before any field changes, so a refused update leaves the risk as it was
    if changes.owner_id is not None:
        require_cleared(actor, program, changes.owner_id, "the risk owner")
    before = audit.snapshot(risk)
    for name, value in vars(changes).items():
        if value is not None:
            setattr(risk, name, value)
    risk.score = score(risk.likelihood, risk.impact)
    if audit.snapshot(risk) == before:
        raise Invalid(f"Nothing to change: give at least one field, e.g. `/risk update {label} impact:3`.")
    risk.updated_at = utcnow()
    session.add(risk)
    audit.record(
        session,
        actor,
        entity_type="risk",
        entity_ref=label,
        action="update",
        program=program,
        before=before,
        after=risk,
    )
    return risk


def close(session: Session, actor: Actor, program: Program, risk: Risk, *, reason: str) -> Risk:
    """Close a risk with a reason (its owner, the program owner or an admin)."""
    label = ref(Kind.RISK, risk.number)
    require_owner_of(actor, program, risk.owner_id, "the risk owner", f"close {label}")
    if risk.status == RiskStatus.CLOSED:
        raise Conflict(f"{label} is already closed.")
    if not reason.strip():
        raise Invalid(f"Say why the risk is closed, e.g. `/risk close {label} Second vendor signed`.")
    before = audit.snapshot(risk)
    risk.status = RiskStatus.CLOSED
    risk.close_reason = reason.strip()
    risk.closed_at = utcnow()
    risk.updated_at = risk.closed_at
    session.add(risk)
    audit.record(
        session, actor, entity_type="risk", entity_ref=label, action="close", program=program, before=before, after=risk
    )
    return risk


def mark_reviewed(session: Session, actor: Actor, program: Program, risk: Risk, *, next_review: dt.date) -> Risk:
    """Record a review that keeps the scores and sets the next review date."""
    label = ref(Kind.RISK, risk.number)
    require_owner_of(actor, program, risk.owner_id, "the risk owner", f"review {label}")
    if risk.status == RiskStatus.CLOSED:
        raise Conflict(f"{label} is closed; closed risks are not reviewed.")
    before = audit.snapshot(risk)
    risk.reviewed_at = utcnow()
    risk.review_date = next_review
    session.add(risk)
    audit.record(
        session,
        actor,
        entity_type="risk",
        entity_ref=label,
        action="review",
        program=program,
        before=before,
        after=risk,
    )
    return risk


def query(
    session: Session,
    team_id: str,
    program_ids: list[int],
    *,
    band: Band | None = None,
    owner_id: str | None = None,
    include_closed: bool = False,
) -> list[Risk]:
    """Risks of the given programs, highest score first."""
    if not program_ids:
        return []
    statement = select(Risk).where(col(Risk.team_id) == team_id, col(Risk.program_id).in_(program_ids))
    if not include_closed:
        statement = statement.where(col(Risk.status).in_(OPEN_STATUSES))
    if band is not None:
        low, high = band_range(band, workspace_settings(session, team_id))
        statement = statement.where(col(Risk.score) >= low, col(Risk.score) <= high)
    if owner_id is not None:
        statement = statement.where(col(Risk.owner_id) == owner_id)
    return list(session.exec(statement.order_by(col(Risk.score).desc(), col(Risk.number))))


def band_of(session: Session, risk: Risk) -> Band:
    """The band of a risk under its workspace's thresholds."""
    return band_for(risk.score, workspace_settings(session, risk.team_id))
