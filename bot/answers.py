"""What the person who typed or clicked sees: their ephemeral reply, with where its posts went."""

from __future__ import annotations

from typing import Any

from bot.blocks import to_slack
from bot.delivery import Delivery
from bot.present import markup
from domain.messages import Reply
from store import outbox
from templates import render


def reply_markup(reply: Reply, prefix: str, notes: list[str] | None = None) -> str:
    """The markup of a reply, with `notes` as small print under it."""
    text = markup(reply.message, prefix)
    if notes:
        text += "\n\n" + "\n".join(f"~ {note}" for note in notes)
    return text


def as_ephemeral(text: str) -> dict[str, Any]:
    """The ephemeral response body (an ack's, or a response_url post's) for reply markup."""
    return {"response_type": "ephemeral", **to_slack(text).payload()}


def ephemeral(reply: Reply, prefix: str, notes: list[str] | None = None) -> dict[str, Any]:
    """The ephemeral response body for a reply, with `notes` as small print under it."""
    return as_ephemeral(reply_markup(reply, prefix, notes))


def delivery_notes(deliveries: list[Delivery]) -> list[str]:
    """What the caller should know about the channel posts their command caused: where each went, or why not
    (updates in place of messages already out are not news to them)."""
    notes = [render("delivery_note", d=delivery) for delivery in deliveries if delivery.kind != outbox.EDIT]
    return list(dict.fromkeys(notes))
