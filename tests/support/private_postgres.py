"""A private, throwaway PostgreSQL server for tests that stop and restart PostgreSQL itself (the machine's
shared server is never touched): `initdb` in a temporary directory, served on a free loopback port with its
socket in that directory and trust authentication, run as the `postgres` OS user (PostgreSQL refuses root)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.replicas import free_port

SERVER_USER = "postgres"
DATABASE = "pulse"
START_SECONDS = 60  # pg_ctl waits at most this long for the server to accept connections


def _bin_dir() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian's layout), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """One cluster of our own: `url` reaches its `pulse` database; `stop`, `start` and `restart` it at will."""

    def __init__(self, bin_dir: Path, root: Path, user: str) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.user = user
        self.data = root / "data"
        self.server_log = str(root / "server.log")  # what the server itself prints
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own tools with fixed arguments
            command, capture_output=True, text=True, timeout=START_SECONDS + 30, check=False
        )
        if done.returncode != 0:
            raise AssertionError(f"{tool} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def init(self) -> None:
        """Create the cluster (trust authentication) and its `pulse` database, and start it."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        self.start()
        admin = create_engine(self.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        admin.dispose()

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-k {self.root} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("start", "-t", str(START_SECONDS), "-l", self.server_log, "-o", options)

    def stop(self) -> None:
        """Stop the server at once: every session is ended (`-m fast`), as when PostgreSQL is shut down."""
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: sessions ended, the server back (with the same options), waited for."""
        self._ctl("restart", "-m", "fast", "-t", str(START_SECONDS), "-l", self.server_log)

    def _ctl(self, action: str, *args: str) -> None:
        """`pg_ctl ACTION` on this cluster, waiting until it is done."""
        self._run("pg_ctl", action, "-w", "-D", str(self.data), *args)

    def discard(self) -> None:
        """Stop the server if it runs (`-m immediate`: nothing of it is kept) and remove the cluster."""
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private cluster, stopped and removed afterwards; the test is skipped (saying why) when
    PostgreSQL's server binaries are not installed, or there is no unprivileged user to run them as root."""
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl under /usr/lib/postgresql/*/bin) are not installed")
    owner = pwd.getpwuid(os.geteuid())
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as an unprivileged user")
        try:
            owner = pwd.getpwnam(SERVER_USER)
        except KeyError:
            pytest.skip(f"running as root and there is no {SERVER_USER!r} user to run PostgreSQL as")
    root = Path(tempfile.mkdtemp(prefix="pulse-pg-"))  # short: the socket's path must fit in 107 bytes
    os.chown(root, owner.pw_uid, owner.pw_gid)
    cluster = PrivatePostgres(bin_dir, root, owner.pw_name)
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.discard()
