"""The Home tab: published on `app_home_opened` (a signed event to the real app, `views.publish` recorded by
the stub), with only what the person may see, and buttons that open the forms or act and refresh it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from bot.ids import ActionId, CallbackId
from bot.slack_stub import Call, Event
from store.db import Database
from store.models import Action, ActionStatus, Issue, IssueStatus
from tests.support.app import (
    ANA,
    APPEALS,
    MEMBER,
    OWNER,
    add_action,
    add_risk,
    create_program,
    fetch,
    mention,
    ok,
)
from tests.support.harness import PulseHarness

SECRET = "TNS-SECRET"


def published_to(event: Event, user: str) -> bool:
    return isinstance(event, Call) and event.method == "views.publish" and event.payload["user_id"] == user


def home_of(pulse: PulseHarness, user: str) -> dict[str, Any]:
    """Open `user`'s Home tab; the view Pulse published for them."""
    before = len([p for p in pulse.stub.payloads("views.publish") if p["user_id"] == user])
    assert pulse.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}) == 200
    pulse.stub.wait_for(lambda e: published_to(e, user), count=before + 1)
    published = [p for p in pulse.stub.payloads("views.publish") if p["user_id"] == user]
    view: dict[str, Any] = published[-1]["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def text_of(view: dict[str, Any]) -> str:
    parts = []
    for block in view["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(parts)


def buttons_of(view: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (e["text"]["text"], e["action_id"], e["value"])
        for block in view["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
    ]


def seed(pulse: PulseHarness) -> None:
    create_program(pulse)
    create_program(pulse, SECRET, "Secret vendor work", fields=f"restricted:yes members:{mention(MEMBER)}")
    add_action(pulse, "Draft the SOW", owner=ANA, due="2020-01-15")  # A-1, overdue
    add_action(pulse, "Vet the vendor", owner=MEMBER, key=SECRET)
    add_risk(pulse, "Vendor attrition", fields=f"owner:{mention(ANA)} review:2020-02-01")  # R-1, review due


def test_home_lists_my_items_and_only_what_i_may_see(pulse: PulseHarness) -> None:
    seed(pulse)
    ana = home_of(pulse, ANA)
    shown = text_of(ana)
    assert "*A-1* Draft the SOW (TNS-APPEALS)" in shown and ":hourglass:" in shown
    assert "*R-1* Vendor attrition (TNS-APPEALS)" in shown and "(due)" in shown
    assert "1 overdue action · 1 risk review due" in shown
    assert SECRET not in shown and "A-2" not in shown and "Vet the vendor" not in shown
    assert ("Done", ActionId.ACTION_DONE, "A-1") in buttons_of(ana)
    assert ("Update", ActionId.RISK_UPDATE, "R-1") in buttons_of(ana)
    member = text_of(home_of(pulse, MEMBER))
    assert SECRET in member and "*A-2* Vet the vendor" in member and APPEALS not in member
    owner = home_of(pulse, OWNER)
    assert ("Update status", ActionId.STATUS_FORM, APPEALS) in buttons_of(owner)
    assert ("Update status", ActionId.STATUS_FORM, SECRET) in buttons_of(owner)


def test_home_buttons_open_the_forms(pulse: PulseHarness) -> None:
    seed(pulse)
    ok(pulse.command("/program", f"status {APPEALS} amber Vendor slipped"))
    home_of(pulse, OWNER)
    assert pulse.click(ActionId.STATUS_FORM, APPEALS, user=OWNER, home=True, wait=False).status == 200
    (opened,) = pulse.stub.wait_for("views.open")
    view = opened.payload["view"]
    assert view["callback_id"] == CallbackId.PROGRAM_STATUS
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert fields["program"]["initial_option"]["value"] == APPEALS
    assert fields["summary"]["initial_value"] == "Vendor slipped"


def test_done_on_the_home_tab_completes_the_action_and_refreshes_it(pulse: PulseHarness, database: Database) -> None:
    seed(pulse)
    home_of(pulse, ANA)
    assert pulse.click(ActionId.ACTION_DONE, "A-1", user=ANA, home=True, wait=False).status == 200
    pulse.stub.wait_for(lambda e: published_to(e, ANA), count=2)
    assert fetch(database, Action, number=1).status == ActionStatus.DONE
    refreshed = [p for p in pulse.stub.payloads("views.publish") if p["user_id"] == ANA][-1]["view"]
    assert "Draft the SOW" not in text_of(refreshed)


def test_home_shows_the_stakeholders_of_my_programs_compactly(pulse: PulseHarness) -> None:
    seed(pulse)
    for who, function, role in ((ANA, "legal", "consulted"), (OWNER, "legal", "informed"), (ANA, "finance", "")):
        text = f"people {APPEALS} add {mention(who)} function:{function} {'role:' + role if role else ''}".strip()
        ok(pulse.command("/program", text))
    ok(pulse.command("/program", f"people {SECRET} add {mention(MEMBER)} function:product role:responsible"))
    owner = text_of(home_of(pulse, OWNER))
    assert f":busts_in_silhouette: Finance: <@{ANA}> (I) · Legal: <@{ANA}> (C), <@{OWNER}> (I)" in owner
    assert f"Product: <@{MEMBER}> (R)" in owner
    assert "Product:" not in text_of(home_of(pulse, ANA))  # not Ana's program, and restricted


def test_home_shows_budget_staffing_and_my_issues_with_resolve(pulse: PulseHarness, database: Database) -> None:
    seed(pulse)
    with time_machine.travel(dt.datetime(2026, 11, 15, 15, 0, tzinfo=dt.UTC), tick=False):
        ok(pulse.command("/budget", f"set {APPEALS} 2026Q4 planned:100k"))
        ok(pulse.command("/budget", f"spend {APPEALS} 46k"))
        ok(pulse.command("/staff", f"plan {APPEALS} reviewers:40 ds:2"))
        ok(pulse.command("/staff", f"fill {APPEALS} reviewers:24 ds:2"))
        ok(
            pulse.command(
                "/issue", f'raise {APPEALS} Queue backlog severity:2 impact:"14k appeals late" owner:{mention(ANA)}'
            )
        )
        ok(
            pulse.command(
                "/issue", f'raise {APPEALS} Typo in macro severity:4 impact:"3 tickets" owner:{mention(OWNER)}'
            )
        )
        owner = text_of(home_of(pulse, OWNER))
        assert (
            ":moneybag: 2026Q4: USD 46,000 spent of USD 100,000 (46%, 50% of the quarter gone) · variance -USD 54,000"
            in owner
        )
        assert ":construction_worker: Staffing 62% filled (26/42) · *staffing 62% filled, below 80%*" in owner
        assert "*I-2* TNS-APPEALS · Typo in macro" in owner and "I-1" not in owner
        ana = home_of(pulse, ANA)
        assert "1 severe issue of yours open" in text_of(ana)
        assert ("Resolve", ActionId.ISSUE_RESOLVE, "I-1") in buttons_of(ana)
        assert pulse.click(ActionId.ISSUE_RESOLVE, "I-1", user=ANA, home=True, wait=False).status == 200
        pulse.stub.wait_for(lambda e: published_to(e, ANA), count=2)
    assert fetch(database, Issue, number=1).status == IssueStatus.RESOLVED
    refreshed = [p for p in pulse.stub.payloads("views.publish") if p["user_id"] == ANA][-1]["view"]
    assert "Queue backlog" not in text_of(refreshed) and "No open issues." in text_of(refreshed)


def test_full_lists_fit_the_home_tab(pulse: PulseHarness) -> None:
    """Seven of everything (one more than each list shows): every list and its "more" line are on the tab."""
    for n in range(7):
        create_program(pulse, f"TNS-P{n}", f"Program {n}")
        ok(pulse.command("/staff", f"plan TNS-P{n} reviewers:10"))
        add_action(pulse, f"Action {n}", owner=OWNER, key=f"TNS-P{n}")
        add_risk(pulse, f"Risk {n}", key=f"TNS-P{n}", fields=f"owner:{mention(OWNER)}")
        ok(pulse.command("/issue", f'raise TNS-P{n} Issue {n} severity:3 impact:"{n} queues"'))
    view = home_of(pulse, OWNER)
    shown = text_of(view)
    assert "not shown" not in shown
    for more in ("/program list owner:me", "/action list owner:me", "/risk list owner:me", "/issue list"):
        assert f"1 more: `{more}`" in shown
    assert len([b for b in buttons_of(view) if b[1] == ActionId.ISSUE_RESOLVE]) == 6
