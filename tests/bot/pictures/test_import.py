"""Importing bot.pictures must not import matplotlib (the bot starts without paying for it)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_package_does_not_import_matplotlib() -> None:
    code = (
        "import sys, bot.pictures\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'numpy', 'PIL'))\n"
        "print(','.join(heavy))\n"
        "bot.pictures.draw_rag_timeline  # the functions are there all the same\n"
    )
    assert _run(code) == ""


def test_drawing_does_import_matplotlib_with_agg() -> None:
    code = (
        "import sys, datetime as dt, bot.pictures as p\n"
        "p.draw_rag_timeline(p.RagTimelineData('t', (dt.date(2026, 1, 5),), (p.RagRow('A', ('red',)),)))\n"
        "import matplotlib\n"
        "print('matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules, 'backend_agg' in str(sys.modules))\n"
    )
    assert _run(code).split() == ["True", "False", "True"]


def _run(code: str) -> str:
    """What a fresh interpreter prints running `code`."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603 - fixed probe
    return done.stdout.strip()
