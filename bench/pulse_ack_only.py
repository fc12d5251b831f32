"""Pulse's own Bolt app with the work after the ack switched off: its ack path alone (`ack-latency --diagnose`).

Gunicorn loads it with `python -m gunicorn 'bench.pulse_ack_only:create_wsgi()'` and Pulse's usual
environment (SLACK_*, DATABASE_URL, PULSE_ADMINS). Everything up to and including the ack runs as in
production; the job handed to the work runner (database work and the response_url reply) is dropped.
"""

from __future__ import annotations

from typing import Any

from bot.server import WsgiApp


class DropWork:
    """A work runner that accepts every job and runs none."""

    def submit(self, kind: str, body: dict[str, Any]) -> None:
        return None

    def shutdown(self) -> None:
        return None


def create_wsgi() -> WsgiApp:
    """Gunicorn's app factory: Pulse's WSGI app with the work after the ack off, configured from the environment."""
    from bot.app import create_app
    from bot.runtime import database_or_exit, settings_or_exit
    from bot.server import wsgi_app

    settings = settings_or_exit()
    database = database_or_exit(settings)
    return wsgi_app(create_app(settings, database, work=DropWork()), database)
