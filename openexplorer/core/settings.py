"""The user's settings, declared in one table, and the Hugging Face token.

:data:`SETTINGS` is a Datasette-style table: each setting's name (its QSettings key), default and
help text, plus what the settings dialog needs to build a widget for it (kind, label, choices,
range). The dialog is generated from this table; the refresh controller and the app read the same
keys. :func:`coerce` turns a stored value (QSettings' INI files give strings back) into the
setting's type.

The token is never a setting: it is read from ``HF_TOKEN``, then the system keyring (service
``OpenExplorer``, user ``huggingface``), then the huggingface_hub login, and it is only ever
written to the keyring (:func:`set_token`). It never goes into QSettings, the cache, a log or an
export.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

KEYRING_SERVICE = "OpenExplorer"
KEYRING_USER = "huggingface"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Setting:
    """One user setting: ``name`` is its QSettings key."""

    name: str
    default: Any
    help: str
    label: str
    kind: str  # "bool", "float", "choice" or "path"
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    suffix: str = ""
    restart: bool = False  # takes effect after a restart


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "hub/offline", False,
        "Never contact the Hugging Face Hub; work from the local cache only.",
        "Work offline", "bool",
    ),
    Setting(
        "hub/auto_refresh", True,
        "Refresh the models whose Hub data is stale in the background, every refresh interval.",
        "Refresh stale models automatically", "bool",
    ),
    Setting(
        "hub/refresh_interval_hours", 6.0,
        "How often the background refresh looks for stale models, in hours.",
        "Refresh interval", "float", minimum=0.5, maximum=24 * 30, suffix=" h",
    ),
    Setting(
        "hub/stale_after_hours", 168.0,
        "Hub data older than this many hours is refreshed (and the status bar calls it stale).",
        "Stale after", "float", minimum=1.0, maximum=24 * 365, suffix=" h",
    ),
    Setting(
        "ui/theme", "system",
        "Colours of the window and charts: the system's, light or dark.",
        "Theme", "choice", choices=("system", "light", "dark"),
    ),
    Setting(
        "cache/path", "",
        "Where the cache (a SQLite file) lives; empty means the default location.",
        "Cache location", "path", restart=True,
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def defaults() -> dict[str, Any]:
    """Every setting's default, by name."""
    return {s.name: s.default for s in SETTINGS}


def coerce(setting: Setting, value: Any) -> Any:
    """``value`` as read from storage, in the setting's type; the default when it is unusable."""
    if value is None:
        return setting.default
    if setting.kind == "bool":
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            return setting.default
        return bool(value)
    if setting.kind == "float":
        try:
            number = float(value)
        except (TypeError, ValueError):
            return setting.default
        if math.isnan(number):
            return setting.default
        if setting.minimum is not None:
            number = max(setting.minimum, number)
        if setting.maximum is not None:
            number = min(setting.maximum, number)
        return number
    if setting.kind == "choice":
        text = str(value).strip().lower()
        return text if text in setting.choices else setting.default
    return str(value).strip()


def read(store: Mapping[str, Any] | Any) -> dict[str, Any]:
    """Every setting from ``store`` (a mapping, or anything with ``value(key, default)`` such as
    a QSettings), coerced to its type."""
    values = {}
    for setting in SETTINGS:
        if isinstance(store, Mapping):
            raw = store.get(setting.name, setting.default)
        else:
            raw = store.value(setting.name, setting.default)
        values[setting.name] = coerce(setting, raw)
    return values


def value(store: Mapping[str, Any] | Any, name: str) -> Any:
    """The setting ``name`` from ``store`` (as :func:`read`), coerced to its type."""
    setting = SETTINGS_BY_NAME[name]
    raw = (store.get(name, setting.default) if isinstance(store, Mapping)
           else store.value(name, setting.default))
    return coerce(setting, raw)


def cache_path(values: Mapping[str, Any]) -> str:
    """The cache file to open: the ``cache/path`` setting, else the default location."""
    from openexplorer.core.paths import default_cache_path

    configured = str(values.get("cache/path") or "").strip()
    return os.path.expanduser(configured) if configured else str(default_cache_path())


# -- the Hugging Face token ------------------------------------------------------------------------


def _keyring_token() -> str | None:
    import keyring  # here, not at the top: slow to import, and the app starts without it
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or None
    except keyring.errors.KeyringError as exc:  # NoKeyringError included
        log.debug("no token from the keyring: %s", type(exc).__name__)
        return None
    except Exception as exc:  # noqa: BLE001 - a broken backend must not stop the app
        log.warning("the system keyring could not be read (%s)", type(exc).__name__)
        return None


def _hub_login_token() -> str | None:
    try:
        import huggingface_hub

        return huggingface_hub.get_token() or None
    except Exception as exc:  # noqa: BLE001 - no login, no token
        log.debug("no token from the huggingface_hub login: %s", type(exc).__name__)
        return None


def token_source() -> str | None:
    """Where the token comes from: ``"environment"``, ``"keyring"``, ``"huggingface_hub"``, or
    None when there is none. Never the token itself."""
    if os.environ.get("HF_TOKEN", "").strip():
        return "environment"
    if _keyring_token():
        return "keyring"
    if _hub_login_token():
        return "huggingface_hub"
    return None


def get_token() -> str | None:
    """The Hugging Face token: ``HF_TOKEN``, else the keyring, else the huggingface_hub login."""
    env = os.environ.get("HF_TOKEN", "").strip()
    if env:
        return env
    return _keyring_token() or _hub_login_token()


def keyring_has_token() -> bool:
    """Whether a token is stored in the keyring (False when there is no usable keyring)."""
    return _keyring_token() is not None


def set_token(token: str | None) -> None:
    """Store ``token`` in the system keyring, or remove it (``None`` or empty).

    The keyring is the only place a token is written. Raises
    :class:`keyring.errors.NoKeyringError` with a message a user can act on when this system
    has no keyring, and :class:`keyring.errors.KeyringError` when the keyring refuses.
    """
    import keyring
    import keyring.errors

    token = (token or "").strip()
    if any(ch.isspace() for ch in token):
        raise ValueError("A Hugging Face token has no spaces or line breaks.")
    try:
        if token:
            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, token)
        else:
            # Nothing stored: removed already.
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except keyring.errors.NoKeyringError as exc:
        raise keyring.errors.NoKeyringError(
            "No system keyring is available to store the token. Set HF_TOKEN in the "
            "environment or log in with `hf auth login` instead."
        ) from exc
    except keyring.errors.KeyringError as exc:
        raise keyring.errors.KeyringError(
            f"The system keyring refused the token ({type(exc).__name__}); is it locked?"
        ) from exc
