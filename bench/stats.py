"""Percentiles and medians, and timing a piece of work."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1), interpolating linearly between closest ranks (numpy's default); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """The middle value (mean of the two middle ones for an even count)."""
    return percentile(values, 0.5)


def ratio(figure: float | None, baseline: float | None) -> float | None:
    """figure / baseline, None when either is missing or the baseline is zero."""
    if figure is None or baseline is None or not baseline or math.isnan(figure) or math.isnan(baseline):
        return None
    return figure / baseline


def timed(work: Callable[[], T]) -> tuple[float, T]:
    """Milliseconds `work` took, after a garbage collection (so earlier garbage does not bill it), and its result."""
    gc.collect()
    start = time.perf_counter()
    result = work()
    return (time.perf_counter() - start) * 1000, result
