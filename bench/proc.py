"""What Linux's /proc says about a process tree: its members, their CPU time and their memory (PSS)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat from the 3rd (state) on; the command name may hold spaces."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    """`root` and every live descendant (gunicorn's master, its workers and their job processes)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return sorted(tree)


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time (utime + stime) the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        if (fields := _stat_fields(pid)) is not None:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of the whole tree under `root` as it is now."""
    return cpu_seconds(process_tree(root))


def pss_kib(pid: int) -> int:
    """Proportional set size of one process (kB), from /proc/<pid>/smaps_rollup; 0 when it is gone."""
    try:
        lines = (PROC / str(pid) / "smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def tree_pss_mb(root: int) -> tuple[float, int]:
    """PSS summed over the tree under `root` (MB), and how many processes it has."""
    pids = process_tree(root)
    return sum(pss_kib(pid) for pid in pids) / 1024, len(pids)


@dataclass(frozen=True)
class CpuSnapshot:
    """The host's busy and total CPU seconds, and this process's own (its reaped children included)."""

    host_busy: float
    host_total: float
    own: float

    @classmethod
    def now(cls) -> CpuSnapshot:
        values = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
        ticks, mine = os.sysconf("SC_CLK_TCK"), os.times()
        idle = values[3] + values[4]
        own = mine.user + mine.system + mine.children_user + mine.children_system
        return cls((sum(values) - idle) / ticks, sum(values) / ticks, own)

    def others_since(self, earlier: CpuSnapshot) -> float:
        """Share of all CPUs that processes other than this one and its children kept busy since `earlier`."""
        others = (self.host_busy - earlier.host_busy) - (self.own - earlier.own)
        return max(0.0, others) / max(1e-9, self.host_total - earlier.host_total)


def host_busy_share(seconds: float = 1.0) -> float:
    """Share of all CPUs' time that was busy over the next `seconds`."""
    before = CpuSnapshot.now()
    time.sleep(seconds)
    after = CpuSnapshot.now()
    return (after.host_busy - before.host_busy) / max(1e-9, after.host_total - before.host_total)


def wait_for_quiet_host(max_wait: float, busy: float = 0.15) -> float:
    """Wait (at most `max_wait` s) until other processes leave the CPUs under `busy`; the last share seen."""
    deadline = time.monotonic() + max_wait
    share = host_busy_share()
    while share > busy and time.monotonic() < deadline:
        share = host_busy_share()
    return share
