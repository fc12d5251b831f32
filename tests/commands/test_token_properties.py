"""Properties of the tokenizer: text without fields comes back unchanged, and a field after any text is found.

Reserved syntax, left out of the generated text: quotes (`"` and the smart quotes), `<` (Slack's entities and
broadcasts), NUL, and a `word:` whose word is a known field or close to one (an error by design).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.problems import UsageError
from commands.tokens import Shape, tokenize
from domain.spelling import did_you_mean

FIELDS = {
    "asks": Shape.TEXT,
    "why": Shape.TEXT,
    "owner": Shape.WORD,
    "likelihood": Shape.WORD,
    "members": Shape.WORD,
    "due": Shape.DATE,
    "since": Shape.DATE,
}
RESERVED = '"“”„«»<\x00'
UNRESERVED = st.characters(exclude_categories=["Cs"], exclude_characters=RESERVED)  # Cs: lone surrogates
NAME = re.compile(r"[A-Za-z][A-Za-z_-]*:")
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", " \u2003 ", "\r\n"])
DATE_PHRASES = st.sampled_from(["next friday", "end of month", "end of the month", "Dec 5", "5 Dec 2027", "in 2 weeks"])


def names_no_field(word: str) -> bool:
    """`word` is not, and does not start with, a known field's `name:` or a near miss of one."""
    match = NAME.match(word)
    return match is None or did_you_mean(match.group(0)[:-1], FIELDS) is None


plain_words = st.text(
    alphabet=UNRESERVED,
    min_size=1,
    max_size=12,
).filter(lambda word: not any(char.isspace() for char in word))
colon_words = st.from_regex(r"[A-Za-z][A-Za-z_-]{0,9}:[a-z0-9/@.]{0,6}", fullmatch=True)
url_words = st.from_regex(r"(https?|mailto|ftp):(//)?[a-z0-9.]{1,10}(/[a-z:0-9]{0,8})?", fullmatch=True)
words = st.one_of(plain_words, colon_words, url_words, st.sampled_from(["slipped:", "Follow", "up:", "Owners:"]))
safe_words = words.filter(names_no_field)


@st.composite
def texts(draw: st.DrawFn, min_words: int = 0) -> tuple[str, list[str]]:
    """Safe words joined by assorted whitespace, and the words."""
    chosen = draw(st.lists(safe_words, min_size=min_words, max_size=10))
    separators = draw(st.lists(SEPARATORS, min_size=len(chosen), max_size=len(chosen)))
    return "".join(word + sep for word, sep in zip(chosen, separators, strict=True)).rstrip(), chosen


PROPERTY = settings(max_examples=400, deadline=None, database=None)


@PROPERTY
@given(texts())
def test_text_without_fields_comes_back_unchanged_in_order(sample: tuple[str, list[str]]) -> None:
    text, expected = sample
    tokens = tokenize(text, FIELDS)
    assert tokens.strings() == expected
    assert dict(tokens.fields) == {}
    assert [tokens.text[word.start : word.end] for word in tokens.words] == expected


@st.composite
def fields_with_values(draw: st.DrawFn) -> tuple[str, str, str]:
    """(field, what is written after `field:`, the value expected back)."""
    field = draw(st.sampled_from(sorted(FIELDS)))
    shape = FIELDS[field]
    if shape is Shape.TEXT:
        written, value_words = draw(texts(min_words=1))
        return field, written, " ".join(value_words)
    word = draw(safe_words.filter(lambda w: not w.startswith("//")))  # `name://` is a URL, never a field
    if shape is Shape.DATE:
        word = draw(st.one_of(st.just(word), DATE_PHRASES))
    return field, word, word


@PROPERTY
@given(texts(), fields_with_values(), st.booleans())
def test_a_field_after_any_text_is_found(
    sample: tuple[str, list[str]], field_value: tuple[str, str, str], spaced: bool
) -> None:
    text, expected_words = sample
    field, written, value = field_value
    tokens = tokenize(f"{text} {field}:{' ' if spaced else ''}{written}", FIELDS)
    assert dict(tokens.fields) == {field: value}
    assert tokens.strings() == expected_words


@PROPERTY
@given(
    texts(),
    st.sampled_from(sorted(FIELDS)),
    st.text(alphabet=UNRESERVED, min_size=1),
)
def test_a_quoted_value_is_taken_whole_whatever_it_contains(
    sample: tuple[str, list[str]], field: str, value: str
) -> None:
    text, expected_words = sample
    tokens = tokenize(f'{field}:"{value}" {text}', FIELDS)
    assert dict(tokens.fields) == {field: value}
    assert tokens.strings() == expected_words


@PROPERTY
@given(texts(), st.sampled_from(sorted(FIELDS)), st.sampled_from(sorted(FIELDS)))
def test_a_field_given_twice_is_always_refused(sample: tuple[str, list[str]], first: str, other: str) -> None:
    text, _words = sample
    with pytest.raises(UsageError) as raised:
        tokenize(f"{first}:x {text} {other}:y {first.upper()}:z", FIELDS)
    assert (raised.value.code, raised.value.values) == ("field_twice", {"field": first})
