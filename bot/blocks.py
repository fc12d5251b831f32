"""Turns Pulse message markup (what templates render) into Slack Block Kit.

Markup, one element per paragraph (paragraphs are separated by blank lines):
- `# Heading` becomes a header block;
- `---` becomes a divider;
- `~ small print` becomes a context block;
- `@buttons NAME` becomes an actions block with the message's buttons of group NAME;
- anything else becomes a mrkdwn section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from templates import unescaped

BUTTONS_MARK = "@buttons "
MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_TOTAL_CHARS = 11_000  # Slack rejects messages past roughly 12k characters of block text
MAX_FALLBACK_CHARS = 3000


@dataclass(frozen=True)
class Button:
    """A button that Bolt routes by `action_id`, carrying `value` back; `group` places it under its item."""

    text: str
    action_id: str
    value: str
    style: str | None = None
    group: str | None = None


@dataclass
class SlackMessage:
    """What chat.postMessage / response_url take: blocks plus a plain-text fallback."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def paragraphs(markup: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", markup.strip()) if p.strip()]


def _split_long(text: str, limit: int) -> list[str]:
    """Split text at line breaks into chunks of at most `limit` characters."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[: limit - 1] + "…")
            line = ""
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _block(paragraph: str) -> list[dict[str, Any]]:
    if paragraph == "---":
        return [{"type": "divider"}]
    if paragraph.startswith("# "):
        title = unescaped(paragraph[2:].replace("\n", " ").strip())  # a header is plain text
        if len(title) > MAX_HEADER_CHARS:
            title = title[: MAX_HEADER_CHARS - 1] + "…"
        return [{"type": "header", "text": plain(title)}]
    if paragraph.startswith("~ "):
        lines = [line.removeprefix("~ ").removeprefix("~") for line in paragraph.split("\n")]
        return [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": chunk}]}
            for chunk in _split_long("\n".join(lines), MAX_SECTION_CHARS)
        ]
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in _split_long(paragraph, MAX_SECTION_CHARS)
    ]


def _block_chars(block: dict[str, Any]) -> int:
    if "text" in block:
        return len(block["text"]["text"])
    return sum(len(e.get("text", "")) for e in block.get("elements", []))


def _fallback(paragraphs: list[str]) -> str:
    for paragraph in paragraphs:
        if paragraph != "---":
            text = paragraph.removeprefix("# ").removeprefix("~ ")
            return text if len(text) <= MAX_FALLBACK_CHARS else text[: MAX_FALLBACK_CHARS - 1] + "…"
    return "Pulse"


def to_slack(markup: str, buttons: list[Button] | None = None, *, max_blocks: int = MAX_BLOCKS) -> SlackMessage:
    """Block Kit for `markup`, cut to Slack's limits (a message's 50 blocks unless `max_blocks` says otherwise: a
    Home tab holds 100) with a note of how much was left out."""
    parts = paragraphs(markup)
    buttons = buttons or []
    grouped: dict[str, list[Button]] = {}
    for button in buttons:
        grouped.setdefault(button.group or "", []).append(button)
    blocks: list[dict[str, Any]] = []
    for paragraph in parts:
        if paragraph.startswith(BUTTONS_MARK):
            row = grouped.pop(paragraph.removeprefix(BUTTONS_MARK).strip(), [])
            if row:
                blocks.append({"type": "actions", "elements": [_button(b) for b in row[:25]]})
            continue
        blocks.extend(_block(paragraph))
    loose = grouped.pop("", [])
    reserved = 2 if loose else 1
    total = 0
    kept: list[dict[str, Any]] = []
    for index, block in enumerate(blocks):
        total += _block_chars(block)
        if len(kept) >= max_blocks - reserved or total > MAX_TOTAL_CHARS:
            left = len(blocks) - index
            kept.append(
                {
                    "type": "context",
                    "elements": [
                        {
                            "type": "mrkdwn",
                            "text": _more_note(left),
                        }
                    ],
                }
            )
            break
        kept.append(block)
    if loose:
        kept.append({"type": "actions", "elements": [_button(b) for b in loose[:25]]})
    return SlackMessage(text=_fallback(parts), blocks=kept)


def _more_note(left: int) -> str:
    return f"_…{left} more part{'s' if left != 1 else ''} not shown: narrow the request to see them._"


def _button(button: Button) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(button.text[:75]),
        "action_id": button.action_id,
        "value": button.value[:2000],
    }
    if button.style:
        element["style"] = button.style
    return element
