"""Opening a form: for a command whose text leaves out what it needs, a button, or a shortcut. The form is
filled from what was given, then from the item's current values, and offers only programs the person may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from bot.forms import BY_COMMAND
from bot.modals import Form, FormState, Widget, build_view
from bot.runtime import Runtime
from commands.registry import Args, Subcommand
from domain.access import Actor
from domain.errors import Invalid, PulseError
from domain.lookup import item, program, visible_programs
from domain.messages import Reply, error
from domain.programs import StatusReport
from domain.status import DIMENSIONS
from store.ids import Kind, parse_ref
from store.models import Action, Risk
from store.programs import status_history
from store.staffing import lines_for


def form_for_command(sub: Subcommand, args: Args) -> tuple[Form, dict[str, Any], FormState] | None:
    """The form `/command sub text` opens, with what the text gives (by block), or None when the command runs
    as typed: an update form when only the item's ID is given, a create form when words it needs are missing."""
    form = BY_COMMAND.get((sub.command, sub.name))
    if form is None:
        return None
    words = list(args.words)
    state = FormState()
    if form.target is not None:
        parsed = parse_ref(words[0]) if len(words) == 1 and not args.values else None
        if parsed is None or parsed[0] != form.target:
            return None
        state, words = FormState(ref=words[0].upper()), []
    elif len(words) >= form.needs or (form.per_program and not words):
        return None
    values: dict[str, Any] = dict(args.values)
    for block, word in zip(form.words, words, strict=False):
        values[block] = word.upper() if block in {"key", "program"} else word.lower()
    text = " ".join(words[len(form.words) :])
    if form.rest and text:
        values[form.rest] = text
    return form, values, state


def _row(session: Session, actor: Actor, kind: Kind, number: int) -> Risk | Action:
    """The item an update form changes, if the person may see it."""
    if kind == Kind.RISK:
        return item(session, actor, Risk, kind, number)[0]
    return item(session, actor, Action, kind, number)[0]


def _current(session: Session, actor: Actor, form: Form, values: Mapping[str, Any], state: FormState) -> dict[str, Any]:
    """What the form shows before anything is typed: the item's values (an update), the program's last status.

    Raises the command's own error when the person may not see the item or the program (the same answer)."""
    if form.target is not None:
        parsed = parse_ref(state.ref or "")
        if parsed is None or parsed[0] != form.target:
            raise Invalid("not_an_id", value=(state.ref or "")[:40], kind=form.target.value)
        row = _row(session, actor, form.target, parsed[1])
        return {spec.block: getattr(row, spec.attr, None) for spec in form.fields}
    key = values.get("program")
    if not key:
        return {}
    owning = program(session, actor, str(key))
    if form.per_program:
        lines = lines_for(session, [owning.id or 0])
        if not lines:
            raise Invalid("staff_nothing_planned", key=owning.key)
        return {spec.block: lines for spec in form.fields if spec.widget == Widget.COUNTS}
    if form.model is StatusReport:
        last = status_history(session, owning, limit=1)
        if last:
            rated = {name: getattr(last[0], name) for name in DIMENSIONS}
            forecast = {"path": last[0].path_to_green, "confidence": last[0].confidence}
            return {"status": last[0].rag, "summary": last[0].summary, "asks": last[0].asks, **rated, **forecast}
    return {}


def form_view(
    runtime: Runtime, form: Form, actor: Actor, values: Mapping[str, Any], state: FormState
) -> dict[str, Any] | Reply:
    """The view of `form` for `actor`, rebuilt from the database; or the error the command would give."""
    try:
        with runtime.database.session() as session:
            shown = {**_current(session, actor, form, values, state), **values}
            offers = any(form.widget(spec) == Widget.PROGRAM for spec in form.fields)
            programs = visible_programs(session, actor) if offers else []
    except PulseError as exc:
        return error(exc.code, exc.values)
    heading = None
    if state.ref:
        heading = f"{state.ref} {shown.get('title') or ''}".strip()
    return build_view(form, shown, state, programs=programs, heading=heading)


def open_form(
    runtime: Runtime, form: Form, actor: Actor, trigger_id: str, values: Mapping[str, Any], state: FormState
) -> Reply | dict[str, Any]:
    """Open the form; the opened view (its id and hash, for a later `views.update`), or the error the person is
    told instead."""
    view = form_view(runtime, form, actor, values, state)
    if isinstance(view, Reply):
        return view
    opened = runtime.client.views_open(trigger_id=trigger_id, view=view)
    return dict(opened.get("view") or {})


def program_in(runtime: Runtime, actor: Actor, channel_id: str | None) -> str | None:
    """The key of the program whose channel `channel_id` is, if the person may see it."""
    if not channel_id:
        return None
    with runtime.database.session() as session:
        found = [p.key for p in visible_programs(session, actor) if p.channel_id == channel_id]
    return found[0] if found else None
