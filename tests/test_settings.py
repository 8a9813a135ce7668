"""The settings table and the Hub token: environment, keyring, huggingface_hub login."""

from __future__ import annotations

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from openexplorer.core import settings
from openexplorer.core.settings import SETTINGS, SETTINGS_BY_NAME, coerce


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict: nothing leaves the test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("not set") from None


@pytest.fixture
def no_login(monkeypatch):
    """No HF_TOKEN and no huggingface_hub login, whatever the machine has."""
    monkeypatch.delenv("HF_TOKEN", raising=False)
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "get_token", lambda: None)


@pytest.fixture
def memory_keyring(no_login):
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(no_login):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


TOKEN = "hf_TestTokenAbcdefghijklmnop"


def test_the_table_has_every_setting_with_help():
    names = [s.name for s in SETTINGS]
    assert names == ["hub/offline", "hub/auto_refresh", "hub/refresh_interval_hours",
                     "hub/stale_after_hours", "ui/theme", "cache/path"]
    for setting in SETTINGS:
        assert setting.help.strip() and setting.label.strip()
        assert coerce(setting, setting.default) == setting.default
    assert SETTINGS_BY_NAME["ui/theme"].choices == ("system", "light", "dark")
    assert SETTINGS_BY_NAME["cache/path"].restart
    assert settings.defaults()["hub/stale_after_hours"] == 168.0


def test_values_read_back_from_an_ini_file_are_coerced():
    by = SETTINGS_BY_NAME
    assert coerce(by["hub/offline"], "true") is True
    assert coerce(by["hub/offline"], "false") is False
    assert coerce(by["hub/offline"], "maybe") is False  # the default
    assert coerce(by["hub/auto_refresh"], None) is True
    assert coerce(by["hub/refresh_interval_hours"], "12") == 12.0
    assert coerce(by["hub/refresh_interval_hours"], "soon") == 6.0
    assert coerce(by["hub/refresh_interval_hours"], "0") == 0.5  # clamped to the minimum
    assert coerce(by["hub/refresh_interval_hours"], "nan") == 6.0
    assert coerce(by["ui/theme"], "Dark") == "dark"
    assert coerce(by["ui/theme"], "purple") == "system"
    assert coerce(by["cache/path"], " /tmp/x.sqlite ") == "/tmp/x.sqlite"


def test_read_from_a_mapping_fills_defaults():
    values = settings.read({"ui/theme": "light", "hub/offline": "1"})
    assert values["ui/theme"] == "light" and values["hub/offline"] is True
    assert values["hub/refresh_interval_hours"] == 6.0


def test_cache_path_defaults_to_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENEXPLORER_DB", str(tmp_path / "default.sqlite"))
    assert settings.cache_path({"cache/path": ""}) == str(tmp_path / "default.sqlite")
    assert settings.cache_path({"cache/path": str(tmp_path / "mine.sqlite")}) == str(
        tmp_path / "mine.sqlite")


def test_token_is_saved_to_and_removed_from_the_keyring(memory_keyring):
    assert settings.get_token() is None and settings.token_source() is None
    settings.set_token(f"  {TOKEN}\n")
    assert memory_keyring.passwords == {("OpenExplorer", "huggingface"): TOKEN}
    assert settings.get_token() == TOKEN
    assert settings.token_source() == "keyring" and settings.keyring_has_token()
    settings.set_token(None)
    assert memory_keyring.passwords == {}
    assert settings.get_token() is None
    settings.set_token("")  # removing twice is fine


def test_environment_wins_then_keyring_then_the_hub_login(memory_keyring, monkeypatch):
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "get_token", lambda: "hf_fromTheHubLogin123")
    assert settings.get_token() == "hf_fromTheHubLogin123"
    assert settings.token_source() == "huggingface_hub"
    settings.set_token(TOKEN)
    assert settings.get_token() == TOKEN
    monkeypatch.setenv("HF_TOKEN", "hf_fromTheEnvironment1")
    assert settings.get_token() == "hf_fromTheEnvironment1"
    assert settings.token_source() == "environment"


def test_no_keyring_is_a_clear_error_when_saving(no_keyring):
    with pytest.raises(keyring.errors.NoKeyringError, match="No system keyring"):
        settings.set_token(TOKEN)
    with pytest.raises(keyring.errors.NoKeyringError):
        settings.set_token(None)
    # Reading without a keyring is no error: there is simply no token.
    assert settings.get_token() is None
    assert not settings.keyring_has_token()


def test_a_refusing_keyring_is_a_keyring_error(no_login):
    class Locked(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError("locked")

    previous = keyring.get_keyring()
    keyring.set_keyring(Locked())
    try:
        with pytest.raises(keyring.errors.KeyringError, match="refused") as info:
            settings.set_token(TOKEN)
        assert TOKEN not in str(info.value)
    finally:
        keyring.set_keyring(previous)


def test_a_token_with_spaces_is_refused(memory_keyring):
    with pytest.raises(ValueError):
        settings.set_token("hf_abc def")
    assert memory_keyring.passwords == {}


def test_the_token_is_never_logged(memory_keyring, caplog):
    caplog.set_level("DEBUG")
    settings.set_token(TOKEN)
    settings.get_token()
    settings.token_source()
    assert TOKEN not in caplog.text
