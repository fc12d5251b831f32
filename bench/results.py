"""What each part measured, and the JSON (a contract: see `CONTRACT_KEYS`) and Markdown files it becomes."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.targets import markdown

# Key paths other tools read; `<scenario>`, `<clients>` and `<programs>` stand for every measured one.
CONTRACT_KEYS = (
    "footprint.idle_pss_mb",
    "footprint.bare_pss_mb",
    "footprint.loaded_pss_mb",
    "reply.<scenario>.<clients>.p50_ms",
    "reply.<scenario>.<clients>.p99_ms",
    "reply.bare.<clients>.p99_ms",
    "cpu_per_command_ms.<scenario>",
    "clock.<programs>.quiet_ms",
    "clock.<programs>.morning_ms",
    "clock.<programs>.digest_ms",
    "clock.<programs>.baseline_ms",
    "clock.<programs>.quiet_statements",
)
SCENARIOS = ("risk-add", "program-show")


@dataclass
class Footprint:
    database: str
    idle_pss_mb: float
    bare_pss_mb: float
    loaded_pss_mb: float
    commands: int  # sent between the idle and the loaded figure
    processes: int  # in Pulse's process tree
    bare_processes: int
    failures: int = 0


@dataclass
class Latency:
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int = 0
    answered_in_ack: int = 0  # replies carried by the ack body (the rest came via response_url)


@dataclass
class Reply:
    database: str
    rate: float  # requests per second over all clients
    latency: dict[str, dict[int, Latency]]  # scenario (and "bare") -> clients -> figures
    saturation_rps: dict[str, float]  # scenario (and "bare") -> completed replies per second, 8 clients
    saturation_clients: int = 8


@dataclass
class Cpu:
    database: str
    commands: int
    per_command_ms: dict[str, float]  # scenario (and "bare") -> CPU ms of the server's tree per command


@dataclass
class ClockSize:
    database: str
    programs: int
    quiet_ms: float
    quiet_statements: int
    morning_ms: float
    morning_statements: int
    digest_ms: float
    digest_statements: int
    baseline_ms: float  # plain read of the rows the morning tick touches
    digest_baseline_ms: float  # plain read of the rows the portfolio digest touches
    rows: dict[str, int] = field(default_factory=dict)  # seeded, per table
    notes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Results:
    run: dict[str, Any] = field(default_factory=dict)  # command line, machine, duration
    footprint: Footprint | None = None
    reply: Reply | None = None
    cpu: Cpu | None = None
    clock: list[ClockSize] = field(default_factory=list)  # sizes on the run's database
    scale: list[ClockSize] = field(default_factory=list)  # the large size on PostgreSQL


def _clean(value: Any) -> Any:
    """Rounded floats, NaN as None (JSON has no NaN), string keys."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 3)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _reply_json(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {"database": reply.database, "rate_per_s": reply.rate}
    bare_rps = reply.saturation_rps.get("bare")
    for scenario, by_clients in reply.latency.items():
        entry: dict[str, Any] = {str(clients): asdict(figures) for clients, figures in by_clients.items()}
        rps = reply.saturation_rps.get(scenario)
        if rps is not None:
            fraction = rps / bare_rps if bare_rps and scenario != "bare" else None
            entry["saturation"] = {"clients": reply.saturation_clients, "rps": rps, "fraction_of_bare": fraction}
        data[scenario] = entry
    return data


def _clock_json(sizes: list[ClockSize]) -> dict[str, Any]:
    return {str(size.programs): {k: v for k, v in asdict(size).items() if k != "programs"} for size in sizes}


def to_json(results: Results) -> dict[str, Any]:
    """The results as nested JSON objects, contract keys included."""
    data: dict[str, Any] = {"run": results.run}
    if results.footprint is not None:
        data["footprint"] = asdict(results.footprint)
    if results.reply is not None:
        data["reply"] = _reply_json(results.reply)
    if results.cpu is not None:
        data["cpu_per_command_ms"] = {**results.cpu.per_command_ms}
        data["cpu"] = {"database": results.cpu.database, "commands": results.cpu.commands}
    if results.clock:
        data["clock"] = _clock_json(results.clock)
    if results.scale:
        data["scale"] = _clock_json(results.scale)
    cleaned: dict[str, Any] = _clean(data)
    return cleaned


def contract_paths(data: dict[str, Any]) -> list[str]:
    """The concrete contract key paths `data` holds (e.g. `reply.risk-add.8.p99_ms`), in contract order."""
    found: list[str] = []
    for pattern in CONTRACT_KEYS:
        paths: list[tuple[list[str], Any]] = [([], data)]
        for part in pattern.split("."):
            step: list[tuple[list[str], Any]] = []
            for prefix, node in paths:
                if not isinstance(node, dict):
                    continue
                if part == "<scenario>":
                    names = [s for s in SCENARIOS if s in node]
                elif part in ("<clients>", "<programs>"):
                    names = [k for k in node if k.isdigit()]
                else:
                    names = [part] if part in node else []
                step += [([*prefix, name], node[name]) for name in names]
            paths = step
        found += [".".join(prefix) for prefix, _ in paths]
    return found


def write(results: Results, directory: Path, label: str = "") -> tuple[Path, Path, str]:
    """Write results<label>.json and .md into `directory`; returns both paths and the Markdown."""
    directory.mkdir(parents=True, exist_ok=True)
    data = to_json(results)
    json_path, md_path = directory / f"results{label}.json", directory / f"results{label}.md"
    json_path.write_text(json.dumps(data, indent=2, allow_nan=False) + "\n")
    text = markdown(results)
    md_path.write_text(text)
    return json_path, md_path, text
