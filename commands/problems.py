"""Grammar errors as data: a code and its values, no prose (the wording lives in templates).

`CODES` is the schema: every code and the exact names of the values it carries. A `GrammarError` with an
unknown code or other values is a programming error and fails at once, so a template can rely on its values.
Codes ending in `_suggestion` carry a did-you-mean `suggestion`; their plain twin has none.
"""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, frozenset[str]] = {
    code: frozenset(names)
    for code, names in {
        # The tokenizer (commands.tokens).
        "quote_unclosed": ("near",),
        "field_twice": ("field",),
        "field_no_value": ("field",),
        "unknown_field_suggestion": ("field", "suggestion"),
        # Dates (commands.dates).
        "date_invalid": ("value", "examples"),
        "date_past_only": ("value", "examples"),
        "date_order": ("value", "order", "suggestion"),
        # Names checked against a list (commands.suggest.pick): commands, subcommands, program keys, enum values.
        "unknown_command": ("value",),
        "unknown_command_suggestion": ("value", "suggestion"),
        "unknown_subcommand": ("value", "command"),
        "unknown_subcommand_suggestion": ("value", "command", "suggestion"),
        "unknown_program": ("value",),
        "unknown_program_suggestion": ("value", "suggestion"),
        "unknown_choice": ("value", "field", "allowed"),
        "unknown_choice_suggestion": ("value", "field", "allowed", "suggestion"),
        # An ID typed without its dash (commands.suggest.undashed_id).
        "id_without_dash": ("value", "suggestion"),
    }.items()
}


class GrammarError(Exception):
    """The text does not fit the grammar: `code` names the problem, `values` fill in its wording."""

    def __init__(self, code: str, **values: object) -> None:
        expected = CODES.get(code)
        if expected is None:
            raise ValueError(f"unknown grammar error code {code!r}")
        if set(values) != expected:
            raise TypeError(f"{code} carries {sorted(expected)}, not {sorted(values)}")
        super().__init__(code, values)
        self.code = code
        self.values: dict[str, object] = dict(values)
