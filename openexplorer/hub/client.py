"""The Hugging Face Hub through the real ``huggingface_hub`` client; the only module importing it.

:class:`HubClient` lists models (``list_models`` with ``expand``, paged by the library through the
``Link`` header), reads one model (``model_info``; renamed repos answer with a 307 that the client
follows, so ``info.id`` is the canonical id) and its card (``README.md`` through
``hf_hub_download``, cached per commit). Every failure comes out as one :class:`HubError` with a
``kind``; the token never appears in one.

Environment: ``HF_ENDPOINT``, ``HF_TOKEN`` (or the stored ``hf auth login``), ``HF_HOME`` /
``HF_HUB_CACHE`` are read when a client is built; ``HF_HUB_OFFLINE`` through
``huggingface_hub.constants.HF_HUB_OFFLINE`` on every call. huggingface_hub reads its environment
once, at import (TECH-NOTES G7), so the endpoint and cache folder are passed explicitly.
Telemetry is off (G8).

Retries belong to :mod:`openexplorer.hub.refresh`, not to the library. huggingface_hub 2.4 retries
paged listings (``list_models`` → ``http_backoff``) up to 5 times on connection errors, timeouts,
408, 429 and 5xx, sleeping with ``time.sleep`` (23 s before an unreachable Hub fails, G9;
``Retry-After`` + 1 s on a 429), and ``hf_hub_download`` retries a failed HEAD the same way when
the file is not cached; no setting or argument changes that (``model_info`` itself makes one
request, but with no timeout at all unless given one). So this module installs an HTTP client (``huggingface_hub.set_client_factory``) whose transport, *during
a HubClient call only*, turns those answers into exceptions the library does not catch: the
first 408/429/5xx or connection failure ends the call at once, and the refresh loop decides
whether and when to retry, with its own clock and sleep. The same transport caps every timeout
at ``HubClient.timeout`` (``list_models`` passes none at all) and reports each request to the
observers of :meth:`HubClient.observe` (request budget, call counts, rate-limit headers). Outside
HubClient calls the transport changes nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import json
import logging
import os
import threading
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import httpx2
import huggingface_hub
from huggingface_hub import HfApi, constants, hf_hub_download
from huggingface_hub.errors import (
    DisabledRepoError,
    FileMetadataError,
    GatedRepoError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.hf_api import ModelInfo
from huggingface_hub.utils import parse_ratelimit_headers

from openexplorer import __version__

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_TIMEOUT",
    "KINDS",
    "MODEL_EXPAND",
    "RETRYABLE_KINDS",
    "HubClient",
    "HubError",
    "ModelInfo",
    "is_offline",
    "rate_limit_state",
]

#: Fields asked of ``/api/models`` and ``/api/models/{id}`` (``expand``): what Hub evidence needs.
MODEL_EXPAND: tuple[str, ...] = (
    "author", "baseModels", "cardData", "createdAt", "disabled", "downloads", "gated",
    "lastModified", "library_name", "likes", "pipeline_tag", "private", "safetensors", "sha",
    "siblings", "tags",
)

#: Every ``HubError.kind``.
KINDS = frozenset({"offline", "unreachable", "not_found", "gated", "unauthorized",
                   "rate_limited", "server", "timeout", "malformed"})
#: Kinds worth another try after a wait.
RETRYABLE_KINDS = frozenset({"rate_limited", "server", "timeout"})

DEFAULT_TIMEOUT = 10.0
#: Statuses the library would retry by itself (``_DEFAULT_RETRY_ON_STATUS_CODES`` in 2.4).
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# Telemetry would add a GET /api/agent-harnesses on the first request (G8). The constant is read
# on every request, so this holds even when huggingface_hub was imported before this module.
constants.HF_HUB_DISABLE_TELEMETRY = True


class HubError(Exception):
    """A Hub call that failed, with what kind of failure it was.

    ``kind`` is one of :data:`KINDS`; ``status`` the HTTP status when there was one;
    ``retry_after`` the seconds the Hub asked us to wait (429 ``Retry-After`` / ``RateLimit``).
    """

    def __init__(self, kind: str, message: str, *, status: int | None = None,
                 retry_after: float | None = None, repo_id: str | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown HubError kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.repo_id = repo_id

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE_KINDS

    def __repr__(self) -> str:
        return f"HubError({self.kind!r}, {self.message!r}, status={self.status!r})"


def is_offline() -> bool:
    """Whether huggingface_hub is offline now (``HF_HUB_OFFLINE``, or switched at run time)."""
    return bool(constants.HF_HUB_OFFLINE)


# -- the HTTP client installed into huggingface_hub ------------------------------------------------

@dataclass(frozen=True)
class _Observers:
    before_request: Callable[[str], None] | None = None
    after_response: Callable[[str, int, Mapping[str, str]], None] | None = None


# The HubClient whose call is running in this thread (None: the transport changes nothing).
_ACTIVE: contextvars.ContextVar[HubClient | None] = contextvars.ContextVar(
    "openexplorer_hub_active", default=None)
_OBSERVERS: contextvars.ContextVar[tuple[_Observers, ...]] = contextvars.ContextVar(
    "openexplorer_hub_observers", default=())


class _Stop(Exception):
    """Ends a library call at once. Deliberately not an httpx2 or HfHubHTTPError subclass: the
    library's retry loops and cache fall-backs catch those, and must not catch this."""

    def __init__(self, kind: str, message: str, *, status: int | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.headers = dict(headers or {})


def _bucket(request: httpx2.Request) -> str:
    """The Hub's rate-limit bucket of a request: ``resolver`` for file downloads, else ``api``."""
    return "resolver" if "/resolve/" in request.url.path else "api"


def _capped_timeout(timeout: Any, cap: float) -> dict[str, float]:
    values = dict(timeout) if isinstance(timeout, Mapping) else {}
    return {key: cap if values.get(key) is None else min(float(values[key]), cap)
            for key in ("connect", "read", "write", "pool")}


def _failure_kind(exc: httpx2.TransportError) -> str:
    if isinstance(exc, httpx2.ConnectTimeout | httpx2.ConnectError | httpx2.ProxyError):
        return "unreachable"
    if isinstance(exc, httpx2.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx2.RemoteProtocolError):
        return "malformed"  # e.g. a body cut short of its Content-Length
    return "unreachable"  # connection reset, network down


class _GuardedStream(httpx2.SyncByteStream):
    """A response body whose read errors end the call instead of entering the library's retries."""

    def __init__(self, inner: httpx2.SyncByteStream, url: str) -> None:
        self._inner = inner
        self._url = url

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except httpx2.TransportError as exc:
            kind = _failure_kind(exc)
            what = "cut short" if kind == "malformed" else "not read completely"
            raise _Stop(kind, f"the response from {self._url} was {what} ({exc})") from None

    def close(self) -> None:
        self._inner.close()


class _HubTransport(httpx2.BaseTransport):
    """Wraps the real transport; see the module docstring."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        client = _ACTIVE.get()
        if client is None:
            return self._inner.handle_request(request)
        bucket = _bucket(request)
        for observers in _OBSERVERS.get():
            if observers.before_request:
                observers.before_request(bucket)
        request.extensions = {
            **request.extensions,
            "timeout": _capped_timeout(request.extensions.get("timeout"), client.timeout),
        }
        url = f"{request.url.scheme}://{request.url.netloc.decode()}{request.url.path}"
        try:
            response = self._inner.handle_request(request)
        except httpx2.TransportError as exc:
            raise _Stop(_failure_kind(exc), f"{request.method} {url}: {exc}") from None
        for observers in _OBSERVERS.get():
            if observers.after_response:
                observers.after_response(bucket, response.status_code, response.headers)
        if response.status_code in _RETRY_STATUSES:
            with contextlib.suppress(Exception):
                response.read()
            response.close()
            raise _Stop("http", f"{request.method} {url}: HTTP {response.status_code}",
                        status=response.status_code, headers=response.headers)
        if not isinstance(response.stream, httpx2.SyncByteStream):
            return response
        return httpx2.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_GuardedStream(response.stream, url),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()


def _refuse_when_offline(request: httpx2.Request) -> None:
    # What huggingface_hub's own request hook does first (its hook is not public API).
    if constants.is_offline_mode():
        raise OfflineModeIsEnabled(
            f"Cannot reach {request.url.scheme}://{request.url.netloc.decode()}"
            f"{request.url.path}: offline mode is enabled (HF_HUB_OFFLINE)."
        )


def _session_factory() -> httpx2.Client:
    """huggingface_hub's shared client, with the transport above (proxies from the environment
    kept: an explicit transport would otherwise switch httpx2's own proxy support off)."""
    def transport(proxy: str | None = None) -> _HubTransport:
        return _HubTransport(httpx2.HTTPTransport(proxy=proxy))

    mounts: dict[str, httpx2.BaseTransport | None] = {}
    proxies = urllib.request.getproxies()
    for scheme in ("http", "https"):
        proxy = proxies.get(scheme) or proxies.get("all")
        if proxy:
            mounts[f"{scheme}://"] = transport(proxy)
    if mounts:
        for host in (proxies.get("no") or "").split(","):
            host = host.strip().lstrip(".")
            if host and host != "*":
                mounts[f"all://*{host}"] = transport()
    return httpx2.Client(
        event_hooks={"request": [_refuse_when_offline]},
        follow_redirects=True,
        timeout=None,  # the library passes its own; the transport caps them
        transport=transport(),
        mounts=mounts or None,
        trust_env=False,
    )


_INSTALL_LOCK = threading.Lock()
_installed = False
_SECRETS: set[str] = set()


def _redact(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    return text


def _keep_out_of_logs(token: str) -> None:
    """No log record, of any library, carries ``token`` from now on (a Hub that echoes it back
    in a header, logged by httpcore at DEBUG, would otherwise put it in the user's log file)."""
    with _INSTALL_LOCK:
        if len(token) < 8 or token in _SECRETS:
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
            if any(secret in message for secret in _SECRETS):
                record.msg, record.args = _redact(message), None
            if record.exc_info and record.exc_info[0] is not None:
                text = logging.Formatter().formatException(record.exc_info)
                if any(secret in text for secret in _SECRETS):
                    record.exc_text = _redact(text)
            return record

        logging.setLogRecordFactory(factory)


def _install() -> None:
    global _installed
    with _INSTALL_LOCK:
        if not _installed:
            huggingface_hub.set_client_factory(_session_factory)
            huggingface_hub.utils.disable_progress_bars()  # no tqdm lines in our CLI or logs
            _installed = True


# -- the client ---------------------------------------------------------------------------------

def _default_endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def _default_cache_dir() -> str | None:
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    if os.environ.get("HF_HOME"):
        return str(Path(os.environ["HF_HOME"]) / "hub")
    return None  # the library's default (~/.cache/huggingface/hub)


def _stored_token() -> str | None:
    """HF_TOKEN, else the token saved in the system keyring (Settings), else the Hub login."""
    from openexplorer.core import settings

    try:
        return settings.get_token()
    except Exception:  # noqa: BLE001 - an OIDC exchange can fail; then we are anonymous
        log.warning("could not read the Hugging Face token; continuing without one")
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from ``RateLimit`` (``"api";r=0;t=55``) or ``Retry-After`` (s or date)."""
    info = parse_ratelimit_headers(headers)
    if info is not None and info.remaining == 0:
        return float(info.reset_in_seconds)
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def rate_limit_state(headers: Mapping[str, str]) -> tuple[int, float] | None:
    """``(remaining, seconds until the window resets)`` from a ``RateLimit`` header, if any."""
    info = parse_ratelimit_headers(headers)
    if info is None:
        return None
    return info.remaining, float(info.reset_in_seconds)


class HubClient:
    """The Hub, read through ``huggingface_hub.HfApi``.

    ``endpoint`` defaults to ``HF_ENDPOINT`` (else https://huggingface.co); ``token`` to
    ``HF_TOKEN`` or the stored login (pass ``token=False`` for anonymous); ``cache_dir`` (where
    cards are cached) to ``HF_HUB_CACHE`` / ``HF_HOME``/hub, else the library's default.
    ``timeout`` caps every phase of every request, in seconds.
    """

    def __init__(self, endpoint: str | None = None, token: str | bool | None = None, *,
                 timeout: float = DEFAULT_TIMEOUT, cache_dir: str | Path | None = None) -> None:
        _install()
        self.endpoint = (endpoint or _default_endpoint()).rstrip("/")
        if token is False:
            self._token: str | None = None
        elif token is None or token is True:
            self._token = _stored_token()
        else:
            self._token = str(token) or None
        if self._token:
            _keep_out_of_logs(self._token)
        self.timeout = float(timeout)
        self.cache_dir = str(cache_dir) if cache_dir else _default_cache_dir()
        self._api = HfApi(endpoint=self.endpoint, token=False, library_name="openexplorer",
                          library_version=__version__)

    def __repr__(self) -> str:
        return (f"HubClient(endpoint={self.endpoint!r}, "
                f"token={'set' if self._token else 'none'}, timeout={self.timeout})")

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    @property
    def offline(self) -> bool:
        return is_offline()

    @property
    def _auth(self) -> str | bool:
        # False, not None: None would make the library look the token up again.
        return self._token or False

    # -- observing requests --------------------------------------------------------------------

    @contextlib.contextmanager
    def observe(
        self,
        before_request: Callable[[str], None] | None = None,
        after_response: Callable[[str, int, Mapping[str, str]], None] | None = None,
    ) -> Iterator[None]:
        """Call ``before_request(bucket)`` before each HTTP request of this thread's Hub calls
        (``bucket`` is ``"api"`` or ``"resolver"``; it may sleep, e.g. to stay in a budget) and
        ``after_response(bucket, status, headers)`` after each answer."""
        token = _OBSERVERS.set((*_OBSERVERS.get(), _Observers(before_request, after_response)))
        try:
            yield
        finally:
            _OBSERVERS.reset(token)

    # -- calls ---------------------------------------------------------------------------------

    def reachable(self, timeout: float = 1.0) -> bool:
        """Whether the Hub answers at all, within ``timeout`` seconds (any HTTP status counts).

        One plain request, no retries: an unreachable Hub is known in about ``timeout``
        seconds instead of the library's ~23 s of retries. False when offline (no request).
        """
        if is_offline():
            return False
        for observers in _OBSERVERS.get():
            if observers.before_request:
                observers.before_request("api")
        try:
            with httpx2.Client(timeout=timeout, follow_redirects=False) as http:
                response = http.get(f"{self.endpoint}/api/models", params={"limit": 1},
                                    headers={"user-agent": f"openexplorer/{__version__}"})
        except httpx2.HTTPError as exc:
            log.info("Hub at %s not reachable: %s", self.endpoint, type(exc).__name__)
            return False
        for observers in _OBSERVERS.get():
            if observers.after_response:
                observers.after_response("api", response.status_code, response.headers)
        return True

    def list_models(self, *, search: str | None = None, author: str | None = None,
                    limit: int | None = None) -> Iterator[ModelInfo]:
        """Models matching ``search`` / ``author``, with :data:`MODEL_EXPAND` fields, page by page.

        A lazy iterator: each page is requested when the previous one is used up; an error
        raises :class:`HubError` from ``next()`` (the listing cannot be resumed).
        """
        subject = f"search {search!r}" if search else f"author {author!r}" if author else "models"
        self._check_offline(subject)
        with self._calling(subject):
            models = iter(self._api.list_models(search=search, author=author, limit=limit,
                                                expand=list(MODEL_EXPAND),  # type: ignore[arg-type]
                                                token=self._auth))
        while True:
            with self._calling(subject):
                try:
                    info = next(models)
                except StopIteration:
                    return
            yield info

    def model_info(self, repo_id: str) -> ModelInfo:
        """One model with :data:`MODEL_EXPAND` fields. A renamed repo is followed: ``info.id`` is
        the current name."""
        self._check_offline(repo_id)
        with self._calling(repo_id):
            info = self._api.model_info(
                repo_id, expand=list(MODEL_EXPAND),  # type: ignore[arg-type]
                timeout=self.timeout, token=self._auth)
        if not isinstance(info, ModelInfo) or not info.id:
            raise HubError("malformed", f"{repo_id}: the Hub answered without a model id",
                           repo_id=repo_id)
        return info

    def model_card(self, repo_id: str, revision: str | None = None) -> str | None:
        """The model's README.md text at ``revision`` (default: main), or None if it has none.

        Cached by commit under ``cache_dir``: with a commit sha as ``revision`` a card already
        fetched is read from disk without any request.
        """
        self._check_offline(repo_id)
        with self._calling(repo_id):
            try:
                path = hf_hub_download(repo_id, "README.md", revision=revision,
                                       cache_dir=self.cache_dir, endpoint=self.endpoint,
                                       token=self._auth, etag_timeout=self.timeout,
                                       library_name="openexplorer", library_version=__version__)
            except RemoteEntryNotFoundError:
                return None
        try:
            return Path(str(path)).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise HubError("malformed", f"{repo_id}: the downloaded card could not be read ({exc})",
                           repo_id=repo_id) from None

    def dataset_license(self, dataset_id: str) -> str | None:
        """The licence id a dataset's card declares (``license``, else a ``license:`` tag), or None.

        One API call (``dataset_info`` with ``expand=cardData,tags``).
        """
        self._check_offline(dataset_id)
        with self._calling(dataset_id):
            info = self._api.dataset_info(dataset_id, expand=["cardData", "tags"],
                                          timeout=self.timeout, token=self._auth)
        card = getattr(info, "card_data", None)
        value = card.get("license") if card is not None else None
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v) or None
        if isinstance(value, str) and value.strip():
            return value.strip()
        tags = [t for t in (getattr(info, "tags", None) or []) if isinstance(t, str)]
        licences = [t.removeprefix("license:") for t in tags if t.startswith("license:")]
        return ", ".join(licences) or None

    # -- errors --------------------------------------------------------------------------------

    def _check_offline(self, subject: str) -> None:
        if is_offline():
            raise HubError("offline", f"{subject}: offline mode is on (HF_HUB_OFFLINE), "
                           "the Hub was not contacted")

    @contextlib.contextmanager
    def _calling(self, subject: str) -> Iterator[None]:
        """Run a library call with our transport active, turning every failure into HubError."""
        token = _ACTIVE.set(self)
        try:
            yield
        except HubError:
            raise
        except Exception as exc:  # noqa: BLE001 - mapped, never swallowed
            raise self._hub_error(exc, subject) from None
        finally:
            _ACTIVE.reset(token)

    def _clean(self, text: str) -> str:
        text = " ".join(str(text).split())
        if self._token:
            text = text.replace(self._token, "***")
        return text[:500]

    def _hub_error(self, exc: Exception, subject: str) -> HubError:
        repo_id = subject if "/" in subject or " " not in subject else None

        def error(kind: str, message: str, **kw: Any) -> HubError:
            return HubError(kind, self._clean(f"{subject}: {message}"), repo_id=repo_id, **kw)

        if isinstance(exc, _Stop):
            if exc.kind != "http":
                return error(exc.kind, str(exc))
            status = exc.status or 0
            if status == 429:
                wait = _retry_after(exc.headers)
                note = f", retry after {wait:g} s" if wait is not None else ""
                return error("rate_limited", f"rate limited by the Hub (HTTP 429{note})",
                             status=status, retry_after=wait)
            if status == 408:
                return error("timeout", "the Hub timed out (HTTP 408)", status=status)
            return error("server", f"the Hub had an error (HTTP {status})", status=status,
                         retry_after=_retry_after(exc.headers))
        if isinstance(exc, OfflineModeIsEnabled):
            return error("offline", "offline mode is on (HF_HUB_OFFLINE)")
        if isinstance(exc, GatedRepoError):
            return error("gated", "gated: accept the conditions on the Hub and use a token",
                         status=_status(exc))
        if isinstance(exc, RepositoryNotFoundError):
            hint = " (or private: it needs a token that can see it)" \
                if _status(exc) == 401 else ""
            return error("not_found", f"no such model on the Hub{hint}", status=_status(exc))
        if isinstance(exc, RevisionNotFoundError | RemoteEntryNotFoundError):
            return error("not_found", "revision or file not found", status=_status(exc))
        if isinstance(exc, DisabledRepoError):
            return error("unauthorized", "access to this repository is disabled",
                         status=_status(exc))
        if isinstance(exc, LocalEntryNotFoundError):
            if isinstance(exc.__cause__, FileMetadataError):
                return error("malformed", "the answer lacks the Hub's file headers "
                             "(X-Repo-Commit, ETag): is HF_ENDPOINT a Hub?")
            return error("unreachable", "the card could not be fetched")
        if isinstance(exc, HfHubHTTPError):
            status = _status(exc) or 0
            if status == 401:
                return error("unauthorized", "the token was refused (HTTP 401)", status=status)
            if status == 403:
                return error("unauthorized", "not allowed with this token (HTTP 403)",
                             status=status)
            if status == 404:
                return error("not_found", "not found (HTTP 404)", status=status)
            if status == 429:
                return error("rate_limited", "rate limited by the Hub (HTTP 429)",
                             status=status, retry_after=_retry_after(exc.response.headers))
            if status >= 500:
                return error("server", f"the Hub had an error (HTTP {status})", status=status)
            return error("malformed", f"the Hub refused the request (HTTP {status})",
                         status=status)
        if isinstance(exc, httpx2.TimeoutException):
            return error("timeout", f"timed out ({type(exc).__name__})")
        if isinstance(exc, httpx2.TransportError):
            return error("unreachable", f"{type(exc).__name__}: {exc}")
        if isinstance(exc, json.JSONDecodeError):
            return error("malformed", f"the Hub's answer is not valid JSON ({exc.msg})")
        if isinstance(exc, ValueError | KeyError | TypeError | AttributeError):
            return error("malformed", f"unexpected answer from the Hub "
                         f"({type(exc).__name__}: {exc})")
        if isinstance(exc, OSError):
            return error("unreachable", f"{type(exc).__name__}: {exc}")
        return error("malformed", f"{type(exc).__name__}: {exc}")


def _status(exc: HfHubHTTPError) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)
