"""Slash-command ack latency under concurrent load: a bare Bolt app versus Pulse, behind the same gunicorn.

Every scenario runs behind gunicorn's gthread workers (2 workers x 8 threads by default, as `pulse
serve --http` runs) on a free loopback port. A load process (separate from the one hosting the Slack
stub, so the stub's threads never hold the clients' GIL) runs 8 keep-alive clients that send signed
slash commands: a warm-up phase, then a bounded measured phase. Ack latency is the HTTP round trip
until the ack response has been read. For Pulse, every request's response_url points at the stub;
after the run each request must have exactly one successful reply there, and the time from sending
the request to that reply's arrival is the "reply latency".
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import http.client
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import platform
import pstats
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from bench.common import DEFAULT_POSTGRES_ADMIN_URL, command_line, finite, note, postgres_problem, scratch_postgres
from bot.signing import signed_headers, slash_command_body

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / ".bench" / "ack_latency.json"
LOOPBACK = "127.0.0.1"
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
DATABASES = ("sqlite", "postgresql")
TEAM = "T0DEMO"  # store.demo.DEMO_TEAM: the seeded portfolio's workspace
CALLER = "U0ADMIN"  # store.demo.DEMO_ADMIN, also listed in PULSE_ADMINS
CHANNEL = "C0LEADS"
SLACK_DEADLINE_MS = 3000.0
TARGET_P99_RATIO = 1.5
NOISY_HOST_SHARE = 0.15
# Inherited variables that would change what the servers do; every server gets a clean set.
SCRUBBED_ENV_PREFIXES = ("SLACK_", "PULSE_", "GUNICORN_")
SCRUBBED_ENV = frozenset({"DATABASE_URL", "PORT", "WEB_CONCURRENCY"})


BENCH_PROGRAM = "TNS-BENCH"  # added to the demo portfolio without a channel: its risks post nowhere


@dataclass(frozen=True)
class Scenario:
    """One kind of request: a slash command, and the reply its work after the ack must post (Pulse only)."""

    key: str
    title: str
    command: str
    text: str  # `{i}` is replaced by the request's index
    expect: str | None = None  # regex the response_url reply's text must match; None: no work after the ack
    max_requests: int | None = None  # caps --requests (and --warmup at a tenth of it)
    default: bool = True  # run unless --scenarios names others


BARE = Scenario("bare", "bare Bolt ack", "/bench", "ping {i}")
PULSE_SCENARIOS = (
    Scenario(
        "risk-add",
        "/risk add",
        "/risk",
        f"add {BENCH_PROGRAM} Bench risk {{i}} likelihood:3 impact:4",
        expect=rf"^R-\d+ added to {BENCH_PROGRAM}: score 12 \(",
    ),
    Scenario("program-show", "/program show", "/program", "show TNS-APPEALS", expect=r"^TNS-APPEALS: "),
    # Score 12 is "high": each risk is also posted to the program's channel, which Pulse paces to about
    # one message per second per channel, so this one is capped and only runs when asked for.
    Scenario(
        "risk-add-channel",
        "/risk add +post",
        "/risk",
        "add TNS-CLASSIFIER Bench risk {i} likelihood:3 impact:4",
        expect=r"^R-\d+ added to TNS-CLASSIFIER: score 12 \(",
        max_requests=100,
        default=False,
    ),
)


@dataclass(frozen=True)
class Config:
    """What one benchmark run does."""

    databases: tuple[str, ...]
    scenarios: tuple[str, ...]  # keys of PULSE_SCENARIOS to run (the bare app always runs)
    requests: int
    warmup: int
    concurrency: int
    workers: int
    threads: int
    postgres_admin_url: str
    drain_timeout: float
    quiet_wait: float
    balance: bool
    diagnose: bool
    rate: float | None
    rounds: int
    output: Path


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class Stats:
    """Latency summary in milliseconds."""

    count: int
    p50: float
    p99: float
    mean: float
    max: float

    @classmethod
    def of(cls, values_ms: Sequence[float]) -> Stats:
        """Summarise a list of latencies (ms)."""
        if not values_ms:
            return cls(0, math.nan, math.nan, math.nan, math.nan)
        return cls(
            count=len(values_ms),
            p50=percentile(values_ms, 0.50),
            p99=percentile(values_ms, 0.99),
            mean=sum(values_ms) / len(values_ms),
            max=max(values_ms),
        )


# --------------------------------------------------------------------------- /proc helpers (Linux)


def _proc_stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the 3rd (state) on; comm may hold spaces


def child_pids(parent: int) -> list[int]:
    """Live child processes of `parent` (gunicorn's workers when `parent` is its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _proc_stat_fields(int(entry.name))
            if fields is not None and int(fields[1]) == parent:
                found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = _proc_stat_fields(pid)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def host_busy_share(seconds: float = 1.0) -> float:
    """The share of all CPUs' time spent busy over the next `seconds` (other processes, while we idle)."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        return sum(values) - idle, sum(values)

    busy_before, total_before = sample()
    time.sleep(seconds)
    busy_after, total_after = sample()
    return (busy_after - busy_before) / max(1, total_after - total_before)


def wait_for_quiet_host(max_wait: float) -> float:
    """Wait (up to `max_wait` s) until other processes leave the CPUs mostly idle; returns the last busy share."""
    deadline = time.monotonic() + max_wait
    busy = host_busy_share()
    announced = False
    while busy > NOISY_HOST_SHARE and time.monotonic() < deadline:
        if not announced:
            note(f"    host {busy:.0%} busy (other processes); waiting up to {max_wait:.0f}s for it to calm down")
            announced = True
        busy = host_busy_share()
    return busy


def socket_owners(server_port: int, client_ports: Sequence[int], worker_pids: Sequence[int]) -> dict[int, int]:
    """Which worker holds the server side of each client connection: client port -> pid (/proc/net/tcp)."""
    wanted = set(client_ports)
    port_of_inode: dict[str, int] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local_port = int(parts[1].rsplit(":", 1)[1], 16)
        remote_port = int(parts[2].rsplit(":", 1)[1], 16)
        if local_port == server_port and remote_port in wanted:
            port_of_inode[f"socket:[{parts[9]}]"] = remote_port
    owners: dict[int, int] = {}
    for pid in worker_pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    port = port_of_inode.get(os.readlink(fd))
                    if port is not None:
                        owners[port] = pid
    return owners


# --------------------------------------------------------------------------- load generation (child process)


@dataclass(frozen=True)
class LoadSpec:
    """Everything the load process needs (picklable)."""

    port: int
    secret: str
    scenario: Scenario
    response_url_prefix: str  # the stub's response URL for name "", to which the request's name is appended
    name_prefix: str
    warmup: int
    requests: int
    concurrency: int
    worker_pids: tuple[int, ...]
    balance: bool
    rate: float | None = None  # requests per second across all clients (None: as fast as acks come back)


@dataclass
class LoadResult:
    """Per-request measurements, indexed by request number (warm-up first)."""

    sent_at: list[float]  # time.time() just before sending
    ack_ms: list[float]  # round trip until the ack response was read; NaN when the request failed
    status: list[int]  # HTTP status, 0 when the request failed
    ack_body: list[str]  # non-empty ack bodies (truncated), "" otherwise
    errors: list[str]
    reconnects: int
    measured_seconds: float
    connections: dict[int, int] | None


def request_name(spec: LoadSpec, index: int) -> str:
    """The response_url name of request `index` (unique per scenario run)."""
    return f"{spec.name_prefix}{index}"


class _Client:
    """One keep-alive connection and when it was last used."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        self.last_used = time.monotonic()

    def reconnect(self) -> None:
        """Drop the connection and open a new one right away (so a worker accepts it now)."""
        self.conn.close()
        self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)
        self.conn.connect()
        self.last_used = time.monotonic()

    def local_port(self) -> int | None:
        """The client side's port, None while not connected."""
        return self.conn.sock.getsockname()[1] if self.conn.sock is not None else None


def balance_connections(clients: Sequence[_Client], spec: LoadSpec, budget: float = 1.0) -> dict[int, int] | None:
    """Reconnect clients until the workers hold equally many connections (within one), or `budget` s pass.

    Keep-alive connections stick to whichever worker accepted them, so a random 6/2 or 8/0 split would
    otherwise differ from scenario to scenario; Slack's own traffic spreads over the workers.
    Returns connections per worker pid, or None when /proc could not tell.
    """
    deadline = time.monotonic() + budget
    while True:
        ports = {port: n for n, c in enumerate(clients) if (port := c.local_port()) is not None}
        owner_of_port = socket_owners(spec.port, list(ports), spec.worker_pids)
        owners = {n: owner_of_port.get(port) for port, n in ports.items()}
        counts = dict.fromkeys(spec.worker_pids, 0)
        for pid in owners.values():
            if pid is not None:
                counts[pid] += 1
        settled = len(owners) == len(clients) and None not in owners.values()
        balanced = settled and max(counts.values()) - min(counts.values()) <= 1
        if balanced or time.monotonic() > deadline or not spec.balance:
            return counts if settled else None
        if settled:
            busiest = max(counts, key=lambda pid: counts[pid])
            clients[next(n for n, pid in owners.items() if pid == busiest)].reconnect()
        time.sleep(0.02)


def run_load(spec: LoadSpec) -> LoadResult:
    """Warm up, (re)balance the connections over the workers, then measure; one thread per connection."""
    total = spec.warmup + spec.requests
    result = LoadResult(
        sent_at=[math.nan] * total,
        ack_ms=[math.nan] * total,
        status=[0] * total,
        ack_body=[""] * total,
        errors=[],
        reconnects=0,
        measured_seconds=math.nan,
        connections=None,
    )
    lock = threading.Lock()
    cursor = {"next": 0, "end": spec.warmup}
    phase_done = threading.Barrier(spec.concurrency + 1)
    go = threading.Barrier(spec.concurrency + 1)
    clients = [_Client(spec.port) for _ in range(spec.concurrency)]
    phase_start = {"warmup": time.perf_counter(), "measured": math.inf}

    def take() -> int | None:
        with lock:
            index = cursor["next"]
            if index >= cursor["end"]:
                return None
            cursor["next"] = index + 1
            return index

    def send(client: _Client, index: int) -> None:
        name = request_name(spec, index)
        body = slash_command_body(
            command=spec.scenario.command,
            text=spec.scenario.text.format(i=index),
            user_id=CALLER,
            team_id=TEAM,
            channel_id=CHANNEL,
            response_url=spec.response_url_prefix + name,
        )
        data, headers = body.encode(), signed_headers(spec.secret, body)
        for attempt in (1, 2):
            # gunicorn closes keep-alive connections idle for 2 s; a request sent on one that was closed
            # is never read by the server, so it is safe to send it once more on a new connection.
            stale = time.monotonic() - client.last_used > 1.0
            result.sent_at[index] = time.time()
            started = time.perf_counter()
            try:
                client.conn.request("POST", EVENTS_PATH, body=data, headers=headers)
                response = client.conn.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                client.conn.close()
                with lock:
                    result.reconnects += 1
                if stale and attempt == 1:
                    continue
                with lock:
                    result.errors.append(f"request {index}: {type(exc).__name__}: {exc}")
                return
            except (OSError, http.client.HTTPException) as exc:
                client.conn.close()
                with lock:
                    result.errors.append(f"request {index}: {type(exc).__name__}: {exc}")
                    result.reconnects += 1
                return
            finally:
                client.last_used = time.monotonic()
            result.ack_ms[index] = (time.perf_counter() - started) * 1000
            result.status[index] = response.status
            if payload.strip():
                result.ack_body[index] = payload[:200].decode(errors="replace")
            if response.will_close:
                client.conn.close()
                with lock:
                    result.reconnects += 1
            return

    def pace(index: int, first: int, since: float) -> None:
        """With --rate, wait until request `index` is due (requests of a phase are spread evenly)."""
        if spec.rate:
            delay = since + (index - first) / spec.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)

    def run_client(client: _Client) -> None:
        try:
            while (index := take()) is not None:
                pace(index, 0, phase_start["warmup"])
                send(client, index)
            phase_done.wait()
            go.wait()
            while (index := take()) is not None:
                pace(index, spec.warmup, phase_start["measured"])
                send(client, index)
        finally:
            client.conn.close()

    threads = [
        threading.Thread(target=run_client, args=(c,), name=f"client-{n}", daemon=True) for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    phase_done.wait()
    with contextlib.suppress(OSError, ValueError):
        result.connections = balance_connections(clients, spec)
    with lock:
        cursor["end"] = total
    started = time.perf_counter()
    phase_start["measured"] = started
    go.wait()
    for thread in threads:
        thread.join()
    result.measured_seconds = time.perf_counter() - started
    return result


def _load_process_main(spec: LoadSpec, channel: multiprocessing.connection.Connection) -> None:
    try:
        channel.send(run_load(spec))
    except KeyboardInterrupt:
        pass
    finally:
        channel.close()


def run_load_in_child(spec: LoadSpec, timeout: float) -> LoadResult:
    """Run `run_load` in a fresh process and return its result; the process never outlives this call."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_load_process_main, args=(spec, sender), name="bench-load", daemon=True)
    process.start()
    sender.close()
    try:
        deadline = time.monotonic() + timeout
        while not receiver.poll(0.2):
            if not process.is_alive():
                raise RuntimeError(f"the load process exited with code {process.exitcode} before reporting")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the load process did not finish within {timeout:.0f}s")
        loaded: LoadResult = receiver.recv()
        return loaded
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without Slack/Pulse/gunicorn settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_ENV_PREFIXES) and k not in SCRUBBED_ENV}
    env.update(extra)
    return env


class Server:
    """A gunicorn server in its own session (so Ctrl-C reaches only us); always stopped on exit."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, workdir: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.port = port
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
                self.argv,
                env=self.env,
                cwd=self.workdir,  # no .env or gunicorn.conf.py from the repo is picked up
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        """The gunicorn master's process id."""
        assert self.process is not None
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the server logged."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def workers(self) -> list[int]:
        """The worker processes' ids."""
        return child_pids(self.pid)

    def wait_ready(self, workers: int, timeout: float = 60.0) -> None:
        """Wait for /healthz to answer 200, for every worker to exist and for their start-up CPU to settle."""
        deadline = time.monotonic() + timeout
        url = f"http://{LOOPBACK}:{self.port}{HEALTH_PATH}"
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} was not ready within {timeout:.0f}s:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200 and len(self.workers()) >= workers:
                        break
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        # Workers import the app after fork; wait until none is still busy starting up.
        previous = cpu_seconds(self.workers())
        while time.monotonic() < deadline:
            time.sleep(0.3)
            current = cpu_seconds(self.workers())
            if current - previous < 0.02:
                return
            previous = current

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the master (graceful), then SIGKILL its whole process group if it lingers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the group is the one this server's session started
            process.wait()


def gunicorn_cli(config: Config, port: int, app: str, env: dict[str, str], workdir: Path, name: str) -> Server:
    """`app` (a `module:factory()` spec from bench/) under the gunicorn CLI, with the settings `pulse serve` uses."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--worker-class",
        "gthread",
        "--workers",
        str(config.workers),
        "--threads",
        str(config.threads),
        "--bind",
        f"{LOOPBACK}:{port}",
        "--timeout",
        "30",
        "--graceful-timeout",
        "20",
        app,
    ]
    pythonpath = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return Server(name, argv, server_env({**env, "PYTHONPATH": pythonpath}), port, workdir)


def gunicorn_bare(config: Config, port: int, secret: str, token: str, api_url: str, workdir: Path) -> Server:
    """The bare Bolt app (bench/bare_app.py) under gunicorn."""
    env = {"SLACK_SIGNING_SECRET": secret, "SLACK_BOT_TOKEN": token, "SLACK_API_URL": api_url}
    return gunicorn_cli(config, port, "bench.bare_app:create_wsgi()", env, workdir, "bare-gunicorn")


def pulse_env(port: int, secret: str, token: str, api_url: str, database_url: str) -> dict[str, str]:
    """The settings Pulse is served with."""
    return {
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_BOT_TOKEN": token,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PULSE_ADMINS": CALLER,
    }


def pulse_server(
    config: Config, port: int, secret: str, token: str, api_url: str, database_url: str, workdir: Path, name: str
) -> Server:
    """`pulse serve --http` with the benchmark's database and stub."""
    pulse = Path(sys.executable).parent / "pulse"
    argv = [str(pulse), "serve", "--http", "--workers", str(config.workers), "--threads", str(config.threads)]
    return Server(name, argv, server_env(pulse_env(port, secret, token, api_url, database_url)), port, workdir)


# --------------------------------------------------------------------------- databases


def _seed(url: str) -> None:
    from store import demo, programs
    from store.access import Actor
    from store.db import Database
    from store.migrate import upgrade
    from store.types import utcnow

    upgrade(url)
    database = Database(url)
    try:
        now = utcnow()
        with database.session(write=True) as session:
            demo.seed(session, today=now.date(), now=now)
            admin = Actor(team_id=TEAM, user_id=CALLER, is_admin=True)
            programs.create(session, admin, key=BENCH_PROGRAM, name="Benchmark risks", owner_id=CALLER)
    finally:
        database.dispose()


@contextlib.contextmanager
def scratch_database(kind: str, workdir: Path, admin_url: str) -> Iterator[str]:
    """A freshly migrated, demo-seeded database; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'pulse-bench.db'}"
        _seed(url)
        yield url
        return
    with scratch_postgres(admin_url) as (url, _version):
        _seed(url)
        yield url


# --------------------------------------------------------------------------- one scenario


@dataclass
class ScenarioResult:
    """What one scenario measured, and how it compares with the bare app."""

    database: str
    scenario: str
    title: str
    requests: int
    warmup: int
    ack: Stats
    requests_per_second: float
    ack_p50_vs_bare: float | None = None
    ack_p99_vs_bare: float | None = None
    reply: Stats | None = None
    reply_drain_seconds: float | None = None
    worker_cpu_ms_per_request: float | None = None
    connections_per_worker: list[int] | None = None
    reconnects: int = 0
    host_busy_before: float | None = None  # CPU share other processes used just before the run
    diagnostic: bool = False  # Pulse with its work after the ack off (--diagnose): not part of the verdict
    failures: dict[str, int] = field(default_factory=dict)
    failure_examples: list[str] = field(default_factory=list)
    bare_ack: Stats | None = None  # the bare app's runs paired with this row (pooled), which the ratios compare with
    ack_samples_ms: list[float] = field(default_factory=list, repr=False)  # not written to the JSON
    reply_samples_ms: list[float] = field(default_factory=list, repr=False)  # not written to the JSON
    runs: int = 1  # how many runs (rounds) this row pools
    round_p99_vs_bare: list[float] = field(default_factory=list)  # each round's p99 ratio, for the spread

    @property
    def failed(self) -> int:
        """Requests that failed in any way."""
        return sum(self.failures.values())


def run_scenario(
    *,
    database: str,
    scenario: Scenario,
    server: Server,
    secret: str,
    stub: Any,
    config: Config,
    run_id: str,
) -> ScenarioResult:
    """Load `server` with `scenario`, then (for Pulse) wait for and check every response_url reply."""
    workers = server.workers()
    requests, warmup = config.requests, config.warmup
    if scenario.max_requests is not None and requests > scenario.max_requests:
        requests, warmup = scenario.max_requests, min(warmup, max(1, scenario.max_requests // 10))
    spec = LoadSpec(
        port=server.port,
        secret=secret,
        scenario=scenario,
        response_url_prefix=stub.response_url(""),
        name_prefix=f"{run_id}-{database}-{scenario.key}-",
        warmup=warmup,
        requests=requests,
        concurrency=config.concurrency,
        worker_pids=tuple(workers),
        balance=config.balance,
        rate=config.rate,
    )
    total = spec.warmup + spec.requests
    busy = wait_for_quiet_host(config.quiet_wait)
    note(
        f"  {scenario.title}: {spec.warmup} warm-up + {spec.requests} measured requests"
        f" (host {busy:.0%} busy before) ..."
    )
    cpu_before = cpu_seconds(workers)
    load = run_load_in_child(spec, timeout=max(120.0, total * 0.5))
    measured = range(spec.warmup, total)
    ack_ms = [load.ack_ms[i] for i in measured if load.status[i] == 200]
    failures: Counter[str] = Counter()
    examples: list[str] = list(load.errors[:3])
    for i in range(total):
        if load.status[i] == 0:
            failures["request error"] += 1
        elif load.status[i] != 200:
            failures[f"HTTP {load.status[i]}"] += 1
            examples.append(f"request {i}: HTTP {load.status[i]} {load.ack_body[i]!r}")
        elif load.ack_body[i]:
            failures["answered in the ack (usage/error)"] += 1
            examples.append(f"request {i}: ack body {load.ack_body[i]!r}")
    result = ScenarioResult(
        database=database,
        scenario=scenario.key,
        title=scenario.title,
        requests=spec.requests,
        warmup=spec.warmup,
        ack=Stats.of(ack_ms),
        requests_per_second=len(ack_ms) / load.measured_seconds if load.measured_seconds > 0 else math.nan,
        reconnects=load.reconnects,
        host_busy_before=busy,
        ack_samples_ms=ack_ms,
        connections_per_worker=sorted(load.connections.values(), reverse=True) if load.connections else None,
    )
    if scenario.expect is not None:
        drain_started = time.monotonic()
        posts = wait_for_replies(stub, spec.name_prefix, total, timeout=config.drain_timeout)
        result.reply_drain_seconds = time.monotonic() - drain_started
        reply_ms = check_replies(load, spec, scenario.expect, posts, failures, examples)
        result.reply = Stats.of(reply_ms)
        result.reply_samples_ms = reply_ms
    cpu_used = cpu_seconds(workers) - cpu_before
    result.worker_cpu_ms_per_request = cpu_used * 1000 / total
    result.failures = dict(failures)
    result.failure_examples = examples[:5]
    note(
        f"    ack p50 {result.ack.p50:.2f} ms, p99 {result.ack.p99:.2f} ms, {result.requests_per_second:.0f} req/s"
        + (f"; reply p99 {result.reply.p99:.0f} ms" if result.reply else "")
        + (f"; {result.failed} FAILED" if result.failed else "")
    )
    return result


def wait_for_replies(stub: Any, prefix: str, expected: int, timeout: float, stall: float = 60.0) -> list[Any]:
    """Poll the stub until `expected` response_url posts named `prefix...` arrived (or time runs out)."""
    deadline = time.monotonic() + timeout
    last_count, last_change = -1, time.monotonic()
    while True:
        posts = stub.responses(prefix)
        now = time.monotonic()
        if len(posts) != last_count:
            last_count, last_change = len(posts), now
        if len(posts) >= expected or now > deadline or now - last_change > stall:
            time.sleep(0.5)  # let a duplicate that is in flight arrive too
            return list(stub.responses(prefix))
        time.sleep(0.2)


def check_replies(
    load: LoadResult, spec: LoadSpec, expect: str, posts: Sequence[Any], failures: Counter[str], examples: list[str]
) -> list[float]:
    """Count missing, duplicate and unsuccessful replies; return the measured requests' reply latencies (ms)."""
    by_name: dict[str, list[Any]] = {}
    for post in posts:
        by_name.setdefault(post.name, []).append(post)
    pattern = re.compile(expect)
    reply_ms: list[float] = []
    for i in range(spec.warmup + spec.requests):
        if load.status[i] != 200 or load.ack_body[i]:
            continue  # already counted as a failed request
        got = by_name.get(request_name(spec, i), [])
        if not got:
            failures["no response_url reply"] += 1
            continue
        if len(got) > 1:
            failures["more than one response_url reply"] += 1
            examples.append(f"request {i}: {len(got)} replies")
        text = str(got[0].payload.get("text", ""))
        if not pattern.search(text):
            failures["unsuccessful reply"] += 1
            examples.append(f"request {i}: reply {text[:160]!r}")
            continue
        if i >= spec.warmup:
            reply_ms.append((min(p.time for p in got) - load.sent_at[i]) * 1000)
    return reply_ms


# --------------------------------------------------------------------------- one database


@dataclass
class DatabaseRun:
    """Everything measured on one database."""

    results: list[ScenarioResult]
    problems: list[str]
    ack_cpu: list[AckCpu] | None = None


def run_database(database: str, config: Config, stub: Any, workdir: Path, run_id: str, *, cpu: bool) -> DatabaseRun:
    """The bare app, then Pulse's scenarios on a fresh `database` (and the diagnostics when asked)."""
    secret = secrets.token_hex(16)
    token = f"xoxb-bench-{secrets.token_hex(8)}"
    results: list[ScenarioResult] = []
    selected = [s for s in PULSE_SCENARIOS if s.key in config.scenarios]
    ack_cpu = None

    def run(scenario: Scenario, server: Server, round_number: int) -> ScenarioResult:
        return run_scenario(
            database=database,
            scenario=scenario,
            server=server,
            secret=secret,
            stub=stub,
            config=config,
            run_id=f"{run_id}r{round_number}",
        )

    baselines: list[ScenarioResult] = []

    def paired(scenario: Scenario, server: Server, bare: Server) -> ScenarioResult:
        """`config.rounds` times the bare app right before `scenario`, so both see the same background load;
        each side's samples are pooled over the rounds and the ratios compare the pools."""
        rounds: list[tuple[ScenarioResult, ScenarioResult]] = []
        for number in range(1, config.rounds + 1):
            if config.rounds > 1:
                note(f"  round {number} of {config.rounds}")
            rounds.append((run(BARE, bare, number), run(scenario, server, number)))
        baselines.extend(baseline for baseline, _ in rounds)
        bare_pool = pooled([baseline for baseline, _ in rounds])
        result = pooled([pulse_run for _, pulse_run in rounds])
        result.bare_ack = bare_pool.ack
        result.ack_p50_vs_bare = result.ack.p50 / bare_pool.ack.p50
        result.ack_p99_vs_bare = result.ack.p99 / bare_pool.ack.p99
        result.round_p99_vs_bare = [pulse_run.ack.p99 / baseline.ack.p99 for baseline, pulse_run in rounds]
        return result

    note(f"[{database}] migrating and seeding a scratch database")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(scratch_database(database, workdir, config.postgres_admin_url))
        note(f"[{database}] bare Bolt app under gunicorn ({config.workers} workers x {config.threads} threads)")
        bare = stack.enter_context(gunicorn_bare(config, free_port(), secret, token, stub.api_url, workdir))
        bare.wait_ready(config.workers)
        port = free_port()
        note(f"[{database}] pulse serve --http --workers {config.workers} --threads {config.threads}")
        with pulse_server(config, port, secret, token, stub.api_url, url, workdir, f"pulse-{database}") as server:
            server.wait_ready(config.workers)
            for scenario in selected:
                results.append(paired(scenario, server, bare))
        if config.diagnose:
            port = free_port()
            note(
                f"[{database}] Pulse with its work after the ack switched off (bench/pulse_ack_only.py) under gunicorn"
            )
            env = pulse_env(port, secret, token, stub.api_url, url)
            app = "bench.pulse_ack_only:create_wsgi()"
            with gunicorn_cli(config, port, app, env, workdir, f"pulse-ack-only-{database}") as server:
                server.wait_ready(config.workers)
                for scenario in selected:
                    off = Scenario(
                        f"{scenario.key}-lazy-off", f"{scenario.title} lazy off", scenario.command, scenario.text
                    )
                    result = paired(off, server, bare)
                    result.diagnostic = True
                    results.append(result)
            if cpu:
                note(f"[{database}] ack path CPU, in this process")
                ack_cpu = ack_cpu_breakdown(url, stub, secret, token, selected)
    results.insert(0, pooled(baselines))
    problems = [f"{database} {r.title}: {r.failures} e.g. {r.failure_examples[:2]}" for r in results if r.failed]
    return DatabaseRun(results, problems, ack_cpu)


def pooled(baselines: Sequence[ScenarioResult]) -> ScenarioResult:
    """One row for several runs of one app and scenario: their samples pooled, throughput and CPU averaged."""
    first = baselines[0]
    if len(baselines) == 1:
        return first
    samples = [ms for b in baselines for ms in b.ack_samples_ms]
    replies = [ms for b in baselines for ms in b.reply_samples_ms]
    failures: Counter[str] = Counter()
    for b in baselines:
        failures.update(b.failures)

    def mean(values: Sequence[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return sum(present) / len(present) if present else None

    return ScenarioResult(
        database=first.database,
        scenario=first.scenario,
        title=f"{first.title} ({len(baselines)} runs)",
        requests=sum(b.requests for b in baselines),
        warmup=sum(b.warmup for b in baselines),
        ack=Stats.of(samples),
        ack_samples_ms=samples,
        reply=Stats.of(replies) if replies else None,
        reply_samples_ms=replies,
        reply_drain_seconds=max((b.reply_drain_seconds or 0.0) for b in baselines) if replies else None,
        diagnostic=first.diagnostic,
        requests_per_second=mean([b.requests_per_second for b in baselines]) or math.nan,
        worker_cpu_ms_per_request=mean([b.worker_cpu_ms_per_request for b in baselines]),
        connections_per_worker=first.connections_per_worker,
        reconnects=sum(b.reconnects for b in baselines),
        host_busy_before=max((b.host_busy_before or 0.0) for b in baselines),
        failures=dict(failures),
        failure_examples=[e for b in baselines for e in b.failure_examples][:5],
        runs=len(baselines),
    )


# --------------------------------------------------------------------------- ack path CPU (--diagnose)


@dataclass(frozen=True)
class AckCpu:
    """CPU time per request of one app's ack path in one thread without load (microseconds)."""

    app: str
    command: str
    parse_us: float  # building the BoltRequest from the raw body and headers, as the WSGI adapter does
    dispatch_us: float  # App.dispatch: middleware, listener matching, ack function, lazy request copy
    parts_us: dict[str, float]  # dispatch split by cProfile shares


# (label, path suffix of the module, function name); the rest of dispatch is "other Bolt".
DISPATCH_PARTS = (
    ("signature check", "middleware/request_verification/request_verification.py", "process"),
    ("authorization", "middleware/authorization/single_team_authorization.py", "process"),
    ("listener matching", "slack_bolt/listener/listener.py", "matches"),
    ("ack function", "bot/listeners/commands.py", "ack_command"),
    ("ack function", "bench/bare_app.py", "ack_only"),
    ("lazy request copy", "slack_bolt/listener/thread_runner.py", "_build_lazy_request"),
)


def _dispatch_shares(profile: cProfile.Profile) -> dict[str, float]:
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    cumulative: dict[str, float] = {}
    total = 0.0
    for (path, _line, function), entry in stats.items():
        posix = path.replace(os.sep, "/")
        if posix.endswith("slack_bolt/app/app.py") and function == "dispatch":
            total += entry[3]
        for label, suffix, name in DISPATCH_PARTS:
            if posix.endswith(suffix) and function == name:
                cumulative[label] = cumulative.get(label, 0.0) + entry[3]
    if total <= 0:
        return {}
    shares = {label: cumulative.get(label, 0.0) / total for label, _, _ in DISPATCH_PARTS}
    shares["other Bolt"] = max(0.0, 1.0 - sum(shares.values()))
    return shares


def measure_ack_cpu(app: Any, label: str, command: str, text: str, secret: str, count: int = 2000) -> AckCpu:
    """Dispatch `count` signed requests to `app` in this thread; time and profile the ack path."""
    from slack_bolt.request import BoltRequest

    def signed(i: int) -> tuple[str, dict[str, str | Sequence[str]]]:
        body = slash_command_body(
            command=command,
            text=text.format(i=i),
            user_id=CALLER,
            team_id=TEAM,
            channel_id=CHANNEL,
            response_url=f"http://{LOOPBACK}:9/response/cpu-{i}",  # never posted to: the work is off
        )
        return body, {k: [v] for k, v in signed_headers(secret, body).items()}

    requests = [signed(i) for i in range(count)]
    for body, headers in requests[:200]:
        app.dispatch(BoltRequest(body=body, headers=headers))
    parse = dispatch = 0.0
    for body, headers in requests:
        started = time.thread_time()
        request = BoltRequest(body=body, headers=headers)
        parsed = time.thread_time()
        response = app.dispatch(request)
        dispatch += time.thread_time() - parsed
        parse += parsed - started
        if response.status != 200 or response.body:
            raise RuntimeError(f"{label} {command}: unexpected ack {response.status} {response.body!r:.200}")
    profile = cProfile.Profile()
    profile.enable()
    for body, headers in requests:
        app.dispatch(BoltRequest(body=body, headers=headers))
    profile.disable()
    per_request = dispatch / count * 1e6
    shares = _dispatch_shares(profile)
    return AckCpu(
        app=label,
        command=f"{command} {text.format(i=0).split(' ', 1)[0]}",
        parse_us=parse / count * 1e6,
        dispatch_us=per_request,
        parts_us={part: share * per_request for part, share in shares.items()},
    )


def ack_cpu_breakdown(url: str, stub: Any, secret: str, token: str, scenarios: Sequence[Scenario]) -> list[AckCpu]:
    """Per-request CPU of the bare app's and Pulse's ack paths (the work after the ack off), split by part."""
    from bench.bare_app import create_bare_app
    from bench.pulse_ack_only import DropWork
    from bot.app import create_app
    from bot.settings import Settings
    from store.db import Database

    settings = Settings(
        _env_file=None,
        SLACK_BOT_TOKEN=token,
        SLACK_SIGNING_SECRET=secret,
        SLACK_API_URL=stub.api_url,
        DATABASE_URL=url,
        PULSE_ADMINS=CALLER,
        PULSE_COMMAND_PREFIX="",
    )
    database = Database(url)
    try:
        pulse = create_app(settings, database, work=DropWork())
        rows = [measure_ack_cpu(create_bare_app(secret, token, stub.api_url), "bare", BARE.command, BARE.text, secret)]
        rows += [measure_ack_cpu(pulse, "pulse", s.command, s.text, secret) for s in scenarios]
    finally:
        database.dispose()
    return rows


def ack_cpu_table(rows: Sequence[AckCpu]) -> str:
    """The ack path CPU breakdown as text."""
    parts = [*dict.fromkeys(label for label, _, _ in DISPATCH_PARTS), "other Bolt"]
    header = f"{'app':<6} {'command':<16} {'body parse':>10} {'dispatch':>9}  " + "  ".join(
        f"{p:>{max(9, len(p))}}" for p in parts
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        cells = "  ".join(f"{row.parts_us.get(p, math.nan):>{max(9, len(p))}.0f}" for p in parts)
        lines.append(f"{row.app:<6} {row.command:<16} {row.parse_us:>10.0f} {row.dispatch_us:>9.0f}  {cells}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- report


COLUMNS = (
    ("database", 10, "s"),
    ("scenario", 22, "s"),
    ("requests", 8, "d"),
    ("p50 ms", 7, ".2f"),
    ("p99 ms", 7, ".2f"),
    ("mean ms", 7, ".2f"),
    ("max ms", 7, ".1f"),
    ("req/s", 6, ".0f"),
    ("p50 x bare", 10, ".2f"),
    ("p99 x bare", 10, ".2f"),
    ("reply p50 ms", 12, ".0f"),
    ("reply p99 ms", 12, ".0f"),
    ("cpu ms/req", 10, ".2f"),
    ("conns/worker", 12, "s"),
    ("busy before", 11, ".0%"),
    ("failed", 6, "d"),
)


def table(results: Sequence[ScenarioResult]) -> str:
    """The results as a fixed-width text table."""

    def cell(value: object, width: int, spec: str) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-".rjust(width)
        text = format(value, spec)
        return text.ljust(width) if spec == "s" and width >= 10 else text.rjust(width)

    header = "  ".join(name.ljust(width) if spec == "s" else name.rjust(width) for name, width, spec in COLUMNS)
    lines = [header, "-" * len(header)]
    for r in results:
        values: list[object] = [
            r.database,
            r.title,
            r.requests,
            r.ack.p50,
            r.ack.p99,
            r.ack.mean,
            r.ack.max,
            r.requests_per_second,
            r.ack_p50_vs_bare,
            r.ack_p99_vs_bare,
            r.reply.p50 if r.reply else None,
            r.reply.p99 if r.reply else None,
            r.worker_cpu_ms_per_request,
            "/".join(map(str, r.connections_per_worker)) if r.connections_per_worker else None,
            r.host_busy_before,
            r.failed,
        ]
        lines.append("  ".join(cell(v, width, spec) for v, (_, width, spec) in zip(values, COLUMNS, strict=True)))
    return "\n".join(lines)


def verdict(results: Sequence[ScenarioResult]) -> tuple[bool, list[str]]:
    """Whether every Pulse scenario's p99 ack is within 1.5x the bare app's and under Slack's 3 s."""
    lines, met = [], True
    for r in results:
        if r.ack_p99_vs_bare is None or r.diagnostic:
            continue
        ok = r.ack_p99_vs_bare <= TARGET_P99_RATIO and r.ack.p99 < SLACK_DEADLINE_MS and r.failed == 0
        met = met and ok
        lines.append(
            f"{'MET   ' if ok else 'MISSED'} {r.database} {r.title}: p99 ack {r.ack.p99:.2f} ms = "
            f"{r.ack_p99_vs_bare:.2f}x bare (target <= {TARGET_P99_RATIO}x, < {SLACK_DEADLINE_MS:.0f} ms)"
            + (f"; rounds {', '.join(f'{x:.2f}x' for x in r.round_p99_vs_bare)}" if r.runs > 1 else "")
            + (f", {r.failed} failed requests" if r.failed else "")
        )
    return met, lines


# --------------------------------------------------------------------------- entry point


def parse_args(argv: Sequence[str]) -> Config:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(prog="python -m bench ack-latency", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        choices=[*DATABASES, "both"],
        default="both",
        help="which database Pulse runs on (default: both; PostgreSQL is skipped with a warning if unreachable)",
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(s.key for s in PULSE_SCENARIOS if s.default),
        help="comma-separated Pulse scenarios to run after the bare app, from "
        + ", ".join(s.key for s in PULSE_SCENARIOS)
        + " (default: "
        + ",".join(s.key for s in PULSE_SCENARIOS if s.default)
        + ")",
    )
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per scenario (default 2000)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up requests per scenario (default 200)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent keep-alive clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as pulse serve)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8, as pulse serve)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PULSE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_ADMIN_URL),
        help=f"PostgreSQL server to create the scratch database on (default {DEFAULT_POSTGRES_ADMIN_URL})",
    )
    parser.add_argument(
        "--drain-timeout", type=float, default=300.0, help="seconds to wait for response_url replies (default 300)"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help=f"before each scenario, wait up to this many seconds for the host to be under "
        f"{NOISY_HOST_SHARE:.0%}% busy (default 60; 0: don't wait)",
    )
    parser.add_argument(
        "--no-balance",
        action="store_true",
        help="keep the keep-alive connections where gunicorn put them (default: spread them evenly over the workers)",
    )
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="also serve Pulse with its work after the ack off (its ack path alone) and break down the ack's CPU",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="send at this many requests/s in all (an open-loop, Slack-like load); default: as fast as acks return",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="run each bare/Pulse pair this many times, alternating, and pool each side's samples (default 3)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    args = parser.parse_args(argv)
    scenarios = tuple(part.strip() for part in args.scenarios.split(",") if part.strip())
    unknown = set(scenarios) - {s.key for s in PULSE_SCENARIOS}
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(sorted(unknown))}")
    if not scenarios:
        parser.error("--scenarios needs at least one scenario")
    for name in ("requests", "warmup", "concurrency", "workers", "threads", "rounds"):
        if getattr(args, name) < (0 if name == "warmup" else 1):
            parser.error(f"--{name} must be positive")
    return Config(
        databases=DATABASES if args.database == "both" else (args.database,),
        scenarios=scenarios,
        requests=args.requests,
        warmup=args.warmup,
        concurrency=args.concurrency,
        workers=args.workers,
        threads=args.threads,
        postgres_admin_url=args.postgres_url,
        drain_timeout=args.drain_timeout,
        quiet_wait=args.quiet_wait,
        balance=not args.no_balance,
        diagnose=args.diagnose,
        rate=args.rate,
        rounds=args.rounds,
        output=args.output,
    )


def _terminate_gracefully(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through every `finally`, stopping what we started


def main(argv: Sequence[str]) -> int:
    """Run the benchmark; 0 when it ran cleanly (whether or not the target was met), 1 on failures."""
    from bench.stub_process import StubProcess

    config = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate_gracefully)
    cmd = command_line()
    print(f"$ {cmd}", flush=True)
    databases = list(config.databases)
    skipped: dict[str, str] = {}
    if "postgresql" in databases:
        problem = postgres_problem(config.postgres_admin_url)
        if problem is not None:
            if len(config.databases) == 1:
                print(f"bench: PostgreSQL is unreachable at {config.postgres_admin_url}: {problem}", file=sys.stderr)
                return 2
            note(f"bench: skipping PostgreSQL ({problem}); run `make postgres` first")
            skipped["postgresql"] = problem
            databases.remove("postgresql")
    started = dt.datetime.now(dt.UTC)
    run_id = secrets.token_hex(3)
    results: list[ScenarioResult] = []
    problems: list[str] = []
    ack_cpu: list[AckCpu] | None = None
    with (
        tempfile.TemporaryDirectory(prefix="pulse-bench-") as tmp,
        StubProcess({CALLER: {"tz": "UTC", "real_name": "Alex Admin"}}) as stub,
    ):
        for database in databases:
            run = run_database(database, config, stub, Path(tmp), run_id, cpu=ack_cpu is None)
            results.extend(run.results)
            problems.extend(run.problems)
            ack_cpu = ack_cpu or run.ack_cpu
    met, verdict_lines = verdict(results)
    print()
    print(table(results))
    print()
    print("Ack latency: HTTP round trip until the ack response was read (measured phase only).")
    print("Reply latency: request sent until its response_url reply reached the stub (the work after the ack done).")
    print(
        "x bare: ratio to the bare app's runs, each right before one of the scenario's runs (rounds alternate"
        " bare/Pulse; each side's samples are pooled; the verdict lists every round's p99 ratio)."
    )
    print("cpu ms/req: gunicorn web workers' CPU time per request (the acks; the work runs in worker processes).")
    print("conns/worker: how the keep-alive connections were spread over the gunicorn workers.")
    print("busy before: share of the host's CPU other processes used in the second before the scenario.")
    noisy = [r for r in results if (r.host_busy_before or 0) > NOISY_HOST_SHARE]
    if noisy:
        print(
            f"WARNING: the host was over {NOISY_HOST_SHARE:.0%} busy before {len(noisy)} scenario(s):"
            " other processes competed for the CPUs, so those numbers are noisy."
        )
    print()
    if ack_cpu:
        print()
        print("Ack path CPU per request, microseconds, one thread without load (the work after the ack off; dispatch")
        print(
            "split by cProfile shares; 'lazy request copy' is Bolt's deep copy of the request for the lazy listener):"
        )
        print(ack_cpu_table(ack_cpu))
    print()
    for line in verdict_lines:
        print(line)
    print(f"Target {'met' if met else 'MISSED'}.")
    for problem in problems:
        print(f"FAILURES: {problem}")
    for name, why in skipped.items():
        print(f"SKIPPED {name}: {why}")
    report = {
        "command": cmd,
        "started_at": started.isoformat(timespec="seconds"),
        "duration_seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
        "host": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "config": {
            "requests": config.requests,
            "warmup": config.warmup,
            "concurrency": config.concurrency,
            "rate": config.rate,
            "workers": config.workers,
            "threads": config.threads,
            "worker_class": "gthread",
            "databases": databases,
            "scenarios": ["bare", *config.scenarios],
        },
        "target": {"p99_vs_bare_max": TARGET_P99_RATIO, "p99_max_ms": SLACK_DEADLINE_MS, "met": met},
        "verdict": verdict_lines,
        "skipped": skipped,
        "results": [{**_without_samples(asdict(r)), "failed": r.failed} for r in results],
        "ack_cpu_us": [asdict(row) for row in ack_cpu] if ack_cpu else None,
        "failures": problems,
    }
    config.output.parent.mkdir(parents=True, exist_ok=True)
    config.output.write_text(json.dumps(finite(report), indent=2, allow_nan=False) + "\n")
    print(f"Wrote {config.output}")
    return 1 if problems else 0


def _without_samples(row: dict[str, Any]) -> dict[str, Any]:
    row.pop("ack_samples_ms", None)
    row.pop("reply_samples_ms", None)
    return row
