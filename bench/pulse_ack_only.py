"""Pulse's own Bolt app with the lazy work switched off: its ack path alone (for `ack-latency --diagnose`).

Gunicorn loads it with `python -m gunicorn 'bench.pulse_ack_only:create_wsgi()'` and Pulse's usual
environment (SLACK_*, DATABASE_URL, PULSE_ADMINS). Everything up to and including Bolt building the
lazy listener's copy of the request runs as in production; only starting the lazy listener (the
database work and the response_url reply) is skipped.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.server import WsgiApp


def disable_lazy_work(app: App) -> None:
    """Make Bolt drop lazy listener runs after it has prepared them (uses a Bolt internal)."""
    runner = app._listener_runner.lazy_listener_runner

    def start(function: Any, request: Any) -> None:
        return None

    setattr(runner, "start", start)  # noqa: B010 - replacing a method on this one instance


def create_wsgi() -> WsgiApp:
    """Gunicorn's app factory: Pulse's WSGI app with lazy work off, configured from the environment."""
    from bot.app import create_app
    from bot.runtime import database_or_exit, settings_or_exit
    from bot.server import wsgi_app

    settings = settings_or_exit()
    database = database_or_exit(settings)
    app = create_app(settings, database)
    disable_lazy_work(app)
    return wsgi_app(app, database)
