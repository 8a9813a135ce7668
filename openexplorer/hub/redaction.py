"""Hub tokens kept out of messages and logs: :func:`redact` and :func:`keep_out_of_logs`.

Imports nothing of ``huggingface_hub``, so the window can use it before the Hub client is loaded.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any

__all__ = ["keep_out_of_logs", "redact"]

#: What a Hub user access token looks like (``hf_`` and letters/digits).
_TOKEN_RE = re.compile(r"\bhf_[A-Za-z0-9]{8,}\b")
#: A bearer token or ``token=...`` in a header or message.
_BEARER_RE = re.compile(r"(?i)\b(bearer\s+|token\s*[=:]\s*)[A-Za-z0-9._\-]{8,}")
#: Environment variables that hold a Hub token.
TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
_MIN_SECRET = 8

_LOCK = threading.Lock()
_SECRETS: set[str] = set()


def _known_secrets() -> list[str]:
    from_env = [os.environ.get(name, "") for name in TOKEN_VARIABLES]
    with _LOCK:
        registered = list(_SECRETS)
    return [s for s in dict.fromkeys(registered + from_env) if len(s) >= _MIN_SECRET]


def redact(text: str) -> str:
    """``text`` without any Hub token: the tokens in use (given to a client, or in ``HF_TOKEN``),
    anything shaped like one (``hf_…``), and bearer / ``token=`` values."""
    for secret in _known_secrets():
        text = text.replace(secret, "***")
    text = _TOKEN_RE.sub("hf_***", text)
    return _BEARER_RE.sub(lambda m: f"{m.group(1)}***", text)


def _contains_secret(text: str) -> bool:
    with _LOCK:
        return any(secret in text for secret in _SECRETS)


def _replace_secrets(text: str) -> str:
    with _LOCK:
        secrets = list(_SECRETS)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def keep_out_of_logs(token: str) -> None:
    """No log record, of any library, carries ``token`` from now on (a Hub that echoes it back
    in a header, logged by httpcore at DEBUG, would otherwise put it in the user's log file)."""
    with _LOCK:
        if len(token) < _MIN_SECRET or token in _SECRETS:
            return
        first = not _SECRETS
        _SECRETS.add(token)
    if not first:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: logging reports it later
            return record
        if _contains_secret(message):
            record.msg, record.args = _replace_secrets(message), None
        if record.exc_info and record.exc_info[0] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if _contains_secret(text):
                record.exc_text = _replace_secrets(text)
        return record

    logging.setLogRecordFactory(factory)
