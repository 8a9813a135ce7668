"""Hub tokens kept out of what the window shows and logs (status-bar errors, warnings).

The window's one source of :func:`redact`: its users import it from here, so that when the hub
layer exposes its own public ``redact`` (issue #15: token redaction is written twice, here and in
openexplorer/hub/client.py) this module becomes that one import.
"""

from __future__ import annotations

import os
import re

_TOKEN_RE = re.compile(r"\bhf_[A-Za-z0-9]{8,}\b")
_BEARER_RE = re.compile(r"(?i)\b(bearer\s+|token\s*[=:]\s*)[A-Za-z0-9._\-]{8,}")


def _secrets() -> list[str]:
    values = [os.environ.get(name, "") for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")]
    return [v for v in values if len(v) >= 8]


def redact(text: str) -> str:
    """``text`` without anything that looks like a Hub token."""
    for secret in _secrets():
        text = text.replace(secret, "***")
    text = _TOKEN_RE.sub("hf_***", text)
    return _BEARER_RE.sub(lambda m: f"{m.group(1)}***", text)
