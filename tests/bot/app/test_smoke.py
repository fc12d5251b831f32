"""The served app answers signed slash commands end to end."""

from __future__ import annotations

from tests.support.harness import PulseHarness


def test_program_lifecycle_over_http(pulse: PulseHarness) -> None:
    created = pulse.command("/program", "new TNS-APPEALS Appeals SLA reduction channel:<#C0APPEALS|tns-appeals>")
    assert created.status == 200 and created.ephemeral
    assert "TNS-APPEALS" in created.text
    added = pulse.command("/risk", "add tns-appeals Vendor short likelihood:4 impact:5")
    assert added.text.startswith("R-1 added to TNS-APPEALS: score 20 (critical)")
    posts = pulse.stub.payloads("chat.postMessage")
    assert [p["channel"] for p in posts] == ["C0APPEALS"]
    usage = pulse.command("/risk", "")
    assert usage.via == "ack" and "/risk add" in usage.text
