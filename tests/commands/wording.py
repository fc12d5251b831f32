"""The suggested English for every grammar error code, for the templates that will word them.

Each entry is a format string over exactly the values its code carries (`commands.problems.CODES`) and says how
to fix the problem. `render` fills one in the way a template would: a sequence becomes a list of code spans.
"""

from __future__ import annotations

from collections.abc import Sequence

from commands.problems import GrammarError

DEFAULT_WORDING: dict[str, str] = {
    "quote_unclosed": 'A quote is not closed near `{near}`: put a `"` at the end of the quoted text.',
    "field_twice": "`{field}:` is given twice; give each field once.",
    "field_no_value": "`{field}:` has no value: write the value right after it, e.g. `{field}:value`.",
    "unknown_field_suggestion": (
        "`{field}:` is not a field here. Did you mean `{suggestion}:`? "
        "If `{field}:` is part of your text, put that text in quotes."
    ),
    "date_invalid": "`{value}` is not a date: write it like {examples}.",
    "date_past_only": "`{value}` is in the past, but this field takes a date to come: write it like {examples}.",
    "date_order": (
        "`{value}` does not fit this workspace's {order} dates. Did you mean `{suggestion}`? "
        "Write the date as YYYY-MM-DD or with the month's name, e.g. `5 Dec`."
    ),
    "unknown_command": "`/{value}` is not a Pulse command: `/pulse help` lists them.",
    "unknown_command_suggestion": "`/{value}` is not a Pulse command. Did you mean `/{suggestion}`?",
    "unknown_subcommand": "`{value}` is not something `/{command}` does: `/{command} help` lists what it does.",
    "unknown_subcommand_suggestion": (
        "`{value}` is not something `/{command}` does. Did you mean `/{command} {suggestion}`?"
    ),
    "unknown_program": "There is no program `{value}` that you can see: `/program list` shows their keys.",
    "unknown_program_suggestion": "There is no program `{value}`. Did you mean `{suggestion}`?",
    "unknown_choice": "`{value}` is not a value of `{field}:`: use one of {allowed}.",
    "unknown_choice_suggestion": (
        "`{value}` is not a value of `{field}:`. Did you mean `{suggestion}`? It takes {allowed}."
    ),
    "id_without_dash": "`{value}` is not an ID. Did you mean `{suggestion}`? IDs have a dash, like `R-12`.",
}


def render(error: GrammarError) -> str:
    """The default English for `error`."""
    values = {name: _show(value) for name, value in error.values.items()}
    return DEFAULT_WORDING[error.code].format(**values)


def _show(value: object) -> object:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(f"`{item}`" for item in value)
    return value
