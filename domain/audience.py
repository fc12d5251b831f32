"""Where a file a person asked for is shown, and which programs it may then include."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.access import Actor, may_post_in, may_see
from store.models import Program

DIRECT_MESSAGE = "D"  # channel IDs of direct messages start with D


@dataclass(frozen=True)
class Audience:
    """A file's destination (`channel_id`, or None for the caller's DM with Pulse) and who will see it."""

    actor: Actor
    channel_id: str | None

    @property
    def may_include(self) -> Callable[[Program], bool]:
        """Whether a program may be in the file: the caller may see it, and so may everyone where it is shown."""
        channel = self.channel_id
        return lambda program: may_see(self.actor, program) and (channel is None or may_post_in(program, channel))


def shown_to(actor: Actor) -> Audience:
    """Pictures go to the channel the caller asked in, where everyone there sees them; asked in a direct
    message (with Pulse or with someone else, where Pulse cannot post), to the caller's DM with Pulse."""
    channel = actor.channel_id
    if channel is None or channel.startswith(DIRECT_MESSAGE):
        return Audience(actor, None)
    return Audience(actor, channel)


def private_to(actor: Actor) -> Audience:
    """Files only the caller should see (exports): their DM with Pulse."""
    return Audience(actor, None)
