"""The answer to a command or click that is not in its ack: posted to the response_url, and when that
fails, queued in the outbox like any message: retried until Slack takes it there, or, once the
response_url expired (30 minutes, 5 uses), sent to the person by DM."""

from __future__ import annotations

import hashlib
import logging

from bot.delivery import post_reply
from bot.runtime import Runtime
from store import outbox

log = logging.getLogger(__name__)


def send_reply(
    runtime: Runtime, *, team_id: str, user_id: str, response_url: str, text: str, replaces_ack: bool
) -> None:
    """Reply `text` (markup) to `user_id`; `replaces_ack` for a slash command's reply that takes the
    place of its "working on it" ack."""
    try:
        answer = post_reply(response_url, text, replaces_ack=replaces_ack)
    except Exception as exc:  # Slack unreachable, or the connection dropped
        problem = type(exc).__name__
    else:
        if answer.status_code == 200:
            return
        problem = f"response_url answered {answer.status_code}"
    log.warning("a reply could not be posted (%s): it is queued in the outbox", problem)
    with runtime.database.session(write=True) as session:
        outbox.enqueue(
            session,
            team_id=team_id,
            dedupe_key="reply:" + hashlib.sha256(response_url.encode("utf-8")).hexdigest()[:40],
            kind=outbox.COMMAND_REPLY if replaces_ack else outbox.CLICK_REPLY,
            markup=text,
            user_id=user_id,
            response_url=response_url,
        )
