"""The Slack stub's conversations.history and conversations.replies, which delivery recovery relies on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_stub import SlackStub
from tests.support.harness import TOKEN

META = {"event_type": "pulse_outbox", "event_payload": {"outbox_id": 7, "dedupe_key": "k"}}


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub(clock_ts=True) as running:
        yield running


def test_history_replies_and_edits(stub: SlackStub) -> None:
    client = WebClient(token=TOKEN, base_url=stub.api_url)
    start = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        first = client.chat_postMessage(channel="C1", text="one", metadata=META)
        reply = client.chat_postMessage(channel="C1", text="in thread", thread_ts=first["ts"])
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        second = client.chat_postMessage(channel="C1", text="two")
        client.chat_update(channel="C1", ts=second["ts"], text="two, edited")
    assert first["ts"] == f"{start.timestamp():.6f}"  # ts follow the clock with clock_ts
    assert float(reply["ts"]) > float(first["ts"])  # and stay unique

    history = client.conversations_history(channel="C1")
    assert [m["text"] for m in history["messages"]] == ["two, edited", "one"]  # newest first, no replies
    assert "metadata" not in history["messages"][1]
    with_meta = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert with_meta[1]["metadata"] == META
    recent = client.conversations_history(channel="C1", oldest=f"{(start + dt.timedelta(minutes=1)).timestamp()}")
    assert [m["text"] for m in recent["messages"]] == ["two, edited"]
    pages = [[m["text"] for m in page["messages"]] for page in client.conversations_history(channel="C1", limit=1)]
    assert pages == [["two, edited"], ["one"]]

    thread = client.conversations_replies(channel="C1", ts=first["ts"])["messages"]
    assert [m["text"] for m in thread] == ["one", "in thread"]
    assert [m["text"] for m in stub.history("C1")] == ["one", "in thread", "two, edited"]
    assert client.conversations_history(channel="C2")["messages"] == []


def test_replies_to_an_unknown_thread(stub: SlackStub) -> None:
    client = WebClient(token=TOKEN, base_url=stub.api_url)
    client.chat_postMessage(channel="C1", text="one")
    with pytest.raises(SlackApiError) as caught:
        client.conversations_replies(channel="C1", ts="1.000000")
    assert caught.value.response["error"] == "thread_not_found"


def test_a_dm_is_in_the_history_of_its_d_channel(stub: SlackStub) -> None:
    client = WebClient(token=TOKEN, base_url=stub.api_url)
    channel = client.conversations_open(users="U1")["channel"]["id"]
    client.chat_postMessage(channel=channel, text="hi")
    assert [m["text"] for m in client.conversations_history(channel=channel)["messages"]] == ["hi"]
    assert [m["text"] for m in stub.history("U1")] == ["hi"]
