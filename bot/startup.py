"""Start-up: settings, logging and a migrated database, shared by every CLI command."""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

from bot.logsafe import install_redaction
from bot.settings import Settings, SettingsError, load_settings
from store.db import Database
from store.migrate import NotMigrated, require_migrated
from store.programs import workspaces

log = logging.getLogger("pulse")


def fail(message: str) -> NoReturn:
    """Stop with one clear line on stderr."""
    print(f"pulse: {message}", file=sys.stderr)
    raise SystemExit(2)


def settings_or_exit(**overrides: object) -> Settings:
    """Settings (with `overrides` by variable name), or exit with the line naming the bad variable."""
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        fail(f"configuration error: {exc}")
    install_redaction(settings)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return settings


def database_or_exit(settings: Settings, *, migrated: bool = True) -> Database:
    """The configured database; refuses an unmigrated one unless `migrated=False`."""
    database = Database(settings.database_url)
    if not database.ping():
        fail(f"cannot reach the database at {database.engine.url.render_as_string(hide_password=True)}")
    if migrated:
        try:
            require_migrated(database.engine)
        except NotMigrated as exc:
            fail(str(exc))
    return database


def workspace_or_exit(database: Database, team: str | None) -> str:
    """The workspace to work on: `team`, or the only one the database holds."""
    with database.session() as session:
        teams = workspaces(session)
    if team is None:
        if len(teams) != 1:
            fail(f"say which workspace with --team (found: {', '.join(teams) or 'none'})")
        return teams[0]
    return team
