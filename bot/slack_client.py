"""The one place Pulse builds its Slack Web API client, with retries tuned for rate limits and outages."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler, default_interval_calculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

TIMEOUT_SECONDS = 10
RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3
CONNECTION_ERROR_RETRIES = 3


def retry_handlers(interval: RetryIntervalCalculator = default_interval_calculator) -> list[RetryHandler]:
    """Retry 429s (sleeping Retry-After), 500/503s and dropped connections (with backoff `interval`).

    slack_sdk keeps one attempt counter per request, shared by all handlers: each `max_retry_count`
    caps the total number of retries made so far, not the retries of that handler's own kind.
    """
    return [
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES, interval_calculator=interval),
        ConnectionErrorRetryHandler(max_retry_count=CONNECTION_ERROR_RETRIES, interval_calculator=interval),
    ]


def make_web_client(
    token: str | None,
    base_url: str,
    *,
    retry_interval: RetryIntervalCalculator = default_interval_calculator,
) -> WebClient:
    """A WebClient for `base_url` (SLACK_API_URL) that retries rate limits, server and connection errors.

    `retry_interval` paces the server/connection retries (exponential backoff with jitter by default;
    tests pass a short fixed interval). Rate-limit retries always wait for the response's Retry-After.
    """
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(retry_interval),
    )
