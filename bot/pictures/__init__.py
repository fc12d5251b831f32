"""Pictures for Slack: risk heat map, RAG timeline, KPI chart and roadmap, drawn as deterministic PNGs.

Each `draw_*` function takes one of the frozen dataclasses of `bot.pictures.data` and returns a
`Picture`: `.png` (the same data always gives the same bytes) and `.layout` (where the cells, bars,
lines and labels are, in PNG pixels). matplotlib is imported only when something is drawn, so
importing this package costs nothing at start-up.
"""

from bot.pictures.data import (
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
)
from bot.pictures.heatmap import draw_heatmap
from bot.pictures.kpi_chart import draw_kpi_chart
from bot.pictures.layout import Picture
from bot.pictures.rag_timeline import draw_rag_timeline
from bot.pictures.roadmap import draw_roadmap

__all__ = [
    "HeatmapData",
    "HeatmapRisk",
    "KpiData",
    "KpiReading",
    "Phase",
    "Picture",
    "RagRow",
    "RagTimelineData",
    "RoadmapData",
    "RoadmapMilestone",
    "RoadmapRow",
    "band_grid",
    "draw_heatmap",
    "draw_kpi_chart",
    "draw_rag_timeline",
    "draw_roadmap",
]
