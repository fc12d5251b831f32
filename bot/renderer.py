"""Turns Pulse message markup (what templates render) into Slack Block Kit or terminal text.

Markup, one element per paragraph (paragraphs are separated by blank lines):
- `# Heading` becomes a header block;
- `---` becomes a divider;
- `~ small print` becomes a context block;
- `@buttons NAME` becomes an actions block with the message's buttons of group NAME;
- anything else becomes a mrkdwn section.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from commands.reply import ButtonSpec

BUTTONS_MARK = "@buttons "
MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_TOTAL_CHARS = 11_000  # Slack rejects messages past roughly 12k characters of block text
MAX_FALLBACK_CHARS = 3000


Button = ButtonSpec  # a button that Bolt routes by `action_id`, carrying `value` back


@dataclass
class SlackMessage:
    """What chat.postMessage / response_url take: blocks plus a plain-text fallback."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _paragraphs(markup: str) -> list[str]:
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


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _block(paragraph: str) -> list[dict[str, Any]]:
    if paragraph == "---":
        return [{"type": "divider"}]
    if paragraph.startswith("# "):
        title = paragraph[2:].replace("\n", " ").strip()
        if len(title) > MAX_HEADER_CHARS:
            title = title[: MAX_HEADER_CHARS - 1] + "…"
        return [{"type": "header", "text": _plain(title)}]
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


def to_slack(markup: str, buttons: list[Button] | None = None) -> SlackMessage:
    """Block Kit for `markup`, cut to Slack's limits with a note of how much was left out."""
    paragraphs = _paragraphs(markup)
    buttons = buttons or []
    grouped: dict[str, list[Button]] = {}
    for button in buttons:
        grouped.setdefault(button.group or "", []).append(button)
    blocks: list[dict[str, Any]] = []
    for paragraph in paragraphs:
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
        if len(kept) >= MAX_BLOCKS - reserved or total > MAX_TOTAL_CHARS:
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
    return SlackMessage(text=_fallback(paragraphs), blocks=kept)


def _more_note(left: int) -> str:
    return f"_…{left} more part{'s' if left != 1 else ''} not shown: narrow the request to see them._"


def _button(button: Button) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": _plain(button.text[:75]),
        "action_id": button.action_id,
        "value": button.value[:2000],
    }
    if button.style:
        element["style"] = button.style
    return element


MENTION = re.compile(r"<([@#!])([A-Z0-9]+)(?:\|([^>]*))?>")
EMPHASIS = re.compile(r"(?<![\w*_])([*_])(?=\S)([^*_\n]+?)(?<=\S)\1(?![\w*_])")
LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]*))?>")


def to_terminal(markup: str, names: dict[str, str] | None = None) -> str:
    """Readable terminal text for `markup`: mentions become @names, emoji codes stay short."""
    names = names or {}

    def mention(match: re.Match[str]) -> str:
        sigil, ident, label = match.groups()
        if sigil == "@":
            return "@" + (label or names.get(ident, ident)).split(" ")[0]
        if sigil == "#":
            return "#" + (label or names.get(ident, ident))
        return "@" + ident.lower()

    lines: list[str] = []
    for paragraph in _paragraphs(markup):
        if paragraph.startswith(BUTTONS_MARK):
            continue
        if paragraph == "---":
            lines.append("-" * 72)
            continue
        if paragraph.startswith("# "):
            title = paragraph[2:].strip()
            lines += [title.upper(), "=" * min(len(title), 72)]
            continue
        lines.append("\n".join(line.removeprefix("~ ") for line in paragraph.split("\n")))
        lines.append("")
    text = "\n".join(lines).strip()
    text = MENTION.sub(mention, text)
    text = LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = EMPHASIS.sub(r"\2", text)
    for code, symbol in EMOJI_TEXT.items():
        text = text.replace(code, symbol)
    return html.unescape(text)


EMOJI_TEXT = {
    ":red_circle:": "(R)",
    ":large_orange_circle:": "(A)",
    ":large_green_circle:": "(G)",
    ":white_circle:": "( )",
    ":rotating_light:": "!!",
    ":warning:": "!",
    ":small_orange_diamond:": "*",
    ":small_blue_diamond:": ".",
    ":scales:": "[decision]",
    ":watermelon:": "[watermelon]",
    ":zzz:": "[stale]",
    ":lock:": "[restricted]",
    ":hourglass:": "[late]",
    ":white_check_mark:": "[done]",
}


RISK_UPDATE_CALLBACK = "risk_update_modal"
SCALE_OPTIONS = [{"text": {"type": "plain_text", "text": str(n)}, "value": str(n)} for n in range(1, 6)]
STATUS_OPTIONS = [{"text": {"type": "plain_text", "text": s}, "value": s} for s in ("open", "mitigating", "accepted")]


def risk_update_modal(
    ref: str, *, title: str, likelihood: int, impact: int, review: str | None, mitigation: str | None, status: str
) -> dict[str, Any]:
    """The modal behind a reminder's Update button (fields mirror `/risk update`)."""

    def select(block_id: str, label: str, options: list[dict[str, Any]], current: str) -> dict[str, Any]:
        initial = next(o for o in options if o["value"] == current)
        return {
            "type": "input",
            "block_id": block_id,
            "label": _plain(label),
            "element": {"type": "static_select", "action_id": "value", "options": options, "initial_option": initial},
        }

    review_element: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    if review:
        review_element["initial_date"] = review
    mitigation_element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": True}
    if mitigation:
        mitigation_element["initial_value"] = mitigation[:3000]
    return {
        "type": "modal",
        "callback_id": RISK_UPDATE_CALLBACK,
        "private_metadata": ref,
        "title": _plain(f"Update {ref}"[:24]),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{ref}* {title}"[:3000]}},
            select("likelihood", "Likelihood (1-5)", SCALE_OPTIONS, str(likelihood)),
            select("impact", "Impact (1-5)", SCALE_OPTIONS, str(impact)),
            {
                "type": "input",
                "block_id": "review",
                "optional": True,
                "label": _plain("Next review"),
                "element": review_element,
            },
            {
                "type": "input",
                "block_id": "mitigation",
                "optional": True,
                "label": _plain("Mitigation"),
                "element": mitigation_element,
            },
            select("status", "Status", STATUS_OPTIONS, status),
        ],
    }


def modal_values(view: dict[str, Any]) -> dict[str, str]:
    """The submitted values of a modal, by block id."""
    values: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        element = actions.get("value", {})
        value = (
            (element.get("selected_option") or {}).get("value") or element.get("selected_date") or element.get("value")
        )
        if value:
            values[block_id] = str(value)
    return values
