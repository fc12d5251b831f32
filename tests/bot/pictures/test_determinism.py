"""Same data, same bytes: also in a fresh interpreter, so nothing depends on process state."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from tests.bot.pictures.test_heatmap import DATA

SCRIPT = """
import hashlib
from tests.bot.pictures.test_heatmap import DATA
from bot.pictures import draw_heatmap
print(hashlib.sha256(draw_heatmap(DATA).png).hexdigest())
"""


def test_a_fresh_process_draws_the_same_bytes() -> None:
    from bot.pictures import draw_heatmap

    here = hashlib.sha256(draw_heatmap(DATA).png).hexdigest()
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)  # noqa: S603
    there = done.stdout.strip()
    assert there == here
