"""The grammar's one error type: a code and its values, no prose (the wording is a macro in templates/errors.j2).

`CODES` is the schema: every code and the exact names of the values it carries. A `UsageError` with an unknown
code or other values is a programming error and fails at once, so a template can rely on its values.
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
        # Names checked against a list (commands.suggest.pick): commands, subcommands, enum values.
        "unknown_command": ("value",),
        "unknown_command_suggestion": ("value", "suggestion"),
        "unknown_subcommand": ("value", "command"),
        "unknown_subcommand_suggestion": ("value", "command", "suggestion"),
        "unknown_choice": ("value", "field", "allowed"),
        "unknown_choice_suggestion": ("value", "field", "allowed", "suggestion"),
        # IDs (commands.grammar.parse_id); one typed without its dash gets its dashed form.
        "not_an_id": ("value", "kind"),
        "id_without_dash": ("value", "suggestion"),
        # Other field values (commands.grammar and the command modules).
        "not_a_person": ("value",),
        "not_an_addressee": ("value",),
        "no_people": (),
        "channel_unknown": ("value",),
        "not_a_channel": ("value",),
        "no_channels": (),
        "not_on_scale": ("value",),
        "not_yes_no": ("value",),
        "empty_text": (),
        "not_a_page": ("value",),
        "not_a_checkin": ("value",),
        "not_a_number": ("value",),
        "not_a_day": ("value",),
        "not_a_time": ("value",),
        "not_a_zone": ("value",),
        "not_money": ("value",),
        "not_a_severity": ("value",),
        "not_a_headcount": ("value",),
        "bands_numbers": ("value",),
        "ladder_numbers": ("value",),
        "settings_words": ("extra",),
        "not_a_span": ("value",),
        "not_a_percent": ("value",),
        # The shape of a subcommand's text (commands.registry and commands.common).
        "field_required": ("field",),
        "missing_words": ("command", "sub"),
        "missing_title": ("command", "sub"),
        "extra_words": ("extra",),
        "edit_takes_fields": (),
        "title_twice": (),
        "people_needs_person": ("verb", "key"),
        "people_remove_role": (),
    }.items()
}


class UsageError(Exception):
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
