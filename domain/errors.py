"""Failures a person can fix. Each carries a code and values; the wording is `templates/errors.j2`."""

from __future__ import annotations

from typing import Any


class PulseError(Exception):
    """A failure the user can fix: `code` names its wording, `values` fill it, `field` is the input at fault."""

    def __init__(self, code: str, *, field: str | None = None, **values: Any) -> None:
        super().__init__(code, values)
        self.code = code
        self.field = field
        self.values = values


class NotFound(PulseError):
    """Unknown, or not visible to the caller: the two are indistinguishable on purpose. `suggestion` is a close
    name the caller may see (a did-you-mean), never one they may not."""

    def __init__(self, ref: str, suggestion: str | None = None, *, field: str | None = None) -> None:
        super().__init__("not_found", field=field, ref=ref, suggestion=suggestion)
        self.ref = ref


class Forbidden(PulseError):
    """The caller may see the item but not change it; the wording says who may."""


class Conflict(PulseError):
    """The change contradicts the current state (duplicate key, already closed, ...)."""


class Invalid(PulseError):
    """A value is outside what the domain accepts."""


class Busy(PulseError):
    """The data is locked by other work for longer than a person should wait; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("busy")
