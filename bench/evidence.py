"""`python -m bench.evidence [--rows N] [--database sqlite|postgresql]`: what issue 12's evidence costs.

Black box, as an operator runs it: `pulse migrate` and `pulse demo` prepare a scratch database, then

* **import**: `pulse import risks` of an N-row messy CSV (BOM, semicolons, a title line, day-first dates,
  scale words, an unknown column) as a dry run and for real, and of the same rows as XLSX into another program;
* **export**: `pulse export risks` of the whole register (N+ rows) as CSV and XLSX;
* **report**: `pulse report --out DIR` (the digest, the heat map of every risk, the weekly RAG, a chart per KPI);

and through `pulse_api` the drawing time of each picture: the first one in a fresh process (matplotlib's import
included) and the median of warm ones. Results: a Markdown table on stdout and `.bench/results-evidence.json`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.databases import DATABASES, DEFAULT_POSTGRES_URL, note, scratch_database
from bench.proc import host_busy_share
from bench.servers import PULSE, REPO_ROOT, run_pulse, scrubbed_env

OWNERS = ("U0PRIYA", "U0LENA", "U0MARCO", "U0SAM", "U0JUN")
LIKELIHOOD = ("rare", "unlikely", "possible", "likely", "almost certain")
STATUSES = ("open", "in progress", "closed", "accepted")
PICTURES = ("heatmap", "trend", "kpi")
WARM_RUNS = 5


@dataclass(frozen=True)
class Timed:
    """One black-box step: what ran, on how many rows, how long it took, and how busy the host was before it."""

    step: str
    rows: int
    seconds: float
    host_busy: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def register_rows(count: int) -> list[list[object]]:
    """`count` risks the way a register spreadsheet holds them."""
    return [
        [
            f"RISK-{n:05d}",
            f"Risk {n}: vendor queue {n % 37} cannot absorb the appeal volume after policy change {n % 11}",
            LIKELIHOOD[n % 5] if n % 3 else n % 5 + 1,
            (n // 5) % 5 + 1,
            OWNERS[n % len(OWNERS)],
            f"{n % 28 + 1:02d}/0{n % 9 + 1}/2027",
            "Second vendor in pilot" if n % 4 else "",
            (n % 5 + 1) * ((n // 5) % 5 + 1),
            STATUSES[n % 4],
        ]
        for n in range(count)
    ]


HEADER = ["Risk ID", "Risk description", "Probability", "Severity", "Owner", "Next review", "Mitigation plan"]
HEADER += ["Score", "Status"]


def write_csv(path: Path, rows: list[list[object]]) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow(["Risk register, exported from the team's spreadsheet"])
    writer.writerow([])
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode("utf-8-sig"))


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


def timed(step: str, rows: int, args: list[str], env: dict[str, str], workdir: Path) -> Timed:
    busy = host_busy_share()
    start = time.perf_counter()
    run_pulse(args, env, workdir, timeout=3600)
    seconds = time.perf_counter() - start
    note(f"{step}: {seconds:.1f} s")
    return Timed(step, rows, seconds, busy)


def draw_times() -> dict[str, dict[str, float]]:
    """Per picture: the first draw in a fresh interpreter (importing matplotlib) and the median warm draw, in ms."""
    times: dict[str, dict[str, float]] = {}
    for name in PICTURES:
        code = f"from bench.pulse_api import draw_sample; print(draw_sample({name!r}, {WARM_RUNS}))"
        done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
            [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=600
        )
        first, *warm = json.loads(done.stdout)
        times[name] = {"first_ms": round(first * 1000, 1), "warm_median_ms": round(statistics.median(warm) * 1000, 1)}
        note(f"draw {name}: {times[name]}")
    return times


def run(rows: int, database: str, postgres_url: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="pulse-bench-evidence-") as folder:
        workdir = Path(folder)
        with scratch_database(database, workdir, postgres_url) as url:
            env = scrubbed_env({"DATABASE_URL": url})
            run_pulse(["migrate"], env, workdir)
            run_pulse(["demo"], env, workdir)
            register = register_rows(rows)
            write_csv(workdir / "register.csv", register)
            write_xlsx(workdir / "register.xlsx", register)
            appeals, classify = ["--program", "TNS-APPEALS"], ["--program", "TNS-CLASSIFIER"]
            plan = [
                ("import csv --dry-run", rows, ["import", "risks", "register.csv", *appeals, "--dry-run"]),
                ("import csv", rows, ["import", "risks", "register.csv", *appeals]),
                ("import xlsx", rows, ["import", "risks", "register.xlsx", *classify]),
                ("export csv", 2 * rows, ["export", "risks", "--out", "out.csv"]),
                ("export xlsx", 2 * rows, ["export", "risks", "--format", "xlsx", "--out", "out.xlsx"]),
                ("report", 2 * rows, ["report", "--out", "report"]),
            ]
            steps = [timed(step, count, argv, env, workdir) for step, count, argv in plan]
    return {
        "database": database,
        "rows": rows,
        "steps": [{**asdict(step), "rows_per_second": round(step.rows_per_second, 1)} for step in steps],
        "draw": draw_times(),
    }


def markdown(results: dict[str, object]) -> str:
    lines = [
        f"Evidence benchmark ({results['database']}, {results['rows']:,} rows)",
        "",
        "| step | rows | seconds | rows/s | host busy before |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for step in results["steps"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {step['step']} | {step['rows']:,} | {step['seconds']:.1f} | {step['rows_per_second']:,.0f} |"
            f" {step['host_busy']:.0%} |"
        )
    lines += ["", "| picture | first draw (fresh process) ms | warm draw (median) ms |", "| --- | ---: | ---: |"]
    for name, figures in results["draw"].items():  # type: ignore[attr-defined]
        lines.append(f"| {name} | {figures['first_ms']:.0f} | {figures['warm_median_ms']:.0f} |")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evidence", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the imported register")
    parser.add_argument("--database", choices=DATABASES, default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output", type=Path, default=REPO_ROOT / ".bench")
    args = parser.parse_args(argv)
    if not PULSE.exists():
        raise SystemExit(f"bench: {PULSE} is missing; run `make install` first")
    results = run(args.rows, args.database, args.postgres_url)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "results-evidence.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    table = markdown(results)
    (args.output / "results-evidence.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
