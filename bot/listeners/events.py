"""Events: `app_home_opened` publishes the person's Home tab."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from slack_bolt import App

from bot.home import publish_home
from bot.payloads import HomeOpened
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def _publish_safely(runtime: Runtime, opened: HomeOpened) -> None:
    try:
        publish_home(runtime, opened.team_id, opened.event.user)
    except Exception:
        log.exception("publishing the Home tab failed")


def register(app: App, runtime: Runtime) -> None:
    """Wire the events the manifest subscribes to (Bolt acks events itself)."""

    def on_home_opened(body: dict[str, Any]) -> None:
        try:
            opened = HomeOpened.model_validate(body)
        except ValidationError:
            log.warning("an app_home_opened event without its required fields was ignored")
            return
        if opened.event.tab == "home":
            runtime.pool.submit(_publish_safely, runtime, opened)

    app.event("app_home_opened")(on_home_opened)
