"""The Slack stub's canvases over HTTP: a channel canvas per channel, edits one change at a time (the whole
document or a section found by canvases.sections.lookup), deletion, and a workspace whose plan refuses them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_stub import SlackStub

TOKEN = "xoxb" + "-0000-stub-test-token"
DOC = "# TNS-APPEALS\n## Status\nGreen\n## Risks\n- R-1\n# TNS-OTHER\n## Status\nRed"


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


@pytest.fixture
def client(stub: SlackStub) -> WebClient:
    return WebClient(token=TOKEN, base_url=stub.api_url, timeout=5, retry_handlers=[])


def markdown(text: str) -> dict[str, str]:
    return {"type": "markdown", "markdown": text}


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


def test_one_channel_canvas_per_channel_with_its_markdown(stub: SlackStub, client: WebClient) -> None:
    canvas_id = client.conversations_canvases_create(channel_id="C0APPEALS", document_content=markdown(DOC))[
        "canvas_id"
    ]
    assert stub.channel_canvas("C0APPEALS") == canvas_id and stub.canvas(canvas_id) == DOC
    again = lambda: client.conversations_canvases_create(channel_id="C0APPEALS", document_content=markdown("x"))  # noqa: E731
    assert error_of(again) == "channel_canvas_already_exists"
    info = client.conversations_info(channel="C0APPEALS")["channel"]
    assert info["properties"]["canvas"]["file_id"] == canvas_id
    assert "canvas" not in client.conversations_info(channel="C0OTHER")["channel"]["properties"]


def test_edits_replace_the_whole_document_or_one_section(stub: SlackStub, client: WebClient) -> None:
    canvas_id = client.conversations_canvases_create(channel_id="C0APPEALS", document_content=markdown(DOC))[
        "canvas_id"
    ]
    found = client.canvases_sections_lookup(
        canvas_id=canvas_id, criteria={"section_types": ["h2"], "contains_text": "Status"}
    )["sections"]
    assert len(found) == 2
    client.canvases_edit(
        canvas_id=canvas_id,
        changes=[
            {"operation": "replace", "section_id": found[0]["id"], "document_content": markdown("## Status\nAmber")}
        ],
    )
    assert stub.canvas(canvas_id) == DOC.replace("Green", "Amber")
    (risks,) = client.canvases_sections_lookup(canvas_id=canvas_id, criteria={"contains_text": "Risks"})["sections"]
    client.canvases_edit(canvas_id=canvas_id, changes=[{"operation": "delete", "section_id": risks["id"]}])
    assert "R-1" not in (stub.canvas(canvas_id) or "")

    client.canvases_edit(canvas_id=canvas_id, changes=[{"operation": "replace", "document_content": markdown("# New")}])
    assert stub.canvas(canvas_id) == "# New"
    two = [{"operation": "insert_at_end", "document_content": markdown("a")}] * 2
    assert error_of(lambda: client.canvases_edit(canvas_id=canvas_id, changes=two)) == "invalid_arguments"


def test_a_deleted_canvas_is_gone_and_its_channel_can_have_another(stub: SlackStub, client: WebClient) -> None:
    canvas_id = client.conversations_canvases_create(channel_id="C0APPEALS", document_content=markdown(DOC))[
        "canvas_id"
    ]
    client.canvases_delete(canvas_id=canvas_id)
    assert stub.canvas(canvas_id) is None and stub.channel_canvas("C0APPEALS") is None
    edit = lambda: client.canvases_edit(  # noqa: E731
        canvas_id=canvas_id, changes=[{"operation": "replace", "document_content": markdown("x")}]
    )
    assert error_of(edit) == "canvas_not_found"
    fresh = client.conversations_canvases_create(channel_id="C0APPEALS", document_content=markdown("y"))["canvas_id"]
    assert fresh != canvas_id and stub.channel_canvas("C0APPEALS") == fresh


def test_a_plan_without_canvases_and_injected_canvas_errors(stub: SlackStub, client: WebClient) -> None:
    stub.canvas_refusal = "team_tier_cannot_create_channel_canvases"
    create = lambda: client.conversations_canvases_create(channel_id="C0APPEALS", document_content=markdown("x"))  # noqa: E731
    assert error_of(create) == "team_tier_cannot_create_channel_canvases"
    assert stub.channel_canvas("C0APPEALS") is None
    stub.canvas_refusal = None
    stub.fail("conversations.canvases.create", 500, accept=True)  # created, then a server error
    with pytest.raises(SlackApiError) as raised:
        create()
    assert raised.value.response.status_code == 500
    assert stub.channel_canvas("C0APPEALS") is not None
