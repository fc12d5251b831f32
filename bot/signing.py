"""Signed Slack requests, built the way Slack builds them (used by the console, tests and benchmarks)."""

from __future__ import annotations

import json
import secrets
import time
import urllib.parse
from typing import Any

from slack_sdk.signature import SignatureVerifier


def slash_command_body(
    *,
    command: str,
    text: str,
    user_id: str,
    team_id: str,
    channel_id: str,
    response_url: str,
    trigger_id: str | None = None,
) -> str:
    """The form body Slack sends for a slash command (with a new trigger_id each time, as Slack's have, so
    two commands never share a fingerprint: Pulse answers a repeated body as a replay)."""
    return urllib.parse.urlencode(
        {
            "token": "unused-verification-token",
            "team_id": team_id,
            "team_domain": "pulse-test",
            "channel_id": channel_id,
            "channel_name": "channel",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0PULSE",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or f"{time.time_ns()}.738474920.{secrets.token_hex(10)}",
        }
    )


def view_submission_body(*, view: dict[str, Any], values: dict[str, dict[str, Any]], user_id: str, team_id: str) -> str:
    """The form body Slack sends when `user_id` submits `view` (as `views.open` got it) with `values`: the state of
    each input block's element, by block id."""
    state = {
        str(block["block_id"]): {str(block["element"]["action_id"]): values[block["block_id"]]}
        for block in view.get("blocks") or []
        if block.get("type") == "input" and block["block_id"] in values
    }
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "pulse-test"},
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id},
        "api_app_id": "A0PULSE",
        "token": "unused-verification-token",
        "trigger_id": f"{time.time_ns()}.738474920.{secrets.token_hex(10)}",
        "view": {
            "id": view.get("id", "V0PULSE"),
            "type": "modal",
            "team_id": team_id,
            "callback_id": view["callback_id"],
            "private_metadata": view.get("private_metadata", ""),
            "state": {"values": state},
        },
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def signed_headers(
    secret: str, body: str, *, timestamp: int | None = None, content_type: str = "application/x-www-form-urlencoded"
) -> dict[str, str]:
    """Headers with a valid X-Slack-Signature for `body` at `timestamp` (now by default)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature, "Content-Type": content_type}
