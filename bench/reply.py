"""Reply latency: from sending a signed command until its reply is complete, at 1, 8 and 32 clients paced at
20 requests/s, next to the bare app's ack; and the throughput at saturation (8 clients, no pacing)."""

from __future__ import annotations

from bench.databases import note
from bench.harness import Target
from bench.load import Plan
from bench.replies import BARE, PULSE_SCENARIOS, Outcome, completed_per_second, failures, reply_percentiles
from bench.results import Latency, Reply

CLIENTS = (1, 8, 32)
RATE = 20.0
SATURATION_CLIENTS = 8


def latency(done: list[Outcome]) -> Latency:
    p50, p99 = reply_percentiles(done)
    return Latency(p50, p99, len(done), len(failures(done)), sum(o.via == "ack" for o in done))


def run(target: Target, requests: int, warmup: int, saturation_requests: int) -> Reply:
    """Both servers stay up side by side, so the bare app and Pulse see the same background."""
    scenarios = (BARE, *PULSE_SCENARIOS)
    result = Reply(target.database, RATE, {s.key: {} for s in scenarios}, {}, SATURATION_CLIENTS)
    with target.bare() as bare, target.pulse(scheduler=False) as pulse:
        for clients in CLIENTS:
            for scenario in scenarios:
                server = bare if scenario is BARE else pulse
                done = target.send(server, scenario, Plan(requests, clients, RATE, warmup))
                figures = result.latency[scenario.key][clients] = latency(done)
                note(f"[reply] {scenario.key} x{clients}: p50 {figures.p50_ms:.1f} ms, p99 {figures.p99_ms:.1f} ms")
        for scenario in scenarios:
            server = bare if scenario is BARE else pulse
            done = target.send(server, scenario, Plan(saturation_requests, SATURATION_CLIENTS, warmup=warmup))
            rps = result.saturation_rps[scenario.key] = completed_per_second(done)
            note(f"[reply] {scenario.key} at saturation: {rps:.0f} complete replies/s")
    return result
