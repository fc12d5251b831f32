"""Builds the Bolt app on a runtime: one App, every listener registered on it."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.listeners import actions, commands, events, shortcuts, views
from bot.runtime import Runtime


def create_app(runtime: Runtime, *, verify_token: bool = True) -> App:
    """The Bolt app with Pulse's listeners (each validates its payload, then dispatches to a use case)."""
    settings = runtime.settings
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = App(
        token=None,  # the client carries it
        signing_secret=secret,
        client=runtime.client,
        process_before_response=True,
        token_verification_enabled=verify_token,
        request_verification_enabled=secret is not None,
        logger=logging.getLogger("pulse.bolt"),
    )
    commands.register(app, runtime)
    actions.register(app, runtime)
    views.register(app, runtime)
    shortcuts.register(app, runtime)
    events.register(app, runtime)
    return app
