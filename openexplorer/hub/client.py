"""The Hugging Face Hub's API through the real ``huggingface_hub`` client: :class:`HubClient`.

:class:`HubClient` lists models (``list_models`` with ``expand``, paged by the library through the
``Link`` header), reads one model (``model_info``; renamed repos answer with a 307 that the client
follows, so ``info.id`` is the canonical id) and its card (``README.md`` through
``hf_hub_download``, cached per commit). Every failure comes out as one :class:`HubError` with a
``kind``; the token never appears in one.

Environment: ``HF_ENDPOINT``, ``HF_TOKEN`` (or the stored ``hf auth login``), ``HF_HOME`` /
``HF_HUB_CACHE`` are read when a client is built; ``HF_HUB_OFFLINE`` through
``huggingface_hub.constants.HF_HUB_OFFLINE`` on every call. huggingface_hub reads its environment
once, at import (docs/tech-notes.md G7), so the endpoint and cache folder are passed explicitly.
Telemetry is off (G8). Proxies, timeouts and the end of the library's own retries are the
session's business (:mod:`openexplorer.hub.transport`); when to try again is
:mod:`openexplorer.hub.policy`'s and the refresh loop's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from openexplorer.hub import transport  # first: it switches telemetry off before the library loads

import httpx2
from huggingface_hub import HfApi, constants, get_session, hf_hub_download, hf_hub_url
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
from huggingface_hub.utils import build_hf_headers  # type: ignore[attr-defined, unused-ignore]

from openexplorer import __version__
from openexplorer.hub.policy import retry_after
from openexplorer.hub.redaction import keep_out_of_logs

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_TIMEOUT",
    "KINDS",
    "MAX_CARD_BYTES",
    "MODEL_EXPAND",
    "RETRYABLE_KINDS",
    "CardText",
    "HubClient",
    "HubError",
    "ModelInfo",
    "is_offline",
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
#: The most of a model card (README.md) downloaded and parsed, in bytes. The largest card among
#: the recorded samples (shared/data/hub-samples) is 42 KB, the Hub's own long documentation
#: pages 150-260 KB; 1 MiB is four times the largest of those. Past it, only the first MiB is
#: read (the front matter comes first) and the evidence says so.
MAX_CARD_BYTES = 1 << 20


class CardText(str):
    """A model card's text; ``full_size`` is its size in bytes when only its first
    :data:`MAX_CARD_BYTES` were read (None when it was read whole)."""

    full_size: int | None = None

    @classmethod
    def cut(cls, data: bytes, full_size: int | None) -> CardText:
        text = cls(data.decode("utf-8", errors="ignore" if full_size else "replace"))
        text.full_size = full_size
        return text


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


class HubClient:
    """The Hub, read through ``huggingface_hub.HfApi``.

    ``endpoint`` defaults to ``HF_ENDPOINT`` (else https://huggingface.co); ``token`` to
    ``HF_TOKEN`` or the stored login (pass ``token=False`` for anonymous); ``cache_dir`` (where
    cards are cached) to ``HF_HUB_CACHE`` / ``HF_HOME``/hub, else the library's default.
    ``timeout`` caps every phase of every request, in seconds.
    """

    def __init__(self, endpoint: str | None = None, token: str | bool | None = None, *,
                 timeout: float = DEFAULT_TIMEOUT, cache_dir: str | Path | None = None) -> None:
        transport.install()
        self.endpoint = (endpoint or _default_endpoint()).rstrip("/")
        if token is False:
            self._token: str | None = None
        elif token is None or token is True:
            self._token = _stored_token()
        else:
            self._token = str(token) or None
        if self._token:
            keep_out_of_logs(self._token)
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
        with transport.observing(before_request, after_response):
            yield

    # -- calls ---------------------------------------------------------------------------------

    def reachable(self, timeout: float | None = None) -> bool:
        """Whether the Hub answers at all (:meth:`probe` finds no problem)."""
        return self.probe(timeout) is None

    def probe(self, timeout: float | None = None) -> str | None:
        """Why the Hub cannot be reached, or None when it answers (any HTTP status counts).

        One plain request (``GET /api/models?limit=1``, its body not read), no retries: an
        unreachable Hub is known at once instead of after the library's ~23 s of retries.
        ``timeout`` defaults to the client's own, so a Hub slow enough for the probe to give up
        on is one every other call would give up on too. The answer says what happened:
        ``timed out after 10 s``, ``connection refused``, ``connection reset``, ``the name … could
        not be resolved (DNS)``, ``offline mode is on``, or the proxy settings' problem.
        """
        if is_offline():
            return "offline mode is on (HF_HUB_OFFLINE)"
        wait = self.timeout if timeout is None else float(timeout)
        transport.notify_before("api")
        try:
            with transport.plain_client(wait) as http, http.stream(
                    "GET", f"{self.endpoint}/api/models", params={"limit": 1},
                    headers={"user-agent": f"openexplorer/{__version__}"}) as response:
                status, headers = response.status_code, response.headers
        except transport.ProxySettingsError as exc:
            log.warning("Hub at %s not reachable: %s", self.endpoint, exc)
            return str(exc)
        except httpx2.HTTPError as exc:
            problem = _probe_problem(exc, wait, self.endpoint)
            log.info("Hub at %s not reachable: %s", self.endpoint, problem)
            return problem
        transport.notify_after("api", status, headers)
        return None

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
        with self._calling(repo_id), transport.recording_redirects() as hops:
            info = self._api.model_info(
                repo_id, expand=list(MODEL_EXPAND),  # type: ignore[arg-type]
                timeout=self.timeout, token=self._auth)
        if not isinstance(info, ModelInfo) or not info.id or not isinstance(info.id, str):
            raise HubError("malformed", f"{repo_id}: the Hub answered without a model id",
                           repo_id=repo_id)
        if info.id.lower() != repo_id.lower() and not _redirected_to(hops, info.id):
            # Only a redirect of the request itself renames a repo; an answer that merely names
            # another one (a broken mirror, a hostile proxy) must not re-key the release.
            raise HubError("malformed", self._clean(
                f"{repo_id}: the Hub answered for {info.id!r} without redirecting the request; "
                "answer refused, the cached record kept"), repo_id=repo_id)
        return info

    def model_card(self, repo_id: str, revision: str | None = None) -> str | None:
        """The model's README.md text at ``revision`` (default: main), or None if it has none.

        Cached by commit under ``cache_dir``: with a commit sha as ``revision`` a card already
        fetched is read from disk without any request.
        """
        self._check_offline(repo_id)
        with self._calling(repo_id):
            try:
                with transport.capped_bodies(MAX_CARD_BYTES):
                    path = hf_hub_download(repo_id, "README.md", revision=revision,
                                           cache_dir=self.cache_dir, endpoint=self.endpoint,
                                           token=self._auth, etag_timeout=self.timeout,
                                           library_name="openexplorer",
                                           library_version=__version__)
            except RemoteEntryNotFoundError:
                return None
            except transport.BodyTooLarge as exc:
                return self._card_start(repo_id, revision, exc.size)
        try:
            with Path(str(path)).open("rb") as handle:
                data = handle.read(MAX_CARD_BYTES + 1)
                size = os.fstat(handle.fileno()).st_size
        except OSError as exc:
            raise HubError("malformed", f"{repo_id}: the downloaded card could not be read ({exc})",
                           repo_id=repo_id) from None
        if len(data) > MAX_CARD_BYTES:  # cached before the cap existed
            return CardText.cut(data[:MAX_CARD_BYTES], size)
        return CardText.cut(data, None)

    def _card_start(self, repo_id: str, revision: str | None, size: int | None) -> CardText:
        """The first :data:`MAX_CARD_BYTES` of a card too large to download (a ranged GET; a
        server that ignores the range is read that far and cut off). Not cached."""
        url = hf_hub_url(repo_id, "README.md", revision=revision, endpoint=self.endpoint)
        headers = build_hf_headers(token=self._auth, library_name="openexplorer",
                                   library_version=__version__)
        headers["Range"] = f"bytes=0-{MAX_CARD_BYTES - 1}"
        data = bytearray()
        with get_session().stream("GET", url, headers=headers, timeout=self.timeout,
                                  follow_redirects=True) as response:
            if response.status_code >= 400:
                raise HubError("malformed", f"{repo_id}: the card's first part could not be "
                               f"read (HTTP {response.status_code})", repo_id=repo_id)
            for chunk in response.iter_bytes():
                data += chunk[: MAX_CARD_BYTES - len(data)]
                if len(data) >= MAX_CARD_BYTES:
                    break
        log.info("%s: the card is %s bytes; read its first %d", repo_id, size or "over",
                 MAX_CARD_BYTES)
        return CardText.cut(bytes(data), size or MAX_CARD_BYTES + 1)

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
        try:
            with transport.active(self.timeout):
                yield
        except HubError:
            raise
        except Exception as exc:  # noqa: BLE001 - mapped, never swallowed
            raise self._hub_error(exc, subject) from None

    def _clean(self, text: str) -> str:
        text = " ".join(str(text).split())
        if self._token:
            text = text.replace(self._token, "***")
        return text[:500]

    def _hub_error(self, exc: Exception, subject: str) -> HubError:
        repo_id = subject if "/" in subject or " " not in subject else None

        def error(kind: str, message: str, **kw: Any) -> HubError:
            return HubError(kind, self._clean(f"{subject}: {message}"), repo_id=repo_id, **kw)

        if isinstance(exc, transport.Stopped):
            if exc.kind != "http":
                return error(exc.kind, str(exc))
            status = exc.status or 0
            if status == 429:
                wait = retry_after(exc.headers)
                note = f", retry after {wait:g} s" if wait is not None else ""
                return error("rate_limited", f"rate limited by the Hub (HTTP 429{note})",
                             status=status, retry_after=wait)
            if status == 408:
                return error("timeout", "the Hub timed out (HTTP 408)", status=status)
            return error("server", f"the Hub had an error (HTTP {status})", status=status,
                         retry_after=retry_after(exc.headers))
        if isinstance(exc, transport.ProxySettingsError):
            return error("unreachable", str(exc))
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
                             status=status, retry_after=retry_after(exc.response.headers))
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


def _probe_problem(exc: httpx2.HTTPError, timeout: float, endpoint: str) -> str:
    """What a failed probe met, in a few words."""
    text = f"{exc} {exc.__cause__ or ''} {exc.__context__ or ''}".lower()
    host = httpx2.URL(endpoint).host or endpoint
    if isinstance(exc, httpx2.TimeoutException):
        what = "connecting" if isinstance(exc, httpx2.ConnectTimeout) else "waiting for an answer"
        return f"timed out after {timeout:g} s ({what})"
    if any(word in text for word in ("name or service not known", "nodename nor servname",
                                      "name resolution", "getaddrinfo", "no address associated")):
        return f"the name {host} could not be resolved (DNS)"
    if "refused" in text:
        return "connection refused"
    if "reset" in text:
        return "connection reset"
    if isinstance(exc, httpx2.RemoteProtocolError):
        return "the connection was closed without an answer"
    if isinstance(exc, httpx2.ProxyError):
        return f"the proxy failed ({exc})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _redirected_to(hops: list[tuple[str, str]], repo_id: str) -> bool:
    """Whether one of the request's redirects went to ``/api/models/{repo_id}``."""
    wanted = f"/api/models/{repo_id}".lower()
    return any(unquote(to).lower().rstrip("/") == wanted for _, to in hops)


def _status(exc: HfHubHTTPError) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)
