"""Pieces both benchmarks use: progress notes, the command line, JSON-safe values and scratch PostgreSQL."""

from __future__ import annotations

import contextlib
import math
import secrets
import shlex
import sys
from collections.abc import Iterator
from typing import Any

DEFAULT_POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def note(message: str) -> None:
    """A progress line on stderr (stdout carries the results)."""
    print(message, file=sys.stderr, flush=True)


def command_line() -> str:
    """The command line this process was started with."""
    return shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv]))


def finite(value: Any) -> Any:
    """`value` with NaN replaced by None, also inside dicts and lists (JSON has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def postgres_problem(admin_url: str) -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it answers."""
    from sqlalchemy import create_engine, text

    from store.db import normalise_url

    try:
        engine = create_engine(normalise_url(admin_url))
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


@contextlib.contextmanager
def scratch_postgres(admin_url: str) -> Iterator[tuple[str, str]]:
    """A new database `pulse_bench_<random>` on the admin URL's server, dropped afterwards: (url, version)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from store.db import normalise_url

    admin_url = normalise_url(admin_url)
    name = f"pulse_bench_{secrets.token_hex(5)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one())
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        note(f"[postgresql] created scratch database {name}")
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False), version
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            note(f"[postgresql] dropped scratch database {name}")
    finally:
        admin.dispose()
