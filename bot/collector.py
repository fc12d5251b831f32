"""The garbage collector's settings for every Pulse process (kept free of heavy imports: `pulse --help` stays fast)."""

from __future__ import annotations

import gc

# Container allocations between two sweeps of the garbage collector's youngest generation (CPython's default:
# 700). The clock's digests and morning tick build tens of thousands of short-lived rows; at 700 the collector
# sweeps the growing heap over and over, about a third of their time (bench/README.md).
GC_YOUNG_THRESHOLD = 10_000


def tune_gc() -> None:
    """Sweep for reference cycles less often (every Pulse process, before it does any work)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
