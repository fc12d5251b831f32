"""Socket Mode behind the same gate as HTTP: an envelope's payload of the wrong shape is acknowledged and
dropped (HTTP would answer 400), and an envelope Slack delivers again (an event's retry, or the same
envelope after a reconnect) gets the first one's answer instead of being applied again.

No signature or body limit here: envelopes come from Slack itself, over the connection Pulse opened with
its app-level token."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.gate import Answer, Gate, Refused, SlackRequest, checked
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def envelope_request(envelope: SocketModeRequest) -> SlackRequest:
    """The request an envelope carries (its kind named as over HTTP), or Refused when Slack sends no such thing."""
    payload: Any = envelope.payload
    kind = "command" if envelope.type == "slash_commands" else None
    if envelope.type in {"interactive", "events_api"} and isinstance(payload, dict):
        kind = payload.get("type")
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return checked(kind, payload, hashlib.sha256(canonical.encode()).hexdigest())


def _answer_of(response: BoltResponse) -> Answer:
    content_type = response.headers.get("content-type", ["application/json"])[0]
    return Answer(response.status, content_type, response.body.encode())


class GatedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler with the gate in front of the app."""

    def __init__(self, app: App, app_token: str, runtime: Runtime) -> None:
        super().__init__(app, app_token)
        self.gate = Gate(runtime)

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        started = time.time()
        try:
            request = envelope_request(req)
        except Refused as refused:  # acknowledged all the same: Slack would only send it again
            log.warning("refused a Socket Mode %s envelope: %s", req.type, refused)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        answer = self.gate.answer(request, lambda: _answer_of(run_bolt_app(self.app, req)))
        # Not 200 (an event while busy): not acknowledged, so Slack sends it again later, as over HTTP.
        response = BoltResponse(
            status=answer.status, body=answer.body.decode(), headers={"content-type": answer.content_type}
        )
        send_response(client, req, response, started)
