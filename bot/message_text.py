"""What a Slack message says, as the plain words a form is filled with."""

from __future__ import annotations

import html
import re

PERSON = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
MARKUP = re.compile(r"<([@#!]?)([^|>]+)(?:\|([^>]*))?>")
MAX_TITLE_CHARS = 150


def plain_words(text: str) -> str:
    """The message without Slack's markup: `<@U1|ana>` is @ana, `<https://x|docs>` is docs."""

    def word(match: re.Match[str]) -> str:
        sigil, target, shown = match.groups()
        if sigil in {"@", "#"}:
            return sigil + (shown or target)
        return shown or target

    return html.unescape(MARKUP.sub(word, text)).strip()


def first_line(text: str) -> str:
    """The message's first line, short enough for a title."""
    line = next((part.strip() for part in plain_words(text).splitlines() if part.strip()), "")
    return line if len(line) <= MAX_TITLE_CHARS else line[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def first_person(text: str) -> str | None:
    """The first person the message mentions."""
    found = PERSON.search(text)
    return found.group(1) if found else None
