"""`pulse report --out DIR`: the portfolio digest with its pictures for people outside Slack.

It writes the pictures as PNG files and one self-contained `report.html` (the digest, the evidence behind it
and every picture embedded as a data URI: no other file, no network), for a viewer: leadership (every
program) or what one channel would see.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.blocks import BUTTONS_MARK, paragraphs
from bot.drawings import filename_of, png_of
from bot.present import markup
from domain.access import Actor, channel_viewer
from domain.digests import portfolio_digest
from domain.evidence import PORTFOLIO, Evidence, evidence_of, since_last_digest
from domain.figures import Figure
from domain.messages import Message
from domain.plans import roadmap_of
from domain.portfolio import portfolio
from store import profiles
from store.db import Database
from templates import environment

SLACK_CONSTRUCT = re.compile(r"<([@#!]?)([^<>|]+)(?:\|([^<>]*))?>")
BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
CODE = re.compile(r"`([^`\n]+)`")
EMOJI = {
    "red_circle": "🔴",
    "large_orange_circle": "🟠",
    "large_green_circle": "🟢",
    "white_circle": "⚪",
    "rotating_light": "🚨",
    "warning": "⚠️",
    "small_orange_diamond": "🔸",
    "small_blue_diamond": "🔹",
    "scales": "⚖️",
    "watermelon": "🍉",
    "zzz": "💤",
    "lock": "🔒",
    "hourglass": "⌛",
    "white_check_mark": "✅",
    "arrow_up": "⬆️",
    "arrow_down": "⬇️",
    "new": "🆕",
    "mag": "🔍",
    "bar_chart": "📊",
    "raising_hand": "🙋",
}
EMOJI_CODE = re.compile(r":([a-z0-9_+-]+):")
STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; max-width: 1140px;
       margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #d9d9d9; padding-bottom: .2rem; }
p { margin: .5rem 0; }
p.small { color: #555; font-size: .9rem; }
code { background: #f2f2f2; padding: 0 .2rem; border-radius: 3px; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #d9d9d9; }
figcaption { color: #555; font-size: .9rem; }
section.message { border-left: 4px solid #0072b2; padding-left: 1rem; margin: 1rem 0; }
"""


@dataclass(frozen=True)
class Report:
    """What `write_report` wrote: the HTML report and each picture's file."""

    html: Path
    pictures: list[Path]


def words(macro: str, /, **values: Any) -> str:
    """A piece of the report's own wording (a macro of templates/report_words.j2), as HTML-escaped text."""
    wording = getattr(environment().get_template("report_words.j2").module, macro)
    return html.escape(html.unescape(str(wording(**values)).strip()))


def to_html(text: str, names: dict[str, str]) -> str:
    """Pulse markup (see bot/blocks.py) as HTML: headings, dividers, small print, bold, italics, code, links,
    mentions by name and emoji as characters; everything else escaped."""
    parts = []
    for paragraph in paragraphs(text):
        if paragraph.startswith(BUTTONS_MARK):
            continue
        if paragraph == "---":
            parts.append("<hr>")
        elif paragraph.startswith("# "):
            parts.append(f"<h2>{_inline(paragraph[2:].strip(), names)}</h2>")
        elif paragraph.startswith("~ "):
            lines = [line.removeprefix("~ ") for line in paragraph.split("\n")]
            parts.append(f'<p class="small">{"<br>".join(_inline(line, names) for line in lines)}</p>')
        else:
            parts.append(f"<p>{'<br>'.join(_inline(line, names) for line in paragraph.split(chr(10)))}</p>")
    return "\n".join(parts)


def _inline(line: str, names: dict[str, str]) -> str:
    """One line: Slack's <...> constructs become links or names; the text between them is escaped and styled."""
    out, position = [], 0
    for match in SLACK_CONSTRUCT.finditer(line):
        out.append(_styled(line[position : match.start()]))
        sigil, target, label = (html.unescape(part) if part else part for part in match.groups())
        if sigil == "@":
            out.append(f"<strong>@{html.escape(label or names.get(target, target))}</strong>")
        elif sigil == "#":
            out.append(f"<strong>#{html.escape(label or names.get(target, target))}</strong>")
        elif sigil == "!":
            out.append(f"@{html.escape(label or target)}")
        elif target.startswith(("http://", "https://", "mailto:")):
            out.append(f'<a href="{html.escape(target)}">{html.escape(label or target)}</a>')
        else:
            out.append(_styled(match.group(0)))
        position = match.end()
    out.append(_styled(line[position:]))
    return "".join(out)


def _styled(text: str) -> str:
    escaped = html.escape(html.unescape(text), quote=False)
    escaped = CODE.sub(r"<code>\1</code>", escaped)
    escaped = BOLD.sub(r"<strong>\1</strong>", escaped)
    escaped = ITALIC.sub(r"<em>\1</em>", escaped)
    return EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), escaped)


def _figure(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{alt}"><figcaption>{caption}</figcaption></figure>'


def _message(message: Message, names: dict[str, str]) -> str:
    return f'<section class="message">\n{to_html(markup(message, ""), names)}\n</section>'


def write_report(
    database: Database,
    out: Path,
    *,
    team_id: str,
    channel_id: str | None,
    now: dt.datetime,
    tz: Any,
    names: dict[str, str] | None = None,
) -> Report:
    """Write the PNGs and report.html into `out` for leadership (every program) or what `channel_id` may see."""
    viewer = channel_viewer(team_id, channel_id) if channel_id else Actor(team_id, "report", None, is_admin=True)
    today = now.astimezone(tz).date()
    with database.session() as session:
        facts = portfolio(session, viewer, today=today, now=now)
        shown = [f.program for f in facts]
        since = since_last_digest(session, team_id, PORTFOLIO, now)
        digest = portfolio_digest(session, viewer, since=since, now=now, today=today, tz=tz)
        evidence = evidence_of(session, team_id, shown, scope=PORTFOLIO, since=since, now=now, tz=tz)
        roadmap = roadmap_of(session, shown, scope=PORTFOLIO, today=today)
        labels = profiles.display_names(session, team_id) | (names or {})
    out.mkdir(parents=True, exist_ok=True)
    figures: list[tuple[Figure, str]] = [
        (evidence.heatmap, words("heatmap_caption", since=since)),
        (evidence.timeline, words("trend_caption", weeks=len(evidence.timeline.weeks))),
        *([(roadmap, words("roadmap_caption"))] if roadmap.rows else []),
        *((chart, words("kpi_caption", ref=chart.ref, key=chart.key)) for chart in evidence.charts),
    ]
    pictures, embedded = [], []
    for figure, caption in figures:
        png = png_of(figure)
        path = out / filename_of(figure)
        path.write_bytes(png)
        pictures.append(path)
        embedded.append(_figure(png, caption, caption))
    page = _page(
        digest.summary, digest.details, evidence, embedded, labels, channel_id=channel_id, now=now, today=today
    )
    report = out / "report.html"
    report.write_text(page, encoding="utf-8")
    return Report(report, pictures)


def _page(
    summary: Message,
    details: list[Message],
    evidence: Evidence,
    embedded: list[str],
    names: dict[str, str],
    *,
    channel_id: str | None,
    now: dt.datetime,
    today: dt.date,
) -> str:
    heatmap, trend, *charts = embedded  # the roadmap, when anything is planned, then the KPI charts
    audience = words("audience", channel=names.get(channel_id, channel_id) if channel_id else None)
    body = [
        f"<h1>{words('title', today=today)}</h1>",
        f'<p class="small">{audience} · {words("generated", now=now)}</p>',
        _message(summary, names),
        heatmap,
        trend,
        _message(Message("evidence", {"e": evidence, "programs": _programs(evidence), "today": today}), names),
        *charts,
        f"<h2>{words('details_heading')}</h2>",
        *(_message(detail, names) for detail in details),
    ]
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{words('title', today=today)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _programs(evidence: Evidence) -> list[Any]:
    """The programs the evidence is about, by key."""
    return sorted((d.program for d in evidence.delivery.values()), key=lambda p: p.key)
