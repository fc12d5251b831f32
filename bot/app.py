"""Builds the Bolt app on a runtime: one App, every listener registered on it."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltResponse
from slack_bolt.authorization import AuthorizeResult

from bot.listeners import actions, commands, events, shortcuts, views
from bot.runtime import Runtime
from store.db import is_lock_timeout, is_unavailable

log = logging.getLogger(__name__)


def create_app(runtime: Runtime) -> App:
    """The Bolt app with Pulse's listeners (each validates its payload, then dispatches to a use case).

    It never calls Slack to start or to authorize a request (one workspace token, known up front), so it
    starts and acks while Slack is unreachable; bot/slack_health.py watches Slack instead."""
    settings = runtime.settings
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    token = runtime.client.token

    def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, bot_token=token)

    bolt_log = logging.getLogger("pulse.bolt")
    bolt_log.addFilter(_quiet_token_notices)
    try:
        app = App(
            signing_secret=secret,
            client=runtime.client,
            authorize=authorize,
            process_before_response=True,
            request_verification_enabled=secret is not None,
            logger=bolt_log,
        )
    finally:
        bolt_log.removeFilter(_quiet_token_notices)
    app.error(_unexpected)
    commands.register(app, runtime)
    actions.register(app, runtime)
    views.register(app, runtime)
    shortcuts.register(app, runtime)
    events.register(app, runtime)
    return app


def _unexpected(error: Exception) -> BoltResponse:
    """A listener that failed: one log line (a trace only when it is not a lock held too long or the database
    away, which are answered 503); the gate answers the person that nothing was saved and to try again."""
    if is_lock_timeout(error):
        log.warning("a request gave up waiting for a lock")
        return BoltResponse(status=503, body="")
    if is_unavailable(error):
        log.warning("a request could not reach the database")
        return BoltResponse(status=503, body="")
    log.error("a listener failed", exc_info=error)
    return BoltResponse(status=500, body="")


def _quiet_token_notices(record: logging.LogRecord) -> bool:
    """Drop Bolt's start-up notices that its token argument is unused (the client and `authorize` carry it)."""
    return not record.getMessage().startswith(("As you gave `client` as well", "As `installation_store` or"))
