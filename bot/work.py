"""Where the slow part of a command or click runs once Slack has its ack.

`pulse serve` uses `WorkerProcesses`: separate, lower-priority processes, so database work and rendering
never compete with acks for the web worker's interpreter lock.
Tests and the console use `InProcess` threads, which share the caller's clock (time-machine) and database.
Both run the same job functions through `perform`.
"""

from __future__ import annotations

import atexit
import json
import logging
import multiprocessing
import os
import socket
import threading
from collections import deque
from concurrent.futures import Executor, ThreadPoolExecutor
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.services import Services
    from bot.settings import Settings

log = logging.getLogger(__name__)
WORKER_NICENESS = 10
STOP = b"stop"
BATCH_JOBS = 16  # at most this many jobs in one datagram (one wake-up of a worker)
BATCH_BYTES = 64 * 1024
DATAGRAM_BUFFER = 4 * 1024 * 1024  # asked for; the kernel may give less (net.core.wmem_max)
RESTART_CHECK_SECONDS = 1.0
MAX_DATAGRAM = DATAGRAM_BUFFER


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


class WorkerProcesses:
    """Jobs on spawned worker processes at idle CPU priority, fed through one datagram socket.

    `submit` only encodes the job (JSON, as Slack sent it) and queues it in memory, so it never blocks
    the ack. One feeder thread sends the queued jobs in small batches, one datagram each, to the socket
    all workers read; the kernel hands each datagram to exactly one reader, so no lock is shared with the
    workers. A worker that dies (killed, out of memory) loses only the batch it was running, and the
    feeder starts a new one in its place. Queued jobs are finished when the process exits (gunicorn
    stopping a web worker). A `ProcessPoolExecutor` cost the web worker five times the CPU per job: a
    manager thread, a queue feeder thread and a result sent back for every job.
    """

    def __init__(self, settings: Settings, processes: int = 2) -> None:
        values = {field.alias or name: getattr(settings, name) for name, field in type(settings).model_fields.items()}
        self._values = {k: (v.get_secret_value() if hasattr(v, "get_secret_value") else v) for k, v in values.items()}
        self._context = multiprocessing.get_context("spawn")
        self._send, self._receive = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._send.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, DATAGRAM_BUFFER)
        self._send.settimeout(RESTART_CHECK_SECONDS)
        self._queued: deque[bytes] = deque()
        self._wake = threading.Condition()
        self._stopping = False
        self._workers = [self._start_worker() for _ in range(processes)]
        self._feeder = threading.Thread(target=self._feed, name="pulse-work-feeder", daemon=True)
        self._feeder.start()
        atexit.register(self.shutdown)  # runs before multiprocessing's own exit handler stops the workers

    def submit(self, kind: str, body: dict[str, Any]) -> None:
        job = json.dumps([kind, body], separators=(",", ":")).encode()
        with self._wake:
            if self._stopping:
                raise RuntimeError("worker processes are shutting down")
            self._queued.append(job)
            self._wake.notify()

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (for operators and tests)."""
        return [worker.pid for worker in self._workers if worker.pid is not None]

    def shutdown(self) -> None:
        """Send every queued job, let the workers finish them, then stop the workers (once)."""
        atexit.unregister(self.shutdown)
        with self._wake:
            if self._stopping:
                return
            self._stopping = True
            self._wake.notify()
        self._feeder.join()
        for worker in self._workers:
            worker.join()
        self._send.close()
        self._receive.close()

    def _start_worker(self) -> BaseProcess:
        worker = self._context.Process(
            target=_serve_jobs, args=(self._values, self._receive), name="pulse-work", daemon=True
        )
        worker.start()
        return worker

    def _feed(self) -> None:
        while True:
            with self._wake:
                while not self._queued and not self._stopping:
                    if not self._wake.wait(timeout=RESTART_CHECK_SECONDS):
                        self._replace_dead_workers()
                batch = self._take_batch()
                stopping = self._stopping and not self._queued
            if batch:
                self._deliver(b"[" + b",".join(batch) + b"]")
            if stopping:
                for _ in self._workers:
                    self._deliver(STOP)
                return

    def _take_batch(self) -> list[bytes]:
        """The oldest queued jobs, shared out so every worker gets some (at most BATCH_JOBS, BATCH_BYTES)."""
        share = min(BATCH_JOBS, -(-len(self._queued) // len(self._workers)))
        batch: list[bytes] = []
        size = 0
        while self._queued and len(batch) < share and (not batch or size + len(self._queued[0]) <= BATCH_BYTES):
            job = self._queued.popleft()
            batch.append(job)
            size += len(job)
        return batch

    def _deliver(self, datagram: bytes) -> None:
        """Send one datagram, waiting while the workers are behind and replacing any that died meanwhile."""
        while True:
            try:
                self._send.send(datagram)
                return
            except TimeoutError:
                self._replace_dead_workers()
            except OSError:  # larger than the socket allows (net.core.wmem_max): nothing else would fit either
                log.exception("could not hand %d bytes of jobs to the workers; dropped", len(datagram))
                return

    def _replace_dead_workers(self) -> None:
        for index, worker in enumerate(self._workers):
            if not worker.is_alive():
                log.error("job worker %s exited with code %s; starting a new one", worker.pid, worker.exitcode)
                self._workers[index] = self._start_worker()


def _serve_jobs(values: dict[str, Any], jobs: socket.socket) -> None:
    """A worker process: run batches of jobs from the socket until told to stop or its parent is gone
    (a datagram socket tells no one when its peer dies, so a killed web worker would leave it waiting)."""
    _start_child(values)
    assert _child_services is not None
    parent = multiprocessing.parent_process()
    buffer = memoryview(bytearray(MAX_DATAGRAM))
    jobs.settimeout(RESTART_CHECK_SECONDS)
    while parent is None or parent.is_alive():
        try:
            datagram = bytes(buffer[: jobs.recv_into(buffer)])
        except TimeoutError:
            continue
        if datagram == STOP:
            return
        for kind, body in json.loads(datagram):
            perform(_child_services, kind, body)
