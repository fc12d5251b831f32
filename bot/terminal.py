"""Turns Pulse message markup into readable terminal text (console, demo, digest preview)."""

from __future__ import annotations

import re

from bot.blocks import BUTTONS_MARK, paragraphs
from templates import unescaped

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
    for paragraph in paragraphs(markup):
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
    return unescaped(text)


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
    ":raising_hand:": "[ask]",
    ":repeat:": "[again]",
    ":arrow_up:": "[up]",
    ":arrow_down:": "[down]",
    ":new:": "[new]",
    ":bar_chart:": "[kpi]",
    ":link:": "[depends]",
    ":calendar:": "[plan]",
    ":money_with_wings:": "[budget]",
    ":busts_in_silhouette:": "[people]",
}
