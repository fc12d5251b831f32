"""Random command text: the parser never raises, and the served app always answers, never half-writes.

(a) `commands.parse.parse` on thousands of strings: a Reply or a use case with its typed input, never an exception.
(b) The served app on a few hundred of them (per database): HTTP 200, an ephemeral non-empty reply, no internal
    error, and a refused command leaves every table exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.present import markup
from commands.grammar import ParseContext
from commands.parse import COMMANDS as REGISTERED
from commands.parse import Parsed, parse
from commands.registry import Subcommand
from domain.inputs import Input
from domain.messages import Reply
from store.db import Database
from tests.support.app import (
    ADMIN,
    ANA,
    GENERAL,
    MEMBER,
    OWNER,
    STRANGER,
    add_action,
    add_milestone,
    add_risk,
    assert_unchanged,
    changed_tables,
    channel_link,
    create_program,
    log_decision,
    table_rows,
)
from tests.support.harness import PulseHarness

COMMANDS = ["program", "risk", "decision", "action", "pulse"]
REGISTRY = {name: command.subs for name, command in REGISTERED.items()}
SUBCOMMANDS = [*sorted({name for command in COMMANDS for name in REGISTRY[command]}), "help", "?", "HELP", "Add", ""]
FIELDS = sorted({spec.name for command in COMMANDS for sub in REGISTRY[command].values() for spec in sub.fields})
FIELDS += ["foo", "Owner", "DUE", "x_y", "http", "a-b"]
KEYS = ["TNS-FUZZ", "tns-fuzz", "TNS-HUSH", "TNS-NOPE", "R-1", "r-2", "D-1", "A-1", "M-1", "R-99", "A-0", "Q-1"]
VALUES = [
    *KEYS,
    "<@U0ANA|ana>",
    "<@U0MEM>",
    "<@U0ANA|ana>,<@U0STRANGER|stranger>",
    "<@W0ENT|ent>",
    "<#C0FUZZ|fuzz>",
    "<#C0SECRET>",
    "#general",
    "@ana",
    "me",
    "today",
    "tomorrow",
    "fri",
    "Friday",
    "+3d",
    "+2w",
    "+999w",
    "+\u0663d",
    "2030-01-01",
    "0001-01-01",
    "9999-12-31",
    "2030-02-30",
    "\u0662\u0660\u0663\u0660-\u0660\u0661-\u0660\u0661",  # 2030-01-01 in Arabic-Indic digits
    "yes",
    "no",
    "red",
    "amber",
    "green",
    "low",
    "critical",
    "avoid",
    "closed",
    "superseded",
    "0",
    "1",
    "3",
    "5",
    "6",
    "2.5",
    '"',
    "“quoted”",
    ",",
    "x" * 301,
    "🚨",
    "שלום",
    "e\u0301",
    "a:b",
    "<!channel>",
    "&amp;",
]
SEPARATORS = [" ", "  ", "\t", "\u00a0", "\n"]

values = st.one_of(st.sampled_from(VALUES), st.text(max_size=12), st.integers(-3, 9).map(str))
field_tokens = st.builds(
    lambda name, value, quoted: f'{name}:"{value}"' if quoted else f"{name}:{value}",
    st.sampled_from(FIELDS),
    st.one_of(values, st.just("")),
    st.booleans(),
)
words = st.one_of(st.sampled_from(KEYS), st.sampled_from(VALUES), st.text(min_size=1, max_size=10))


def texts_starting_with(subcommands: list[str]) -> st.SearchStrategy[str]:
    """A (sub)command word followed by a jumble of fields, words, quotes and mentions."""
    return st.builds(
        lambda sub, tokens, separator: separator.join([sub, *tokens]),
        st.sampled_from(subcommands),
        st.lists(st.one_of(field_tokens, words, st.sampled_from(['"', '"open', 'close"', "“", "”"])), max_size=8),
        st.sampled_from(SEPARATORS),
    )


command_texts = texts_starting_with(SUBCOMMANDS)

# Values each field accepts, so that generated commands often get past the grammar to the database.
GOOD = {
    "person": ["<@U0ANA|ana>", "me", "<@U0MEM>", "<@U0OWNER|owner>"],
    "people": ["<@U0ANA|ana>,<@U0MEM>", "<@U0STRANGER|stranger>"],
    "date": ["fri", "+3d", "2030-01-01", "today", "tomorrow", "+2w"],
    "scale": ["1", "2", "3", "4", "5"],
    "text": ['"a good reason"', "vendor", '"FIFO; by severity"'],
    "yes/no": ["yes", "no"],
}
FIELD_KIND = {
    "owner": "person",
    "decider": "person",
    "members": "people",
    "consulted": "people",
    "informed": "people",
    "due": "date",
    "review": "date",
    "until": "date",
    "since": "date",
    "likelihood": "scale",
    "impact": "scale",
    "restricted": "yes/no",
}
SPECIAL = {"channel": ["<#C0FUZZ|fuzz>"], "channels": ["<#C0SECRET>"], "risk": ["R-1", "R-2"], "decision": ["D-1"]}
POSITIONAL = {
    "KEY": ["TNS-FUZZ", "TNS-FUZZ", "TNS-FUZZ", "TNS-HUSH", "tns-fuzz", "TNS-NOPE"],
    "R-n": ["R-1", "R-1", "R-2", "R-3", "R-9"],
    "A-n": ["A-1", "A-1", "A-2", "A-3", "A-9"],
    "M-n": ["M-1", "M-1", "M-2", "M-3", "M-9"],
    "D-old": ["D-1 D-3", "D-1 D-2", "D-2 D-1", "D-1"],
    "[KEY]": ["", "TNS-FUZZ", "TNS-HUSH"],
    "[command]": ["", "risk", "pm-risk", "nope"],
    "KEY|R-n|D-n|A-n|M-n": ["TNS-FUZZ", "TNS-HUSH", "R-1", "D-2", "A-1", "M-2", "R-9"],
}


TITLE_WORDS = ["Vendor", "slipped", "a", "week", "🚨", "naïve", "a\x00b", "&amp;", "<!here>", "50%"]
# Right at and just past the column limits (program names 200, titles 300, category 80, texts 1000-3000).
LONG = [79, 80, 81, 199, 200, 201, 299, 300, 301, 1001, 2001, 3001]


@st.composite
def plausible_commands(draw: st.DrawFn) -> tuple[str, str]:
    """A subcommand with its positional words and fields, mostly valid, sometimes not."""
    command = draw(st.sampled_from(COMMANDS))
    sub = draw(st.sampled_from(sorted(REGISTRY[command].values(), key=lambda s: s.name)))
    shape = sub.usage.split(" ")[0] if sub.usage else ""
    parts = [sub.name]
    if sub.name in {"archive", "edit"}:  # archiving or re-owning TNS-FUZZ early would leave little else to try
        parts.append(draw(st.sampled_from(["TNS-SPARE", "TNS-NOPE"])))
    elif sub.name == "new":
        parts.append(draw(st.sampled_from(["TNS-FUZZ", "R-1"]) | st.integers(1, 10**6).map(lambda n: f"TNS-N{n}")))
    elif shape in POSITIONAL:
        parts.append(draw(st.sampled_from(POSITIONAL[shape])))
    if "green|amber|red" in sub.usage:
        parts.append(draw(st.sampled_from(["green", "amber", "red", "purple"])))
    if any(word in sub.usage for word in ("Title...", "Summary...", "Reason...")):
        parts += draw(st.lists(st.sampled_from(TITLE_WORDS), max_size=3))
        if draw(st.integers(0, 2)) == 0:
            parts.append("y" * draw(st.sampled_from(LONG)))
    for spec in sub.fields:
        if draw(st.integers(0, 19)) < (19 if spec.required else 6):
            kind = FIELD_KIND.get(spec.name, "text")
            choices = spec.parse.__doc__ or ""  # a choice() field's doc is exactly its values, `a|b|c`
            is_choice = re.fullmatch(r"[a-z]+(\|[a-z]+)+", choices)
            good = SPECIAL.get(spec.name) or (choices.split("|") if is_choice else GOOD[kind])
            value = draw(
                st.one_of(st.sampled_from(good), values) if draw(st.integers(0, 7)) == 0 else st.sampled_from(good)
            )
            if kind == "text" and not is_choice and spec.name not in SPECIAL and draw(st.integers(0, 3)) == 0:
                value = "z" * draw(st.sampled_from(LONG))
            parts.append(f"{spec.name}:{value}")
    parts += [flag for flag in sorted(sub.flags) if draw(st.booleans())]
    if draw(st.integers(0, 5)) == 0:  # a stray word anywhere after the subcommand's first word
        parts.insert(draw(st.integers(min(2, len(parts)), len(parts))), draw(words))
    return command, " ".join(parts)


# Random text for the served app; `archive` only comes from plausible_commands, which archives a spare program
# (archiving the seeded one early would leave little else to try).
random_commands = st.tuples(
    st.sampled_from(COMMANDS),
    st.one_of(texts_starting_with([s for s in SUBCOMMANDS if s != "archive"]), st.text(max_size=60)),
)


def request_for(command: str, text: str, prefix: str = "") -> tuple[str, str, ParseContext]:
    tz = ZoneInfo("Asia/Tokyo")
    now = dt.datetime(2030, 1, 9, 12, tzinfo=dt.UTC)
    return command, text, ParseContext(user_id=STRANGER, today=now.astimezone(tz).date(), tz=tz, command_prefix=prefix)


def check_prepared(request: tuple[str, str, ParseContext]) -> None:
    """`parse` returns a renderable Reply, or a subcommand of this command with the typed input of its use case."""
    command, text, ctx = request
    prepared = parse(command, text, ctx)
    if isinstance(prepared, Reply):
        rendered = markup(prepared.message, ctx.command_prefix)
        assert rendered.strip()
        assert prepared.ok or rendered.startswith(":warning:")
        return
    assert isinstance(prepared, Parsed)
    assert isinstance(prepared.sub, Subcommand) and isinstance(prepared.data, Input)
    assert prepared.sub.command == command
    assert prepared.sub.runs is not None


PARSER_SETTINGS = settings(max_examples=1500, deadline=None, database=None)


@PARSER_SETTINGS
@given(command=st.sampled_from(COMMANDS), text=command_texts, prefix=st.sampled_from(["", "pm-"]))
def test_parser_on_command_like_text(command: str, text: str, prefix: str) -> None:
    check_prepared(request_for(command, text, prefix))


@settings(PARSER_SETTINGS, max_examples=1000)
@given(command=st.sampled_from([*COMMANDS, "digest", "nope"]), text=st.text(max_size=80))
def test_parser_on_any_text(command: str, text: str) -> None:
    check_prepared(request_for(command, text))


@settings(PARSER_SETTINGS, max_examples=500)
@given(
    command=st.sampled_from(COMMANDS),
    head=st.sampled_from(SUBCOMMANDS),
    fields=st.dictionaries(st.sampled_from(FIELDS), values, max_size=6),
)
def test_parser_on_every_field_with_random_values(command: str, head: str, fields: dict[str, str]) -> None:
    text = " ".join([head, "TNS-FUZZ", "Some title", *(f"{name}:{value}" for name, value in fields.items())])
    check_prepared(request_for(command, text))


# The served app -----------------------------------------------------------------------------------------

# The program owner and an admin may do most things, so they call most often.
CALLERS = (
    [(OWNER, GENERAL)] * 3 + [(ADMIN, GENERAL)] * 2 + [(ANA, GENERAL), (STRANGER, GENERAL), (STRANGER, "C0SECRET")]
)


@pytest.fixture
def seeded(pulse: PulseHarness) -> PulseHarness:
    """Two programs (one restricted) with an item of every kind, so random IDs and keys often exist."""
    create_program(pulse, "TNS-FUZZ", "Fuzzing", fields=f"channel:{channel_link('C0FUZZ', 'fuzz')}")
    create_program(pulse, "TNS-HUSH", "Hush", fields=f"restricted:yes members:<@{MEMBER}> channels:<#C0SECRET>")
    create_program(pulse, "TNS-SPARE", "Spare")
    for key, owner in (("TNS-FUZZ", ANA), ("TNS-HUSH", MEMBER)):
        add_risk(pulse, "Vendor slow", 3, 4, key=key, fields=f"owner:<@{owner}>")
        log_decision(pulse, "Use vendor B", key=key)
        add_action(pulse, "Call the vendor", key=key, owner=owner)
        add_milestone(pulse, "Vendor signed", key=key)
    return pulse


def refused_reply(text: str) -> bool:
    """An error or a usage reply (a usage reply starts with the command, e.g. `*/risk*:`)."""
    return text.startswith((":warning:", "*/"))


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sent=st.one_of(plausible_commands(), plausible_commands(), random_commands), caller=st.sampled_from(CALLERS))
def test_served_app_always_answers_and_never_half_writes(
    seeded: PulseHarness, database: Database, sent: tuple[str, str], caller: tuple[str, str]
) -> None:
    command, text = sent
    user, channel = caller
    before = table_rows(database)
    opened = len(seeded.stub.payloads("views.open"))
    answer = seeded.command(f"/{command}", text, user=user, channel=channel, wait=False)
    assert answer.status == 200
    if not answer.body:  # a bare command opens its form: nothing is written until it is submitted
        seeded.stub.wait_for("views.open", opened + 1, timeout=10)
        event("opened a form")
        assert_unchanged(before, table_rows(database))
        return
    assert answer.ephemeral, answer.body
    assert answer.text.strip(), answer.body
    assert "Something went wrong" not in answer.text, answer.text
    refused = refused_reply(answer.text)
    event(f"{'refused' if refused else 'answered'} via {answer.via}")
    if "y" * 80 in text or "z" * 80 in text:
        event("long text")
    if refused:
        assert_unchanged(before, table_rows(database))
    elif changed_tables(before, table_rows(database)):
        event("wrote")
