"""Reading drawn PNGs back: decode with Pillow, sample pixels, compare colours."""

from __future__ import annotations

import io
import math

from PIL import Image

from bot.pictures.layout import Box, Point
from bot.pictures.palette import rgb


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def pixel(image: Image.Image, at: Point) -> tuple[int, int, int]:
    value = image.getpixel((round(at.x), round(at.y)))
    assert isinstance(value, tuple)
    return (int(value[0]), int(value[1]), int(value[2]))


def near(actual: tuple[int, int, int], colour: str, tolerance: int = 6) -> bool:
    """Whether a pixel is the palette colour (antialiasing and PNG rounding allowed for)."""
    return all(abs(a - b) <= tolerance for a, b in zip(actual, rgb(colour), strict=True))


def darkness(value: tuple[int, int, int]) -> float:
    return 255 - (0.299 * value[0] + 0.587 * value[1] + 0.114 * value[2])


def corner(box: Box, inset: float = 12) -> Point:
    """A point near a box's top-right corner: inside the fill, away from centred text."""
    return Point(box.right - inset, box.top + inset)


def ring(image: Image.Image, centre: Point, radius: float) -> list[tuple[int, int, int]]:
    """The pixels on a circle around `centre`."""
    return [
        pixel(image, Point(centre.x + radius * math.cos(angle), centre.y + radius * math.sin(angle)))
        for angle in (n * math.pi / 8 for n in range(16))
    ]


def changed_pixels(a: Image.Image, b: Image.Image, box: Box) -> int:
    """How many pixels differ between two same-sized images inside `box`."""
    area = (round(box.left), round(box.top), round(box.right), round(box.bottom))
    first, second = a.crop(area).tobytes(), b.crop(area).tobytes()
    return sum(1 for n in range(0, len(first), 3) if first[n : n + 3] != second[n : n + 3])
