"""HubClient through the real huggingface_hub client, over HTTP, against the local fake Hub."""

from __future__ import annotations

import socket
import time
import typing
from pathlib import Path

import huggingface_hub
import pytest
from huggingface_hub import constants

from openexplorer.hub.client import KINDS, MODEL_EXPAND, HubClient, HubError
from tests.fake_hub import FakeHub, Fault, LocalProxy, local_proxy  # noqa: F401 - a fixture


LLAMA = "meta-llama/Llama-3.1-8B-Instruct"


def _error(call: typing.Callable[[], object]) -> HubError:
    with pytest.raises(HubError) as info:
        call()
    assert info.value.kind in KINDS
    return info.value


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- listing ------------------------------------------------------------------------------------

def test_listing_pages_through_link_headers_with_expand(fake_hub: FakeHub) -> None:
    fake_hub.page_size = 3
    infos = list(fake_hub.client().list_models(search="llama", limit=20))
    ids = [i.id for i in infos]
    assert len(ids) == 10 and len(set(ids)) == 10
    assert all("llama" in i.lower() for i in ids)
    pages = fake_hub.requests("/api/models", "GET")
    assert len(pages) == 4  # 3 + 3 + 3 + 1, following Link: <...&cursor=N>; rel="next"
    assert [p.param("cursor") for p in pages] == [[], ["3"], ["6"], ["9"]]
    for page in pages:
        assert page.param("expand") == list(MODEL_EXPAND)
        assert page.param("search") == ["llama"]
    llama = next(i for i in infos if i.id == LLAMA)
    # Expanded fields came with the listing; the others (config, widgetData) did not.
    assert llama.sha and llama.gated == "manual" and llama.card_data is not None
    assert llama.siblings and llama.safetensors is not None and llama.tags
    assert llama.base_models == {"relation": "finetune",
                                 "models": [{"id": "meta-llama/Llama-3.1-8B"}]}
    assert llama.config is None and llama.widget_data is None


def test_listing_stops_at_the_limit_without_asking_for_more_pages(fake_hub: FakeHub) -> None:
    fake_hub.page_size = 2
    infos = list(fake_hub.client().list_models(author="meta-llama", limit=3))
    assert len(infos) == 3 and all(i.id.startswith("meta-llama/") for i in infos)
    assert len(fake_hub.requests("/api/models")) == 2


def test_expand_fields_are_all_known_to_the_hub(fake_hub: FakeHub) -> None:
    known = set(typing.get_args(huggingface_hub.hf_api.ExpandModelProperty_T))
    assert set(MODEL_EXPAND) <= known
    # The fake, like the Hub, refuses an unknown property and returns only what was asked.
    import httpx2

    bad = httpx2.get(f"{fake_hub.url}/api/models/{LLAMA}", params={"expand": "nonsense"})
    assert bad.status_code == 400
    only = httpx2.get(f"{fake_hub.url}/api/models/{LLAMA}", params={"expand": "likes"}).json()
    assert set(only) == {"_id", "id", "likes"}


# -- one model ----------------------------------------------------------------------------------

def test_model_info_follows_a_rename_to_the_canonical_id(fake_hub: FakeHub) -> None:
    client = fake_hub.client()
    info = client.model_info("bert-base-uncased")
    assert info.id == "google-bert/bert-base-uncased"
    paths = [r.path for r in fake_hub.requests("/api/models/")]
    assert paths == ["/api/models/bert-base-uncased", "/api/models/google-bert/bert-base-uncased"]
    # The expand parameters survive the redirect.
    assert fake_hub.requests("/api/models/google-bert")[0].param("expand") == list(MODEL_EXPAND)
    assert client.model_info("meta-llama/Meta-Llama-3.1-8B-Instruct").id == LLAMA


def test_model_index_that_is_an_object_parses(fake_hub: FakeHub,
                                              caplog: pytest.LogCaptureFixture) -> None:
    info = fake_hub.client().model_info("Waynehillsdev/Waynehills-STT-doogie-server")
    # The library keeps the rest of the card data and drops the bad model-index with a warning.
    assert info.card_data is not None and info.card_data.license == "apache-2.0"
    assert info.card_data.get("eval_results") is None
    assert "Invalid model-index" in caplog.text


@pytest.mark.parametrize(("fault", "kind", "status"), [
    (Fault.gated(403), "gated", 403),
    (Fault.gated(401), "gated", 401),
    (Fault.private(), "not_found", 401),
    (Fault.not_found(), "not_found", 404),
    (Fault.bad_token(), "unauthorized", 401),
    (Fault(status=403, headers={"X-Error-Message": "Forbidden"}), "unauthorized", 403),
    (Fault.server_error(500), "server", 500),
    (Fault.server_error(503), "server", 503),
    (Fault.server_error(502), "server", 502),
    (Fault(status=408), "timeout", 408),
    (Fault.malformed_json(), "malformed", None),
    (Fault.wrong_content_type(), "malformed", None),
    (Fault.truncated(), "malformed", None),
])
def test_model_info_failures_map_to_one_kind_each(fake_hub: FakeHub, fault: Fault, kind: str,
                                                  status: int | None) -> None:
    fake_hub.fail(f"/api/models/{LLAMA}", fault)
    error = _error(lambda: fake_hub.client().model_info(LLAMA))
    assert (error.kind, error.status) == (kind, status)
    assert LLAMA in str(error)
    # One request: the library did not retry behind our back.
    assert len(fake_hub.requests(f"/api/models/{LLAMA}")) == 1


def test_rate_limit_gives_retry_after_and_is_not_retried_by_the_library(
        fake_hub: FakeHub) -> None:
    client = fake_hub.client()
    fake_hub.fail(f"/api/models/{LLAMA}", Fault.rate_limited(7))
    error = _error(lambda: client.model_info(LLAMA))
    assert (error.kind, error.status, error.retry_after) == ("rate_limited", 429, 7.0)
    assert error.retryable
    fake_hub.fail(f"/api/models/{LLAMA}", Fault.rate_limited(55, ratelimit=True))
    assert _error(lambda: client.model_info(LLAMA)).retry_after == 55.0
    fake_hub.fail(f"/api/models/{LLAMA}", Fault.rate_limited(None))
    assert _error(lambda: client.model_info(LLAMA)).retry_after is None
    assert len(fake_hub.requests(f"/api/models/{LLAMA}")) == 3
    assert client.model_info(LLAMA).id == LLAMA


def test_a_failed_page_ends_the_listing_at_once(fake_hub: FakeHub) -> None:
    fake_hub.page_size = 3
    fake_hub.fail("/api/models", Fault.rate_limited(9, query="cursor=3"))
    models = fake_hub.client().list_models(search="llama")
    got = [next(models).id for _ in range(3)]
    assert len(got) == 3
    error = _error(lambda: next(models))
    assert (error.kind, error.retry_after) == ("rate_limited", 9.0)
    assert len(fake_hub.requests("/api/models")) == 2  # no sleeping retries inside the library


def test_a_slow_answer_times_out_at_the_clients_timeout(fake_hub: FakeHub) -> None:
    client = fake_hub.client(timeout=0.2)
    fake_hub.fail(f"/api/models/{LLAMA}", Fault.slow(2.0))
    started = time.monotonic()
    assert _error(lambda: client.model_info(LLAMA)).kind == "timeout"
    # list_models passes no timeout to the library at all: ours still applies.
    fake_hub.fail("/api/models", Fault.slow(2.0))
    assert _error(lambda: next(client.list_models(search="llama"))).kind == "timeout"
    assert time.monotonic() - started < 1.5


# -- cards --------------------------------------------------------------------------------------

def test_card_is_downloaded_once_per_commit(fake_hub: FakeHub) -> None:
    client = fake_hub.client()
    info = client.model_info("google/gemma-2b-it")
    text = client.model_card(info.id, revision=info.sha)
    assert text is not None and text.startswith("---") and "Gemma Model Card" in text
    methods = [r.method for r in fake_hub.requests("/google/gemma-2b-it/resolve/")]
    assert methods == ["HEAD", "GET"]
    # Same commit again: read from the card cache, no request at all.
    assert client.model_card(info.id, revision=info.sha) == text
    assert len(fake_hub.requests("/google/gemma-2b-it/resolve/")) == 2
    # An older revision by its commit.
    old = fake_hub.card_revisions("google/gemma-2b-it")[0]
    assert "license:" not in (client.model_card(info.id, revision=old) or "").split("---")[1]


def test_card_missing_is_none_and_other_card_faults_are_errors(fake_hub: FakeHub) -> None:
    client = fake_hub.client()
    assert client.model_card("Waynehillsdev/Waynehills-STT-doogie-server") is None
    path = "/openai/whisper-tiny/resolve/main/README.md"
    fake_hub.fail(path, Fault.server_error(503, method="HEAD"))
    assert _error(lambda: client.model_card("openai/whisper-tiny")).kind == "server"
    assert len(fake_hub.requests(path)) == 1  # the library's own HEAD retry did not run
    fake_hub.fail(path, Fault.gated(403, method="HEAD"))
    assert _error(lambda: client.model_card("openai/whisper-tiny")).kind == "gated"
    fake_hub.fail(path, Fault.truncated(method="GET"))
    assert _error(lambda: client.model_card("openai/whisper-tiny")).kind == "malformed"
    fake_hub.fail(path, Fault(status=200, headers={}, body=b"x", method="HEAD"))
    # A HEAD without X-Repo-Commit/ETag is not the Hub.
    assert _error(lambda: client.model_card("openai/whisper-tiny")).kind == "malformed"
    assert (client.model_card("openai/whisper-tiny") or "").startswith("---")


def test_card_without_front_matter(fake_hub: FakeHub, shared_data: Path) -> None:
    draft = (shared_data / "hub-samples/cards/bloom/github-bigscience-model_card__6ee8986.md")
    text = draft.read_text(encoding="utf-8")
    assert not text.startswith("---")
    fake_hub.set_card("bigscience/bloom", text)
    assert fake_hub.client().model_card("bigscience/bloom") == text


def test_dataset_licence(fake_hub: FakeHub) -> None:
    fake_hub.add_dataset("HuggingFaceH4/ultrachat_200k", "mit")
    client = fake_hub.client()
    assert client.dataset_license("HuggingFaceH4/ultrachat_200k") == "mit"
    assert _error(lambda: client.dataset_license("nobody/nothing")).kind == "not_found"


# -- environment, offline, unreachable, token ----------------------------------------------------

def test_environment_gives_endpoint_and_cache(fake_hub: FakeHub, tmp_path: Path) -> None:
    client = HubClient()
    assert client.endpoint == fake_hub.url
    assert client.cache_dir == str(tmp_path / "hf-home" / "hub")
    assert not client.has_token
    assert client.model_info(LLAMA).id == LLAMA
    # Telemetry is off: no GET /api/agent-harnesses (G8).
    assert not fake_hub.requests("/api/agent-harnesses")


def test_offline_mode_sends_nothing(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    client = fake_hub.client()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert client.offline
    assert not client.reachable()
    for call in (lambda: client.model_info(LLAMA), lambda: list(client.list_models(search="x")),
                 lambda: client.model_card(LLAMA), lambda: client.dataset_license("a/b")):
        assert _error(call).kind == "offline"
    assert fake_hub.log == []


def test_unreachable_hub_fails_in_about_a_second(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    client = HubClient(f"http://127.0.0.1:{_closed_port()}", token=False, cache_dir=tmp_path)
    started = time.monotonic()
    assert client.reachable(timeout=1.0) is False
    assert _error(lambda: client.model_info(LLAMA)).kind == "unreachable"
    assert _error(lambda: next(client.list_models(search="llama"))).kind == "unreachable"
    assert _error(lambda: client.model_card(LLAMA)).kind == "unreachable"
    # Not the library's ~23 s of retries (G9); loose bound to stay honest but not flaky.
    assert time.monotonic() - started < 5


def test_reachable_counts_any_answer(fake_hub: FakeHub) -> None:
    fake_hub.fail("/api/models", Fault.server_error(503))
    assert fake_hub.client().reachable()


def test_token_is_sent_but_never_shown(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "hf_TestSecretToken0123456789"
    monkeypatch.setenv("HF_TOKEN", secret)
    client = HubClient(fake_hub.url, cache_dir=fake_hub.cache_dir)
    assert client.has_token and secret not in repr(client)
    client.model_info(LLAMA)
    client.model_card(LLAMA)
    assert {r.authorization for r in fake_hub.log} == {f"Bearer {secret}"}
    fake_hub.fail(f"/api/models/{LLAMA}", Fault.bad_token())
    error = _error(lambda: client.model_info(LLAMA))
    assert secret not in str(error) and secret not in repr(error)
    anonymous = HubClient(fake_hub.url, token=False, cache_dir=fake_hub.cache_dir)
    anonymous.model_info(LLAMA)
    assert fake_hub.log[-1].authorization is None


def test_the_transport_changes_nothing_outside_hubclient_calls(fake_hub: FakeHub) -> None:
    fake_hub.client()  # installs the session factory
    response = huggingface_hub.get_session().get(f"{fake_hub.url}/api/models/{LLAMA}")
    assert response.status_code == 200 and response.json()["id"] == LLAMA


# -- proxies (issue #19): httpx2 reads HTTP(S)_PROXY / NO_PROXY ---------------------------------

def _through(proxy: LocalProxy, fake_hub: FakeHub) -> bool:
    """Read one model and its card; whether the requests went through ``proxy``."""
    client = fake_hub.client()
    assert client.model_info(LLAMA).id == LLAMA
    assert client.model_card("bigscience/bloom")
    assert client.reachable()
    seen = proxy.seen
    assert not seen or len(seen) >= 3  # all of them, or none
    return bool(seen)


def test_a_proxy_in_http_proxy_is_used(fake_hub: FakeHub, local_proxy: LocalProxy,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://{local_proxy.address}")
    assert _through(local_proxy, fake_hub)
    assert any(f"/api/models/{LLAMA}" in line for line in local_proxy.seen)
    assert any("/resolve/" in line for line in local_proxy.seen)


def test_a_proxy_without_a_scheme_is_taken_as_http(fake_hub: FakeHub, local_proxy: LocalProxy,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", local_proxy.address)  # 127.0.0.1:PORT
    assert _through(local_proxy, fake_hub)


def test_a_schemeless_https_proxy_does_not_break_other_calls(
        fake_hub: FakeHub, local_proxy: LocalProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: "Unknown scheme for proxy URL" on every call, even to an http:// endpoint.
    monkeypatch.setenv("HTTPS_PROXY", "proxy.corp:3128")
    assert not _through(local_proxy, fake_hub)


@pytest.mark.parametrize("no_proxy", [
    "*", "127.0.0.1", "127.0.0.0/8", "10.0.0.1, 127.0.0.1", "127.0.0.1:{port}", "localhost,*"])
def test_no_proxy_bypasses_the_proxy(fake_hub: FakeHub, local_proxy: LocalProxy,
                                     monkeypatch: pytest.MonkeyPatch, no_proxy: str) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://{local_proxy.address}")
    monkeypatch.setenv("NO_PROXY", no_proxy.format(port=fake_hub.port))
    assert not _through(local_proxy, fake_hub)


@pytest.mark.parametrize("no_proxy", ["10.0.0.0/8", "127.0.0.1:1", "example.com"])
def test_no_proxy_for_other_hosts_or_ports_keeps_the_proxy(
        fake_hub: FakeHub, local_proxy: LocalProxy, monkeypatch: pytest.MonkeyPatch,
        no_proxy: str) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://{local_proxy.address}")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    assert _through(local_proxy, fake_hub)


def test_a_proxy_setting_httpx_refuses_gives_a_clear_error(
        fake_hub: FakeHub, local_proxy: LocalProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "ftp://127.0.0.1:21")
    error = _error(lambda: fake_hub.client().model_info(LLAMA))
    assert error.kind == "unreachable"
    assert "proxy settings" in error.message and "ftp://127.0.0.1:21" in error.message
    assert not fake_hub.client().reachable()
    assert fake_hub.log == []


def test_a_proxy_that_is_down_is_unreachable_at_once(
        fake_hub: FakeHub, local_proxy: LocalProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{_closed_port()}")
    started = time.monotonic()
    error = _error(lambda: fake_hub.client().model_info(LLAMA))
    assert error.kind == "unreachable" and time.monotonic() - started < 5
    assert fake_hub.log == []


def test_redact_hides_tokens_in_use_in_the_environment_and_shaped_like_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from openexplorer.hub.redaction import keep_out_of_logs, redact

    keep_out_of_logs("given-to-a-client-0123")
    monkeypatch.setenv("HF_TOKEN", "from-the-environment-99")
    text = ("given-to-a-client-0123 from-the-environment-99 hf_abcdefghij12 "
            "Authorization: Bearer abcdefgh.ijk token=s3cr3t-v4lue")
    assert redact(text) == "*** *** hf_*** Authorization: Bearer *** token=***"
    assert redact("meta-llama/Llama-3.1-8B hf_short") == "meta-llama/Llama-3.1-8B hf_short"


def test_a_refresh_with_unusable_proxy_settings_says_so(
        fake_hub: FakeHub, local_proxy: LocalProxy, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openexplorer.cli import main

    monkeypatch.setenv("HTTPS_PROXY", "ftp://proxy.corp:21")
    db = tmp_path / "cache.sqlite"
    assert main(["--db", str(db), "refresh", "--ids", LLAMA]) == 1
    err = capsys.readouterr().err
    assert "the proxy settings cannot be used" in err and "https=ftp://proxy.corp:21" in err
    assert "did not answer" not in err and fake_hub.log == []
