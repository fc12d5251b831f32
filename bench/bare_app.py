"""The baseline: a bare Bolt app whose only slash-command listener acks, served like Pulse.

Gunicorn loads it in each worker with `python -m gunicorn 'bench.bare_app:create_wsgi()'`; the
settings come from the environment the benchmark sets (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN,
SLACK_API_URL), so the app has the same middleware as Pulse (request verification and single-team
authorization, whose one auth.test goes to the benchmark's Slack stub).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
COMMAND = "/bench"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def create_bare_app(signing_secret: str, token: str, api_url: str) -> App:
    """A Bolt app with one slash-command listener that only calls ack()."""
    app = App(
        signing_secret=signing_secret,
        client=WebClient(token=token, base_url=api_url),  # Bolt takes the token from the client
        process_before_response=True,
        token_verification_enabled=False,
        logger=logging.getLogger("bench.bolt"),
    )

    @app.command(COMMAND)
    def ack_only(ack: Ack) -> None:
        ack()

    return app


def wsgi_app(app: App) -> WsgiApp:
    """Bolt's WSGI handler at /slack/events, plus GET /healthz for the benchmark's readiness check."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"ok"]
        return slack(environ, start_response)

    return application


def create_wsgi() -> WsgiApp:
    """Gunicorn's app factory: the bare app configured from the environment."""
    return wsgi_app(
        create_bare_app(
            signing_secret=os.environ["SLACK_SIGNING_SECRET"],
            token=os.environ["SLACK_BOT_TOKEN"],
            api_url=os.environ["SLACK_API_URL"],
        )
    )
