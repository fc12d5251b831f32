"""The Slack stub, driven over HTTP by the WebClient Pulse really uses (`make_web_client`)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from bot.slack_client import make_web_client, retry_handlers
from bot.slack_stub import RESPONSE_URL, Call, Event, ResponsePost, SlackStub

TOKEN = "xoxb" + "-0000-stub-test-token"
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Weekly pulse*"}}]
# Server-error retries wait 10 ms instead of exponential backoff with up to 1 s jitter.
FAST_RETRIES = FixedValueRetryIntervalCalculator(0.01)


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def client(stub: SlackStub) -> WebClient:
    return make_web_client(TOKEN, stub.api_url, retry_interval=FAST_RETRIES)


def test_make_web_client_configuration() -> None:
    client = make_web_client(TOKEN, "http://127.0.0.1:9/api/")
    assert client.base_url == "http://127.0.0.1:9/api/"
    assert client.timeout == 10
    kinds = (RateLimitErrorRetryHandler, ServerErrorRetryHandler, ConnectionErrorRetryHandler)
    limits = {kind: h.max_retry_count for h in client.retry_handlers for kind in kinds if isinstance(h, kind)}
    assert limits == {RateLimitErrorRetryHandler: 5, ServerErrorRetryHandler: 3, ConnectionErrorRetryHandler: 3}


def test_urls(stub: SlackStub) -> None:
    assert stub.api_url.startswith("http://127.0.0.1:")
    assert stub.api_url.endswith("/api/")
    assert stub.response_url("a b/c") == stub.api_url.removesuffix("/api/") + "/response/a%20b%2Fc"


def test_post_message_records_channel_text_and_blocks(stub: SlackStub, client: WebClient) -> None:
    response = client.chat_postMessage(channel="C0PORTFOLIO", text="Weekly pulse", blocks=BLOCKS)

    assert response["ok"] is True
    assert response["channel"] == "C0PORTFOLIO"
    assert response["ts"] == "1700000000.000100"
    assert response["message"]["text"] == "Weekly pulse"
    assert response["message"]["blocks"] == BLOCKS
    (call,) = stub.calls("chat.postMessage")
    assert call.payload == {"channel": "C0PORTFOLIO", "text": "Weekly pulse", "blocks": BLOCKS}
    assert call.headers["content-type"].startswith("application/json")
    assert call.ok
    assert call.status == 200
    assert stub.called("chat.postMessage")
    assert stub.call_count("chat.postMessage") == 1
    assert stub.payloads("chat.postMessage") == [call.payload]


def test_token_is_kept_out_of_recorded_headers_and_reprs(stub: SlackStub, client: WebClient) -> None:
    client.auth_test()
    (call,) = stub.calls()
    assert call.token == TOKEN
    assert call.headers["authorization"] == "[redacted]"
    assert TOKEN not in repr(call)
    request = urllib.request.Request(
        stub.api_url + "auth.test", data=f"token={TOKEN}".encode(), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=5):  # Slack also takes a token in the form body
        pass
    assert stub.payloads("auth.test")[1] == {"token": "[redacted]"}


def test_form_body_fields_are_decoded(stub: SlackStub, client: WebClient) -> None:
    client.api_call(
        "chat.postMessage", params={"channel": "C1", "blocks": json.dumps(BLOCKS), "attachments": "[not json"}
    )
    (call,) = stub.calls()
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert call.payload == {"channel": "C1", "blocks": BLOCKS, "attachments": "[not json"}


def test_message_ts_values_increase_and_are_unique(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=str(n))["ts"] for n in range(5)]
    stamps.append(client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"])
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == len(stamps)


def test_concurrent_posts_are_all_recorded_with_unique_ts(stub: SlackStub, client: WebClient) -> None:
    def post(worker: int) -> None:
        for n in range(10):
            client.chat_postMessage(channel="C1", text=f"{worker}-{n}")

    threads = [threading.Thread(target=post, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    calls = stub.calls("chat.postMessage")
    assert len(calls) == 80
    assert len({c.response["ts"] for c in calls}) == 80


@pytest.mark.parametrize("retry_after", [0, 1])
def test_rate_limit_is_retried_after_retry_after(stub: SlackStub, client: WebClient, retry_after: int) -> None:
    stub.fail("chat.postMessage", status=429, retry_after=retry_after, times=1)

    response = client.chat_postMessage(channel="C1", text="hello")

    assert response["ok"] is True
    first, second = stub.calls("chat.postMessage")
    assert (first.status, first.response) == (429, {"ok": False, "error": "ratelimited"})
    assert second.ok
    assert second.time - first.time >= retry_after


def test_rate_limit_answer_carries_retry_after(stub: SlackStub) -> None:
    stub.fail("chat.postMessage", status=429, retry_after=7)
    request = urllib.request.Request(
        stub.api_url + "chat.postMessage", data=b"channel=C1&text=x", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 429
    assert caught.value.headers["Retry-After"] == "7"
    assert json.loads(caught.value.read()) == {"ok": False, "error": "ratelimited"}


def test_server_errors_twice_then_success(stub: SlackStub, client: WebClient) -> None:
    stub.fail("chat.update", status=500, times=2)

    response = client.chat_update(channel="C1", ts="1.2", text="hello")

    assert response["ok"] is True
    assert [c.status for c in stub.calls("chat.update")] == [500, 500, 200]


def test_server_errors_beyond_the_retry_budget_surface(stub: SlackStub, client: WebClient) -> None:
    stub.fail("chat.update", status=500, times=4)

    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel="C1", ts="1.2", text="hello")

    assert caught.value.response["error"] == "internal_error"
    assert stub.call_count("chat.update") == 4


@pytest.mark.parametrize("fault", [{"status": 500}, {"status": 503}, {"drop": True}])
def test_a_post_is_never_sent_twice_by_the_client(stub: SlackStub, client: WebClient, fault: dict[str, Any]) -> None:
    # Slack took the message, then answered 500/503 or the connection dropped: the outcome is unknown to
    # the sender, so the client must not post it again (the outbox checks Slack before trying again).
    stub.fail("chat.postMessage", accept=True, **fault)

    with pytest.raises((SlackApiError, OSError)):
        client.chat_postMessage(channel="C1", text="hello")

    assert stub.call_count("chat.postMessage") == 1
    assert [m["text"] for m in stub.history("C1")] == ["hello"]


@pytest.mark.parametrize(
    ("error", "retried"),
    [(URLError(ConnectionRefusedError()), True), (ConnectionResetError(), False), (TimeoutError(), False)],
)
def test_a_post_is_retried_only_when_the_connection_was_refused(error: Exception, retried: bool) -> None:
    request = HttpRequest(method="POST", url="http://127.0.0.1:9/api/chat.postMessage", headers={})
    handlers = retry_handlers()
    decisions = [h.can_retry(state=RetryState(), request=request, error=error) for h in handlers]
    assert any(decisions) is retried
    lookup = HttpRequest(method="POST", url="http://127.0.0.1:9/api/conversations.history", headers={})
    assert any(h.can_retry(state=RetryState(), request=lookup, error=ConnectionResetError()) for h in handlers)


def test_rate_limited_post_is_retried_after_retry_after(stub: SlackStub, client: WebClient) -> None:
    stub.fail("chat.postMessage", status=429, retry_after=0)

    assert client.chat_postMessage(channel="C1", text="hello")["ok"] is True
    assert [c.status for c in stub.calls("chat.postMessage")] == [429, 200]
    assert [m["text"] for m in stub.history("C1")] == ["hello"]


def test_slow_answer_and_response_url_faults(stub: SlackStub, client: WebClient) -> None:
    stub.fail("chat.postMessage", delay=0.2)
    started = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="late")["ok"] is True
    assert time.monotonic() - started >= 0.2

    stub.fail(RESPONSE_URL, 500, accept=True)
    webhook = WebhookClient(stub.response_url("r1"), retry_handlers=[])
    assert webhook.send_dict({"text": "once", "replace_original": True}).status_code == 500
    assert webhook.send_dict({"text": "once", "replace_original": True}).status_code == 200
    assert [p["text"] for p in stub.shown("r1")] == ["once"]
    assert len(stub.responses("r1")) == 2


def test_an_outage_fails_every_route_until_it_ends(stub: SlackStub, client: WebClient) -> None:
    stub.outage(503)
    with pytest.raises(SlackApiError):
        client.auth_test()
    assert WebhookClient(stub.response_url("r2"), retry_handlers=[]).send_dict({"text": "x"}).status_code == 503
    stub.end_outage()
    assert client.auth_test()["ok"] is True
    assert stub.responses("r2") == []


def test_ok_false_error_is_not_retried(stub: SlackStub, client: WebClient) -> None:
    stub.fail("chat.postMessage", error="channel_not_found")

    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C404", text="hello")

    assert caught.value.response.status_code == 200
    assert caught.value.response["error"] == "channel_not_found"
    assert stub.call_count("chat.postMessage") == 1
    assert client.chat_postMessage(channel="C1", text="the fault was used up")["ok"] is True


def test_flaky_share_of_server_errors_is_absorbed_by_retries(stub: SlackStub, client: WebClient) -> None:
    # A message is lost only after 4 failures in a row (0.3**4, under 1% per message); this seed's fixed
    # sequence injects about 20 failures, some back to back, and never 4 in a row.
    stub.flaky("chat.update", share=0.3, status=500, seed=1)

    for n in range(50):
        assert client.chat_update(channel="C1", ts="1.2", text=f"message {n}")["ok"] is True

    calls = stub.calls("chat.update")
    successes = [c for c in calls if c.ok]
    failures = [c for c in calls if c.status == 500]
    assert len(successes) == 50
    assert [c.payload["text"] for c in successes] == [f"message {n}" for n in range(50)]
    assert 5 <= len(failures) <= 30  # the seed really injected failures, about 30% of calls
    assert len(calls) == 50 + len(failures)


def test_flaky_is_deterministic_per_seed() -> None:
    def pattern(seed: int) -> list[int]:
        with SlackStub() as stub:
            stub.flaky("auth.test", share=0.5, seed=seed)
            client = make_web_client(TOKEN, stub.api_url, retry_interval=FAST_RETRIES)
            for _ in range(10):
                with contextlib.suppress(SlackApiError):
                    client.auth_test()
            return [c.status for c in stub.calls()]

    assert pattern(3) == pattern(3)


def test_users_info_returns_directory_time_zones(stub: SlackStub, client: WebClient) -> None:
    stub.users["U0ADA"] = {"tz": "America/New_York", "real_name": "Ada Lovelace"}
    stub.users["U0BOB"] = {"real_name": "Bob"}

    ada = client.users_info(user="U0ADA")["user"]
    assert (ada["id"], ada["tz"], ada["real_name"]) == ("U0ADA", "America/New_York", "Ada Lovelace")
    assert ada["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert client.users_info(user="U0BOB")["user"]["tz"] == "UTC"
    with pytest.raises(SlackApiError) as caught:
        client.users_info(user="U0NOBODY")
    assert caught.value.response["error"] == "user_not_found"


def test_conversations_open_is_stable_per_user_set(client: WebClient) -> None:
    first = client.conversations_open(users=["U1", "U2"])["channel"]["id"]
    assert first.startswith("D")
    assert client.conversations_open(users="U2,U1")["channel"]["id"] == first
    assert client.conversations_open(users=["U1"])["channel"]["id"] != first


def test_other_default_answers(stub: SlackStub, client: WebClient) -> None:
    auth = client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == (stub.team_id, stub.bot_user_id, stub.bot_id)
    updated = client.chat_update(channel="C1", ts="1700000000.000100", text="edited")
    assert (updated["channel"], updated["ts"]) == ("C1", "1700000000.000100")
    link = client.chat_getPermalink(channel="C1", message_ts="1700000000.000100")["permalink"]
    assert link.endswith("/archives/C1/p1700000000000100")
    assert client.apps_connections_open(app_token="xapp-1-stub")["url"].startswith("ws://")
    view = {"type": "home", "blocks": BLOCKS}
    assert client.views_publish(user_id="U1", view=view)["view"]["blocks"] == BLOCKS
    assert client.views_open(trigger_id="1.2.3", view=view)["ok"] is True
    assert client.views_update(view_id="V1", view=view)["view"]["id"] == "V1"
    assert client.api_call("reactions.add", params={"name": "eyes"})["ok"] is True


def test_on_overrides_answers(stub: SlackStub, client: WebClient) -> None:
    stub.on("auth.test", {"ok": True, "team_id": "T0OTHER"})
    stub.on("chat.postMessage", lambda payload: {"ok": True, "echo": payload["text"].upper()})

    assert client.auth_test()["team_id"] == "T0OTHER"
    assert client.chat_postMessage(channel="C1", text="loud")["echo"] == "LOUD"
    stub.reset()
    assert client.auth_test()["team_id"] == stub.team_id


def test_missing_token_is_not_authed(stub: SlackStub) -> None:
    with pytest.raises(SlackApiError) as caught:
        make_web_client(None, stub.api_url).chat_postMessage(channel="C1", text="hello")

    assert caught.value.response["error"] == "not_authed"
    (call,) = stub.calls()
    assert (call.status, call.response, call.token) == (200, {"ok": False, "error": "not_authed"}, None)
    assert "authorization" not in call.headers


def test_response_url_posts_are_recorded_and_awaited_across_threads(stub: SlackStub) -> None:
    url = stub.response_url("standup-1")
    poster = threading.Timer(0.1, lambda: WebhookClient(url).send(text="Saved", response_type="ephemeral"))
    poster.start()

    (post,) = stub.wait_for_response("standup-1", timeout=5)
    poster.join()

    assert post.payload == {"text": "Saved", "response_type": "ephemeral"}
    assert stub.responses("standup-1") == [post]
    assert stub.responses("other") == []
    assert stub.calls() == []


def test_wait_for_method_count_from_another_thread(stub: SlackStub, client: WebClient) -> None:
    def post_three() -> None:
        for n in range(3):
            client.chat_postMessage(channel="C1", text=str(n))

    worker = threading.Thread(target=post_three)
    worker.start()
    calls = stub.wait_for("chat.postMessage", count=3, timeout=5)
    worker.join()

    assert [c.payload["text"] for c in calls] == ["0", "1", "2"]


def test_wait_for_predicate_sees_calls_and_response_posts(stub: SlackStub, client: WebClient) -> None:
    def is_done(event: Event) -> bool:
        return isinstance(event, ResponsePost) or (isinstance(event, Call) and event.method == "auth.test")

    client.auth_test()
    WebhookClient(stub.response_url("r")).send(text="done")
    assert len(stub.wait_for(is_done, count=2, timeout=1)) == 2
    assert stub.wait_for(lambda event: stub.called("auth.test"), timeout=1)  # predicates may inspect the stub


def test_wait_for_timeout_lists_recorded_calls_without_the_token(stub: SlackStub, client: WebClient) -> None:
    client.auth_test()

    with pytest.raises(AssertionError, match=r"chat\.postMessage") as caught:
        stub.wait_for("chat.postMessage", timeout=0.1)

    assert "auth.test -> 200 ok" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_reset_forgets_calls_posts_and_faults(stub: SlackStub, client: WebClient) -> None:
    stub.fail("auth.test", error="invalid_auth", times=None)
    with pytest.raises(SlackApiError):
        client.auth_test()
    WebhookClient(stub.response_url("r")).send(text="x")

    stub.reset()

    assert stub.calls() == []
    assert stub.responses() == []
    assert client.auth_test()["ok"] is True


def test_stop_releases_the_port() -> None:
    stub = SlackStub()
    url = stub.api_url
    stub.stop()
    with pytest.raises(RuntimeError):
        _ = stub.api_url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "auth.test", timeout=1)
