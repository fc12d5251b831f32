"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from store.limits import refuse_overlong_text

SQLITE_BUSY_TIMEOUT_MS = 15_000
LOCK_WAIT_OPTION = "pulse_lock_wait"  # seconds a session waits for a lock before giving up
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires
# PostgreSQL's SQLSTATEs for "the server is away": connection exceptions, and shutdown or start-up under way
SERVER_AWAY = ("08", "57P01", "57P02", "57P03")
MIN_LOCK_WAIT = 0.05  # seconds: past a deadline a session still tries once, briefly
_deadline: ContextVar[float | None] = ContextVar("pulse_lock_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Sessions opened inside (in this thread) wait for locks at most until `seconds` from now, so a person
    waiting on an answer (e.g. Slack's 3 s for an ack) is told "busy" in time instead of waiting on a lock."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _bounded(lock_wait: float | None) -> float | None:
    """`lock_wait`, cut to what is left of the current deadline (if any)."""
    ends = _deadline.get()
    if ends is None:
        return lock_wait
    left = max(ends - time.monotonic(), MIN_LOCK_WAIT)
    return left if lock_wait is None else min(lock_wait, left)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        wait = options.get(LOCK_WAIT_OPTION)
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait * 1000) if wait else SQLITE_BUSY_TIMEOUT_MS}")
        # Writers take the lock up front so read-then-write never fails with SQLITE_BUSY mid-way.
        conn.exec_driver_sql(f"BEGIN {'IMMEDIATE' if options.get('pulse_write') else 'DEFERRED'}")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        wait = conn.get_execution_options().get(LOCK_WAIT_OPTION)
        if wait:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether a database error means "another transaction held the lock for longer than we wait"."""
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    return code == LOCK_NOT_AVAILABLE or "database is locked" in str(exc.orig)


def is_unavailable(exc: BaseException) -> bool:
    """Whether a database error means "the database server is away" (stopped, restarting, or the connection
    to it lost): the transaction did not happen, and the pool connects again once the server is back."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    code = getattr(exc.orig, "sqlstate", "")  # psycopg's errors have one, None when no server answered
    return isinstance(exc, OperationalError) if code is None else str(code).startswith(SERVER_AWAY)


def create_db_engine(url: str) -> Engine:
    """An engine with the connection settings Pulse relies on."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    _configure_postgresql(engine)
    return engine


class Database:
    """One place to open sessions; `write=True` sessions serialise writers on SQLite."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = create_db_engine(self.url)
        self._writer = self.engine.execution_options(pulse_write=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False, lock_wait: float | None = None) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on any error.

        `lock_wait` bounds how long it waits for locks other transactions hold (seconds; then the database
        raises and `is_lock_timeout` says so); by default it waits as long as the engine's busy timeout, or
        until the current `deadline`."""
        bind = self._writer if write else self.engine
        lock_wait = _bounded(lock_wait)
        if lock_wait is not None:
            bind = bind.execution_options(**{LOCK_WAIT_OPTION: lock_wait})
        with Session(bind, expire_on_commit=False) as session:
            event.listen(session, "before_flush", refuse_overlong_text)
            with session.begin():
                yield session

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()
