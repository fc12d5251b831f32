"""Runs the `pulse` CLI as a user does: a separate process with only the environment it is given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "pulse"
# The installed console script when there is one (`make install`), else the same entry point via `python -m bot`.
PULSE = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "bot"]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without any Slack or Pulse settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PULSE_", "DATABASE_URL", "PORT"))}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def pulse(*args: str, cwd: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `pulse ARGS` in `cwd` (so no stray .env is read) with `stdin` piped in (else no stdin at all)."""
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [*PULSE, *args],
        env=clean_env(**env),
        cwd=cwd,
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
