"""Issue 14's targets: one table row per figure, with its baseline from the same run, the ratio and pass/fail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.stats import ratio

if TYPE_CHECKING:
    from bench.results import ClockSize, Results

IDLE_FLOOR_MB = 150.0
IDLE_BARE_FACTOR = 2.0
LOADED_FACTOR = 1.3
REPLY_P99_FACTOR = 4.0
CPU_MS = 3.0
QUIET_MS = 50.0
QUIET_AT_PROGRAMS = 500
QUIET_GROWTH = 1.5  # "does not grow": at most this many times the smallest size's time (timer noise)
MORNING_FACTOR = 3.0
DIGEST_FACTOR = 2.0


@dataclass(frozen=True)
class Row:
    part: str
    measure: str
    figure: float | None
    unit: str
    baseline: float | None
    baseline_name: str
    target: str
    passed: bool | None  # None: reported, no target

    @property
    def ratio(self) -> float | None:
        return ratio(self.figure, self.baseline)


def _at_most(limit: float) -> Callable[[float | None], bool | None]:
    return lambda value: None if value is None else value <= limit


def footprint_rows(results: Results) -> list[Row]:
    f = results.footprint
    if f is None:
        return []
    limit = max(IDLE_FLOOR_MB, IDLE_BARE_FACTOR * f.bare_pss_mb)
    loaded = ratio(f.loaded_pss_mb, f.idle_pss_mb)
    return [
        Row(
            "footprint",
            f"idle PSS, {f.processes} processes",
            f.idle_pss_mb,
            "MB",
            f.bare_pss_mb,
            f"bare Bolt app ({f.bare_processes} processes)",
            f"<= max(150, 2x bare) = {limit:.0f} MB",
            _at_most(limit)(f.idle_pss_mb),
        ),
        Row(
            "footprint",
            f"PSS after {f.commands:,} commands",
            f.loaded_pss_mb,
            "MB",
            f.idle_pss_mb,
            "idle PSS",
            "<= 1.3x idle",
            _at_most(LOADED_FACTOR)(loaded),
        ),
    ]


def reply_rows(results: Results) -> list[Row]:
    r = results.reply
    if r is None:
        return []
    rows = []
    bare = r.latency.get("bare", {})
    for scenario, by_clients in r.latency.items():
        if scenario == "bare":
            continue
        for clients, figures in sorted(by_clients.items()):
            base = bare.get(clients)
            base_p50, base_p99 = (base.p50_ms, base.p99_ms) if base else (None, None)
            label = f"{scenario} reply, {clients} client{'s' * (clients > 1)} at {r.rate:g}/s"
            passed = _at_most(REPLY_P99_FACTOR)(ratio(figures.p99_ms, base_p99))
            if figures.failures:
                passed, label = False, f"{label} ({figures.failures} failed)"
            rows += [
                Row("reply", f"{label}: p50", figures.p50_ms, "ms", base_p50, "bare ack p50", "", None),
                Row("reply", f"{label}: p99", figures.p99_ms, "ms", base_p99, "bare ack p99", "<= 4x", passed),
            ]
        rows.append(
            Row(
                "reply",
                f"{scenario} throughput at saturation, {r.saturation_clients} clients",
                r.saturation_rps.get(scenario),
                "/s",
                r.saturation_rps.get("bare"),
                "bare acks/s",
                "reported (fraction)",
                None,
            )
        )
    return rows


def cpu_rows(results: Results) -> list[Row]:
    c = results.cpu
    if c is None:
        return []
    bare = c.per_command_ms.get("bare")
    return [
        Row("cpu", f"CPU per command, {s}", ms, "ms", bare, "bare app per ack", "<= 3 ms", _at_most(CPU_MS)(ms))
        for s, ms in c.per_command_ms.items()
        if s != "bare"
    ]


def clock_rows(part: str, sizes: list[ClockSize]) -> list[Row]:
    if not sizes:
        return []
    smallest = min(sizes, key=lambda s: s.programs)
    rows = []
    for s in sorted(sizes, key=lambda s: s.programs):
        where = f"{s.programs:,} programs ({s.database})"
        grows = s is not smallest
        quiet_target = f"<= {QUIET_MS:g} ms" if s.programs == QUIET_AT_PROGRAMS else ""
        quiet_ok = _at_most(QUIET_MS)(s.quiet_ms) if quiet_target else None
        if grows:
            growth_ok = _at_most(QUIET_GROWTH)(ratio(s.quiet_ms, smallest.quiet_ms))
            quiet_target = " and ".join(filter(None, [quiet_target, f"<= {QUIET_GROWTH:g}x smallest (no growth)"]))
            quiet_ok = bool(growth_ok and quiet_ok is not False)
        base_name = f"quiet tick, {smallest.programs:,} programs"
        rows += [
            Row(part, f"quiet tick, {where}", s.quiet_ms, "ms", smallest.quiet_ms, base_name, quiet_target, quiet_ok),
            Row(
                part,
                f"quiet tick statements, {where}",
                s.quiet_statements,
                "",
                smallest.quiet_statements,
                base_name,
                "no growth" if grows else "",
                s.quiet_statements <= smallest.quiet_statements if grows else None,
            ),
            Row(
                part,
                f"morning tick, {where}, {s.morning_statements} statements",
                s.morning_ms,
                "ms",
                s.baseline_ms,
                "plain read of its rows",
                "<= 3x",
                _at_most(MORNING_FACTOR)(ratio(s.morning_ms, s.baseline_ms)),
            ),
            Row(
                part,
                f"portfolio digest, {where}, {s.digest_statements} statements",
                s.digest_ms,
                "ms",
                s.digest_baseline_ms,
                "plain read of its rows",
                "<= 2x",
                _at_most(DIGEST_FACTOR)(ratio(s.digest_ms, s.digest_baseline_ms)),
            ),
        ]
    return rows


def all_rows(results: Results) -> list[Row]:
    return [
        *footprint_rows(results),
        *reply_rows(results),
        *cpu_rows(results),
        *clock_rows("clock", results.clock),
        *clock_rows("scale", results.scale),
    ]


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    digits = 0 if abs(value) >= 100 or unit == "" else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f} {unit}".strip()


def markdown(results: Results) -> str:
    """The results table, with the command line and machine above it."""
    run = results.run
    lines = [f"`{run.get('command', '')}` on {run.get('machine', {}).get('summary', 'this machine')}", ""]
    lines += ["| part | measure | figure | baseline | ratio | target | result |", "|---|---|---|---|---|---|---|"]
    for row in all_rows(results):
        baseline = f"{_number(row.baseline, row.unit)} ({row.baseline_name})" if row.baseline is not None else "-"
        share = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        verdict = {True: "pass", False: "**FAIL**", None: "-"}[row.passed]
        figure = _number(row.figure, row.unit)
        lines.append(
            f"| {row.part} | {row.measure} | {figure} | {baseline} | {share} | {row.target or '-'} | {verdict} |"
        )
    others = ", ".join(f"{part} {share:.0%}" for part, share in run.get("host_busy_others", {}).items())
    if others:
        lines += ["", f"Share of the CPUs other processes used while each part ran: {others}."]
    return "\n".join(lines) + "\n"
