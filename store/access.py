"""Who may see and change what. Identity comes only from the signed Slack payload."""

from __future__ import annotations

from dataclasses import dataclass

from store.errors import Forbidden
from store.models import Program


@dataclass(frozen=True)
class Actor:
    """The person (and the channel they are in) a request acts for."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    is_admin: bool = False


def may_see(actor: Actor, program: Program) -> bool:
    """Restricted programs: owner, members, admins, or from their own or allow-listed channels."""
    if program.team_id != actor.team_id:
        return False
    if not program.restricted or actor.is_admin:
        return True
    if actor.user_id == program.owner_id or actor.user_id in program.members:
        return True
    return actor.channel_id is not None and actor.channel_id in channels_cleared_for(program)


def channels_cleared_for(program: Program) -> set[str]:
    """Channels where the program may be posted (all, unless restricted)."""
    cleared = set(program.allowed_channels)
    if program.channel_id:
        cleared.add(program.channel_id)
    return cleared


def may_post_in(program: Program, channel_id: str) -> bool:
    """Whether anything about `program` may appear in `channel_id`."""
    return not program.restricted or channel_id in channels_cleared_for(program)


def is_program_owner(actor: Actor, program: Program) -> bool:
    return actor.is_admin or actor.user_id == program.owner_id


def require_program_owner(actor: Actor, program: Program, doing: str) -> None:
    """Only the program owner or an admin may `doing`."""
    if not is_program_owner(actor, program):
        raise Forbidden(f"Only the program owner (<@{program.owner_id}>) or a Pulse admin may {doing} {program.key}.")


def require_owner_of(actor: Actor, program: Program, item_owner: str, role: str, doing: str) -> None:
    """The item's owner, the program owner or an admin may `doing`."""
    if actor.user_id != item_owner and not is_program_owner(actor, program):
        raise Forbidden(
            f"Only {role} (<@{item_owner}>), the program owner (<@{program.owner_id}>) or a Pulse admin may {doing}."
        )


def require_cleared(actor: Actor, program: Program, user_id: str, role: str) -> None:
    """On a restricted program, people named on its items must be its owner or members (else they'd learn of it);
    an admin may name themself."""
    if user_id == actor.user_id and actor.is_admin:
        return
    if program.restricted and user_id != program.owner_id and user_id not in program.members:
        raise Forbidden(
            f"<@{user_id}> cannot be {role}: {program.key} is restricted and they are not a member. "
            f"Add them with `/program edit {program.key} members:...` first."
        )
