"""The real grammar (commands.parse): fields run to the next known field, prose colons are text, dates people
write, did-you-mean for commands, subcommands, fields, values and IDs, and a round-trip property."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.grammar import ParseContext
from commands.parse import COMMANDS, Parsed, parse
from domain.asks import AskTo
from domain.messages import Reply
from domain.spelling import did_you_mean
from templates import error_text

TODAY = dt.date(2026, 12, 1)  # a Tuesday
CTX = ParseContext(user_id="U0OWNER", today=TODAY)
DASH = "IDs have a dash, like `R-12`."
DAY_FIRST = ParseContext(user_id="U0OWNER", today=TODAY, day_first=True)


def parsed(command: str, text: str, ctx: ParseContext = CTX) -> Any:
    """The typed input `/command text` builds (the test fails on any grammar reply)."""
    result = parse(command, text, ctx)
    assert isinstance(result, Parsed), error_of(result)
    return result.data


def refused(command: str, text: str, ctx: ParseContext = CTX) -> tuple[str, str]:
    """The error code and its wording for `/command text`."""
    result = parse(command, text, ctx)
    assert isinstance(result, Reply) and not result.ok, result
    return result.message.context["code"], error_of(result)


def error_of(result: Parsed | Reply) -> str:
    if isinstance(result, Parsed):
        return repr(result.data)
    context = result.message.context
    return error_text(context["code"], context["values"]) if "code" in context else repr(context)


# A field's value runs to the next known field --------------------------------------------------------------


def test_an_ask_runs_to_the_next_field_and_leaves_the_summary_alone() -> None:
    report = parsed("program", "status TNS-APPEALS amber Vendor ramp slipped asks:Approve overtime budget")
    assert (report.summary, report.asks) == ("Vendor ramp slipped", "Approve overtime budget")


def test_an_ask_stops_at_the_next_known_field() -> None:
    report = parsed("program", "status TNS-APPEALS red Late asks:Approve overtime budget ask-to:<@U0OMAR|omar>")
    assert (report.asks, report.ask_to) == ("Approve overtime budget", AskTo(user_id="U0OMAR"))


def test_quotes_are_only_needed_around_a_known_fields_name() -> None:
    report = parsed("program", 'status TNS-APPEALS red Late asks:Tell Legal "ask-by:" is wrong')
    assert report.asks == "Tell Legal ask-by: is wrong"


@pytest.mark.parametrize(
    ("command", "text", "field", "value"),
    [
        ("program", "status TNS-APPEALS amber Vendor slipped: 2 markets", "summary", "Vendor slipped: 2 markets"),
        ("program", "status TNS-APPEALS amber Note: vendor is late", "summary", "Note: vendor is late"),
        ("action", "add TNS-APPEALS Follow up: vendor owner:me due:fri", "title", "Follow up: vendor"),
        ("risk", "add TNS-APPEALS Severity: high vendor likelihood:2 impact:3", "title", "Severity: high vendor"),
        ("decision", "log TNS-APPEALS Use vendor B why:cost: 20% lower", "rationale", "cost: 20% lower"),
        ("risk", "add TNS-X Vendor likelihood:2 mitigation:add a vendor impact:2", "mitigation", "add a vendor"),
    ],
)
def test_a_colon_in_prose_is_text(command: str, text: str, field: str, value: str) -> None:
    assert getattr(parsed(command, text), field) == value


def test_broadcasts_are_kept_as_typed_for_rendering_to_escape() -> None:
    assert parsed("program", "status TNS-APPEALS red <!here> vendor late").summary == "<!here> vendor late"


# Dates people write ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "ctx", "expected"),
    [
        ("12/5", CTX, dt.date(2026, 12, 5)),  # month/day by default
        ("12/5", DAY_FIRST, dt.date(2027, 5, 12)),  # day/month where the workspace says so
        ("Dec 5", CTX, dt.date(2026, 12, 5)),
        ("5 Dec", DAY_FIRST, dt.date(2026, 12, 5)),
        ("next friday", CTX, dt.date(2026, 12, 4)),
        ("in 2 weeks", CTX, dt.date(2026, 12, 15)),
        ("end of month", CTX, dt.date(2026, 12, 31)),
        ("eoq", CTX, dt.date(2026, 12, 31)),
        ("fri", CTX, dt.date(2026, 12, 4)),
    ],
)
def test_future_dates_as_people_write_them(written: str, ctx: ParseContext, expected: dt.date) -> None:
    action = parsed("action", f"add TNS-APPEALS Send the SOW owner:me due:{written} risk:R-1", ctx)
    assert (action.title, action.due, action.risk) == ("Send the SOW", expected, 1)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("mon", dt.date(2026, 11, 30)), ("-1w", dt.date(2026, 11, 24)), ("yesterday", dt.date(2026, 11, 30))],
)
def test_since_looks_back(written: str, expected: dt.date) -> None:
    query = parsed("decision", f"list since:{written}")
    assert query.since == dt.datetime.combine(expected, dt.time(), tzinfo=dt.UTC)


def test_a_past_only_form_in_a_future_field_says_so() -> None:
    code, words = refused("action", "snooze A-1 until:-1w")
    assert code == "date_past_only"
    assert words.startswith("`-1w` is in the past, but this field takes a date to come: write it like `2026-12-31`")


# Did you mean ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "text", "code", "words"),
    [
        ("progam", "list", "unknown_command_suggestion", "`/progam` is not a Pulse command. Did you mean `/program`?"),
        ("pulse", "help riks", "unknown_command_suggestion", "`/riks` is not a Pulse command. Did you mean `/risk`?"),
        (
            "program",
            "stauts TNS-APPEALS red Late",
            "unknown_subcommand_suggestion",
            "`stauts` is not something `/program` does. Did you mean `/program status`?",
        ),
        (
            "action",
            "add TNS-APPEALS Draft owner:me deu:fri",
            "unknown_field_suggestion",
            "`deu:` is not a field here. Did you mean `due:`? If `deu:` is part of your text, put that text in quotes.",
        ),
        (
            "risk",
            "update R-1 status:mitigatng",
            "unknown_choice_suggestion",
            "`mitigatng` is not a status Pulse knows. Did you mean `mitigating`? It takes `open`, `mitigating`, "
            "`accepted`, `closed`.",
        ),
        ("risk", "show R10", "id_without_dash", "`R10` is not an ID. Did you mean `R-10`? " + DASH),
        ("action", "done a7", "id_without_dash", "`a7` is not an ID. Did you mean `A-7`? " + DASH),
    ],
)
def test_a_close_match_is_suggested(command: str, text: str, code: str, words: str) -> None:
    assert refused(command, text) == (code, words)


def test_a_suggested_subcommand_comes_with_its_usage() -> None:
    result = parse("program", "stauts TNS-APPEALS red Late", CTX)
    assert isinstance(result, Reply)
    assert result.message.context["usage"].startswith("/program status KEY green|amber|red Summary...")


def test_no_suggestion_without_a_close_match() -> None:
    result = parse("program", "frobnicate TNS-APPEALS", CTX)
    assert isinstance(result, Reply)
    assert result.message.template == "usage"
    assert result.message.context["note"]["code"] == "unknown_subcommand"


# Round trip: text with no known field name is text, whatever it holds ---------------------------------------

STATUS_FIELDS = [spec.name for spec in COMMANDS["program"].subs["status"].fields]
ACTION_FIELDS = [spec.name for spec in COMMANDS["action"].subs["add"].fields]
RESERVED = '"“”„«»<\x00'  # quotes group words and `<` starts Slack's entities: syntax, not text
WORD = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Zs", "Zl", "Zp", "Cc"], exclude_characters=RESERVED),
    min_size=1,
    max_size=12,
)
PROSE = st.one_of(WORD, st.from_regex(r"[A-Za-z][A-Za-z_-]{0,9}:[a-z0-9 ]{0,4}", fullmatch=True).map(str.strip))


def no_field_name(words: list[str], fields: list[str]) -> bool:
    """No word starts with a known field's `name:` or with a close misspelling of one."""
    for word in words:
        name, colon, _rest = word.partition(":")
        if colon and (name.lower() in fields or did_you_mean(name, fields) is not None):
            return False
    return True


def prose(fields: list[str]) -> st.SearchStrategy[list[str]]:
    words = st.lists(PROSE, min_size=1, max_size=12).map(lambda ws: " ".join(ws).split())
    return words.filter(lambda ws: bool(ws) and no_field_name(ws, fields))


@settings(max_examples=300, deadline=None, database=None)
@given(prose(STATUS_FIELDS))
def test_a_status_summary_without_field_names_round_trips(words: list[str]) -> None:
    text = " ".join(words)
    report = parsed("program", f"status TNS-APPEALS amber {text}")
    assert (report.summary, report.asks) == (text, None)


@settings(max_examples=300, deadline=None, database=None)
@given(prose(ACTION_FIELDS))
def test_an_action_title_without_field_names_round_trips(words: list[str]) -> None:
    text = " ".join(words)
    assert parsed("action", f"add TNS-APPEALS {text} owner:me due:2027-01-05").title == text
