"""The files replies come with: pictures drawn from the domain's facts and registers written as spreadsheets,
uploaded with files_upload_v2 to the channel they are for, or to the caller's DM with Pulse."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import cast

from pydantic import TypeAdapter
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.drawings import filename_of, png_of, title_of, words
from bot.spreadsheets import Kind, export
from bot.spreadsheets.write import Format
from domain.figures import Figure, Heatmap, KpiSeries, Register, Roadmap, Timeline, Upload
from templates import render

log = logging.getLogger(__name__)
FIGURES: dict[str, type[Heatmap] | type[Timeline] | type[KpiSeries] | type[Roadmap]] = {
    "heatmap": Heatmap,
    "timeline": Timeline,
    "kpi": KpiSeries,
    "roadmap": Roadmap,
}


@dataclass(frozen=True)
class File:
    """A file to upload: its name, its title in Slack and its bytes."""

    filename: str
    title: str
    data: bytes


@dataclass(frozen=True)
class Sent:
    """What became of one upload: where it was meant to go (None: the caller's DM) and the error, if any."""

    filename: str
    channel_id: str | None
    error: str | None = None


def file_of(content: Figure | Register) -> File:
    """A picture drawn, or a register written in its format."""
    if isinstance(content, Register):
        data = export(cast(Kind, content.kind), content.rows, format=cast(Format, content.format))
        title = words("register_title", kind=content.kind, scope=content.scope)
        return File(f"{content.kind}-{content.scope}.{content.format}", title, data)
    return File(filename_of(content), title_of(content), png_of(content))


def stored(figure: Figure) -> str:
    """A picture's facts as the outbox keeps them until the picture is drawn and uploaded (JSON)."""
    kind = next(name for name, shape in FIGURES.items() if isinstance(figure, shape))
    return json.dumps({"figure": kind, "facts": TypeAdapter(type(figure)).dump_python(figure, mode="json")})


def figure_from(text: str) -> Figure:
    """The picture `stored` kept."""
    data = json.loads(text)
    figure: Figure = TypeAdapter(FIGURES[data["figure"]]).validate_python(data["facts"])
    return figure


def upload(client: WebClient, file: File, channel_id: str, *, thread_ts: str | None = None) -> str | None:
    """Upload `file` to `channel_id` (into the thread of `thread_ts`); Slack's error code, or None when shared."""
    try:
        client.files_upload_v2(
            channel=channel_id, file=file.data, filename=file.filename, title=file.title, thread_ts=thread_ts
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        log.warning("uploading %s failed: %s", file.filename, error)
        return error
    except Exception as exc:  # Slack unreachable, or the upload URL refused the bytes
        log.warning("uploading %s failed: %s", file.filename, type(exc).__name__)
        return "unreachable"
    return None


def send(client: WebClient, uploads: list[Upload], user_id: str) -> list[Sent]:
    """Make and upload each file: to its channel, or to `user_id`'s DM with Pulse."""
    sent = []
    for item in uploads:
        file = file_of(item.content)
        try:
            channel = item.channel_id or str(client.conversations_open(users=user_id)["channel"]["id"])
        except SlackApiError as exc:
            sent.append(Sent(file.filename, item.channel_id, str(exc.response.get("error") or "unknown_error")))
            continue
        sent.append(Sent(file.filename, item.channel_id, upload(client, file, channel)))
    return sent


def upload_notes(sent: list[Sent]) -> list[str]:
    """What the caller should know about the files their command made: where each went, or why not."""
    return [render("upload_note", u=item) for item in sent]
