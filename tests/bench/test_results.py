"""The bench's JSON keys are a contract (issue 14): a fake result must produce exactly those key paths."""

from __future__ import annotations

import json
from pathlib import Path

from bench.results import ClockSize, Cpu, Footprint, Latency, Reply, Results, contract_paths, write

CONTRACT = [
    "footprint.idle_pss_mb",
    "footprint.bare_pss_mb",
    "footprint.loaded_pss_mb",
    *[
        f"reply.{scenario}.{clients}.{figure}"
        for figure in ("p50_ms", "p99_ms")
        for scenario in ("risk-add", "program-show")
        for clients in (1, 8, 32)
    ],
    *[f"reply.bare.{clients}.p99_ms" for clients in (1, 8, 32)],
    "cpu_per_command_ms.risk-add",
    "cpu_per_command_ms.program-show",
    *[
        f"clock.{programs}.{figure}"
        for figure in ("quiet_ms", "morning_ms", "digest_ms", "baseline_ms", "quiet_statements")
        for programs in (50, 500, 5000)
    ],
]


def fake_results() -> Results:
    latency = {clients: Latency(p50_ms=10.0, p99_ms=20.0, requests=100) for clients in (1, 8, 32)}
    clock = [
        ClockSize("sqlite", programs, 40.0, 17, 900.0, 200, 300.0, 12, 100.0, 90.0) for programs in (50, 500, 5000)
    ]
    return Results(
        run={"command": "python -m bench", "machine": {"cpus": 2, "summary": "2 CPUs"}},
        footprint=Footprint("sqlite", 360.0, 48.0, 380.0, commands=10_000, processes=9, bare_processes=3),
        reply=Reply(
            "sqlite",
            20.0,
            {"bare": dict(latency), "risk-add": dict(latency), "program-show": dict(latency)},
            {"bare": 1500.0, "risk-add": 130.0, "program-show": 160.0},
        ),
        cpu=Cpu("sqlite", 2000, {"bare": 0.5, "risk-add": 6.0, "program-show": 9.0}),
        clock=clock,
        scale=[ClockSize("postgresql", 5000, 40.0, 17, 900.0, 200, 300.0, 12, 100.0, 90.0)],
    )


def lookup(data: dict[str, object], path: str) -> object:
    node: object = data
    for part in path.split("."):
        assert isinstance(node, dict), path
        node = node[part]
    return node


def test_the_json_file_holds_exactly_the_contract_keys_as_nested_objects(tmp_path: Path) -> None:
    json_path, md_path, text = write(fake_results(), tmp_path)
    data = json.loads(json_path.read_text())
    assert sorted(contract_paths(data)) == sorted(CONTRACT)
    for path in CONTRACT:
        assert isinstance(lookup(data, path), int | float), path
    assert lookup(data, "footprint.idle_pss_mb") == 360.0
    assert lookup(data, "reply.bare.8.p99_ms") == 20.0
    assert lookup(data, "clock.500.quiet_statements") == 17
    assert md_path.read_text() == text


def test_the_table_has_a_baseline_ratio_and_verdict_per_target(tmp_path: Path) -> None:
    _, _, text = write(fake_results(), tmp_path)
    rows = [line for line in text.splitlines() if line.startswith("| footprint") or line.startswith("| cpu")]
    assert (
        "| 360 MB | 48.0 MB (bare Bolt app (3 processes)) | 7.50x | <= max(150, 2x bare) = 150 MB | **FAIL** |"
        in rows[0]
    )
    assert rows[1].endswith("| 1.06x | <= 1.3x idle | pass |")
    assert any("CPU per command, risk-add | 6.00 ms" in row and row.endswith("**FAIL** |") for row in rows)
