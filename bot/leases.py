"""A sender's heartbeat: while it sends a claimed batch, the batch's lease keeps being renewed."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from types import TracebackType
from typing import Self

from store import outbox
from store.db import Database

log = logging.getLogger(__name__)


class Heartbeat:
    """Renews the lease of `ids` every `every` seconds until the block ends (a context manager).

    Leases are in the sender's clock: `claimed_at` (possibly a simulated instant, `pulse tick --at`)
    plus the real time elapsed since the claim, plus LEASE.
    """

    def __init__(self, database: Database, ids: list[int], *, claimed_at: dt.datetime, every: float) -> None:
        self.database = database
        self.ids = ids
        self.claimed_at = claimed_at
        self.every = every
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pulse-lease-heartbeat", daemon=True)

    def __enter__(self) -> Self:
        if self.ids:
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            until = self.claimed_at + dt.timedelta(seconds=time.monotonic() - self._started) + outbox.LEASE
            try:
                with self.database.session(write=True) as session:
                    outbox.renew(session, self.ids, until=until)
            except Exception:  # the database is away: the next beat tries again (the lease may lapse)
                log.warning("could not renew the lease of %d outbox messages", len(self.ids), exc_info=True)
