"""What use cases return: the caller's reply and the posts the change warrants, as templates with context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from domain.context import Context
from domain.figures import Figure, Upload


@dataclass
class Message:
    """A template (`templates/<template>.j2`) and its context; rendered by the Slack side."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


CHANNEL_POST = "channel_post"  # the outbox kind of a post about an item in its program's channel


@dataclass
class Post:
    """A message a channel (or one person, by DM: `user_id`) should see because of a change, queued in the
    change's transaction; exactly one of `channel_id` and `user_id` is set.

    `entity_ref` names what it is about (to find and update it later); `thread` are replies posted under it and
    `files` pictures uploaded into that thread after them; `dedupe_key` makes queueing idempotent (a fresh key per
    post when None).
    """

    channel_id: str | None
    message: Message
    entity_ref: str
    kind: str = CHANNEL_POST
    dedupe_key: str | None = None
    thread: list[Message] = field(default_factory=list)
    user_id: str | None = None
    files: list[Figure] = field(default_factory=list)

    def __post_init__(self) -> None:
        if (self.channel_id is None) == (self.user_id is None):
            raise ValueError("a post goes to exactly one channel or one person")


@dataclass(frozen=True)
class Edit:
    """An item's latest state, for every message Pulse already posted about it: each is updated in place.

    `entity_ref` names the item as its posts do; `kind`, `dedupe_prefix` (one status report's post) and `since`
    (the check-in DMs sent after the last status) narrow which of them; `cause` makes the edit once per cause
    (edits without one are coalesced: several changes before Slack is told are one update to the latest).
    """

    entity_ref: str
    message: Message
    kind: str | None = None
    dedupe_prefix: str | None = None
    since: dt.datetime | None = None
    cause: str | None = None
    note: bool = False  # `message` is a line added under what each message says now, its buttons gone


@dataclass
class Reply:
    """The answer to the caller (ephemeral) plus the posts the change warrants and the files it comes with."""

    message: Message
    posts: list[Post] = field(default_factory=list)
    ok: bool = True
    outbox_ids: list[int] = field(default_factory=list)  # filled once the posts are queued
    uploads: list[Upload] = field(default_factory=list)  # pictures and exports, uploaded by the Slack side
    edits: list[Edit] = field(default_factory=list)  # messages already posted that now read differently


def reply(template: str, **context: Any) -> Reply:
    """A successful reply rendered from `templates/<template>.j2`."""
    return Reply(Message(template, context))


def error(code: str, values: dict[str, Any], usage: str | None = None, *, field: str | None = None) -> Reply:
    """An error reply: what was wrong (`code`, worded by templates/errors.j2), the input `field` at fault
    (forms show it there) and, when known, the usage line."""
    return Reply(Message("error", {"code": code, "values": values, "usage": usage, "field": field}), ok=False)


def post_to(channel_id: str | None, message: Message, entity_ref: str) -> list[Post]:
    """A channel post when the program has a channel, else nothing."""
    return [Post(channel_id, message, entity_ref)] if channel_id else []


def tell(ctx: Context, user_id: str, message: Message, entity_ref: str) -> list[Post]:
    """A DM to `user_id`, unless they are the one acting (they know already)."""
    return [] if user_id == ctx.actor.user_id else [Post(None, message, entity_ref, kind="notice_dm", user_id=user_id)]


In = TypeVar("In", bound=BaseModel)


@dataclass(frozen=True)
class UseCase(Generic[In]):
    """A use case: what it runs and whether it writes (writers take SQLite's write lock up front)."""

    run: Callable[[Context, In], Reply]
    writes: bool
    name: str

    def __call__(self, ctx: Context, data: In) -> Reply:
        return self.run(ctx, data)


def use_case(*, writes: bool) -> Callable[[Callable[[Context, In], Reply]], UseCase[In]]:
    """Declare a function `(ctx, typed input) -> Reply` as a use case every surface can call."""

    def wrap(run: Callable[[Context, In], Reply]) -> UseCase[In]:
        return UseCase(run=run, writes=writes, name=f"{run.__module__.rsplit('.', 1)[-1]}.{run.__name__}")

    return wrap
