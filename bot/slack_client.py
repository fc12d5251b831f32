"""The one place Pulse builds its Slack Web API client, with retries tuned for rate limits and outages.

Calls that create something (a post, an ephemeral, a shared file) are never re-sent blindly: when a
server error, a timeout or a dropped connection leaves their outcome unknown, the caller decides
(the outbox checks Slack first). Only answers that prove Slack did not take the call are retried here:
429 with Retry-After, and a connection refused before anything was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler, default_interval_calculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

TIMEOUT_SECONDS = 10
RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3
CONNECTION_ERROR_RETRIES = 3
# Web API methods that post each time they are called: a second call is a second message or file.
NOT_IDEMPOTENT = frozenset({"chat.postMessage", "chat.postEphemeral", "files.completeUploadExternal"})


def web_api_method(url: str) -> str:
    """`chat.postMessage` for `https://slack.com/api/chat.postMessage`."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def is_idempotent_call(url: str) -> bool:
    """Whether calling this Web API URL twice does no more than calling it once."""
    return web_api_method(url) not in NOT_IDEMPOTENT


def refused_before_sending(error: Exception | None) -> bool:
    """The connection was refused, so Slack never saw the request."""
    return isinstance(error, URLError) and isinstance(error.reason, ConnectionRefusedError)


class _IdempotentServerErrorRetryHandler(ServerErrorRetryHandler):
    """500/503 retried only for calls that are safe to repeat."""

    def __init__(self, idempotent: Callable[[str], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.idempotent = idempotent

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return self.idempotent(request.url) and super()._can_retry(
            state=state, request=request, response=response, error=error
        )


class _SafeConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """Connection errors retried for calls safe to repeat; others only when the connection was refused."""

    def __init__(self, idempotent: Callable[[str], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.idempotent = idempotent

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not self.idempotent(request.url):
            return refused_before_sending(error)
        return super()._can_retry(state=state, request=request, response=response, error=error)


def retry_handlers(
    interval: RetryIntervalCalculator = default_interval_calculator,
    *,
    idempotent: Callable[[str], bool] = is_idempotent_call,
) -> list[RetryHandler]:
    """Retry 429s (sleeping Retry-After), and for calls `idempotent` says are safe to repeat, 500/503s and
    dropped connections (with backoff `interval`); any call whose connection was refused.

    slack_sdk keeps one attempt counter per request, shared by all handlers: each `max_retry_count`
    caps the total number of retries made so far, not the retries of that handler's own kind.
    """
    return [
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        _IdempotentServerErrorRetryHandler(
            idempotent, max_retry_count=SERVER_ERROR_RETRIES, interval_calculator=interval
        ),
        _SafeConnectionErrorRetryHandler(
            idempotent, max_retry_count=CONNECTION_ERROR_RETRIES, interval_calculator=interval
        ),
    ]


def make_web_client(
    token: str | None,
    base_url: str,
    *,
    retry_interval: RetryIntervalCalculator = default_interval_calculator,
) -> WebClient:
    """A WebClient for `base_url` (SLACK_API_URL) that retries what is safe to retry (see `retry_handlers`).

    `retry_interval` paces the server/connection retries (exponential backoff with jitter by default;
    tests pass a short fixed interval). Rate-limit retries always wait for the response's Retry-After.
    """
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(retry_interval),
    )
