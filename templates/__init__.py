"""Jinja2 templates for every message Pulse writes, and the filters they share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

RAG_EMOJI = {
    "red": ":red_circle:",
    "amber": ":large_orange_circle:",
    "green": ":large_green_circle:",
    None: ":white_circle:",
}
BAND_EMOJI = {
    "critical": ":rotating_light:",
    "high": ":warning:",
    "medium": ":small_orange_diamond:",
    "low": ":small_blue_diamond:",
}
TREND_WORDS = {
    "improving": "↑ improving",
    "worsening": "↓ worsening",
    "unchanged": "→ unchanged",
    "insufficient data": "· first report",
}


CLOCK_USER = "pulse"  # the audit trail's name for changes the clock makes


def _user(user_id: str | None) -> Markup:
    """A mention Pulse builds (the one kind of Slack markup that passes autoescape, with the ID escaped)."""
    if user_id == CLOCK_USER:
        return Markup("Pulse (scheduled)")
    return Markup("<@{}>").format(user_id) if user_id else Markup("nobody")


def _users(user_ids: list[str] | None) -> Markup:
    return Markup(", ").join(_user(u) for u in user_ids or []) or Markup("nobody")


def _channel(channel_id: str | None) -> Markup:
    return Markup("<#{}>").format(channel_id) if channel_id else Markup("no channel")


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "no date"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.strftime("%a %Y-%m-%d")


def _rag(value: Any) -> str:
    key = getattr(value, "value", value)
    return f"{RAG_EMOJI.get(key, RAG_EMOJI[None])} {(key or 'no status').upper()}"


def _band(value: Any) -> str:
    key = getattr(value, "value", value)
    return f"{BAND_EMOJI.get(key, '')} {key}"


def _trend(value: Any) -> str:
    key = getattr(value, "value", value)
    return TREND_WORDS.get(key, str(key))


def _age(value: dt.datetime | None, now: dt.datetime) -> str:
    if value is None:
        return "never"
    days = (now - value).days
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"


def _money(minor: int, currency: Any) -> str:
    """An amount in minor units as `USD 12,500.50` (`USD 250,000` when it has no minor part); `currency` has the
    ISO `code` and the minor unit's `digits`."""
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10**currency.digits)
    cents = f".{part:0{currency.digits}d}" if part else ""
    return f"{sign}{currency.code} {whole:,}{cents}"


def _summary(value: str | None, limit: int = 300) -> str:
    text = _clip(value, limit)
    return f"_{text}_" if text.strip() else "_(no summary)_"


def _clip(value: str | None, limit: int = 80) -> str:
    text = (value or "").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cache
def environment() -> Environment:
    """The shared Jinja2 environment (templates are package data of `templates`)."""
    env = Environment(
        loader=PackageLoader("templates", "."),
        autoescape=True,  # every value is escaped (see `_slack_mrkdwn`); only markup Pulse builds passes
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=StrictUndefined,
    )
    env.filters.update(
        user=_user,
        users=_users,
        channel=_channel,
        date=_date,
        rag=_rag,
        band=_band,
        trend=_trend,
        age=_age,
        clip=_clip,
        summary=_summary,
        money=_money,
    )
    env.globals.update(
        message=lambda message: _nested(render_message(message)),
        error_text=lambda code, values: _nested(error_text(code, values)),
    )
    return env


def _nested(rendered: str) -> Markup:
    """A rendered message or error inside another template: escaped once already, so marked safe."""
    return Markup(rendered)  # noqa: S704 - render() and error_text() escaped every value in it


def _slack_mrkdwn(autoescaped: str) -> str:
    """Autoescaped output as Slack mrkdwn: Slack escapes only `&`, `<` and `>`; markupsafe also escapes quotes,
    which Slack would show as `&#34;` and `&#39;`, so those are put back (text people typed cannot contain these
    entities any more: its `&` is `&amp;` by now)."""
    return str(autoescaped).replace("&#34;", '"').replace("&#39;", "'")


def unescaped(mrkdwn: str) -> str:
    """Slack mrkdwn as people read it (for plain-text fields and terminals): `&lt;` is `<` again, and so on."""
    return SLACK_ENTITY.sub(lambda match: SLACK_ENTITIES[match.group(1)], mrkdwn)


SLACK_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
SLACK_ENTITY = re.compile(r"&(amp|lt|gt);")


class Renderable(Protocol):
    """A template name and its context (a `domain.messages.Message`)."""

    template: str
    context: dict[str, Any]


def render(name: str, **context: Any) -> str:
    """Render `templates/<name>.j2` to Pulse message markup (see bot/blocks.py)."""
    return _slack_mrkdwn(environment().get_template(f"{name}.j2").render(**context)).strip()


def render_message(message: Renderable) -> str:
    """Render a message (a template with its context)."""
    return render(message.template, **message.context)


def error_text(code: str, values: dict[str, Any]) -> str:
    """The wording of error `code` (a macro of `templates/errors.j2`) with its values."""
    macro = getattr(environment().get_template("errors.j2").module, code)
    return _slack_mrkdwn(macro(**values)).strip()


def label(name: str, **values: Any) -> str:
    """The plain text of a button or form label (a macro of `templates/labels.j2`)."""
    return unescaped(_slack_mrkdwn(getattr(environment().get_template("labels.j2").module, name)(**values))).strip()


def with_prefix(text: str, prefix: str, commands: Iterable[str]) -> str:
    """Write the `/risk ...` hints in `text` as this workspace types them, e.g. `/pm-risk ...`."""
    if not prefix:
        return text
    hint = re.compile(rf"`/({'|'.join(map(re.escape, commands))})(?=[\s`])")
    return hint.sub(rf"`/{prefix}\1", text)


# Program canvases are written in canvas markdown, not mrkdwn: every value is escaped for it (see `canvas_text`)
# unless it is markup Pulse builds (a mention, a status emoji), which the canvas filters return as Markup.
CANVAS_SPECIAL = re.compile(r"([\\`*_~\[\]()<>|#!&])")
BROADCAST = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)
WORD_JOINER = "\u2060"  # keeps `@here` typed by someone from reading as a mention of everyone


def canvas_text(value: Any) -> str:
    """A value as canvas markdown: Pulse's own markup passes, anything else is escaped (markdown characters get
    a backslash, `@here`/`@channel`/`@everyone` cannot notify, newlines become spaces)."""
    if isinstance(value, Markup):
        return str(value)
    text = CANVAS_SPECIAL.sub(r"\\\1", str(value).replace("\r", " ").replace("\n", " "))
    return BROADCAST.sub(lambda m: f"@{WORD_JOINER}{m.group(1)}", text)


def _canvas_user(user_id: str | None) -> Markup:
    """A user mention in canvas markdown (`![](@U123)`)."""
    if user_id == CLOCK_USER:
        return Markup("Pulse (scheduled)")
    cleaned = "".join(ch for ch in user_id or "" if ch.isalnum())
    return Markup(f"![](@{cleaned})") if cleaned else Markup("nobody")  # noqa: S704 - letters and digits only


def _canvas_rag(value: Any) -> Markup:
    return Markup(_rag(value))  # noqa: S704 - Pulse's emoji and the RAG word only


def _canvas_band(value: Any) -> Markup:
    return Markup(_band(value))  # noqa: S704 - Pulse's emoji and the band name only


@cache
def canvas_environment() -> Environment:
    """The Jinja2 environment of canvas markdown (`canvas_*.j2`): no HTML escaping, `canvas_text` instead."""
    env = Environment(
        loader=PackageLoader("templates", "."),
        autoescape=False,  # noqa: S701 - every value goes through canvas_text (finalize), which escapes it
        finalize=canvas_text,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=StrictUndefined,
    )
    env.filters.update(
        user=_canvas_user, rag=_canvas_rag, band=_canvas_band, trend=_trend, date=_date, age=_age, clip=_clip
    )
    return env


def render_canvas(name: str, **context: Any) -> str:
    """Render `templates/<name>.j2` to canvas markdown."""
    return canvas_environment().get_template(f"{name}.j2").render(**context).strip() + "\n"
