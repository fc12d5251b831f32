"""Who may see and change what. Identity comes only from the signed Slack payload."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import Forbidden
from store.models import Program

CLOCK_USER = "pulse"  # who the audit trail names for changes the clock makes (a scheduled digest sent)


@dataclass(frozen=True)
class Actor:
    """The person (and the channel they are in) a request acts for."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    is_admin: bool = False


def channel_viewer(team_id: str, channel_id: str) -> Actor:
    """What a channel may see: public programs plus restricted ones that list this channel."""
    return Actor(team_id=team_id, user_id="", channel_id=channel_id, is_admin=False)


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


def require_program_owner(actor: Actor, program: Program, act: str) -> None:
    """Only the program owner or an admin may `act` (an act code: edit, archive, status, ...)."""
    if not is_program_owner(actor, program):
        raise Forbidden("only_program_owner", owner=program.owner_id, act=act, key=program.key)


def require_owner_of(actor: Actor, program: Program, item_owner: str, role: str, act: str, ref: str) -> None:
    """The item's owner (its `role`: risk_owner, action_owner, decider), the program owner or an admin may `act`."""
    if actor.user_id != item_owner and not is_program_owner(actor, program):
        raise Forbidden("only_item_owner", role=role, item_owner=item_owner, owner=program.owner_id, act=act, ref=ref)


def require_cleared(actor: Actor, program: Program, user_id: str, role: str) -> None:
    """On a restricted program, people named on its items must be its owner or members (else they'd learn of it);
    an admin may name themself."""
    if user_id == actor.user_id and actor.is_admin:
        return
    if program.restricted and user_id != program.owner_id and user_id not in program.members:
        raise Forbidden("not_cleared", user=user_id, role=role, key=program.key)


def require_program_team(actor: Actor, program: Program, act: str) -> None:
    """The program's owner, its members or an admin may `act` (keep its stakeholder map)."""
    if not is_program_owner(actor, program) and actor.user_id not in program.members:
        raise Forbidden("only_program_team", owner=program.owner_id, act=act, key=program.key)
