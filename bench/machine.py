"""The command line and the machine facts a result needs to be read (CPUs, memory, kernel, versions)."""

from __future__ import annotations

import os
import platform
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def _first(path: str, prefix: str) -> str:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return "?"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(prefix)), "?")


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except OSError:
        return "?"
    return done.stdout.strip() or "?"


def facts() -> dict[str, Any]:
    """`command` (as typed) and `machine` (with a one-line `summary`)."""
    cpus = os.cpu_count() or 0
    model = _first("/proc/cpuinfo", "model name")
    memory_gb = (
        int(_first("/proc/meminfo", "MemTotal").split()[0]) / 1024 / 1024 if Path("/proc/meminfo").exists() else 0
    )
    machine = {
        "cpus": cpus,
        "cpu_model": model,
        "memory_gb": round(memory_gb, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "commit": _commit(),
    }
    machine["summary"] = f"{cpus} CPUs ({model}), {memory_gb:.0f} GB, Linux {platform.release()}, Python " + str(
        machine["python"]
    )
    return {"command": shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv])), "machine": machine}
