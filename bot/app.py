"""Builds the Bolt app: one App, its Web API client, and every listener registered on it."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

import commands  # noqa: F401  (registers every command)
from bot.listeners import actions as action_listeners
from bot.listeners import commands as command_listeners
from bot.services import Services
from bot.settings import Settings
from bot.slack_client import make_web_client
from bot.work import InProcess, Work
from store.db import Database

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    database: Database,
    *,
    client: WebClient | None = None,
    verify_token: bool = True,
    work: Work | None = None,
) -> App:
    """The Bolt app with Pulse's listeners: each request is acked at once and its slow part handed to
    `work` (worker processes under `pulse serve`; threads of this process by default)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    client = client or make_web_client(token, settings.slack_api_url)
    app = App(
        token=None,  # the client carries it
        signing_secret=secret,
        client=client,
        process_before_response=True,
        token_verification_enabled=verify_token,
        request_verification_enabled=secret is not None,
        logger=logging.getLogger("pulse.bolt"),
    )
    services = Services.build(settings, database, client)
    services.work = work or InProcess(services)
    app.services = services  # type: ignore[attr-defined]
    command_listeners.register(app, services)
    action_listeners.register(app, services)
    return app
