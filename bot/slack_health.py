"""Whether Slack answers: checked in the background (auth.test) with backoff, so Pulse starts and serves while
Slack is unreachable, says so on /healthz and in one log line, and notices by itself when Slack is back."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk import WebClient

log = logging.getLogger(__name__)
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 15.0
RECHECK_SECONDS = 300.0  # once reachable, how often to look again
PROBE_TIMEOUT_SECONDS = 5


class SlackHealth:
    """The last known state of Slack's Web API at SLACK_API_URL (`unknown` until the first check)."""

    def __init__(self, token: str | None, api_url: str) -> None:
        quiet = logging.getLogger("pulse.slack_probe")  # slack_sdk logs each failed call at ERROR: not here
        quiet.propagate = False
        quiet.addHandler(logging.NullHandler())
        self.api_url = api_url
        self._client = WebClient(token=token, base_url=api_url, timeout=PROBE_TIMEOUT_SECONDS, logger=quiet)
        self.state = "unknown"
        self._stop = threading.Event()

    def check(self) -> bool:
        """Ask Slack once; log only when the state changes."""
        try:
            self._client.auth_test()
        except Exception as exc:
            if self.state != "unreachable":
                log.warning(
                    "Slack is unreachable at SLACK_API_URL=%s (%s); serving anyway and retrying with backoff",
                    self.api_url,
                    _reason(exc),
                )
            self.state = "unreachable"
            return False
        if self.state == "unreachable":
            log.info("Slack is reachable again at SLACK_API_URL=%s", self.api_url)
        self.state = "reachable"
        return True

    def start(self) -> None:
        """Check now and keep checking in a daemon thread: backoff while unreachable, then now and then."""
        threading.Thread(target=self._run, name="pulse-slack-health", daemon=True).start()

    def _run(self) -> None:
        wait = FIRST_RETRY_SECONDS
        while not self._stop.is_set():
            if self.check():
                wait = FIRST_RETRY_SECONDS
                self._stop.wait(RECHECK_SECONDS)
            else:
                self._stop.wait(wait)
                wait = min(wait * 2, MAX_RETRY_SECONDS)

    def stop(self) -> None:
        self._stop.set()

    def report(self) -> dict[str, Any]:
        return {"slack": self.state, "slack_api_url": self.api_url}


def _reason(exc: BaseException) -> str:
    """A short cause: the connection error's own words, or the API error's code."""
    response = getattr(exc, "response", None)
    if response is not None:
        return f"auth.test said {response.get('error', 'not ok')}"
    reason = getattr(exc, "reason", None)
    return str(reason or type(exc).__name__)
