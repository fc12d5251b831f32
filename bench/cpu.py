"""CPU per command: the server's whole process tree's utime + stime over N commands, divided by N.

Nothing is subtracted: idle wake-ups during the run count too. The commands are sent by 8 clients as
fast as acks come back, and the reading is taken once every reply is complete.
"""

from __future__ import annotations

import time

from bench.databases import note
from bench.harness import Target
from bench.load import Plan
from bench.proc import tree_cpu_seconds
from bench.replies import BARE, PULSE_SCENARIOS
from bench.results import Cpu

CLIENTS = 8
AFTER_LAST_REPLY = 0.3  # s: the job's own wrap-up after its response_url post


def run(target: Target, commands: int, warmup: int) -> Cpu:
    per_command: dict[str, float] = {}
    with target.bare() as bare, target.pulse(scheduler=False) as pulse:
        for scenario in (BARE, *PULSE_SCENARIOS):
            server = bare if scenario is BARE else pulse
            target.send(server, scenario, Plan(warmup, CLIENTS))
            server.wait_quiet()
            before = tree_cpu_seconds(server.pid)
            target.send(server, scenario, Plan(commands, CLIENTS))
            time.sleep(AFTER_LAST_REPLY)
            per_command[scenario.key] = (tree_cpu_seconds(server.pid) - before) * 1000 / commands
            note(f"[cpu] {scenario.key}: {per_command[scenario.key]:.2f} ms CPU per command")
    return Cpu(target.database, commands, per_command)
