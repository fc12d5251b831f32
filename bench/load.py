"""Signed slash-command clients, run in a process of their own so they never share the stub's or our GIL.

Each client is a thread that sends one request at a time on a fresh loopback connection (so the kernel
spreads connections over gunicorn's workers as Slack's traffic would be). With a rate, request `i` is
due `i / rate` seconds after the start (an open-loop load shared by all clients); without one, every
client sends its next request as soon as its ack is back (saturation).
"""

from __future__ import annotations

import http.client
import json
import math
import multiprocessing
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from urllib.parse import quote

from bot.signing import signed_headers, slash_command_body

LOOPBACK = "127.0.0.1"
EVENTS_PATH = "/slack/events"
TEAM = "T0DEMO"  # the demo portfolio's workspace
CALLER = "U0ADMIN"  # the demo admin, also in PULSE_ADMINS
CHANNEL = "C0LEADS"


@dataclass(frozen=True)
class Command:
    """A slash command and its text; `{i}` in the text is replaced by the request's index."""

    command: str
    text: str


@dataclass(frozen=True)
class Plan:
    """How many requests, from how many clients, how fast."""

    requests: int  # measured requests, after `warmup` unmeasured ones
    clients: int
    rate: float | None = None  # requests per second over all clients; None: as fast as acks come back
    warmup: int = 0
    time_limit: float = 300.0  # no request is started after this many seconds


@dataclass(frozen=True)
class LoadSpec:
    """What the load process sends (picklable)."""

    port: int
    secret: str
    command: Command
    response_url: str  # the stub's response URL prefix; the request's name is appended
    name_prefix: str
    plan: Plan

    def name(self, index: int) -> str:
        """The response_url name of request `index`; warm-up names do not start with `name_prefix`."""
        return f"{self.name_prefix}{index}" if index >= self.plan.warmup else f"warmup-{self.name_prefix}{index}"


@dataclass(frozen=True)
class Sent:
    """One request: when it left, how long its ack took and what the ack said."""

    name: str
    sent_at: float  # time.time(), comparable with the stub's arrival times
    ack_ms: float  # NaN when the request failed
    status: int  # HTTP status, 0 when the request failed
    ack_text: str  # the ack body's `text` ("" for an empty ack)
    error: str = ""


def ack_text(payload: bytes) -> str:
    """The text an ack body carries: its JSON `text`, or the raw body."""
    raw = payload.decode(errors="replace").strip()
    if not raw:
        return ""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw[:300]
    return str(parsed.get("text", ""))[:300] if isinstance(parsed, dict) else raw[:300]


def send_one(spec: LoadSpec, index: int) -> Sent:
    """Sign and send request `index` on a new connection; read its ack."""
    name = spec.name(index)
    body = slash_command_body(
        command=spec.command.command,
        text=spec.command.text.format(i=index),
        user_id=CALLER,
        team_id=TEAM,
        channel_id=CHANNEL,
        response_url=spec.response_url + quote(name, safe=""),
    )
    data, headers = body.encode(), signed_headers(spec.secret, body)
    conn = http.client.HTTPConnection(LOOPBACK, spec.port, timeout=30)
    sent_at, started = time.time(), time.perf_counter()
    try:
        conn.request("POST", EVENTS_PATH, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
    except (OSError, http.client.HTTPException) as exc:
        return Sent(name, sent_at, math.nan, 0, "", f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()
    return Sent(name, sent_at, (time.perf_counter() - started) * 1000, response.status, ack_text(payload))


def run_load(spec: LoadSpec) -> list[Sent]:
    """Send every request (warm-up first) from `spec.clients` threads; returns the measured ones in order."""
    plan = spec.plan
    total = plan.warmup + plan.requests
    results: list[Sent | None] = [None] * total
    lock = threading.Lock()
    cursor = iter(range(total))
    start = time.perf_counter()
    deadline = start + plan.time_limit

    def take() -> int | None:
        with lock:
            index = next(cursor, None)
        if index is None or time.perf_counter() > deadline:
            return None
        if plan.rate:
            delay = start + index / plan.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        return index

    def client() -> None:
        while (index := take()) is not None:
            results[index] = send_one(spec, index)

    threads = [threading.Thread(target=client, name=f"client-{n}", daemon=True) for n in range(plan.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=plan.time_limit + 60)
    return [r for r in results[plan.warmup :] if r is not None]


def _child(spec: LoadSpec, channel: Connection) -> None:
    try:
        channel.send(run_load(spec))
    finally:
        channel.close()


def run_load_process(spec: LoadSpec) -> list[Sent]:
    """`run_load` in a fresh process; the process never outlives this call."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(spec, sender), name="bench-load", daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(spec.plan.time_limit + 90):
            raise RuntimeError(f"the load process did not report within {spec.plan.time_limit + 90:.0f} s")
        sent: list[Sent] = receiver.recv()
        return sent
    except EOFError as exc:
        raise RuntimeError(f"the load process exited with code {process.exitcode} before reporting") from exc
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
