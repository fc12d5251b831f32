"""The commands the bench sends, and when each one's reply was complete.

A reply is complete when the user has the command's answer: in the ack body when it carries it, else in
the response_url post (when the ack was empty or only said the work is under way). Both paths are
checked against the answer's expected text, so an error or usage reply counts as a failure.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from bench.load import Command, Sent
from bench.stats import percentile
from bench.stub_process import StubProcess

BENCH_PROGRAM = "TNS-BENCH"  # created without a channel, so its risks post nowhere but to the caller


@dataclass(frozen=True)
class Scenario:
    key: str
    command: Command
    expect: str  # regex the complete reply's text matches; "" for the bare app (its ack is the reply)


BARE = Scenario("bare", Command("/bench", "ping {i}"), "")
RISK_ADD = Scenario(
    "risk-add",
    Command("/risk", f"add {BENCH_PROGRAM} Bench risk {{i}} likelihood:3 impact:4"),
    rf"^R-\d+ added to {BENCH_PROGRAM}: score 12 \(",
)
PROGRAM_SHOW = Scenario("program-show", Command("/program", "show TNS-APPEALS"), r"^TNS-APPEALS: ")
SETUP = Scenario("setup", Command("/program", f"new {BENCH_PROGRAM} Benchmark risks"), rf"\*{BENCH_PROGRAM}\* created")
PULSE_SCENARIOS = (RISK_ADD, PROGRAM_SHOW)


@dataclass(frozen=True)
class Outcome:
    """One request's ack and complete reply."""

    sent: Sent
    reply_ms: float  # NaN when no complete reply came
    via: str  # "ack", "response_url" or "" (failed)
    problem: str = ""


def in_ack(sent: Sent, expect: str) -> bool:
    return sent.status == 200 and (not expect or re.search(expect, sent.ack_text) is not None)


def wait_for_posts(stub: StubProcess, prefix: str, expected: int, timeout: float, stall: float = 30.0) -> int:
    """Wait until `expected` posts named `prefix...` arrived, `timeout` s passed or none came for `stall` s."""
    deadline = time.monotonic() + timeout
    seen, last_progress = stub.count(prefix), time.monotonic()
    while seen < expected and time.monotonic() < min(deadline, last_progress + stall):
        time.sleep(0.2)
        count = stub.count(prefix)
        if count > seen:
            seen, last_progress = count, time.monotonic()
    return seen


def outcomes(sent: list[Sent], scenario: Scenario, stub: StubProcess, prefix: str, timeout: float) -> list[Outcome]:
    """Each request's outcome; waits (bounded) for the response_url posts of those the ack did not answer."""
    pending = [s for s in sent if s.status == 200 and not in_ack(s, scenario.expect)]
    if pending:
        wait_for_posts(stub, prefix, len(pending), timeout)
    posts: dict[str, tuple[float, str]] = {}
    for post in stub.responses(prefix) if pending else []:
        posts.setdefault(post.name, (post.time, str(post.payload.get("text", ""))))
    result = []
    for s in sent:
        if s.status != 200:
            result.append(Outcome(s, math.nan, "", s.error or f"HTTP {s.status}"))
        elif in_ack(s, scenario.expect):
            result.append(Outcome(s, s.ack_ms, "ack"))
        elif s.name not in posts:
            result.append(Outcome(s, math.nan, "", f"no reply (ack: {s.ack_text[:80]!r})"))
        elif re.search(scenario.expect, posts[s.name][1]) is None:
            result.append(Outcome(s, math.nan, "", f"unexpected reply {posts[s.name][1][:80]!r}"))
        else:
            result.append(Outcome(s, (posts[s.name][0] - s.sent_at) * 1000, "response_url"))
    return result


def failures(done: list[Outcome]) -> list[str]:
    return [f"{o.sent.name}: {o.problem}" for o in done if o.problem]


def completed_per_second(done: list[Outcome]) -> float:
    """Complete replies per second, from the first request's send to the last reply's completion."""
    ok = [o for o in done if not o.problem]
    if not ok:
        return math.nan
    start = min(o.sent.sent_at for o in done)
    end = max(o.sent.sent_at + o.reply_ms / 1000 for o in ok)
    return len(ok) / max(end - start, 1e-9)


def reply_percentiles(done: list[Outcome]) -> tuple[float, float]:
    """p50 and p99 of the complete replies' latency (ms)."""
    values = [o.reply_ms for o in done if not o.problem]
    return percentile(values, 0.5), percentile(values, 0.99)
