"""HTTP serving: one WSGI app (POST /slack/events, GET /healthz) behind gunicorn's threaded workers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.gate import HttpGate
from bot.runtime import Runtime
from bot.slack_health import SlackHealth

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# A worker's memory creeps up as it touches pages it shares with the master (and malloc fragments), so
# each one is replaced, gracefully, after about this many requests by a fresh fork of the master.
WORKER_MAX_REQUESTS = 2000
WORKER_MAX_REQUESTS_JITTER = 400  # workers are not all replaced at once

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def wsgi_app(app: App, runtime: Runtime, slack_health: SlackHealth | None = None) -> WsgiApp:
    """Routes Slack's requests through the gate to Bolt and answers health checks.

    /healthz is 200 while the database answers (Pulse takes commands and queues its posts) and 503 when it
    does not; Slack's state (`reachable`, `unreachable`, `unknown`) is in the body, not in the status."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    gate = HttpGate(slack, runtime)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == EVENTS_PATH and environ.get("REQUEST_METHOD") == "POST":
            return gate(environ, start_response)
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            healthy = runtime.database.ping()
            report = {"ok": healthy, "database": "reachable" if healthy else "unreachable"}
            report |= slack_health.report() if slack_health else {"slack": "unknown"}
            body = json.dumps(report).encode()
            start_response(
                "200 OK" if healthy else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return application


def run_gunicorn(
    factory: Callable[[], WsgiApp],
    *,
    port: int,
    workers: int,
    threads: int,
    on_ready: Callable[[], None] | None = None,
    before_fork: Callable[[], None] | None = None,
) -> None:
    """Serve the app from `factory` (called in each worker after fork) with gunicorn's gthread workers;
    `on_ready` runs once in the master before the first worker starts, `before_fork` before each fork."""
    from gunicorn.app.base import BaseApplication

    class PulseServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 30)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("max_requests", WORKER_MAX_REQUESTS)
            self.cfg.set("max_requests_jitter", WORKER_MAX_REQUESTS_JITTER)
            self.cfg.set("accesslog", None)
            if on_ready is not None:
                self.cfg.set("when_ready", lambda _server: on_ready())
            if before_fork is not None:
                self.cfg.set("pre_fork", lambda _server, _worker: before_fork())

        def load(self) -> WsgiApp:
            return factory()

    PulseServer().run()
