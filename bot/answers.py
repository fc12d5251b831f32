"""What the person who typed or clicked sees: their ephemeral reply, with where its posts went."""

from __future__ import annotations

from typing import Any

from bot.blocks import to_slack
from bot.delivery import Delivery
from bot.present import markup
from domain.messages import Reply
from templates import render


def ephemeral(reply: Reply, prefix: str, notes: list[str] | None = None) -> dict[str, Any]:
    """The ephemeral response body for a reply, with `notes` as small print under it."""
    text = markup(reply.message, prefix)
    if notes:
        text += "\n\n" + "\n".join(f"~ {note}" for note in notes)
    return {"response_type": "ephemeral", **to_slack(text).payload()}


def delivery_notes(deliveries: list[Delivery]) -> list[str]:
    """What the caller should know about the channel posts their command caused: where each went, or why not."""
    notes = [render("delivery_note", d=delivery) for delivery in deliveries]
    return list(dict.fromkeys(notes))
