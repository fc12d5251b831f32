"""GrammarError is data checked against its schema, and every code has wording that uses all its values."""

from __future__ import annotations

import string

import pytest

from commands.problems import CODES, GrammarError
from tests.commands.wording import DEFAULT_WORDING, render


def test_an_error_carries_its_code_and_values_and_no_prose() -> None:
    error = GrammarError("field_twice", field="owner")
    assert (error.code, error.values) == ("field_twice", {"field": "owner"})
    assert error.args == ("field_twice", {"field": "owner"})


def test_an_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no_such_code"):
        GrammarError("no_such_code", field="owner")


@pytest.mark.parametrize("values", [{}, {"field": "owner", "extra": 1}, {"name": "owner"}])
def test_values_must_be_exactly_the_codes_values(values: dict[str, object]) -> None:
    with pytest.raises(TypeError, match="field_twice"):
        GrammarError("field_twice", **values)


def test_every_code_has_wording_and_no_wording_lacks_a_code() -> None:
    assert set(DEFAULT_WORDING) == set(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_wording_uses_exactly_its_codes_values(code: str) -> None:
    used = {name for _text, name, _spec, _conv in string.Formatter().parse(DEFAULT_WORDING[code]) if name}
    assert used == CODES[code]


def test_render_lists_sequences_as_code_spans() -> None:
    error = GrammarError("unknown_choice", value="purple", field="status", allowed=("green", "amber", "red"))
    assert render(error) == "`purple` is not a value of `status:`: use one of `green`, `amber`, `red`."
