"""One generic form builder: a command's typed input model plus a small field spec give its modal, and a
submitted modal gives back that same input (so a form runs exactly what the command runs)."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

from bot.blocks import plain
from bot.ids import MODAL_VALUE, CallbackId
from commands.problems import UsageError
from domain.errors import Invalid
from domain.inputs import Input
from store.ids import Kind, parse_ref
from store.models import Program, StaffingLine
from templates import label

MAX_TITLE_CHARS = 24  # Slack's limit for a modal's title and its buttons
MAX_METADATA_CHARS = 3000  # Slack's limit for private_metadata
MAX_OPTIONS = 100  # Slack's limit for a static select's options
MAX_TEXT_CHARS = 3000  # Slack's limit for a text input's initial value
SCALE = range(1, 6)

Value = str | list[str]  # what one submitted block holds


class Widget(StrEnum):
    """How a field is asked for."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"  # one value of an enum
    SCALE = "scale"  # a scale with its meanings (likelihood and impact 1-5, severity 1-4)
    PERSON = "person"
    PEOPLE = "people"
    CHANNEL = "channel"
    CHANNELS = "channels"
    DATE = "date"
    YES_NO = "yes_no"
    PROGRAM = "program"  # the programs the person may see
    REF = "ref"  # an item's ID (R-n, D-n) typed in
    COUNTS = "counts"  # one whole number per planned role of the program (block `counts:ROLE`), a dict in the input


@dataclass(frozen=True)
class FormField:
    """One block: `block` is the command's name for it (`owner`, `review`, `title`), `attr` the input field it
    fills; the widget follows from the input field's type unless given. `read` turns a submitted value into the
    input's value when its type needs more than the widget gives (a person for an ask becomes an `AskTo`).
    `label` names its label, hint and scale points in templates/labels.j2 when the block's own name reads
    otherwise on another form (an issue's impact is not a risk's 1-5 impact); `scale` is its points (default 1-5)."""

    block: str
    attr: str
    widget: Widget | None = None
    omit: tuple[str, ...] = ()  # enum values the form does not offer (closing needs a reason: its own command)
    kind: Kind | None = None  # for REF
    read: Callable[[str], Any] | None = None
    label: str | None = None
    scale: range = SCALE

    @property
    def words(self) -> str:
        """The name its label, hint and scale points go by."""
        return self.label or self.block


@dataclass(frozen=True)
class Form:
    """The modal of `/command sub`: the input it builds, its fields, and what the command's words fill.

    `target` is the kind of item an update form changes (its ID is the command's first word and travels in the
    form's metadata); `words` are the blocks the command's positional words fill, `rest` the block its free text
    fills, `needs` how many words the command needs to run without a form."""

    command: str
    sub: str
    callback: CallbackId
    model: type[Input]
    fields: tuple[FormField, ...]
    target: Kind | None = None
    words: tuple[str, ...] = ()
    rest: str | None = None
    needs: int = 2

    def widget(self, spec: FormField) -> Widget:
        """The widget a field is asked with: given, or from the input field's type."""
        if spec.widget is not None:
            return spec.widget
        base = _base(self.model.model_fields[spec.attr].annotation)
        if base is dt.date:
            return Widget.DATE
        if base is bool:
            return Widget.YES_NO
        if isinstance(base, type) and issubclass(base, StrEnum):
            return Widget.CHOICE
        if base is int:
            return Widget.SCALE
        return Widget.TEXT

    @property
    def per_program(self) -> bool:
        """Whether its blocks depend on the program (one per planned role): it opens only with the program named."""
        return any(spec.widget == Widget.COUNTS for spec in self.fields)

    def required(self, spec: FormField) -> bool:
        return self.model.model_fields[spec.attr].is_required()

    def block_for(self, attr: str | None, role: str | None = None) -> str:
        """The block an error about input field (or command field) `attr` is shown on, the role's own block for a
        count by role: the first when unknown."""
        for spec in self.fields:
            if attr and attr.startswith(f"{spec.block}:"):
                return attr
            if attr in {spec.attr, spec.block}:
                return f"{spec.block}:{role}" if spec.widget == Widget.COUNTS and role else spec.block
        return self.fields[0].block


class FormState(BaseModel):
    """What a form carries in `private_metadata`: which item it changes, where it was opened, and the message it
    was made from. Everything else is rebuilt from the database when the form is submitted."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    ref: str | None = Field(default=None, max_length=24)
    channel: str | None = Field(default=None, max_length=32)
    source: str | None = Field(default=None, max_length=500, pattern=r"^https://\S+$")  # from chat.getPermalink

    def dump(self) -> str:
        text = self.model_dump_json(exclude_none=True)
        if len(text) > MAX_METADATA_CHARS:
            raise ValueError("form metadata past Slack's limit")
        return text

    @classmethod
    def load(cls, raw: str) -> FormState:
        """The state a form carries; a bare item ref is a form opened before forms carried JSON."""
        if raw and not raw.lstrip().startswith("{"):
            return cls(ref=raw)
        return cls.model_validate_json(raw or "{}")


def _base(annotation: Any) -> Any:
    """`X` of `X | None`."""
    if get_origin(annotation) in {Union, types.UnionType}:
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _choices(form: Form, spec: FormField) -> list[tuple[str, str]]:
    """(value, text) of each option a select offers."""
    widget = form.widget(spec)
    if widget == Widget.SCALE:
        return [(str(n), label("scale_point", scale=spec.words, n=n)) for n in spec.scale]
    enum = _base(form.model.model_fields[spec.attr].annotation)
    return [(m.value, label("choice", value=m.value)) for m in enum if m.value not in spec.omit]


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    user = getattr(value, "user_id", None)  # an ask's addressee
    return str(user if user is not None else value)


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": plain(text[:75]), "value": value}


def _element(form: Form, spec: FormField, current: Any, programs: list[Program]) -> dict[str, Any]:
    """The input element of one field, showing `current` (None: empty)."""
    widget = form.widget(spec)
    element: dict[str, Any] = {"action_id": MODAL_VALUE}
    given = current is not None and current != "" and current != []
    if widget in {Widget.TEXT, Widget.LONG_TEXT, Widget.REF}:
        element.update(type="plain_text_input", multiline=widget == Widget.LONG_TEXT)
        if given:
            element["initial_value"] = _text(current)[:MAX_TEXT_CHARS]
    elif widget in {Widget.CHOICE, Widget.SCALE, Widget.PROGRAM}:
        if widget == Widget.PROGRAM:
            pairs = [(p.key, f"{p.key}: {p.name}") for p in programs[:MAX_OPTIONS]]
        else:
            pairs = _choices(form, spec)
        options = [_option(v, t) for v, t in pairs]
        element.update(type="static_select", options=options)
        picked = [o for o in options if given and o["value"] == _text(current)]
        if picked:
            element["initial_option"] = picked[0]
    elif widget == Widget.DATE:
        element["type"] = "datepicker"
        if given:
            element["initial_date"] = _text(current)
    elif widget == Widget.PERSON:
        element["type"] = "users_select"
        if given:
            element["initial_user"] = _text(current)
    elif widget == Widget.PEOPLE:
        element["type"] = "multi_users_select"
        if given:
            element["initial_users"] = list(current)
    elif widget == Widget.CHANNEL:
        element.update(type="conversations_select", filter={"include": ["public", "private"]})
        if given:
            element["initial_conversation"] = _text(current)
    elif widget == Widget.CHANNELS:
        element.update(type="multi_conversations_select", filter={"include": ["public", "private"]})
        if given:
            element["initial_conversations"] = list(current)
    else:  # YES_NO
        option = _option("yes", label("choice", value="yes"))
        element.update(type="checkboxes", options=[option])
        if current is True:
            element["initial_options"] = [option]
    return element


def _counts(spec: FormField, lines: list[StaffingLine]) -> list[dict[str, Any]]:
    """One number input per planned role, showing how many are filled."""
    return [
        {
            "type": "input",
            "block_id": f"{spec.block}:{line.role}",
            "label": plain(label("headcount", role=line.role, planned=line.planned)),
            "element": {"action_id": MODAL_VALUE, "type": "plain_text_input", "initial_value": str(line.filled)},
            "optional": False,
        }
        for line in lines
    ]


def _counted(spec: FormField, values: Mapping[str, Value]) -> dict[str, int]:
    """The count of each role's block (`counts:reviewers` -> reviewers)."""
    found: dict[str, int] = {}
    for block, raw in values.items():
        prefix, _, role = block.partition(":")
        if prefix != spec.block or not role:
            continue
        text = raw.strip() if isinstance(raw, str) else ""
        if not text.isdigit():
            raise Invalid("not_a_headcount", field=block, value=f"{role}:{text}"[:40])
        found[role] = int(text)
    return found


def build_view(
    form: Form,
    values: Mapping[str, Any],
    state: FormState,
    *,
    programs: list[Program],
    heading: str | None = None,
) -> dict[str, Any]:
    """The modal of `form` with `values` (by block) filled in; `heading` names what it changes."""
    blocks: list[dict[str, Any]] = []
    if heading:
        blocks.append({"type": "section", "text": plain(heading[:MAX_TEXT_CHARS])})
    for spec in form.fields:
        if form.widget(spec) == Widget.COUNTS:
            blocks.extend(_counts(spec, values.get(spec.block) or []))
            continue
        required = form.required(spec) and form.widget(spec) != Widget.YES_NO
        block: dict[str, Any] = {
            "type": "input",
            "block_id": spec.block,
            "label": plain(label("field", block=spec.words)),
            "element": _element(form, spec, values.get(spec.block), programs),
            "optional": not required,
        }
        hint = label("hint", block=spec.words)
        if hint:
            block["hint"] = plain(hint)
        blocks.append(block)
    if state.source:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": label("source", link=state.source)}]})
    return {
        "type": "modal",
        "callback_id": form.callback.value,
        "private_metadata": state.dump(),
        "title": plain(label("form_title", form=form.callback.value, ref=state.ref or "")[:MAX_TITLE_CHARS]),
        "submit": plain(label("save")[:MAX_TITLE_CHARS]),
        "close": plain(label("cancel")[:MAX_TITLE_CHARS]),
        "blocks": blocks,
    }


def _value(form: Form, spec: FormField, raw: Value) -> Any:
    """A submitted value as the input field takes it."""
    widget = form.widget(spec)
    if spec.read is not None and isinstance(raw, str):
        try:
            return spec.read(raw)
        except UsageError as exc:  # the command's own parser refused it: its error, on this field
            raise Invalid(exc.code, field=spec.attr, **exc.values) from None
    if widget == Widget.DATE and isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:  # a date picker sends YYYY-MM-DD; anything else did not come from it
            raise Invalid("date_invalid", field=spec.attr, value=raw[:40], examples=["2027-01-15"]) from None
    if widget == Widget.REF and isinstance(raw, str):
        parsed = parse_ref(raw.strip())
        if parsed is None or parsed[0] != spec.kind:
            raise Invalid("not_an_id", field=spec.attr, value=raw, kind=(spec.kind or Kind.RISK).value)
        return parsed[1]
    return raw.strip() if isinstance(raw, str) else raw


def read_input(form: Form, values: Mapping[str, Value], state: FormState) -> Input:
    """The input a submitted form stands for: the one the command would build from the same values.

    Empty fields are left out (the input's default, or "unchanged" on an update). Raises `Invalid`, or pydantic's
    `ValidationError`, naming the field at fault."""
    data: dict[str, Any] = {}
    if form.target is not None:
        parsed = parse_ref(state.ref or "")
        if parsed is None or parsed[0] != form.target:
            raise Invalid("form_out_of_date")
        data["number"] = parsed[1]
    for spec in form.fields:
        raw = values.get(spec.block)
        if form.widget(spec) == Widget.COUNTS:
            data[spec.attr] = _counted(spec, values)
        elif form.widget(spec) == Widget.YES_NO:
            data[spec.attr] = bool(raw)
        elif raw is not None and raw != [] and not (isinstance(raw, str) and not raw.strip()):
            data[spec.attr] = _value(form, spec, raw)
    if state.source and "source_permalink" in form.model.model_fields:
        data["source_permalink"] = state.source
    return form.model(**data)
