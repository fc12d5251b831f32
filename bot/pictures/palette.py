"""Colours: the Okabe-Ito palette (safe for the common colour-vision deficiencies), always paired with text."""

from __future__ import annotations

from bot.pictures.data import Band, Rag

ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#7F7F7F"
LIGHT_GREY = "#D9D9D9"
INK = "#1A1A1A"
WHITE = "#FFFFFF"

BAND_COLOURS: dict[Band, str] = {
    "low": "#8FD3BF",
    "medium": "#F3EA7B",
    "high": "#EDB640",
    "critical": VERMILLION,
}
BAND_NAMES: dict[Band, str] = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}

RAG_COLOURS: dict[Rag | None, str] = {"red": VERMILLION, "amber": ORANGE, "green": BLUISH_GREEN, None: LIGHT_GREY}
RAG_LETTERS: dict[Rag | None, str] = {"red": "R", "amber": "A", "green": "G", None: "\N{EN DASH}"}
RAG_NAMES: dict[Rag | None, str] = {"red": "Red", "amber": "Amber", "green": "Green", None: "No report"}


def rgb(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB' as an (r, g, b) tuple of 0-255 ints, as a PNG pixel reads."""
    value = colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
