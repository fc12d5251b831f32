"""`pulse demo`: the main job on the embedded default, with no Slack workspace needed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from bot import demo_data as demo
from bot.digest_cli import digest_text
from bot.report import write_report
from bot.startup import database_or_exit, settings_or_exit
from bot.terminal import to_terminal
from domain.access import Actor
from domain.bands import Band
from domain.portfolio import portfolio
from domain.stakeholders import maps_for
from store.db import Database
from store.migrate import upgrade
from store.types import utcnow
from templates import render

REPORT_DIR = "pulse-report"  # where `pulse demo` writes the report and its pictures


def run_demo() -> None:
    """Migrate, seed once, and print the portfolio as the demo admin sees it."""
    settings = settings_or_exit()
    database = database_or_exit(settings, migrated=False)
    upgrade(database.url)
    now = utcnow()
    today = now.astimezone(settings.tz).date()
    with database.session(write=True) as session:
        seeded = demo.seed(session, today=today, now=now)
    typer.echo("Seeded the demo portfolio." if seeded else "Demo portfolio already present; nothing added.")
    typer.echo(portfolio_text(database, today=today, now=now))
    typer.echo(
        "\n"
        + "=" * 72
        + "\nThe leadership digest #tns-leadership would get (`pulse digest preview --channel C0LEADS`):\n"
    )
    typer.echo(
        digest_text(
            database,
            team_id=demo.DEMO_TEAM,
            key=None,
            channel_id="C0LEADS",
            now=now,
            today=today,
            tz=settings.tz,
            names={**demo.DEMO_USERS, **demo.DEMO_CHANNELS},
        )
    )
    written = write_report(
        database,
        Path(REPORT_DIR),
        team_id=demo.DEMO_TEAM,
        channel_id="C0LEADS",
        now=now,
        tz=settings.tz,
        names={**demo.DEMO_USERS, **demo.DEMO_CHANNELS},
    )
    typer.echo(f"\nThe risk heat map #tns-leadership would see: {written.pictures[0].resolve()}")
    for picture in written.pictures:
        if picture.name.startswith("roadmap-"):
            typer.echo(f"The portfolio roadmap (`/pulse roadmap`): {picture.resolve()}")
    typer.echo(f"The whole report with its pictures (`pulse report --out DIR`): {written.html.resolve()}")


def portfolio_text(database: Database, *, today: dt.date, now: dt.datetime) -> str:
    """The portfolio summary for the demo team, as terminal text."""
    viewer = Actor(team_id=demo.DEMO_TEAM, user_id=demo.DEMO_ADMIN, is_admin=True)
    with database.session() as session:
        facts = portfolio(session, viewer, today=today, now=now)
        people = maps_for(session, [f.program for f in facts])
    counts = {"red": 0, "amber": 0, "green": 0, "none": 0}
    for item in facts:
        counts[item.rag.value if item.rag else "none"] += 1
    markup = render("portfolio_summary", facts=facts, counts=counts, today=today, now=now, bands=Band, people=people)
    return to_terminal(markup, names={**demo.DEMO_USERS, **demo.DEMO_CHANNELS})
