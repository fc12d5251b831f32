"""Logging that can never print a Slack token or the signing secret."""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.settings import Settings

TOKEN_SHAPE = re.compile(r"\b(xox[abposre]|xapp)-[0-9A-Za-z-]+")
MASK = "[redacted]"

_secrets: list[str] = []
_base_factory = logging.getLogRecordFactory()


def redact(text: str) -> str:
    """`text` with every configured secret and anything shaped like a Slack token masked."""
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return TOKEN_SHAPE.sub(MASK, text)


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a broken format string must not hide the record
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install_redaction(settings: Settings) -> None:
    """Mask secrets in every log record, whichever logger or handler it goes through."""
    values = [
        s.get_secret_value()
        for s in (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
        if s is not None
    ]
    _secrets[:] = sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)
    logging.setLogRecordFactory(_redacting_factory)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
