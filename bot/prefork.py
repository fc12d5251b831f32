"""What `pulse serve`'s gunicorn master does so the web workers it forks start small and stay small.

* The app's code (modules, mappers, the Bolt app's listeners, compiled templates) is loaded once in the
  master, so every worker shares those pages instead of loading its own copy on its first command.
* Right before each fork everything alive is frozen out of the garbage collector's sweeps (`gc.freeze`):
  a sweep writes to every object it visits, which would copy each shared page into each worker.
* Few malloc arenas (glibc): a worker's many request threads otherwise each get an arena of their own
  that keeps its freed memory, and the footprint creeps up with every thread that ever ran a command.
* No database connection crosses a fork: the master's clock ticks under a lock a fork waits for, and its
  connections are closed before the fork (SQLite's locks are per process: a child holding a copy of an
  open connection's state cannot write).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import logging
import os
import threading
from collections.abc import Iterator

from sqlalchemy.orm import configure_mappers

from bot.app import create_app
from bot.runtime import Runtime
from bot.settings import Settings
from store.db import Database
from templates import environment

log = logging.getLogger(__name__)
MALLOC_ARENAS = 2  # what MALLOC_ARENA_MAX=2 gives: the main arena and one more for every other thread
M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process and the workers it forks, unless MALLOC_ARENA_MAX is set
    (glibc reads it itself); False where the C library is not glibc."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


def load_app_code(settings: Settings, database: Database) -> None:
    """Import and build once what every worker uses (then drop the app; workers build their own)."""
    runtime = Runtime.build(settings, database)
    create_app(runtime)
    runtime.close()
    configure_mappers()
    templates = environment()
    for name in templates.list_templates(extensions=["j2"]):
        templates.get_template(name)


def freeze_for_fork() -> None:
    """Collect garbage, then keep everything alive out of future sweeps (in the master and its workers)."""
    gc.collect()
    gc.freeze()


class ForkGuard:
    """Keeps a fork from copying an open database connection: `ticking()` holds the lock a fork takes,
    and the fork closes the database's idle connections first."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = threading.Lock()
        os.register_at_fork(before=self._before, after_in_parent=self._lock.release, after_in_child=self._lock.release)

    @contextlib.contextmanager
    def ticking(self) -> Iterator[None]:
        with self._lock:
            yield

    def _before(self) -> None:
        self._lock.acquire()
        self.database.dispose()
