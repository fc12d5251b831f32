"""Did-you-mean: one or two typos find the name, unrelated words find nothing, IDs only match their dashed form."""

from __future__ import annotations

import pytest

from commands.problems import UsageError
from commands.suggest import pick
from domain.spelling import did_you_mean, undashed_id

FIELDS = [
    *("owner", "due", "risk", "decision", "until", "decider", "why", "options", "consulted", "informed", "context"),
    *("status", "q", "since", "to", "day", "time", "tz", "channel", "restricted", "members", "channels", "title"),
    *("asks", "next", "review", "mitigation", "response", "category", "trigger", "likelihood", "impact", "band"),
]
COMMANDS = ["program", "risk", "decision", "action", "pulse", "digest"]
PROGRAM_SUBS = ["new", "list", "show", "status", "milestone", "milestone-done", "edit", "archive"]
RAG = ["green", "amber", "red"]


@pytest.mark.parametrize(
    ("word", "candidates", "expected"),
    [
        # Field names: one or two typos, a swap of neighbours, any case.
        ("ownr", FIELDS, "owner"),
        ("onwer", FIELDS, "owner"),
        ("OWNR", FIELDS, "owner"),
        ("mitgation", FIELDS, "mitigation"),
        ("mitigaton", FIELDS, "mitigation"),
        ("likelyhood", FIELDS, "likelihood"),
        ("reveiw", FIELDS, "review"),
        ("memebers", FIELDS, "members"),
        ("riks", FIELDS, "risk"),
        ("deu", FIELDS, "due"),
        ("Owner", FIELDS, "owner"),
        # Commands, subcommands and enum values.
        ("progam", COMMANDS, "program"),
        ("decison", COMMANDS, "decision"),
        ("stauts", PROGRAM_SUBS, "status"),
        ("lst", PROGRAM_SUBS, "list"),
        ("milestone-dne", PROGRAM_SUBS, "milestone-done"),
        ("ambr", RAG, "amber"),
        ("GREN", RAG, "green"),
        ("redd", RAG, "red"),
    ],
)
def test_a_close_misspelling_finds_its_name(word: str, candidates: list[str], expected: str) -> None:
    assert did_you_mean(word, candidates) == expected


@pytest.mark.parametrize(
    ("word", "candidates"),
    [
        *((word, FIELDS) for word in ("slipped", "vendor", "update", "note", "follow", "background", "markets")),
        *((word, FIELDS) for word in ("summary", "blockers", "legal", "re", "fyi", "tldr", "timeline", "budget")),
        ("foo", COMMANDS),
        ("purple", RAG),
        ("", FIELDS),
        ("owner", []),
    ],
)
def test_an_unrelated_word_finds_nothing(word: str, candidates: list[str]) -> None:
    assert did_you_mean(word, candidates) is None


def test_the_spelling_that_comes_back_is_the_candidates() -> None:
    assert did_you_mean("tns-scams", ["TNS-SCAMS"]) == "TNS-SCAMS"


def test_program_keys_prefer_the_same_prefix() -> None:
    keys = ["TNS-VENDORS-EU", "TMS-VENDOR"]
    assert did_you_mean("TNS-VENDOR", keys) == "TNS-VENDORS-EU"
    assert did_you_mean("TMS-VENDR", keys) == "TMS-VENDOR"
    assert did_you_mean("TXS-VENDOR", keys) == "TMS-VENDOR"  # no key has that prefix: the closest of all


def test_program_keys_match_a_missing_letter_and_a_missing_prefix() -> None:
    keys = ["TNS-SCAMS", "TNS-APPEALS", "OPS-SCAM"]
    assert did_you_mean("TNS-SCAM", keys) == "TNS-SCAMS"
    assert did_you_mean("scams", keys) == "TNS-SCAMS"
    assert did_you_mean("appeal", keys) == "TNS-APPEALS"


def test_ties_go_to_the_alphabetically_first_candidate() -> None:
    assert did_you_mean("vendorx", ["vendorz", "vendory"]) == "vendory"
    assert did_you_mean("vendorx", ["vendory", "vendorz"]) == "vendory"


@pytest.mark.parametrize(
    ("word", "candidates", "expected"),
    [
        ("R10", ["R-10", "R-11"], "R-10"),
        ("r10", ["R-10"], "R-10"),
        ("d4", ["D-4"], "D-4"),
        ("R10", ["R-11"], None),
        ("R-100", ["R-10"], None),  # one digit apart is another item, not a typo
        ("R-11", ["R-10", "R-12"], None),
        ("Q10", ["Q-10"], None),  # not a kind of ID
        ("r-10", ["R-10"], "R-10"),
    ],
)
def test_an_id_only_matches_its_dashed_form(word: str, candidates: list[str], expected: str | None) -> None:
    assert did_you_mean(word, candidates) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("R10", "R-10"), ("r10", "R-10"), ("a007", "A-7"), (" m3 ", "M-3"), ("R-10", None), ("Q10", None), ("R", None)],
)
def test_undashed_id(word: str, expected: str | None) -> None:
    assert undashed_id(word) == expected


def test_undashed_id_takes_the_kinds_it_is_given() -> None:
    assert undashed_id("Q10", kinds="Q") == "Q-10"
    assert undashed_id("R10", kinds="Q") is None


def test_pick_returns_the_named_candidate_in_its_own_spelling() -> None:
    assert pick("AMBER", RAG, code="unknown_choice", field="status", allowed=tuple(RAG)) == "amber"


def test_pick_raises_the_suggestion_code_when_a_name_is_close() -> None:
    with pytest.raises(UsageError) as raised:
        pick("stauts", PROGRAM_SUBS, code="unknown_subcommand", command="program")
    assert raised.value.code == "unknown_subcommand_suggestion"
    assert raised.value.values == {"value": "stauts", "command": "program", "suggestion": "status"}


def test_pick_raises_the_plain_code_when_nothing_is_close() -> None:
    with pytest.raises(UsageError) as raised:
        pick("nope", COMMANDS, code="unknown_command")
    assert (raised.value.code, raised.value.values) == ("unknown_command", {"value": "nope"})
