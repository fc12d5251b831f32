"""The names tests/perf/test_statement_counts.py imports, from before bench/ was rewritten (issue 14).

New code imports from bench.seed and bench.pulse_api; this module goes once that test does too.
"""

from __future__ import annotations

from bench.pulse_api import StatementCounter, wipe
from bench.seed import seed
from bench.workspace import ADMIN, ESCALATION_CHANNEL, LEADS_CHANNEL, TEAM, ZONES, Shape, person, program_key
from bench.workspace import MORNING as NOW

__all__ = [
    "ADMIN",
    "ESCALATION_CHANNEL",
    "LEADS_CHANNEL",
    "NOW",
    "TEAM",
    "ZONES",
    "Shape",
    "StatementCounter",
    "person",
    "program_key",
    "seed",
    "wipe",
]
