"""The resilience suite's figures: each area prints `<area>: N tried, N held` when its module ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def area_figures(request: pytest.FixtureRequest, area: str) -> Iterator[Counter[str]]:
    """A tally of `tried` and `held`, printed past pytest's output capture once the block ends."""
    tally: Counter[str] = Counter()
    yield tally
    line = f"{area}: {tally['tried']} tried, {tally['held']} held"
    capture = request.config.pluginmanager.getplugin("capturemanager")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if capture is None or reporter is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)
