"""UsageError is data checked against its schema, and every code is worded in templates/errors.j2 with its values."""

from __future__ import annotations

import pytest

from commands.problems import CODES, UsageError
from templates import environment, error_text


def test_an_error_carries_its_code_and_values_and_no_prose() -> None:
    error = UsageError("field_twice", field="owner")
    assert (error.code, error.values) == ("field_twice", {"field": "owner"})
    assert error.args == ("field_twice", {"field": "owner"})


def test_an_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no_such_code"):
        UsageError("no_such_code", field="owner")


@pytest.mark.parametrize("values", [{}, {"field": "owner", "extra": 1}, {"name": "owner"}])
def test_values_must_be_exactly_the_codes_values(values: dict[str, object]) -> None:
    with pytest.raises(TypeError, match="field_twice"):
        UsageError("field_twice", **values)


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_code_is_worded_with_exactly_its_values(code: str) -> None:
    macro = getattr(environment().get_template("errors.j2").module, code, None)
    assert macro is not None, f"templates/errors.j2 has no macro {code}"
    assert set(macro.arguments) == CODES[code]


def test_sequences_are_worded_as_code_spans() -> None:
    error = UsageError("unknown_choice", value="purple", field="status", allowed=("green", "amber", "red"))
    assert error_text(error.code, error.values) == (
        "`purple` is not a status Pulse knows: use one of `green`, `amber`, `red`."
    )


def test_a_suggestion_is_worded_as_a_question_with_the_fix() -> None:
    error = UsageError("unknown_field_suggestion", field="ownr", suggestion="owner")
    assert error_text(error.code, error.values) == (
        "`ownr:` is not a field here. Did you mean `owner:`? If `ownr:` is part of your text, put that text in quotes."
    )
