"""Every template escapes the values it is given for Slack (`&`, `<`, `>` only) and lets through the markup
Pulse builds itself."""

from __future__ import annotations

from types import SimpleNamespace

from templates import error_text, label, render, unescaped

TYPED = 'Vendor\'s "plan" R&D <!channel> <@U123> <#C1> <https://x|y> &amp;'
ESCAPED = 'Vendor\'s "plan" R&amp;D &lt;!channel&gt; &lt;@U123&gt; &lt;#C1&gt; &lt;https://x|y&gt; &amp;amp;'


def test_values_are_escaped_once_and_quotes_stay_quotes() -> None:
    action = SimpleNamespace(number=1, title=TYPED)
    text = render("action_reopened", action=action, program=SimpleNamespace(key="K"), overdue=False)
    assert text.startswith(f"A-1 is open again (K): {ESCAPED}.")
    assert unescaped(ESCAPED) == TYPED


def test_mentions_pulse_builds_pass_and_nested_errors_are_not_escaped_twice() -> None:
    text = render(
        "error", code="only_program_owner", values={"owner": "U0ANA", "act": "edit", "key": "<!here>"}, usage=""
    )
    assert text == ":warning: Only the program owner (<@U0ANA>) or a Pulse admin may edit &lt;!here&gt;."
    assert error_text("not_an_id", {"value": "<!here>", "kind": "R"}) == "`&lt;!here&gt;` is not an ID like R-12."


def test_delivery_notes_link_the_channel() -> None:
    delivery = SimpleNamespace(channel_id="C0APPEALS", user_id=None, status=SimpleNamespace(value="sent"), kind="post")
    assert render("delivery_note", d=delivery) == "Posted to <#C0APPEALS>."


def test_labels_are_plain_text() -> None:
    assert label("update_risk", ref="R-1 & <x>") == "Update R-1 & <x>"
