"""The domain's picture facts (domain/figures.py) as bot.pictures data, drawn to PNG bytes."""

from __future__ import annotations

import html
from typing import Any

from bot.pictures import (
    HeatmapData,
    HeatmapRisk,
    KpiData,
    KpiReading,
    Phase,
    RagRow,
    RagTimelineData,
    RoadmapData,
    RoadmapMilestone,
    RoadmapRow,
    band_grid,
    draw_heatmap,
    draw_kpi_chart,
    draw_rag_timeline,
    draw_roadmap,
)
from domain.figures import Figure, Heatmap, KpiSeries, Roadmap, Timeline
from templates import environment


def words(macro: str, /, **values: Any) -> str:
    """A title or caption (a macro of templates/file_words.j2) as plain text."""
    wording = getattr(environment().get_template("file_words.j2").module, macro)
    return html.unescape(str(wording(**values)).strip())  # plain text: undo any escaping meant for Slack


def heatmap_data(figure: Heatmap) -> HeatmapData:
    return HeatmapData(
        title=words("heatmap_title", scope=figure.scope, today=figure.today),
        bands=band_grid(*figure.thresholds),
        risks=tuple(
            HeatmapRisk(m.ref, m.cell[0], m.cell[1], previous=m.previous, new=m.new, closed=m.closed)
            for m in figure.marks
        ),
        since=words("heatmap_since", since=figure.since),
    )


def timeline_data(figure: Timeline) -> RagTimelineData:
    return RagTimelineData(
        title=words("trend_title", scope=figure.scope),
        weeks=figure.weeks,
        rows=tuple(RagRow(key, tuple(rag.value if rag else None for rag in statuses)) for key, statuses in figure.rows),
    )


def kpi_data(figure: KpiSeries) -> KpiData:
    return KpiData(
        name=figure.name,
        unit=figure.unit,
        direction=figure.direction.value,
        target=figure.target,
        readings=tuple(KpiReading(on, value) for on, value in figure.readings),
        warning=figure.warning,
        title=words("kpi_title", ref=figure.ref, key=figure.key, name=figure.name),
    )


def roadmap_data(figure: Roadmap) -> RoadmapData:
    return RoadmapData(
        title=words("roadmap_title", scope=figure.scope, today=figure.today),
        today=figure.today,
        rows=tuple(
            RoadmapRow(
                line.key,
                tuple(Phase(b.name, b.start, b.end, b.baseline_start, b.baseline_end) for b in line.bars),
                tuple(RoadmapMilestone(d.label, d.due, d.baseline, d.done) for d in line.diamonds),
            )
            for line in figure.rows
        ),
    )


def png_of(figure: Figure) -> bytes:
    """The picture of `figure` as PNG bytes (matplotlib is imported on the first call)."""
    if isinstance(figure, Heatmap):
        return draw_heatmap(heatmap_data(figure)).png
    if isinstance(figure, Timeline):
        return draw_rag_timeline(timeline_data(figure)).png
    if isinstance(figure, Roadmap):
        return draw_roadmap(roadmap_data(figure)).png
    return draw_kpi_chart(kpi_data(figure)).png


def filename_of(figure: Figure) -> str:
    """heatmap-TNS-APPEALS-2026-12-01.png, trend-portfolio-2026-11-30.png, kpi-K-3.png,
    roadmap-portfolio-2026-12-01.png."""
    if isinstance(figure, Heatmap):
        return f"heatmap-{figure.scope}-{figure.today.isoformat()}.png"
    if isinstance(figure, Timeline):
        return f"trend-{figure.scope}-{figure.weeks[-1].isoformat()}.png"
    if isinstance(figure, Roadmap):
        return f"roadmap-{figure.scope}-{figure.today.isoformat()}.png"
    return f"kpi-{figure.ref}.png"


def title_of(figure: Figure) -> str:
    if isinstance(figure, Heatmap):
        return words("heatmap_title", scope=figure.scope, today=figure.today)
    if isinstance(figure, Timeline):
        return words("trend_title", scope=figure.scope)
    if isinstance(figure, Roadmap):
        return words("roadmap_title", scope=figure.scope, today=figure.today)
    return words("kpi_title", ref=figure.ref, key=figure.key, name=figure.name)
