"""Leases: a live sender, however slow Slack is, keeps the messages it claimed; a dead one's claims are
taken over within half a minute; with PULSE_HISTORY_CHECK=off DMs are never read back."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from bot.delivery import Deliverer
from bot.manifest import build_manifest
from bot.settings import Settings, SettingsError, load_settings
from store import outbox
from store.models import OutboxMessage, OutboxStatus
from tests.support.clock import MORNING, outbox_rows, plain_client
from tests.support.harness import TEAM, PulseHarness

SECONDS = dt.timedelta(seconds=1)


def queue(pulse: PulseHarness, n: int, *, user: bool = False) -> list[int]:
    with pulse.database.session(write=True) as session:
        rows = [
            outbox.enqueue(
                session,
                team_id=TEAM,
                dedupe_key=f"lease-test:{i}",
                kind="digest",
                markup=f"message {i}",
                channel_id=None if user else f"C0LEASE{i}",
                user_id=f"U0LEASE{i}" if user else None,
                not_before=MORNING,
            )
            for i in range(n)
        ]
    return [r.id for r in rows if r is not None and r.id is not None]


def row(pulse: PulseHarness, message_id: int) -> OutboxMessage:
    (found,) = [r for r in outbox_rows(pulse.database) if r.id == message_id]
    return found


def test_a_dead_senders_claims_are_taken_over_within_half_a_minute(pulse: PulseHarness) -> None:
    ids = queue(pulse, 3)
    with pulse.database.session(write=True) as session:  # a sender claims them, then dies without a word
        assert len(outbox.claim(session, now=MORNING)) == 3

    deliverer = Deliverer(pulse.database, plain_client(pulse.stub), pace_seconds=0)
    done = deliverer.deliver(now=MORNING + 31 * SECONDS)

    assert sorted(d.message_id for d in done) == ids
    assert all(d.status == OutboxStatus.SENT for d in done)
    assert [m["text"] for c in ("C0LEASE0", "C0LEASE1", "C0LEASE2") for m in pulse.stub.history(c)] == [
        "message 0",
        "message 1",
        "message 2",
    ]


def test_a_live_slow_sender_keeps_its_claims(pulse: PulseHarness) -> None:
    ids = queue(pulse, 3)
    release = threading.Event()

    def slow_post(payload: dict[str, Any]) -> dict[str, Any]:
        release.wait(20)  # Slack takes its time with the first message
        return pulse.stub.default_answer("chat.postMessage", payload)

    pulse.stub.on("chat.postMessage", slow_post)
    slow = Deliverer(pulse.database, plain_client(pulse.stub), pace_seconds=0, heartbeat_seconds=0.05)
    sending = threading.Thread(target=slow.deliver, kwargs={"now": MORNING})
    sending.start()
    try:
        first_lease = MORNING + outbox.LEASE
        # The heartbeat renews the lease while the post hangs: the claims outlive their first lease...
        deadline = threading.Event()
        while not all((row(pulse, i).lease_until or first_lease) > first_lease for i in ids):
            assert not deadline.wait(0.05) and sending.is_alive()
        # ...so another sender, at the moment the first lease would have ended, takes none of them.
        other = Deliverer(pulse.database, plain_client(pulse.stub), pace_seconds=0)
        assert other.deliver(now=first_lease) == []
    finally:
        release.set()
        sending.join(30)
    assert [r.status for r in outbox_rows(pulse.database)] == [OutboxStatus.SENT] * 3
    assert len([c for c in pulse.stub.calls("chat.postMessage") if c.ok]) == 3


def test_history_check_off_sends_an_unknown_dm_again_without_reading_dms(pulse: PulseHarness) -> None:
    (dm,) = queue(pulse, 1, user=True)
    with pulse.database.session(write=True) as session:
        outbox.claim(session, now=MORNING)
        outbox.mark_posting(session, dm)  # its sender died while posting it
    deliverer = Deliverer(pulse.database, plain_client(pulse.stub), pace_seconds=0, history_check=False)

    (done,) = deliverer.deliver(now=MORNING + outbox.LEASE + SECONDS)

    assert done.status == OutboxStatus.SENT
    assert not pulse.stub.called("conversations.history")
    assert not pulse.stub.called("conversations.replies")


def test_history_check_off_still_reads_channels_back(pulse: PulseHarness) -> None:
    (post,) = queue(pulse, 1)
    with pulse.database.session(write=True) as session:
        outbox.claim(session, now=MORNING)
        outbox.mark_posting(session, post)
    deliverer = Deliverer(pulse.database, plain_client(pulse.stub), pace_seconds=0, history_check=False)

    deliverer.deliver(now=MORNING + outbox.LEASE + SECONDS)

    assert [c.payload["channel"] for c in pulse.stub.calls("conversations.history")] == ["C0LEASE0"]


def test_the_manifest_asks_for_dm_history_only_when_the_check_is_on() -> None:
    def scopes(switch: str) -> set[str]:
        settings = Settings(PULSE_HISTORY_CHECK=switch)
        return set(build_manifest(settings)["oauth_config"]["scopes"]["bot"])

    assert {"im:history", "mpim:history", "channels:history", "groups:history"} <= scopes("on")
    off = scopes("off")
    assert {"channels:history", "groups:history"} <= off
    assert not off & {"im:history", "mpim:history"}


def test_the_history_check_setting_says_what_it_takes() -> None:
    with pytest.raises(SettingsError, match=r"^PULSE_HISTORY_CHECK: must be on or off$"):
        load_settings(PULSE_HISTORY_CHECK="maybe")
