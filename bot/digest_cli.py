"""`pulse digest preview`: the digest a channel would get, printed in the terminal."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.directory import Directory
from bot.present import markup
from bot.settings import Settings
from bot.slack_client import make_web_client
from bot.startup import database_or_exit, fail, settings_or_exit
from bot.terminal import to_terminal
from domain.access import Actor, channel_viewer
from domain.digests import Digest, portfolio_digest, program_digest
from domain.errors import NotFound
from domain.evidence import PORTFOLIO, since_last_digest
from domain.lookup import program
from store import profiles
from store.db import Database
from store.programs import workspaces
from store.types import utcnow
from templates import error_text

MENTIONED = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def digest_text(
    database: Database,
    *,
    team_id: str,
    key: str | None,
    channel_id: str | None,
    now: dt.datetime,
    today: dt.date,
    tz: ZoneInfo,
    names: dict[str, str] | None = None,
    directory: Directory | None = None,
) -> str:
    """The digest as terminal text: leadership view (all programs) unless a channel is given, covering what happened
    since the last digest (as `pulse report` does). People read as their names: `names`, else the profile cache,
    else (with a `directory`) what Slack says."""
    viewer = channel_viewer(team_id, channel_id) if channel_id else Actor(team_id, "cli", None, is_admin=True)
    with database.session() as session:
        if key:
            shown = program(session, viewer, key)
            since = since_last_digest(session, team_id, shown.key, now)
            digest: Digest = program_digest(session, shown, since=since, now=now, today=today, tz=tz)
        else:
            since = since_last_digest(session, team_id, PORTFOLIO, now)
            digest = portfolio_digest(session, viewer, since=since, now=now, today=today, tz=tz)
        labels = profiles.display_names(session, team_id) | (names or {})
    texts = [markup(m, "") for m in digest.messages()]
    unknown = sorted({uid for text in texts for uid in MENTIONED.findall(text)} - set(labels))
    if unknown and directory is not None:
        labels |= directory.names(team_id, unknown)
    parts = [to_terminal(text, labels) for text in texts]
    return (
        ("\n\n" + "·" * 72 + "\n  in the thread:\n\n").join([parts[0], "\n\n".join(parts[1:])])
        if len(parts) > 1
        else parts[0]
    )


def _directory(settings: Settings, database: Database) -> Directory | None:
    """Slack's directory of names, when a bot token is configured."""
    if settings.slack_bot_token is None:
        return None
    client = make_web_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    return Directory(database, client, settings.tz)


def run_preview(key: str | None, team: str | None, channel: str | None) -> None:
    """Print a digest of the configured database."""
    settings = settings_or_exit()
    database = database_or_exit(settings)
    with database.session() as session:
        teams = workspaces(session)
    if team is None:
        if len(teams) != 1:
            fail(f"say which workspace with --team (found: {', '.join(teams) or 'none'})")
        team = teams[0]
    now = utcnow()
    try:
        print(
            digest_text(
                database,
                team_id=team,
                key=key,
                channel_id=channel,
                now=now,
                today=now.astimezone(settings.tz).date(),
                tz=settings.tz,
                directory=_directory(settings, database),
            )
        )
    except NotFound as exc:
        fail(to_terminal(error_text(exc.code, exc.values)))
