"""Shortcuts: on a message (capture a decision, risk, action or status where the conversation happens) and
global ("New program"). Each opens the form of the matching command, filled from the message."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App

from bot.forms import BY_CALLBACK, SHORTCUTS, Capture
from bot.ids import ShortcutId
from bot.message_text import first_line, first_person, plain_words
from bot.modals import FormState
from bot.open_form import form_view, open_form, program_in
from bot.payloads import Shortcut
from bot.present import markup
from bot.runtime import Runtime
from domain.access import Actor
from domain.messages import Reply

log = logging.getLogger(__name__)


def _values(capture: Capture, text: str) -> dict[str, Any]:
    """The blocks the message fills."""
    values: dict[str, Any] = {}
    if capture.title:
        values[capture.title] = first_line(text)
    if capture.text:
        values[capture.text] = plain_words(text)
    person = first_person(text)
    if capture.person and person:
        values[capture.person] = person
    return {block: value for block, value in values.items() if value}


def open_shortcut(runtime: Runtime, shortcut: Shortcut) -> None:
    """Open the form at once, then add the message's permalink (its source) with `views.update`."""
    capture = SHORTCUTS[ShortcutId(shortcut.callback_id)]
    form = BY_CALLBACK[capture.callback]
    actor = runtime.actor(shortcut.team_id, shortcut.user.id, shortcut.channel_id)
    values = _values(capture, shortcut.message.text) if shortcut.message else {}
    key = program_in(runtime, actor, shortcut.channel_id) if shortcut.message else None
    if key:
        values["program"] = key
    state = FormState(channel=shortcut.channel_id)
    opened = open_form(runtime, form, actor, shortcut.trigger_id, values, state)
    if isinstance(opened, Reply):
        _tell(runtime, shortcut, actor, opened)
        return
    if shortcut.message is None or not shortcut.channel_id:
        return
    found = runtime.client.chat_getPermalink(channel=shortcut.channel_id, message_ts=shortcut.message.ts)
    source = state.model_copy(update={"source": str(found["permalink"])})
    view = form_view(runtime, form, actor, values, source)
    if not isinstance(view, Reply):
        runtime.client.views_update(view_id=str(opened.get("id")), hash=opened.get("hash"), view=view)


def _tell(runtime: Runtime, shortcut: Shortcut, actor: Actor, reply: Reply) -> None:
    text = markup(reply.message, runtime.settings.command_prefix)
    channel = shortcut.channel_id or actor.user_id
    runtime.client.chat_postEphemeral(channel=channel, user=actor.user_id, text=text)


def register(app: App, runtime: Runtime) -> None:
    """Wire every shortcut in the manifest: ack at once, then open its form."""

    def on_shortcut(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        try:
            shortcut = Shortcut.model_validate(body)
        except ValidationError:
            log.warning("a shortcut payload without its required fields was ignored")
            return
        try:
            open_shortcut(runtime, shortcut)
        except Exception:  # e.g. Slack refused the view: nothing was written
            log.exception("opening the form of shortcut %s failed", shortcut.callback_id)

    for shortcut_id in SHORTCUTS:
        app.shortcut(shortcut_id.value)(on_shortcut)
