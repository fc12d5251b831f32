"""The tokenizer: where each field's value ends, what stays text, and what is an error."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from commands.problems import UsageError
from commands.tokens import Shape, Tokens, Word, tokenize

FIELDS = {
    "asks": Shape.TEXT,
    "mitigation": Shape.TEXT,
    "title": Shape.TEXT,
    "owner": Shape.WORD,
    "members": Shape.WORD,
    "likelihood": Shape.WORD,
    "status": Shape.WORD,
    "time": Shape.WORD,
    "due": Shape.DATE,
    "review": Shape.DATE,
}


def split(text: str) -> tuple[list[str], dict[str, str]]:
    tokens = tokenize(text, FIELDS)
    return tokens.strings(), dict(tokens.fields)


def refusal(text: str) -> tuple[str, dict[str, object]]:
    with pytest.raises(UsageError) as raised:
        tokenize(text, FIELDS)
    return raised.value.code, raised.value.values


@pytest.mark.parametrize(
    ("text", "words", "fields"),
    [
        # A text value runs until the next known field.
        (
            "amber Vendor ramp slipped asks:Approve overtime budget owner:@u",
            ["amber", "Vendor", "ramp", "slipped"],
            {"asks": "Approve overtime budget", "owner": "@u"},
        ),
        ("asks:Approve overtime", [], {"asks": "Approve overtime"}),
        ("x mitigation:add a vendor likelihood:4", ["x"], {"mitigation": "add a vendor", "likelihood": "4"}),
        ("asks:Follow up: vendor", [], {"asks": "Follow up: vendor"}),
        ('asks:Approve "owner:" change', [], {"asks": "Approve owner: change"}),
        ("asks: Approve overtime", [], {"asks": "Approve overtime"}),
        ("asks:a\n\tb  c", [], {"asks": "a b c"}),
        # A quoted value is the whole value; what follows is free text again.
        ('asks:"2 extra reviewers" Vendor ramp', ["Vendor", "ramp"], {"asks": "2 extra reviewers"}),
        ('asks:"Ask owner: ana" then', ["then"], {"asks": "Ask owner: ana"}),
        ('asks: "2 reviewers" late', ["late"], {"asks": "2 reviewers"}),
        ("asks:“smart quotes” x", ["x"], {"asks": "smart quotes"}),
        # A word value is one token, or the next one after a space; a list may go on after a comma.
        ("likelihood:4 impact", ["impact"], {"likelihood": "4"}),
        ("x owner: @ana y", ["x", "y"], {"owner": "@ana"}),
        ('owner: "ana b" y', ["y"], {"owner": "ana b"}),
        ("members:@a,@b x", ["x"], {"members": "@a,@b"}),
        ("members:@a, @b, @c x", ["x"], {"members": "@a, @b, @c"}),
        ("members:<@U1|a>, <@U2|b> x", ["x"], {"members": "<@U1|a>, <@U2|b>"}),
        ("status:red, vendor late", ["vendor", "late"], {"status": "red,"}),  # only a list of mentions goes on
        ("time:09:00 x", ["x"], {"time": "09:00"}),
        ("status:red x", ["x"], {"status": "red"}),
        # Field names are case-insensitive and keep the spelling of the fields given.
        ("Owner:@ana STATUS:red", [], {"owner": "@ana", "status": "red"}),
        # A colon in prose is text.
        ("Vendor slipped: 2 markets", ["Vendor", "slipped:", "2", "markets"], {}),
        ("Note: vendor is late", ["Note:", "vendor", "is", "late"], {}),
        ("ratio 3:1 at 10:30", ["ratio", "3:1", "at", "10:30"], {}),
        ("Owners: the vendor team", ["Owners:", "the", "vendor", "team"], {}),  # prose may inflect a field's name
        ("Reviewed: by legal", ["Reviewed:", "by", "legal"], {}),
        ("TNS-APPEALS: late", ["TNS-APPEALS:", "late"], {}),
        # URLs are never fields.
        ("see https://x.com/a:b now", ["see", "https://x.com/a:b", "now"], {}),
        ("http://x.org mailto:a@b.c ftp://f.org", ["http://x.org", "mailto:a@b.c", "ftp://f.org"], {}),
        ("HTTPS://X.COM", ["HTTPS://X.COM"], {}),
        # Quotes group words and are dropped; quoted words are never fields.
        ('"owner:@ana" x', ["owner:@ana", "x"], {}),
        ('say"hi there" ok', ["sayhi there", "ok"], {}),
        ("„low“ «high»", ["low", "high"], {}),
        # NUL is dropped; broadcasts stay as typed (they are escaped where text is rendered for Slack).
        ("Vendor\x00 slow", ["Vendor", "slow"], {}),
        ("<!here> see <!subteam^S1|@leads>", ["<!here>", "see", "<!subteam^S1|@leads>"], {}),
        # Any whitespace separates.
        ("a\tb\u00a0c\nd", ["a", "b", "c", "d"], {}),
        ("", [], {}),
    ],
)
def test_words_and_fields(text: str, words: list[str], fields: dict[str, str]) -> None:
    assert split(text) == (words, fields)


@pytest.mark.parametrize(
    ("text", "words", "due"),
    [
        ("x due:next friday y", ["x", "y"], "next friday"),
        ("due:end of month y", ["y"], "end of month"),
        ("due:end of the month", [], "end of the month"),
        ("due:Dec 5 vendor", ["vendor"], "Dec 5"),
        ("due:5 Dec 2027 vendor", ["vendor"], "5 Dec 2027"),
        ("due:December 5th", [], "December 5th"),
        ("due:in 2 weeks owner:@a", [], "in 2 weeks"),
        ("due: next friday y", ["y"], "next friday"),
        ("due:fri 5 markets", ["5", "markets"], "fri"),
        ("due:+2w Dec 5", ["Dec", "5"], "+2w"),
        ("due:someday soon", ["soon"], "someday"),  # not a date: one token, refused when the value is parsed
        ('due:"next friday" x', ["x"], "next friday"),
        ('due:Dec "5"', ["5"], "Dec"),  # a quoted word is never part of a phrase
        ("due:12/5 vendor", ["vendor"], "12/5"),
    ],
)
def test_a_date_value_is_the_longest_date_phrase(text: str, words: list[str], due: str) -> None:
    found_words, fields = split(text)
    assert (found_words, fields["due"]) == (words, due)


def test_the_date_phrase_finder_can_be_passed_in() -> None:
    seen: list[Sequence[str]] = []

    def two_words(words: Sequence[str]) -> int:
        seen.append(list(words))
        return 2

    tokens = tokenize("due:a b c d e f owner:@x", FIELDS, date_phrase=two_words)
    assert seen == [["a", "b", "c", "d"]]
    assert (tokens.strings(), dict(tokens.fields)) == (["c", "d", "e", "f"], {"due": "a b", "owner": "@x"})


def test_a_phrase_of_no_date_still_takes_one_word() -> None:
    tokens = tokenize("due:a b", FIELDS, date_phrase=lambda _words: 0)
    assert (tokens.strings(), dict(tokens.fields)) == (["b"], {"due": "a"})


@pytest.mark.parametrize(
    "text",
    [
        "a <@U123|ana> b",
        "a <@U123> b",
        "a <#C123|tns-leads> b",
        "a <https://x.com/a:b?c=d|the doc> b",
        "a <mailto:a@b.c|a@b.c> b",
        "a <https://x.com/q=owner:x> b",
    ],
)
def test_slack_mentions_channels_and_links_stay_whole(text: str) -> None:
    words, fields = split(text)
    assert (words, fields) == (["a", text[2:-2], "b"], {})


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("owner:<@U123|ana>", "owner", "<@U123|ana>"),
        ("owner: <@U123|ana b>", "owner", "<@U123|ana b>"),
        ("members:<@U1|a>,<@U2|b>", "members", "<@U1|a>,<@U2|b>"),
        ("asks:read <https://x.com|the doc> first", "asks", "read <https://x.com|the doc> first"),
    ],
)
def test_slack_entities_stay_whole_in_values(text: str, field: str, value: str) -> None:
    assert split(text) == ([], {field: value})


def test_a_lone_angle_bracket_is_ordinary_text() -> None:
    assert split("a < b > c <@U1") == (["a", "<", "b", ">", "c", "<@U1"], {})


def test_words_keep_their_positions_in_the_normalised_text() -> None:
    tokens = tokenize("“Vendor X” cannot\x00 hire  likelihood:4 in time", FIELDS)
    assert tokens.text == '"Vendor X" cannot hire  likelihood:4 in time'
    assert tokens.words == (
        Word("Vendor X", 0, 10, quoted=True),
        Word("cannot", 11, 17),
        Word("hire", 18, 22),
        Word("in", 37, 39),
        Word("time", 40, 44),
    )
    assert [tokens.text[w.start : w.end] for w in tokens.words[1:]] == ["cannot", "hire", "in", "time"]


def test_free_text_joins_words_from_a_start() -> None:
    tokens = tokenize("TNS-X Vendor  cannot hire", FIELDS)
    assert isinstance(tokens, Tokens)
    assert tokens.free_text() == "TNS-X Vendor cannot hire"
    assert tokens.free_text(1) == "Vendor cannot hire"


@pytest.mark.parametrize(
    ("text", "code", "values"),
    [
        ("likelihood:2 likelihood:3", "field_twice", {"field": "likelihood"}),
        ("owner:@a x Owner:@b", "field_twice", {"field": "owner"}),
        ("asks:Approve it asks:again", "field_twice", {"field": "asks"}),
        ("x asks:", "field_no_value", {"field": "asks"}),
        ('asks:""', "field_no_value", {"field": "asks"}),
        ("owner: likelihood:2", "field_no_value", {"field": "owner"}),
        ("due:", "field_no_value", {"field": "due"}),
        ('x "Vendor cannot hire', "quote_unclosed", {"near": '"Vendor cannot hire'}),
        ('mitigation:"add a vendor', "quote_unclosed", {"near": '"add a vendor'}),
        ('5" screen', "quote_unclosed", {"near": '" screen'}),
        ("ownr:@ana", "unknown_field_suggestion", {"field": "ownr", "suggestion": "owner"}),
        ("x ownr: @ana", "unknown_field_suggestion", {"field": "ownr", "suggestion": "owner"}),
        ('mitgation:"x"', "unknown_field_suggestion", {"field": "mitgation", "suggestion": "mitigation"}),
        ("owners:@a", "unknown_field_suggestion", {"field": "owners", "suggestion": "owner"}),
        ("asks:Approve stauts:red", "unknown_field_suggestion", {"field": "stauts", "suggestion": "status"}),
        ("Likelyhood:4", "unknown_field_suggestion", {"field": "Likelyhood", "suggestion": "likelihood"}),
    ],
)
def test_refusals(text: str, code: str, values: dict[str, object]) -> None:
    assert refusal(text) == (code, values)


def test_an_unclosed_quote_near_is_at_most_thirty_characters() -> None:
    code, values = refusal('"' + "x" * 50)
    assert code == "quote_unclosed" and values["near"] == '"' + "x" * 29


def test_only_the_fields_given_are_fields() -> None:
    tokens = tokenize("owner:@ana due:fri", {"due": Shape.DATE})
    assert (tokens.strings(), dict(tokens.fields)) == (["owner:@ana"], {"due": "fri"})
