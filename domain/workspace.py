"""Who the caller is to Pulse, and what Pulse could not deliver (for admins)."""

from __future__ import annotations

from domain.context import Context
from domain.errors import Forbidden
from domain.inputs import Nothing
from domain.lookup import visible_programs
from domain.messages import Reply, reply, use_case
from store import outbox


@use_case(writes=False)
def whoami(ctx: Context, _data: Nothing) -> Reply:
    """The caller's ID, role, time zone and the programs they own."""
    visible = visible_programs(ctx.session, ctx.actor)
    owned = [p for p in visible if p.owner_id == ctx.actor.user_id]
    return reply("whoami", actor=ctx.actor, tz=str(ctx.tz), owned=owned, visible=len(visible), today=ctx.today)


@use_case(writes=False)
def undelivered(ctx: Context, _data: Nothing) -> Reply:
    """Messages Pulse could not deliver yet, or gave up on (admins)."""
    if not ctx.actor.is_admin:
        raise Forbidden("outbox_admins")
    return reply("outbox", rows=outbox.problems(ctx.session, ctx.team_id))
