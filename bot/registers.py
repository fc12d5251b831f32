"""`pulse export` and `pulse import`: registers out of Pulse into CSV, XLSX or JSON, and spreadsheets into Pulse.

An import reads the whole file (bot/spreadsheets), finds the people it names (bot/people.py), then runs every
row through the use cases in one transaction (domain/registers.py); it commits only when no row has a
problem and it is not a dry run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from sqlmodel import Session

from bot.people import People
from bot.settings import Settings
from bot.slack_client import make_web_client
from bot.spreadsheets import FIELDS, ReadError, Record, export, read_register
from bot.spreadsheets.write import Format
from bot.startup import database_or_exit, fail, settings_or_exit, workspace_or_exit
from bot.terminal import to_terminal
from domain.access import Actor
from domain.context import Context
from domain.errors import PulseError
from domain.lookup import program, visible_programs
from domain.register_kinds import FileFormat, RegisterKind
from domain.registers import Imported, RegisterRow, export_rows, import_rows
from store.db import Database
from store.types import utcnow
from templates import environment, error_text, render

CLI_USER = "cli"  # who reads the whole workspace in `pulse export`
PROGRESS_FROM = 500  # rows from which an import shows a progress bar (on a terminal)


def export_bytes(
    database: Database, tz: ZoneInfo, *, team: str, kind: RegisterKind, fmt: Format, key: str | None
) -> bytes:
    """Every item of `kind` in the workspace (or in program `key`), archived programs included, as a file."""
    viewer = Actor(team_id=team, user_id=CLI_USER, is_admin=True)
    with database.session() as session:
        shown = [program(session, viewer, key)] if key else visible_programs(session, viewer, include_archived=True)
        rows = export_rows(session, team, shown, kind, tz=tz)
    return export(kind.value, rows, format=fmt)


def run_export(kind: RegisterKind, fmt: FileFormat, out: Path | None, key: str | None, team: str | None) -> None:
    """`pulse export`: write the file to `out`, or to standard output."""
    settings = settings_or_exit()
    database = database_or_exit(settings)
    team_id = workspace_or_exit(database, team)
    try:
        data = export_bytes(database, settings.tz, team=team_id, kind=kind, fmt=fmt.value, key=key)
    except PulseError as exc:
        fail(to_terminal(error_text(exc.code, exc.values)))
    if out is None:
        if fmt == FileFormat.XLSX and sys.stdout.isatty():
            fail("an .xlsx file is not for the terminal: give --out FILE")
        sys.stdout.buffer.write(data)
        return
    out.write_bytes(data)
    typer.echo(f"{out} ({len(data):,} bytes)")


@dataclass(frozen=True)
class ImportRequest:
    """What `pulse import` was asked to do."""

    kind: RegisterKind
    path: Path
    key: str
    sheet: str | None
    dry_run: bool
    team: str | None
    as_user: str | None
    month_first: bool


class _Undo(Exception):
    """Leaves the import's transaction without committing it."""


def run_import(request: ImportRequest) -> None:
    """`pulse import`: exit 0 when the file was imported (or would be, on a dry run), 1 when it has problems."""
    settings = settings_or_exit()
    database = database_or_exit(settings)
    team = workspace_or_exit(database, request.team)
    try:
        read = read_register(
            request.kind.value,
            request.path,
            sheet=request.sheet,
            name=request.path.name,
            day_first=not request.month_first,
        )
    except ReadError as exc:
        fail(str(exc))
    for note in read.warnings:
        typer.echo(f"note: {note}", err=True)
    if read.errors:
        fail("; ".join(read.errors))
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = make_web_client(token, settings.slack_api_url) if token else None
    rows, problems = register_rows(read.records, request.kind, People(client))
    try:
        imported = _import(
            database, settings, request, team, rows, read.source, keep=not problems and not request.dry_run
        )
    except PulseError as exc:
        fail(to_terminal(error_text(exc.code, exc.values)))
    problems += [f"{p.where}: {to_terminal(error_text(p.code, p.values))}" for p in imported.problems]
    typer.echo(report(imported, request, read.source, problems))
    if problems:
        raise typer.Exit(1)


def register_rows(
    records: tuple[Record, ...], kind: RegisterKind, people: People
) -> tuple[list[RegisterRow], list[str]]:
    """The records without problems as rows for the use cases (people as Slack IDs), and every problem found."""
    person_fields = [s for s in FIELDS[kind.value] if s.type in ("person", "people")]
    rows: list[RegisterRow] = []
    problems: list[str] = []
    for record in records:
        found = [str(problem) for problem in record.problems]
        values = dict(record.values)
        for spec in person_fields:
            written = values.get(spec.name)
            if written in (None, ()):
                continue
            try:
                if isinstance(written, tuple):
                    values[spec.name] = tuple(people.user_id(text) for text in written)
                else:
                    values[spec.name] = people.user_id(str(written))
            except PulseError as exc:
                found.append(
                    f"{record.places.get(spec.name, record.where)}: {to_terminal(error_text(exc.code, exc.values))}"
                )
        problems += found
        if not found:
            rows.append(RegisterRow(record.where, values, record.places))
    return rows, problems


def _import(
    database: Database,
    settings: Settings,
    request: ImportRequest,
    team: str,
    rows: list[RegisterRow],
    source: str,
    *,
    keep: bool,
) -> Imported:
    """Run the rows in one write transaction; commit it only when `keep` and no row had a problem."""
    result: Imported | None = None
    try:
        with database.session(write=True) as session:
            actor = _actor(session, settings.admins, team, request)
            ctx = Context(session, actor, utcnow(), settings.tz, quiet=True)
            with _progress(len(rows)) as step:
                result = import_rows(
                    ctx,
                    request.kind,
                    request.key,
                    rows,
                    source=source,
                    close_reason=_words("close_reason", source=source),
                    progress=step,
                )
            if result.problems or not keep:
                raise _Undo
    except _Undo:
        pass
    assert result is not None
    return result


def _actor(session: Session, admins: list[str], team: str, request: ImportRequest) -> Actor:
    """Who the import acts as: `--as`, else the program's owner (found as an admin sees it)."""
    owner = program(session, Actor(team_id=team, user_id=CLI_USER, is_admin=True), request.key).owner_id
    user = request.as_user or owner
    return Actor(team_id=team, user_id=user, is_admin=user in admins)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for large files (click draws it only on a terminal)."""
    if total < PROGRESS_FROM:
        yield lambda: None
        return
    with typer.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def _words(macro: str, /, **values: object) -> str:
    wording = getattr(environment().get_template("import_words.j2").module, macro)
    return to_terminal(str(wording(**values)).strip())


def report(imported: Imported, request: ImportRequest, source: str, problems: list[str]) -> str:
    """What the person importing reads: what was (or would be) created, or every problem, numbered by place."""
    markup = render(
        "import_report",
        imported=imported,
        source=source,
        dry_run=request.dry_run,
        problems=problems,
        kind=request.kind.value,
    )
    return to_terminal(markup)
