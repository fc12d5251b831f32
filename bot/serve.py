"""`pulse serve`: HTTP under gunicorn, or Socket Mode, with the same Bolt app."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.app import create_app
from bot.clock.every_minute import start_background
from bot.prefork import ForkGuard, freeze_for_fork, limit_malloc_arenas, load_app_code
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack_health import SlackHealth
from bot.startup import database_or_exit, fail, settings_or_exit
from bot.wsgi import WsgiApp, run_gunicorn, wsgi_app

if TYPE_CHECKING:
    from bot.socket_gate import GatedSocketModeHandler

log = logging.getLogger("pulse")


def _require(settings: Settings, *names: str) -> None:
    missing = [n for n in names if getattr(settings, n.lower().removeprefix("pulse_")) is None]
    if missing:
        fail(f"{', '.join(missing)} must be set to serve Slack (see .env.example)")


def run_serve(*, force_http: bool, force_socket: bool, workers: int, threads: int, scheduler: bool = True) -> None:
    """Start serving in the mode the flags and settings choose."""
    if force_http and force_socket:
        fail("choose one of --http and --socket")
    settings = settings_or_exit()
    socket_mode = force_socket or (settings.slack_app_token is not None and not force_http)
    if socket_mode:
        _require(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
        run_socket_mode(settings, scheduler=scheduler)
        return
    _require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    database = database_or_exit(settings)  # refuse early, before forking workers
    limit_malloc_arenas()
    load_app_code(settings, database)
    database.dispose()
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None

    def factory() -> WsgiApp:
        runtime = Runtime.build(settings, database_or_exit(settings))
        health = SlackHealth(token, settings.slack_api_url)
        health.start()  # Slack may be unreachable: Pulse serves meanwhile and says so on /healthz
        return wsgi_app(create_app(runtime), runtime, health)

    def start_clock() -> None:
        if scheduler:
            clock_database = database_or_exit(settings)
            start_background(Runtime.build(settings, clock_database), ForkGuard(clock_database).ticking)

    log.info("serving HTTP on port %s (POST /slack/events, GET /healthz)", settings.port)
    run_gunicorn(
        factory, port=settings.port, workers=workers, threads=threads, on_ready=start_clock, before_fork=freeze_for_fork
    )


def socket_mode_handler(runtime: Runtime) -> GatedSocketModeHandler:
    """The Bolt app behind a Socket Mode connection and the gate (not yet connected; call `connect()` or
    `start()`).

    slack_sdk's built-in client asks apps.connections.open (on SLACK_API_URL, with the app-level token)
    for the WebSocket URL: wss:// on Slack; a plain ws:// URL on any port but 443 works for local tests.
    """
    from bot.socket_gate import GatedSocketModeHandler

    if runtime.settings.slack_app_token is None:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
    return GatedSocketModeHandler(create_app(runtime), runtime.settings.slack_app_token.get_secret_value(), runtime)


def run_socket_mode(settings: Settings, *, scheduler: bool = True) -> None:
    """Connect to Slack over Socket Mode and block (the clock runs in a background thread)."""
    runtime = Runtime.build(settings, database_or_exit(settings))
    if scheduler:
        start_background(runtime)
    log.info("connecting over Socket Mode")
    socket_mode_handler(runtime).start()  # type: ignore[no-untyped-call]
