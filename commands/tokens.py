"""Splits command text into free words and the values of known `name:value` fields, by each field's shape.

Only the known fields are fields: any other `word:` is text (`slipped: 2 markets`), except a close misspelling
of a known field (`ownr:@ana`), which is an error with a did-you-mean. Quotes group words (`"a b"`) and are
dropped; Slack's `<@U1|ana>`, `<#C1|x>` and `<https://…|label>` stay whole; `http:`, `https:`, `mailto:` and
any `word://` are never fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import takewhile

from commands.dates import PHRASE_WORDS, date_phrase_length
from commands.problems import UsageError
from domain.spelling import did_you_mean

SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
ENTITY = re.compile(r"<(?:[@#!]|[A-Za-z][A-Za-z0-9+.-]*:)[^<>\n]*>")
FIELD_NAME = re.compile(r"([A-Za-z][A-Za-z_-]*):")
URL_SCHEMES = {"http", "https", "mailto"}
LIST_ITEM = ("<", "@", "#")  # how a mention or a channel starts

DatePhrase = Callable[[Sequence[str]], int]
"""How many of the leading words make a date phrase (0 when none do): `dates.date_phrase_length`."""


class Shape(StrEnum):
    """How far a known field's value runs."""

    TEXT = "text"  # until the next known field, or one quoted value: `asks:Approve overtime budget`
    WORD = "word"  # one token: `likelihood:4`, `owner:@ana`, `members:@a,@b` (and `members:@a, @b`)
    DATE = "date"  # one token, or the longest date phrase of up to four words: `due:next friday`


@dataclass(frozen=True)
class Word:
    """A free word, quotes removed, with its span in `Tokens.text`."""

    text: str
    start: int
    end: int
    quoted: bool = False


@dataclass(frozen=True)
class Tokens:
    """A command's text as free words (in order) and raw field values, keyed by the field names given."""

    text: str  # the normalised text that word positions refer to
    words: tuple[Word, ...]
    fields: Mapping[str, str]

    def strings(self) -> list[str]:
        """The free words' texts, in order."""
        return [word.text for word in self.words]

    def free_text(self, start: int = 0) -> str:
        """The free words from word `start` on, joined by single spaces (a title or a summary)."""
        return " ".join(self.strings()[start:])


@dataclass(frozen=True)
class _Lex:
    """One whitespace-separated piece; `field` is set when it starts with a known field's `name:`."""

    text: str
    start: int
    end: int
    quoted: bool
    field: str | None = None
    value: str = ""  # what follows the colon, quotes removed
    value_quoted: bool = False


def tokenize(text: str, fields: Mapping[str, Shape], *, date_phrase: DatePhrase = date_phrase_length) -> Tokens:
    """Split `text` into free words and the values of `fields`; UsageError when it cannot be read."""
    clean = normalise(text)
    lexes = list(_lexes(clean, fields))
    words: list[Word] = []
    values: dict[str, str] = {}
    index = 0
    while index < len(lexes):
        lex = lexes[index]
        if lex.field is None:
            words.append(Word(lex.text, lex.start, lex.end, lex.quoted))
            index += 1
            continue
        if lex.field in values:
            raise UsageError("field_twice", field=lex.field)
        values[lex.field], index = _value(lexes, index, fields[lex.field], date_phrase)
    return Tokens(text=clean, words=tuple(words), fields=values)


def normalise(text: str) -> str:
    """Smart quotes become `"`, NUL goes (PostgreSQL cannot store it), ends trimmed. Broadcasts (`<!here>`) stay
    as typed: text is escaped for Slack where it is rendered, not here."""
    return text.translate(SMART_QUOTES).replace("\x00", "").strip()


def _value(lexes: list[_Lex], index: int, shape: Shape, date_phrase: DatePhrase) -> tuple[str, int]:
    """The value of the field at `lexes[index]` and the index after it.

    The value is attached (`owner:@ana`) or, after `name:` and a space, the next piece (`owner: @ana`). A quoted
    value is the whole value. Otherwise a TEXT value takes every piece up to the next known field, a DATE value
    the longest date phrase, and a WORD value one piece (and after a trailing comma a mention or channel more).
    """
    lex = lexes[index]
    if lex.value or lex.value_quoted:
        head, quoted, rest = lex.value, lex.value_quoted, index + 1
    elif index + 1 < len(lexes) and lexes[index + 1].field is None:
        following = lexes[index + 1]
        head, quoted, rest = following.text, following.quoted, index + 2
    else:
        raise UsageError("field_no_value", field=lex.field)
    if not head:
        raise UsageError("field_no_value", field=lex.field)
    if quoted:
        return head, rest
    free = _free_run(lexes, rest)
    if shape is Shape.TEXT:
        parts = [head, *(piece.text for piece in free)]
    elif shape is Shape.DATE:
        phrase = [head, *(piece.text for piece in takewhile(lambda piece: not piece.quoted, free[: PHRASE_WORDS - 1]))]
        parts = phrase[: max(date_phrase(phrase), 1)]
    else:
        parts = [head]
        for piece in free:  # `members:@a, @b`: a list of mentions or channels goes on after a comma
            if not (parts[-1].endswith(",") and piece.text.startswith(LIST_ITEM)):
                break
            parts.append(piece.text)
    return " ".join(parts), rest + len(parts) - 1


def _free_run(lexes: list[_Lex], start: int) -> list[_Lex]:
    """The pieces from `start` up to the next known field."""
    end = start
    while end < len(lexes) and lexes[end].field is None:
        end += 1
    return lexes[start:end]


def _lexes(text: str, fields: Mapping[str, Shape]) -> Iterator[_Lex]:
    """Every piece of `text`, known fields recognised; a close misspelling of one is an error."""
    known = {name.lower(): name for name in fields}
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        end, piece, quoted = _scan(text, position)
        match = FIELD_NAME.match(text, position)
        if match is None or _is_url(text, match):
            yield _Lex(piece, position, end, quoted)
        else:
            name = match.group(1)
            value_end, value, value_quoted = _scan(text, match.end()) if match.end() < end else (end, "", False)
            if name.lower() in known:
                yield _Lex(piece, position, end, quoted, known[name.lower()], value, value_quoted)
            else:
                _refuse_misspelling(name, known.values(), spaced=value_end == match.end())
                yield _Lex(piece, position, end, quoted)
        position = end


def _scan(text: str, position: int) -> tuple[int, str, bool]:
    """From `position` to the next whitespace outside quotes and Slack entities: (end, text unquoted, quoted)."""
    pieces: list[str] = []
    quoted = False
    while position < len(text) and not text[position].isspace():
        char = text[position]
        entity = ENTITY.match(text, position) if char == "<" else None
        if entity is not None:
            pieces.append(entity.group(0))
            position = entity.end()
        elif char == '"':
            close = text.find('"', position + 1)
            if close < 0:
                raise UsageError("quote_unclosed", near=text[position : position + 30])
            pieces.append(text[position + 1 : close])
            quoted, position = True, close + 1
        else:
            pieces.append(char)
            position += 1
    return position, "".join(pieces), quoted


def _is_url(text: str, match: re.Match[str]) -> bool:
    return match.group(1).lower() in URL_SCHEMES or text.startswith("//", match.end())


def _refuse_misspelling(name: str, known: Iterable[str], *, spaced: bool) -> None:
    """Raise for `ownr:` when `owner:` is known. Prose (`Owners: the vendor`, a space after the colon) may use
    a longer or shorter form of a field's name; an attached value (`owners:@a`) is field syntax, never prose."""
    suggestion = did_you_mean(name, known)
    if suggestion is None:
        return
    lowered, wanted = name.lower(), suggestion.lower()
    if spaced and (lowered.startswith(wanted) or wanted.startswith(lowered)):
        return
    raise UsageError("unknown_field_suggestion", field=name, suggestion=suggestion)
