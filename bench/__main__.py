"""`python -m bench [PART] [--quick] [--database sqlite|postgresql]`: issue 14's cost benchmark.

Without PART every part runs and the results go to .bench/results.json and .bench/results.md (printed
too); a single part or --quick writes .bench/results-<part|quick>.json/.md instead, so a sanity check
never overwrites a full run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import clock, cpu, footprint, reply
from bench.databases import DATABASES, DEFAULT_POSTGRES_URL, note, postgres_version
from bench.harness import target
from bench.machine import facts
from bench.proc import CpuSnapshot, wait_for_quiet_host
from bench.results import Results, write
from bench.servers import REPO_ROOT

PARTS = ("footprint", "reply", "cpu", "clock", "scale")
QUIET_WAIT = 60.0  # s to wait, before each part, for other processes to leave the CPUs mostly idle


@dataclass(frozen=True)
class Sizes:
    """How much each part does; --quick shrinks everything."""

    commands: int = 10_000  # footprint: commands between the idle and the loaded figure
    replies: int = 600  # reply: measured requests per scenario and client count
    warmup: int = 20
    saturation: int = 2_000
    cpu_commands: int = 2_000
    clock_sizes: tuple[int, ...] = (50, 500, 5_000)
    scale_size: int = 5_000
    runs: int = 3  # timed runs per clock figure, after one warm-up


QUICK = Sizes(
    commands=1_000,
    replies=40,
    warmup=10,
    saturation=200,
    cpu_commands=200,
    clock_sizes=(50, 500),
    scale_size=500,
    runs=2,
)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("part", nargs="?", choices=PARTS, help="run only this part (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a sanity check in under 3 minutes")
    parser.add_argument("--database", choices=DATABASES, default="sqlite", help="for footprint, reply, cpu, clock")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="loopback server for scratch databases")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / ".bench", help="folder for the result files")
    return parser.parse_args(argv)


def run_part(part: str, args: argparse.Namespace, sizes: Sizes, results: Results) -> None:
    """Run one part into `results`."""
    if part == "clock":
        results.clock = clock.run(args.database, sizes.clock_sizes, sizes.runs, args.postgres_url)
        return
    if part == "scale":
        results.scale = clock.run("postgresql", (sizes.scale_size,), sizes.runs, args.postgres_url)
        return
    with target(args.database, args.postgres_url) as prepared:
        if part == "footprint":
            results.footprint = footprint.run(prepared, sizes.commands)
        elif part == "reply":
            results.reply = reply.run(prepared, sizes.replies, sizes.warmup, sizes.saturation)
        else:
            results.cpu = cpu.run(prepared, sizes.cpu_commands, sizes.warmup)


def run_parts(args: argparse.Namespace, results: Results) -> list[str]:
    """Run the chosen parts into `results`; returns the parts that failed."""
    sizes = QUICK if args.quick else Sizes()
    parts = (args.part,) if args.part else PARTS
    failed: list[str] = []
    postgres = postgres_version(args.postgres_url)
    results.run["postgresql"] = postgres
    for part in parts:
        if (part == "scale" or args.database == "postgresql") and postgres is None:
            note(f"bench: {part} skipped: no PostgreSQL answers at {args.postgres_url} (run `make postgres`)")
            failed.append(part)
            continue
        if part == "scale" and args.database == "postgresql":
            reused = [size for size in results.clock if size.programs == sizes.scale_size]
            if reused:
                results.scale.extend(reused)
                continue
        busy = wait_for_quiet_host(QUIET_WAIT / 6 if args.quick else QUIET_WAIT)
        results.run.setdefault("host_busy_before", {})[part] = round(busy, 3)
        note(f"bench: {part} ... (other processes kept the CPUs {busy:.0%} busy just before)")
        started, cpu = time.monotonic(), CpuSnapshot.now()
        try:
            run_part(part, args, sizes, results)
        except Exception:
            note(f"bench: {part} failed:\n{traceback.format_exc()}")
            failed.append(part)
        results.run.setdefault("part_seconds", {})[part] = round(time.monotonic() - started, 1)
        results.run.setdefault("host_busy_others", {})[part] = round(CpuSnapshot.now().others_since(cpu), 3)
    return failed


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # unwinds every `with`: servers stopped, scratch databases dropped


def main(argv: Sequence[str]) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = dt.datetime.now(dt.UTC)
    results = Results(run={"started_at": started.isoformat(timespec="seconds"), "quick": args.quick, **facts()})
    results.run["database"] = args.database
    try:
        failed = run_parts(args, results)
    except KeyboardInterrupt:
        note("bench: interrupted; every server it started was stopped")
        return 130
    results.run["duration_s"] = round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1)
    results.run["failed_parts"] = failed
    label = "" if not (args.part or args.quick) else "-" + "-".join(filter(None, [args.part, "quick" * args.quick]))
    json_path, md_path, text = write(results, args.output, label)
    print(text)
    note(f"bench: wrote {json_path} and {md_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
