"""Footprint: PSS of the whole `pulse serve --http` process tree, idle and after many commands, next to the bare app.

PSS (proportional set size) counts each shared page once over the processes that map it, so summing it
over a tree (master, web workers, job processes) gives what the tree costs the machine. Each server is
measured alone, with default settings: 2 gthread workers x 8 threads, and Pulse's scheduler on.
"""

from __future__ import annotations

import time

from bench.databases import note
from bench.harness import Target
from bench.load import Plan
from bench.proc import tree_pss_mb
from bench.replies import PROGRAM_SHOW, RISK_ADD, failures
from bench.results import Footprint
from bench.servers import Server
from bench.stats import median

SAMPLES = 3


def settled_pss(server: Server) -> tuple[float, int]:
    """The tree's PSS (MB) once its CPU is quiet: the median of a few samples a second apart, and its size."""
    server.wait_quiet()
    samples = []
    for _ in range(SAMPLES):
        time.sleep(1.0)
        samples.append(tree_pss_mb(server.pid))
    return median([mb for mb, _ in samples]), samples[-1][1]


def run(target: Target, commands: int) -> Footprint:
    """Bare app idle; Pulse idle; Pulse after `commands` commands (half /risk add, half /program show)."""
    with target.bare() as bare:
        bare_mb, bare_processes = settled_pss(bare)
    note(f"[footprint] bare Bolt app: {bare_mb:.1f} MB PSS over {bare_processes} processes")
    with target.pulse(scheduler=True) as pulse:
        idle_mb, processes = settled_pss(pulse)
        note(f"[footprint] pulse serve --http idle: {idle_mb:.1f} MB PSS over {processes} processes")
        half = commands // 2
        done = target.send(pulse, RISK_ADD, Plan(half, clients=8, time_limit=600))
        done += target.send(pulse, PROGRAM_SHOW, Plan(commands - half, clients=8, time_limit=600))
        loaded_mb, _ = settled_pss(pulse)
        note(f"[footprint] after {commands} commands: {loaded_mb:.1f} MB PSS")
    return Footprint(
        database=target.database,
        idle_pss_mb=idle_mb,
        bare_pss_mb=bare_mb,
        loaded_pss_mb=loaded_mb,
        commands=commands,
        processes=processes,
        bare_processes=bare_processes,
        failures=len(failures(done)),
    )
