"""`pulse report --out DIR`: the portfolio digest with its pictures as PNGs and one self-contained HTML file."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.report import to_html
from domain import kpis, phases
from domain.kpis import KpiCreate, KpiRecord
from domain.phases import PhaseSet
from store.db import Database
from store.models import KpiDirection, Rag
from tests.bot.pictures.helpers import decode
from tests.support.services import RiskChanges, programs, risks, run
from tests.support.store import ADMIN, OWNER

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def seed(database: Database) -> None:
    """TNS-APPEALS (a KPI, a risk that moved), and TNS-SECRET, restricted to its own channel, with a phase."""
    with time_machine.travel(NOW - dt.timedelta(days=20), tick=False), database.session(write=True) as session:
        appeals = programs.create(session, ADMIN, key="TNS-APPEALS", name="Appeals <b>& co</b>", owner_id=OWNER.user_id)
        secret = programs.create(
            session, ADMIN, key="TNS-SECRET", name="Secret", owner_id=OWNER.user_id, restricted=True, channel_id="C0SEC"
        )
        programs.report_status(session, OWNER, appeals, rag=Rag.AMBER, summary="Vendor <slipped> & more")
        programs.report_status(session, OWNER, secret, rag=Rag.RED, summary="Hush")
        vendor = risks.add(session, OWNER, appeals, title="Vendor short", likelihood=2, impact=4)
        risks.add(session, OWNER, secret, title="Leak", likelihood=5, impact=5)
        data = KpiCreate(key="TNS-APPEALS", name="Median appeal time", unit="h", target=48, direction=KpiDirection.DOWN)
        run(session, OWNER, kpis.add, data)
        run(session, OWNER, kpis.record, KpiRecord(number=1, value=65))
        build = PhaseSet(key="TNS-SECRET", name="Build", start=dt.date(2026, 11, 2), end=dt.date(2027, 1, 29))
        run(session, OWNER, phases.set_phase, build)
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False), database.session(write=True) as session:
        risks.update(session, OWNER, appeals, vendor, RiskChanges(likelihood=4))
        run(session, OWNER, kpis.record, KpiRecord(number=1, value=71))


def report(database: Database, out: Path, *args: str) -> list[Path]:
    with time_machine.travel(NOW, tick=False):
        result = CliRunner().invoke(cli, ["report", "--out", str(out), *args], env={"DATABASE_URL": database.url})
    assert result.exit_code == 0, result.output
    return [Path(line) for line in result.stdout.split()]


@pytest.fixture
def seeded(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.chdir(tmp_path)
    seed(database)
    return database


def test_the_report_holds_the_digest_the_evidence_and_every_picture(seeded: Database, tmp_path: Path) -> None:
    written = report(seeded, tmp_path / "out")
    names = [path.name for path in written]
    assert names == [
        "report.html",
        "heatmap-portfolio-2026-12-01.png",
        "trend-portfolio-2026-11-30.png",
        "roadmap-portfolio-2026-12-01.png",
        "kpi-K-1.png",
    ]
    page = written[0].read_text(encoding="utf-8")
    for png in written[1:]:
        assert decode(png.read_bytes()).size[0] == 1100
        assert f"data:image/png;base64,{base64.b64encode(png.read_bytes()).decode()}" in page
    assert "<h2>Portfolio pulse · Tue 2026-12-01</h2>" in page
    assert "K-1 Median appeal time 71h (target 48h, ↑ from 65h) · off target" in page
    assert "1 escalated" in page and "R-1 <strong>TNS-APPEALS</strong> medium → high: Vendor short" in page
    assert "TNS-SECRET" in page  # leadership sees every program


def test_the_report_is_self_contained_and_escapes_what_people_typed(seeded: Database, tmp_path: Path) -> None:
    page = report(seeded, tmp_path / "out")[0].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)
    assert "<script" not in page and "<link" not in page
    assert "Appeals &lt;b&gt;&amp; co&lt;/b&gt;" in page
    assert "Vendor &lt;slipped&gt; &amp; more" in page


def test_for_a_channel_restricted_programs_leave_every_picture(seeded: Database, tmp_path: Path) -> None:
    everyone = report(seeded, tmp_path / "all")
    channel = report(seeded, tmp_path / "general", "--channel", "C0GENERAL")
    page = channel[0].read_text(encoding="utf-8")
    assert "TNS-SECRET" not in page and "Leak" not in page
    assert channel[1].read_bytes() != everyone[1].read_bytes()  # the heat map without TNS-SECRET's risk
    assert "roadmap-portfolio-2026-12-01.png" not in [path.name for path in channel]  # nothing else is planned
    own = report(seeded, tmp_path / "own", "--channel", "C0SEC")
    assert own[1].read_bytes() == everyone[1].read_bytes()


def test_markup_becomes_html() -> None:
    markup = (
        "# Title *bold*\n\n"
        "Hi <@U0ANA|ana> in <#C0X>, see <https://x.test/a?b=1&amp;c|the dash> &amp; _this_ `code`\n\n"
        "~ small :zzz:"
    )
    assert to_html(markup, {"C0X": "tns-x"}) == (
        "<h2>Title <strong>bold</strong></h2>\n"
        '<p>Hi <strong>@ana</strong> in <strong>#tns-x</strong>, see <a href="https://x.test/a?b=1&amp;c">the dash</a>'
        " &amp; <em>this</em> <code>code</code></p>\n"
        '<p class="small">small 💤</p>'
    )


def test_the_report_and_the_digest_preview_state_the_same_evidence(seeded: Database, tmp_path: Path) -> None:
    """`pulse report` and `pulse digest preview` cover the same period and say the same thing."""
    written = report(seeded, tmp_path / "out", "--channel", "C0GENERAL")
    page = next(path for path in written if path.name == "report.html").read_text()
    with time_machine.travel(NOW, tick=False):
        preview = CliRunner().invoke(
            cli, ["digest", "preview", "--channel", "C0GENERAL"], env={"DATABASE_URL": seeded.url}
        )
    assert preview.exit_code == 0, preview.output
    summary = page.split('<section class="message">')[1].split("</section>")[0]
    reported = html.unescape(re.sub(r"<[^>]+>", "", summary.replace("<br>", "\n")))
    for said in ("Median appeal time 71h (target 48h, ↑ from 65h)", "1 escalated", "Delivery, last 4 weeks:"):
        assert said in preview.stdout and said in reported, said
    risk_line = next(line for line in preview.stdout.splitlines() if line.startswith("Risk & delivery"))
    assert risk_line in reported.splitlines()
    assert "TNS-SECRET" not in preview.stdout + reported
