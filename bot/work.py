"""Where the slow part of a command or click runs once Slack has its ack.

`pulse serve` uses `WorkerProcesses`: separate, lower-priority processes, so database work and rendering
never compete with acks for the web worker's interpreter lock (acks stay as fast as a bare Bolt app).
Tests and the console use `InProcess` threads, which share the caller's clock (time-machine) and database.
Both run the same job functions through `perform`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.services import Services
    from bot.settings import Settings

log = logging.getLogger(__name__)
WORKER_NICENESS = 10


class Work(Protocol):
    """Runs a job after the ack: `kind` names the job, `body` is Slack's payload."""

    def submit(self, kind: str, body: dict[str, Any]) -> None: ...

    def shutdown(self) -> None: ...


def perform(services: Services, kind: str, body: dict[str, Any]) -> None:
    """Run one job; failures are logged (the user already has the ack) and never escape."""
    from bot.listeners import actions, commands

    jobs = {"command": commands.run_command, "button": actions.run_button, "alert_ack": actions.acknowledge}
    try:
        jobs[kind](services, body)
    except Exception:
        log.exception("%s job failed", kind)


class InProcess:
    """Jobs on a thread pool of this process."""

    def __init__(self, services: Services, threads: int = 4) -> None:
        self.services = services
        self.executor: Executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pulse-work")

    def submit(self, kind: str, body: dict[str, Any]) -> None:
        self.executor.submit(perform, self.services, kind, body)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True)


_child_services: Services | None = None


def _start_child(values: dict[str, Any]) -> None:
    """Initialise a worker process: lower priority, its own settings, database and Slack client."""
    global _child_services
    from bot.logsafe import install_redaction
    from bot.scheduler import clock_services
    from bot.settings import Settings
    from store.db import Database

    _lower_priority()
    settings = Settings(**values)
    install_redaction(settings)
    _child_services = clock_services(settings, Database(settings.database_url))


def _lower_priority() -> None:
    """Run only on CPU the web workers leave idle (SCHED_IDLE), or at least at a lower nice level."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(WORKER_NICENESS)


def _run_in_child(kind: str, body: dict[str, Any]) -> None:
    assert _child_services is not None
    perform(_child_services, kind, body)


class WorkerProcesses:
    """Jobs on a pool of spawned, niced worker processes."""

    def __init__(self, settings: Settings, processes: int = 2) -> None:
        values = {field.alias or name: getattr(settings, name) for name, field in type(settings).model_fields.items()}
        values = {k: (v.get_secret_value() if hasattr(v, "get_secret_value") else v) for k, v in values.items()}
        self.executor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_child,
            initargs=(values,),
        )

    def submit(self, kind: str, body: dict[str, Any]) -> None:
        self.executor.submit(_run_in_child, kind, body)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=False)
