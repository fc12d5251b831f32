"""`pulse serve`: HTTP under gunicorn, or Socket Mode, with the same Bolt app."""

from __future__ import annotations

import logging

from bot.app import create_app
from bot.runtime import database_or_exit, fail, settings_or_exit
from bot.server import WsgiApp, run_gunicorn, wsgi_app
from bot.settings import Settings

log = logging.getLogger("pulse")


def _require(settings: Settings, *names: str) -> None:
    missing = [n for n in names if getattr(settings, n.lower().removeprefix("pulse_")) is None]
    if missing:
        fail(f"{', '.join(missing)} must be set to serve Slack (see .env.example)")


def run_serve(*, force_http: bool, force_socket: bool, workers: int, threads: int) -> None:
    """Start serving in the mode the flags and settings choose."""
    if force_http and force_socket:
        fail("choose one of --http and --socket")
    settings = settings_or_exit()
    socket_mode = force_socket or (settings.slack_app_token is not None and not force_http)
    if socket_mode:
        _require(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
        run_socket_mode(settings)
        return
    _require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    database_or_exit(settings).dispose()  # refuse early, before forking workers

    def factory() -> WsgiApp:
        database = database_or_exit(settings)
        return wsgi_app(create_app(settings, database), database)

    log.info("serving HTTP on port %s (POST /slack/events, GET /healthz)", settings.port)
    run_gunicorn(factory, port=settings.port, workers=workers, threads=threads)


def run_socket_mode(settings: Settings) -> None:
    """Connect to Slack over Socket Mode and block."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    database = database_or_exit(settings)
    app = create_app(settings, database)
    assert settings.slack_app_token is not None
    log.info("connecting over Socket Mode")
    SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]
