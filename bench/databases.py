"""Scratch databases: a SQLite file in a temporary folder, or a PostgreSQL database that is dropped afterwards."""

from __future__ import annotations

import contextlib
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"  # any database: the server makes new ones
DATABASES = ("sqlite", "postgresql")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def note(message: str) -> None:
    """A progress line on stderr (stdout carries the results)."""
    print(message, file=sys.stderr, flush=True)


def _driver_url(url: str) -> str:
    """The URL with psycopg 3 as SQLAlchemy's driver."""
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def postgres_version(admin_url: str) -> str | None:
    """The server's version, or None when it does not answer (or is not on a loopback address)."""
    if (make_url(admin_url).host or "127.0.0.1") not in LOOPBACK_HOSTS:
        raise SystemExit(f"bench: refusing a PostgreSQL server that is not on a loopback address: {admin_url}")
    engine = create_engine(_driver_url(admin_url))
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar_one())
    except Exception:
        return None
    finally:
        engine.dispose()


@contextlib.contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    """A new database `pulse_bench_<random>` on the admin URL's server (its URL), dropped afterwards."""
    name = f"pulse_bench_{secrets.token_hex(5)}"
    admin = create_engine(_driver_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        note(f"[postgresql] created scratch database {name}")
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            note(f"[postgresql] dropped scratch database {name}")
    finally:
        admin.dispose()


@contextlib.contextmanager
def scratch_database(kind: str, folder: Path, admin_url: str, name: str = "pulse") -> Iterator[str]:
    """An empty database of `kind` (sqlite or postgresql): its URL, as DATABASE_URL takes it."""
    if kind == "sqlite":
        path = folder / f"{name}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    with scratch_postgres(admin_url) as url:
        yield url
