"""The `pulse` command line. Heavy modules are imported inside each command so `--help` stays fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from domain.register_kinds import FileFormat, ImportKind, RegisterKind

app = typer.Typer(
    name="pulse",
    help="Pulse keeps a Trust & Safety program portfolio honest and visible in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print Pulse's version and the database migration it needs."""
    from bot import __version__
    from store.migrate import head_revision

    typer.echo(f"pulse {__version__} (schema {head_revision()})")


@app.command()
def migrate() -> None:
    """Apply database migrations to DATABASE_URL (safe to run again)."""
    from bot.startup import database_or_exit, settings_or_exit
    from store.migrate import current_revision, upgrade

    settings = settings_or_exit()
    database = database_or_exit(settings, migrated=False)
    before = current_revision(database.engine)
    upgrade(database.url)
    after = current_revision(database.engine)
    moved = "already up to date" if before == after else f"migrated from {before or 'empty'}"
    typer.echo(f"database {database.dialect} at schema {after} ({moved})")


@app.command()
def demo() -> None:
    """Seed a demo T&S portfolio (once), print it, then open the console when run in a terminal."""
    import sys

    from bot.demo import run_demo

    run_demo()
    if sys.stdin.isatty() and sys.stdout.isatty():
        from bot.console import run_console

        run_console()


@app.command()
def console(
    as_user: str | None = typer.Option(
        None, "--as", metavar="USER_ID", help="Act as this Slack user ID (default: the demo admin, U0ADMIN)."
    ),
    channel: str | None = typer.Option(
        None, "--channel", metavar="CHANNEL_ID", help="Run commands as if typed in this channel (default: a DM)."
    ),
    team: str | None = typer.Option(None, "--team", metavar="TEAM_ID", help="Workspace ID (default: T0DEMO)."),
) -> None:
    """Type slash commands (`/risk list band:critical`) and read Pulse's replies, no Slack needed.

    Runs the real Bolt app against a local Slack stub. Reads one command per line from stdin when it is not a
    terminal: `echo "/program list" | pulse console`.
    """
    from bot.console import run_console

    run_console(user_id=as_user, channel_id=channel, team_id=team)


@app.command()
def manifest(
    http: str | None = typer.Option(
        None,
        "--http",
        metavar="URL",
        help="Serve over HTTP at this public URL ending in /slack/events (default: Socket Mode).",
    ),
) -> None:
    """Print the Slack app manifest (YAML) for these commands, to paste into api.slack.com/apps."""
    from bot.manifest import ManifestError, manifest_yaml
    from bot.startup import fail, settings_or_exit

    settings = settings_or_exit()
    try:
        text = manifest_yaml(settings, http_url=http)
    except ManifestError as exc:
        fail(str(exc))
    typer.echo(text, nl=False)


def main() -> None:
    """Entry point of the `pulse` console script."""
    from bot.collector import tune_gc

    tune_gc()
    app()


@app.command()
def serve(
    http: bool = typer.Option(False, "--http", help="Serve HTTP on PORT even if SLACK_APP_TOKEN is set."),
    socket: bool = typer.Option(False, "--socket", help="Use Socket Mode (needs SLACK_APP_TOKEN)."),
    workers: int = typer.Option(2, min=1, help="HTTP worker processes."),
    threads: int = typer.Option(8, min=1, help="Threads per HTTP worker."),
    no_scheduler: bool = typer.Option(
        False, "--no-scheduler", help="Serve commands only; run `pulse scheduler` elsewhere."
    ),
    job_processes: int | None = typer.Option(
        None, hidden=True, help="No longer used: commands are answered in their HTTP response."
    ),
) -> None:
    """Serve Slack: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT at POST /slack/events."""
    from bot.serve import run_serve

    if job_processes is not None:
        typer.echo(
            "pulse: --job-processes is no longer used and is ignored (see README, Running in production)", err=True
        )
    run_serve(force_http=http, force_socket=socket, workers=workers, threads=threads, scheduler=not no_scheduler)


@app.command()
def tick(
    at: str = typer.Option(
        None, "--at", help="Run as of this ISO-8601 instant (default: now), e.g. 2026-12-01T09:05:00Z."
    ),
) -> None:
    """Run everything due (digests, reminders, escalations) once, deliver it, and exit."""
    import datetime as dt

    from bot.clock.clock import Clock
    from bot.runtime import Runtime
    from bot.startup import database_or_exit, fail, settings_or_exit

    instant = None
    if at:
        try:
            instant = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            fail(f"--at {at!r} is not an ISO-8601 instant, e.g. 2026-12-01T09:05:00Z")
        if instant.tzinfo is None:
            fail("--at needs a time zone, e.g. 2026-12-01T09:05:00Z or 2026-12-01T09:05:00-05:00")
    settings = settings_or_exit()
    if settings.slack_bot_token is None:
        fail("SLACK_BOT_TOKEN must be set to deliver messages (see .env.example)")
    database = database_or_exit(settings)
    report = Clock(Runtime.build(settings, database)).tick(instant)
    typer.echo(report.summary())


@app.command()
def scheduler() -> None:
    """Run only the clock (a tick every minute), for deployments with several web replicas."""
    from bot.clock.every_minute import run_blocking
    from bot.runtime import Runtime
    from bot.startup import database_or_exit, fail, settings_or_exit

    settings = settings_or_exit()
    if settings.slack_bot_token is None:
        fail("SLACK_BOT_TOKEN must be set to deliver messages (see .env.example)")
    run_blocking(Runtime.build(settings, database_or_exit(settings)))


digest_app = typer.Typer(help="Digests in the terminal.", no_args_is_help=True)
app.add_typer(digest_app, name="digest")


@digest_app.command("preview")
def digest_preview(
    key: str = typer.Argument(None, help="Program KEY; the portfolio digest when left out."),
    team: str = typer.Option(None, "--team", help="Slack team ID (needed when the database serves several)."),
    channel: str = typer.Option(None, "--channel", help="Show what this channel ID would get (restricted filter)."),
) -> None:
    """Print the digest a channel would get (leadership view of every program by default)."""
    from bot.digest_cli import run_preview

    run_preview(key, team, channel)


@app.command("export")
def export_(
    kind: Annotated[RegisterKind, typer.Argument(help="What to export.")],
    format: Annotated[FileFormat, typer.Option("--format", help="File format.")] = FileFormat.CSV,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="Write here (default: standard output).")
    ] = None,
    key: str | None = typer.Option(None, "--program", metavar="KEY", help="Only this program (default: all)."),
    team: str | None = typer.Option(None, "--team", help="Slack team ID (needed when the database serves several)."),
) -> None:
    """Write a register (every program, archived ones and closed items included) as CSV, XLSX or JSON."""
    from bot.registers import run_export

    run_export(kind, format, out, key, team)


@app.command("import")
def import_(
    kind: Annotated[ImportKind, typer.Argument(help="What the file holds.")],
    file: Annotated[Path, typer.Argument(help="A .csv, .xlsx or .json register.", exists=True, dir_okay=False)],
    key: str = typer.Option(..., "--program", metavar="KEY", help="The program the rows belong to."),
    sheet: str | None = typer.Option(None, "--sheet", metavar="NAME", help="The .xlsx sheet (default: the first)."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check every row and say what would be created; write nothing."
    ),
    as_user: str | None = typer.Option(
        None, "--as", metavar="USER_ID", help="Act as this Slack user (default: the program owner)."
    ),
    month_first: bool = typer.Option(False, "--month-first", help="Read dates like 12/05/2026 as 5 December."),
    team: str | None = typer.Option(None, "--team", help="Slack team ID (needed when the database serves several)."),
) -> None:
    """Bring a register into a program: every row checked as the slash command would, all or nothing."""
    from bot.registers import ImportRequest, run_import

    run_import(
        ImportRequest(
            kind=RegisterKind(kind.value),
            path=file,
            key=key,
            sheet=sheet,
            dry_run=dry_run,
            team=team,
            as_user=as_user,
            month_first=month_first,
        )
    )


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for report.html and the PNGs.")],
    channel: str | None = typer.Option(None, "--channel", help="Show what this channel ID would see."),
    team: str | None = typer.Option(None, "--team", help="Slack team ID (needed when the database serves several)."),
) -> None:
    """Write the portfolio digest with its pictures as PNGs and one self-contained report.html."""
    from bot.report import write_report
    from bot.startup import database_or_exit, settings_or_exit, workspace_or_exit
    from store.types import utcnow

    settings = settings_or_exit()
    database = database_or_exit(settings)
    written = write_report(
        database, out, team_id=workspace_or_exit(database, team), channel_id=channel, now=utcnow(), tz=settings.tz
    )
    for path in [written.html, *written.pictures]:
        typer.echo(path)
