"""Every item ID in a digest links to a view of it: its own channel post, else the post nearest to it (an action
to the risk it treats, a milestone to its program's status post)."""

from __future__ import annotations

import re

from tests.support.clock import (
    ANA,
    APPEALS,
    APPEALS_CHANNEL,
    PRIYA,
    at,
    channel_link,
    posted,
    seed_programs,
    seeding,
    utc,
)
from tests.support.harness import PulseHarness

MONDAY = utc(2027, 3, 1, 11)
LINK = re.compile(r"<https://[^|>]+/archives/([A-Z0-9]+)/p(\d+)\|([A-Z]+-\d+)>")


def test_action_and_milestone_ids_link_to_the_post_nearest_to_them(pulse: PulseHarness) -> None:
    with seeding(pulse.database, utc(2027, 2, 1)) as session:
        seed_programs(session, statuses=False)
    with at(MONDAY):
        pulse.command("/program", f"status {APPEALS} amber Vendor late", user=PRIYA)
        pulse.command("/risk", f"add {APPEALS} Vendor cannot hire likelihood:4 impact:3 owner:<@{ANA}|ana>", user=PRIYA)
        pulse.command("/action", f"add {APPEALS} Send the SOW owner:<@{ANA}|ana> due:2027-02-26 risk:R-1", user=PRIYA)
        pulse.command("/program", f"milestone {APPEALS} Routing live due:2027-02-25 owner:<@{ANA}|ana>", user=PRIYA)
        pulse.command("/digest", f"send {APPEALS} to:{channel_link(APPEALS_CHANNEL)}", user=PRIYA)
    by_label = {m.text.split("\n")[0]: m for m in posted(pulse.stub) if m.channel == APPEALS_CHANNEL}
    status = next(m for label, m in by_label.items() if label.startswith(":large_orange_circle:"))
    risk = next(m for label, m in by_label.items() if "R-1" in label)
    digest = next(m for label, m in by_label.items() if "weekly pulse" in label)
    links = {ref: (channel, ts) for channel, ts, ref in LINK.findall(digest.text)}
    assert links["A-1"] == (APPEALS_CHANNEL, risk.ts.replace(".", ""))  # the risk it treats
    assert links["M-1"] == (APPEALS_CHANNEL, status.ts.replace(".", ""))  # its program's status post
    assert links["R-1"] == (APPEALS_CHANNEL, risk.ts.replace(".", ""))
