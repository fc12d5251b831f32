"""A form in the terminal: the modal Pulse opened (the very view `views.open` got) asked one field at a time, then
sent back as Slack's `view_submission` state, so the app validates and saves it as it does a form in Slack. Errors
come back on their fields; each is shown next to its field and only those fields are asked again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Ask = Callable[[str], str | None]  # a prompt -> the line typed (None at the end of input)
Say = Callable[[str], None]
Submit = Callable[[dict[str, dict[str, Any]]], dict[str, str]]  # view state -> errors by block (none: saved)

KEEP_HELP = "Enter keeps [what is shown], - clears a field, \\n starts a new line, /cancel leaves without saving."
CANCEL_WORDS = frozenset({"/cancel", "cancel"})
CLEAR = "-"
YES_WORDS = frozenset({"y", "yes", "true", "on", "1"})
NO_WORDS = frozenset({"n", "no", "false", "off", "0"})
ONE = {"users_select": "selected_user", "conversations_select": "selected_conversation", "datepicker": "selected_date"}
MANY = {"multi_users_select": "selected_users", "multi_conversations_select": "selected_conversations"}
INITIAL = {
    "users_select": "initial_user",
    "conversations_select": "initial_conversation",
    "datepicker": "initial_date",
    "multi_users_select": "initial_users",
    "multi_conversations_select": "initial_conversations",
}


class Cancelled(Exception):
    """The person left the form (or the input ended) before it was saved."""


@dataclass(frozen=True)
class Pickers:
    """What stands in for Slack's pickers: people and channels by name (`@priya` for U0PRIYA, `#tns-appeals` for
    C0APPEALS) and dates as the commands take them (`fri`, `+2w`, `2027-01-15`)."""

    person: Callable[[str], str | None]  # typed -> a user ID, None when it names nobody
    channel: Callable[[str], str | None]  # typed -> a channel ID, None when it names none
    date: Callable[[str], dt.date | None]  # typed -> the date it means, None when none
    shown: Mapping[str, str]  # ID -> name


def _text(obj: Mapping[str, Any] | None) -> str:
    return str((obj or {}).get("text", ""))


def _options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(element.get("options") or [])


def initial_state(element: Mapping[str, Any]) -> dict[str, Any]:
    """The state Slack sends for an element left as the form showed it."""
    kind = str(element["type"])
    state: dict[str, Any] = {"type": kind}
    if kind == "plain_text_input":
        state["value"] = element.get("initial_value")
    elif kind == "static_select":
        state["selected_option"] = element.get("initial_option")
    elif kind == "checkboxes":
        state["selected_options"] = list(element.get("initial_options") or [])
    elif kind in ONE:
        state[ONE[kind]] = element.get(INITIAL[kind])
    elif kind in MANY:
        state[MANY[kind]] = list(element.get(INITIAL[kind]) or [])
    return state


def shown_value(state: Mapping[str, Any], pickers: Pickers) -> str:
    """What a field holds, as the terminal shows it ("" when empty)."""
    kind = state["type"]
    if kind == "static_select":
        return _text((state.get("selected_option") or {}).get("text")) or str(
            (state.get("selected_option") or {}).get("value", "")
        )
    if kind == "checkboxes":
        return "yes" if state.get("selected_options") else "no"
    if kind in {"users_select", "multi_users_select"}:
        ids = state.get("selected_users") or [state.get("selected_user")]
        return ", ".join("@" + pickers.shown.get(i, i).split(" ")[0] for i in ids if i)
    if kind in {"conversations_select", "multi_conversations_select"}:
        ids = state.get("selected_conversations") or [state.get("selected_conversation")]
        return ", ".join("#" + pickers.shown.get(i, i) for i in ids if i)
    one = state.get("value") if kind == "plain_text_input" else state.get(ONE.get(kind, ""))
    return str(one or "")


def read_typed(element: Mapping[str, Any], typed: str, pickers: Pickers) -> dict[str, Any] | str:
    """The state for what was typed into `element`, or what to say when it is not something the picker offers
    (the terminal stands in for Slack's pickers; every rule beyond them is the server's)."""
    kind = str(element["type"])
    if typed == CLEAR:
        return initial_state({"type": kind})  # as an element that shows nothing
    if kind == "plain_text_input":
        return {"type": kind, "value": typed.replace("\\n", "\n")}
    if kind == "static_select":
        options = _options(element)
        for number, option in enumerate(options, 1):
            value, text = str(option["value"]).lower(), _text(option["text"]).lower()
            if typed.lower() in {str(number), value, text, text.removeprefix(value + " ")}:  # 4, major, 4 major
                return {"type": kind, "selected_option": option}
        return f"pick a number from 1 to {len(options)}"
    if kind == "checkboxes":
        if typed.lower() in YES_WORDS | NO_WORDS:
            return {"type": kind, "selected_options": _options(element) if typed.lower() in YES_WORDS else []}
        return "yes or no"
    if kind == "datepicker":
        day = pickers.date(typed)
        return {"type": kind, "selected_date": day.isoformat()} if day else "a date like 2027-01-15, fri or +2w"
    people = kind in {"users_select", "multi_users_select"}
    found = [(pickers.person if people else pickers.channel)(word) for word in typed.replace(",", " ").split()]
    if not found or None in found:
        return "a person like @priya" if people else "a channel like #tns-appeals"
    if kind in MANY:
        return {"type": kind, MANY[kind]: list(dict.fromkeys(i for i in found if i))}
    if len(found) > 1:
        return "just one"
    return {"type": kind, ONE[kind]: found[0]}


def _describe(block: Mapping[str, Any], say: Say) -> None:
    """The choices of a select, one a line, before its prompt."""
    element = block["element"]
    if element["type"] == "static_select":
        for number, option in enumerate(_options(element), 1):
            say(f"    {number}. {_text(option['text'])}")


def _prompt(block: Mapping[str, Any], state: Mapping[str, Any], pickers: Pickers) -> str:
    label = _text(block.get("label"))
    hint = _text(block.get("hint"))
    required = "" if block.get("optional", True) else " *"
    current = shown_value(state, pickers).replace("\n", " / ")
    return f"  {label}{required}{f' ({hint})' if hint else ''}{f' [{current}]' if current else ''}: "


def _ask_field(block: Mapping[str, Any], state: dict[str, Any], ask: Ask, say: Say, pickers: Pickers) -> dict[str, Any]:
    """One field, asked until the answer is one its picker takes (or kept)."""
    _describe(block, say)
    while True:
        typed = ask(_prompt(block, state, pickers))
        if typed is None or typed.strip().lower() in CANCEL_WORDS:
            raise Cancelled
        typed = typed.strip()
        answer = read_typed(block["element"], typed, pickers) if typed else state
        if isinstance(answer, str):
            say(f"    ! {answer}")
            continue
        if not block.get("optional", True) and not shown_value(answer, pickers):
            say("    ! this field is required")
            continue
        return answer


def fill(view: Mapping[str, Any], ask: Ask, say: Say, submit: Submit, pickers: Pickers) -> None:
    """Walk `view`'s input blocks with a prompt each, submit, and ask again only the fields the server refused
    (showing why, next to each); returns once saved. Raises `Cancelled` when the person leaves."""
    say(f"{_text(view.get('title'))}  ({KEEP_HELP})")
    for block in view.get("blocks") or []:
        if block.get("type") == "section":
            say(f"  {_text(block.get('text'))}")
    inputs = [b for b in view.get("blocks") or [] if b.get("type") == "input"]
    state = {str(b["block_id"]): initial_state(b["element"]) for b in inputs}
    asking = list(inputs)
    while True:
        for block in asking:
            state[block["block_id"]] = _ask_field(block, state[block["block_id"]], ask, say, pickers)
        errors = submit(state)
        if not errors:
            return
        asking = [b for b in inputs if b["block_id"] in errors] or inputs[:1]
        for block in asking:
            why = errors[block["block_id"]]
            say(f"  {_text(block.get('label'))}: {why if why.startswith('!') else '! ' + why}")
