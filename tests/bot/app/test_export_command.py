"""/pulse export: a register uploaded to the caller's DM with Pulse, holding only what they may see."""

from __future__ import annotations

import pytest

from bot.slack_stub import SlackStub
from bot.spreadsheets import read_register
from store.db import Database
from tests.support.app import (
    APPEALS,
    MEMBER,
    STRANGER,
    add_action,
    add_risk,
    create_program,
    first_line,
    nothing_written,
    ok,
    refused,
)
from tests.support.harness import PulseHarness

SECRET = "TNS-SECRET"


@pytest.fixture
def registers(pulse: PulseHarness) -> PulseHarness:
    create_program(pulse)
    create_program(pulse, SECRET, "Secret", fields="restricted:yes members:<@U0MEM>")
    add_risk(pulse, "Vendor short", 4, 5, fields='mitigation:"second vendor"')
    add_risk(pulse, "Case files leak", 5, 5, key=SECRET)
    add_action(pulse, "Draft the SOW", due="2030-01-15")
    return pulse


def titles(stub: SlackStub, user: str, kind: str = "risks") -> list[str]:
    (shared,) = stub.files(stub.dm_channel(user))
    result = read_register(kind, shared.content, name=shared.filename)  # type: ignore[arg-type]
    return [str(record.values["title"]) for record in result.records]


def test_the_file_goes_to_the_callers_dm(registers: PulseHarness, stub: SlackStub) -> None:
    answer = ok(registers.command("/pulse", f"export risks {APPEALS} format:xlsx"))
    assert first_line(answer) == "The risks register of *TNS-APPEALS*: 1 row as XLSX."
    assert "Sent risks-TNS-APPEALS.xlsx to your DM with Pulse." in answer.text
    (shared,) = stub.files(stub.dm_channel("U0OWNER"))
    assert shared.content.startswith(b"PK")
    assert titles(stub, "U0OWNER") == ["Vendor short"]


def test_restricted_programs_only_reach_those_who_may_see_them(registers: PulseHarness, stub: SlackStub) -> None:
    ok(registers.command("/pulse", "export risks", user=STRANGER))
    assert titles(stub, STRANGER) == ["Vendor short"]
    ok(registers.command("/pulse", "export risks", user=MEMBER))
    assert titles(stub, MEMBER) == ["Vendor short", "Case files leak"]


def test_other_registers_and_bad_requests(registers: PulseHarness, database: Database, stub: SlackStub) -> None:
    ok(registers.command("/pulse", "export actions format:json"))
    assert titles(stub, "U0OWNER", "actions") == ["Draft the SOW"]
    with nothing_written(database):
        assert (
            "TNS-SECRET not found."
            in refused(registers.command("/pulse", f"export risks {SECRET}", user=STRANGER)).text
        )
        assert (
            "`risk` is not a kind Pulse knows. Did you mean `risks`?"
            in refused(registers.command("/pulse", "export risk")).text
        )
        assert "Export what?" in refused(registers.command("/pulse", "export")).text
    assert len(stub.files()) == 1
