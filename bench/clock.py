"""The clock: a quiet tick, a morning tick and the portfolio digest on a large seeded workspace, each timed
and its SQL statements counted, next to a plain read of the rows it must touch.

* morning tick: `Clock.plan` at 09:30 UTC on a working day (reminder DMs, ladder, the portfolio digest
  to #leads and three program digests, alert repeats), after yesterday's tick ran; deliveries, which
  go to Slack at its pace, are left out. Everything a run wrote is put back (untimed) before the next.
* quiet tick: a whole `Clock.tick` (plan and deliver) at 16:30 UTC the same day, after that morning's
  work went out: nothing is due and no one's reminder window is open.
* digest: the portfolio digest #leads gets, built and rendered.
* baseline: plain SELECTs of the rows each fetches, through the same engine (bench/pulse_api.py).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.databases import note, scratch_database
from bench.pulse_api import DIGEST_READS, MORNING_READS, PulseClock, StatementCounter, Store, run_as_pulse_does
from bench.results import ClockSize
from bench.seed import build
from bench.stats import median, timed
from bench.workspace import ADMIN, ESCALATION_CHANNEL, LEADS_CHANNEL, MORNING, QUIET, TEAM, Shape

MINUTE = dt.timedelta(minutes=1)
YESTERDAY = MORNING - dt.timedelta(days=1)
DIGEST_SINCE = YESTERDAY.replace(hour=9, minute=0)  # when yesterday's tick sent the digest


@dataclass
class Timing:
    median_ms: float
    statements: int  # in the last run
    result: object  # what the last run returned


def sample(store: Store, work: Callable[[], object], runs: int, reset: Callable[[], object] | None = None) -> Timing:
    """Median of `runs` timed runs after one warm-up; `reset` runs untimed before each."""
    times, statements, result = [], 0, None
    for run in range(runs + 1):
        if reset is not None:
            reset()
        with StatementCounter(store.engine) as counter:
            elapsed, result = timed(work)
        if run:
            times.append(elapsed)
        statements = len(counter.statements)
    return Timing(median(times), statements, result)


def measure(url: str, database: str, programs: int, runs: int) -> ClockSize:
    """Seed `programs` programs into the empty database at `url`, then time the clock on it."""
    store = Store(url)
    try:
        started = time.perf_counter()
        rows = store.insert(build(Shape(programs)))
        seconds = time.perf_counter() - started
        note(f"[clock] {database}, {programs} programs: seeded {sum(rows.values()):,} rows in {seconds:.0f} s")
        clock = PulseClock(store, admin=ADMIN, escalation_channel=ESCALATION_CHANNEL)
        try:
            store.set_last_tick(YESTERDAY - MINUTE)  # steady state: yesterday's tick ran and its messages went out
            clock.plan(YESTERDAY)
            store.mark_all_sent(YESTERDAY)
            state = store.snapshot()
            digest = sample(
                store, lambda: store.portfolio_digest(TEAM, LEADS_CHANNEL, since=DIGEST_SINCE, now=MORNING), runs
            )
            digest_base = sample(store, lambda: store.plain_read(DIGEST_READS, TEAM, DIGEST_SINCE), runs)
            base = sample(store, lambda: store.plain_read(MORNING_READS, TEAM, DIGEST_SINCE), runs)
            morning = sample(store, lambda: clock.plan(MORNING), runs, lambda: store.restore(state, MORNING - MINUTE))
            store.restore(state, MORNING - MINUTE)  # the morning's work, once more, sent: the afternoon is quiet
            clock.plan(MORNING)
            store.mark_all_sent(MORNING)
            calls = clock.slack_calls()
            quiet = sample(store, lambda: clock.tick(QUIET), runs, lambda: store.set_last_tick(QUIET - MINUTE))
            quiet_calls = clock.slack_calls() - calls
        finally:
            clock.close()
    finally:
        store.dispose()
    note(
        f"[clock] {database}, {programs} programs: quiet {quiet.median_ms:.0f} ms ({quiet.statements} statements), "
        f"morning {morning.median_ms:.0f} ms, digest {digest.median_ms:.0f} ms, baseline {base.median_ms:.0f} ms"
    )
    return ClockSize(
        database=database,
        programs=programs,
        quiet_ms=quiet.median_ms,
        quiet_statements=quiet.statements,
        morning_ms=morning.median_ms,
        morning_statements=morning.statements,
        digest_ms=digest.median_ms,
        digest_statements=digest.statements,
        baseline_ms=base.median_ms,
        digest_baseline_ms=digest_base.median_ms,
        rows=rows,
        notes={
            "runs": runs,
            "morning_queued": morning.result,
            "digest_messages": digest.result,
            "baseline_rows": base.result,
            "digest_baseline_rows": digest_base.result,
            "quiet_slack_calls": quiet_calls,
        },
    )


def run(database: str, sizes: tuple[int, ...], runs: int, postgres_url: str) -> list[ClockSize]:
    """Each size on its own scratch database of kind `database`, in a process set up as Pulse's are."""
    run_as_pulse_does()
    results = []
    with tempfile.TemporaryDirectory(prefix="pulse-bench-clock-") as tmp:
        for programs in sizes:
            with scratch_database(database, Path(tmp), postgres_url, name=f"clock{programs}") as url:
                results.append(measure(url, database, programs, runs))
    return results
