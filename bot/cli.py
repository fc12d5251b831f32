"""The `pulse` command line. Heavy modules are imported inside each command so `--help` stays fast."""

from __future__ import annotations

import typer

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
    from bot.runtime import database_or_exit, settings_or_exit
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
    """Seed a demo T&S portfolio (once) into the configured database and print it."""
    from bot.demo import run_demo

    run_demo()


def main() -> None:
    """Entry point of the `pulse` console script."""
    app()


@app.command()
def serve(
    http: bool = typer.Option(False, "--http", help="Serve HTTP on PORT even if SLACK_APP_TOKEN is set."),
    socket: bool = typer.Option(False, "--socket", help="Use Socket Mode (needs SLACK_APP_TOKEN)."),
    workers: int = typer.Option(2, min=1, help="HTTP worker processes."),
    threads: int = typer.Option(8, min=1, help="Threads per HTTP worker."),
) -> None:
    """Serve Slack: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT at POST /slack/events."""
    from bot.serve import run_serve

    run_serve(force_http=http, force_socket=socket, workers=workers, threads=threads)
