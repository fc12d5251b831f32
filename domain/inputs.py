"""The base of every use case input (the typed shape each surface builds)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError

from domain.errors import Invalid


class Input(BaseModel):
    """A use case input: immutable, and refusing fields it does not know."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class NumberRef(Input):
    """One numbered item (R-n, D-n, A-n, M-n, S-n), by its number."""

    number: int


class Nothing(Input):
    """The input of a use case that takes none."""


def invalid(exc: ValidationError) -> Invalid:
    """The first problem of a rejected input, as an error a person can fix."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else "value"
    return Invalid("bad_value", field=name, name=name)
