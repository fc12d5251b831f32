"""The Slack stub's file uploads (files_upload_v2's three steps) and people lookups, over HTTP."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.slack_client import make_web_client
from bot.slack_stub import SlackStub

TOKEN = "xoxb" + "-0000-stub-test-token"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def client(stub: SlackStub) -> WebClient:
    return make_web_client(TOKEN, stub.api_url, retry_interval=FixedValueRetryIntervalCalculator(0.01))


def test_files_upload_v2_keeps_the_bytes_where_they_were_shared(stub: SlackStub, client: WebClient) -> None:
    answer = client.files_upload_v2(
        channel="C0LEADS", file=PNG, filename="heatmap.png", title="Risks", thread_ts="1700000000.000100"
    )
    assert answer["file"]["name"] == "heatmap.png" and answer["file"]["size"] == len(PNG)
    (shared,) = stub.files("C0LEADS")
    assert (shared.filename, shared.title, shared.content, shared.thread_ts) == (
        "heatmap.png",
        "Risks",
        PNG,
        "1700000000.000100",
    )
    assert [c.method for c in stub.calls()] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert stub.payloads("files.getUploadURLExternal")[0]["length"] == str(len(PNG))


def test_a_dm_upload_lands_in_the_users_dm_channel(stub: SlackStub, client: WebClient) -> None:
    channel = client.conversations_open(users="U0ANA")["channel"]["id"]
    client.files_upload_v2(channel=channel, content="a,b\r\n", filename="risks.csv", title="Risks")
    assert [f.filename for f in stub.files(stub.dm_channel("U0ANA"))] == ["risks.csv"]


def test_completing_an_upload_that_sent_no_bytes_fails(stub: SlackStub, client: WebClient) -> None:
    file_id = client.files_getUploadURLExternal(filename="x.png", length=10)["file_id"]
    with pytest.raises(SlackApiError) as caught:
        client.files_completeUploadExternal(files=[{"id": file_id, "title": "x"}], channel_id="C1")
    assert caught.value.response["error"] == "file_not_found"
    assert stub.files() == []


def test_the_upload_url_wants_exactly_the_announced_length(stub: SlackStub, client: WebClient) -> None:
    url = client.files_getUploadURLExternal(filename="x.png", length=10)["upload_url"]
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(urllib.request.Request(url, data=b"short", method="POST"), timeout=5)
    assert caught.value.code == 400


def test_users_are_found_by_email_and_listed_in_pages(stub: SlackStub, client: WebClient) -> None:
    stub.users["U0ANA"] = {"real_name": "Ana Lima", "display_name": "ana", "email": "Ana@Example.com"}
    stub.users["U0BO"] = {"real_name": "Bo Chen"}
    found = client.users_lookupByEmail(email="ana@example.com")["user"]
    assert (found["id"], found["profile"]["email"], found["profile"]["display_name"]) == (
        "U0ANA",
        "Ana@Example.com",
        "ana",
    )
    with pytest.raises(SlackApiError) as caught:
        client.users_lookupByEmail(email="nobody@example.com")
    assert caught.value.response["error"] == "users_not_found"
    pages = [[m["id"] for m in page["members"]] for page in client.users_list(limit=1)]  # pages reuse one object
    assert pages == [["U0ANA"], ["U0BO"]]
