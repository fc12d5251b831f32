"""Risk scoring: score = likelihood x impact, banded by per-workspace thresholds."""

from __future__ import annotations

from enum import StrEnum

from store.models import WorkspaceSettings


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


BAND_ORDER = [Band.LOW, Band.MEDIUM, Band.HIGH, Band.CRITICAL]


def score(likelihood: int, impact: int) -> int:
    return likelihood * impact


def band_for(value: int, settings: WorkspaceSettings) -> Band:
    """The band a score falls in (defaults: low 1-4, medium 5-9, high 10-16, critical 20-25)."""
    if value >= settings.band_critical_min:
        return Band.CRITICAL
    if value >= settings.band_high_min:
        return Band.HIGH
    if value >= settings.band_medium_min:
        return Band.MEDIUM
    return Band.LOW


def band_range(band: Band, settings: WorkspaceSettings) -> tuple[int, int]:
    """Inclusive score range of a band."""
    bounds = {
        Band.LOW: (1, settings.band_medium_min - 1),
        Band.MEDIUM: (settings.band_medium_min, settings.band_high_min - 1),
        Band.HIGH: (settings.band_high_min, settings.band_critical_min - 1),
        Band.CRITICAL: (settings.band_critical_min, 25),
    }
    return bounds[band]


def rose(before: Band | None, after: Band) -> bool:
    """Whether a risk moved into a higher band (a new risk counts as rising from nothing)."""
    return before is None or BAND_ORDER.index(after) > BAND_ORDER.index(before)


ALERT_BANDS = (Band.HIGH, Band.CRITICAL)  # risks that rise into these are posted to the program's channel
