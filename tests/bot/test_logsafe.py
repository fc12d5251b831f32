"""Logs never contain the Slack tokens or the signing secret, however they are logged."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot import logsafe
from bot.settings import load_settings

TOKENS = {
    "SLACK_BOT_TOKEN": ("xoxb" + "-1111-2222-SuperSecretBotToken"),
    "SLACK_SIGNING_SECRET": "8f14e45fceea167a5a36dedd4bea2543",
    "SLACK_APP_TOKEN": ("xapp" + "-1-A111-2222-SuperSecretAppToken"),
}
BOT, SIGNING, APP = TOKENS.values()


@pytest.fixture
def redaction(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Redaction installed from settings with all three secrets; a StreamHandler on root captures output.

    The original record factory, root handlers and secret list are restored afterwards.
    """
    original_factory = logging.getLogRecordFactory()
    root = logging.getLogger()
    original_handlers, original_level = list(root.handlers), root.level
    original_secrets = list(logsafe._secrets)
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logsafe.install_redaction(load_settings())
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        logging.setLogRecordFactory(original_factory)
        root.handlers[:] = original_handlers
        root.setLevel(original_level)
        logsafe._secrets[:] = original_secrets


def assert_clean(text: str) -> None:
    for secret in TOKENS.values():
        assert secret not in text
    assert "SuperSecret" not in text


def test_message_arguments_f_strings_and_objects_are_redacted(
    redaction: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    log = logging.getLogger("pulse.test")
    with caplog.at_level(logging.DEBUG):
        log.info("calling Slack with token %s", BOT)
        log.warning(f"signing secret is {SIGNING}")  # an f-string: the case being tested
        log.error("app token %(token)s in a mapping", {"token": APP})
        log.debug("settings: %r", {"headers": {"Authorization": f"Bearer {BOT}"}})
        log.info(RuntimeError(f"auth failed for {APP}"))
        log.info("token embedded mid-word: abc%sdef", SIGNING)
    output = redaction.getvalue()
    assert output.count(logsafe.MASK) >= 6
    assert "calling Slack with token [redacted]" in output
    assert_clean(output)
    assert_clean(caplog.text)
    assert len(caplog.records) == 6
    for record in caplog.records:
        assert_clean(record.getMessage())


def test_exceptions_and_their_tracebacks_are_redacted(redaction: io.StringIO, caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("pulse.test")

    def call_slack(token: str) -> None:
        raise PermissionError(f"invalid_auth for {token}")

    with caplog.at_level(logging.DEBUG):
        try:
            try:
                call_slack(BOT)
            except PermissionError as inner:
                raise RuntimeError(f"retry with app token {APP} failed") from inner
        except RuntimeError:
            log.exception("request failed (secret %s)", SIGNING)
        try:
            call_slack(SIGNING)
        except PermissionError as error:
            log.warning("handled", exc_info=error)
    output = redaction.getvalue()
    assert "Traceback (most recent call last)" in output
    assert "invalid_auth for [redacted]" in output
    assert "retry with app token [redacted] failed" in output
    assert "The above exception was the direct cause" in output
    assert_clean(output)
    assert_clean(caplog.text)
    for record in caplog.records:
        assert record.exc_text is not None
        assert_clean(record.exc_text)


def test_token_shaped_strings_are_redacted_even_when_not_configured(redaction: io.StringIO) -> None:
    other = "xoxp" + "-9999-8888-SomeoneElsesUserToken"
    logging.getLogger("slack_sdk").warning("got %s back", other)
    assert other not in redaction.getvalue()
    assert "got [redacted] back" in redaction.getvalue()


def test_other_text_is_left_alone(redaction: io.StringIO) -> None:
    logging.getLogger("pulse").info("R-12 closed by <@U0PRIYA> in %d ms", 42)
    assert "INFO pulse: R-12 closed by <@U0PRIYA> in 42 ms" in redaction.getvalue()


def test_a_broken_format_string_still_logs_and_stays_redacted(redaction: io.StringIO) -> None:
    logging.getLogger("pulse").info("two placeholders %s %s for " + BOT, "one")
    output = redaction.getvalue()
    assert "two placeholders" in output
    assert_clean(output)


def test_redact_masks_configured_secrets_longest_first(redaction: io.StringIO) -> None:
    assert logsafe.redact(f"a {BOT} b {SIGNING} c {APP}") == "a [redacted] b [redacted] c [redacted]"
    assert logsafe.redact("nothing secret") == "nothing secret"
