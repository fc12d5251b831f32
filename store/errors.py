"""Domain errors. Their messages are written for the person who typed the command."""

from __future__ import annotations


class PulseError(Exception):
    """A failure the user can fix; `str(error)` is shown to them as-is."""


class NotFound(PulseError):
    """Unknown, or not visible to the caller: the two are indistinguishable on purpose."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"{ref} not found.")
        self.ref = ref


class Forbidden(PulseError):
    """The caller may see the item but not change it; the message says who may."""


class Conflict(PulseError):
    """The change contradicts the current state (duplicate key, already closed, ...)."""


class Invalid(PulseError):
    """A value is outside what the domain accepts."""
