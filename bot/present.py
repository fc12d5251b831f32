"""Turns domain messages into Pulse markup and queues posts in the outbox, in the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from bot import buttons
from bot.uploads import stored
from commands.parse import names
from domain.digests import DETAIL_KIND, FILE_KIND
from domain.escalation import ALERT_KIND
from domain.messages import Edit, Message, Post
from store import outbox, posts
from templates import render_message, with_prefix


def markup(message: Message, prefix: str) -> str:
    """A message rendered, with its `/command` hints in this workspace's prefix."""
    return with_prefix(render_message(message), prefix, names())


def _buttons(post: Post) -> list[dict[str, Any]]:
    if post.kind == ALERT_KIND:
        return [buttons.acknowledge(int(post.entity_ref.removeprefix("alert:")))]
    return []


def queue_edits(session: Session, team_id: str, edits: list[Edit], prefix: str) -> list[int]:
    """Queue an update in place of every message each edit's item has (coalesced with edits not sent yet);
    returns the outbox ids of the edits, new or rewritten."""
    ids: list[int] = []
    for edit in edits:
        targets = posts.about(
            session, team_id, edit.entity_ref, kind=edit.kind, dedupe_prefix=edit.dedupe_prefix, since=edit.since
        )
        text = markup(edit.message, prefix) if targets else ""
        for target in targets:
            shown = f"{outbox.latest_version(session, target)[0]}\n\n{text}" if edit.note else text
            queued = outbox.enqueue_edit(session, target=target, markup=shown, cause=edit.cause)
            if queued is not None and queued not in ids:
                ids.append(queued)
    return ids


def queue_note(session: Session, team_id: str, at: tuple[str, str], note: Message, ref: str, prefix: str) -> list[int]:
    """Update the message of Pulse's at (channel, ts) in place to end with `note` (what a click on it did), without
    the buttons of `ref` it is done with; nothing when no message of Pulse's with such buttons landed there."""
    target = posts.landed_at(session, team_id, *at)
    if target is None:
        return []
    shown, shown_buttons = outbox.latest_version(session, target)
    kept = [b for b in shown_buttons if b.get("value") != ref]
    if len(kept) == len(shown_buttons):
        return []  # the message offers no button for `ref` (any more): the click was not on it
    queued = outbox.enqueue_edit(session, target=target, markup=f"{shown}\n\n{markup(note, prefix)}", buttons=kept)
    return [] if queued is None else [queued]


def queue_posts(session: Session, team_id: str, posts: list[Post], prefix: str) -> list[int]:
    """Queue each post (once per dedupe key), its thread replies and the pictures for its thread (kept as facts,
    drawn when they are sent); returns the outbox ids queued now."""
    ids: list[int] = []
    for post in posts:
        queued = outbox.enqueue(
            session,
            team_id=team_id,
            dedupe_key=post.dedupe_key or f"post:{uuid.uuid4().hex}",
            kind=post.kind,
            markup=markup(post.message, prefix),
            channel_id=post.channel_id,
            user_id=post.user_id,
            entity_ref=post.entity_ref,
            buttons=_buttons(post),
        )
        if queued is None or queued.id is None:
            continue
        ids.append(queued.id)
        replies = [
            outbox.Outgoing(
                dedupe_key=f"{queued.dedupe_key}#{index}",
                kind=DETAIL_KIND,
                markup=markup(detail, prefix),
                channel_id=post.channel_id,
                user_id=post.user_id,
                thread_parent_id=queued.id,
                entity_ref=post.entity_ref,
            )
            for index, detail in enumerate(post.thread, start=1)
        ]
        replies += [
            outbox.Outgoing(
                dedupe_key=f"{queued.dedupe_key}#file{index}",
                kind=FILE_KIND,
                markup=stored(figure),
                channel_id=post.channel_id,
                thread_parent_id=queued.id,
                entity_ref=post.entity_ref,
            )
            for index, figure in enumerate(post.files, start=1)
        ]
        fresh = outbox.enqueue_many(session, team_id=team_id, messages=replies)  # one INSERT, not one per reply
        ids += [fresh[r.dedupe_key] for r in replies if r.dedupe_key in fresh]
    return ids
