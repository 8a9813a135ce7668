"""The HTTP session huggingface_hub uses, installed by :func:`install`: proxies, timeouts, and
failures that end a call at once.

huggingface_hub 2.x retries paged listings (``list_models`` → ``http_backoff``) up to 5 times on
connection errors, timeouts, 408, 429 and 5xx, sleeping with ``time.sleep`` (23 s before an
unreachable Hub fails, docs/tech-notes.md G9; ``Retry-After`` + 1 s on a 429), and ``hf_hub_download``
retries a failed HEAD the same way; no setting changes that. So the session built here has a
transport that, *while a Hub call is active* (:func:`active`), turns those answers into
:class:`Stopped`, an exception the library does not catch: the first 408/429/5xx or connection
failure ends the call, and :mod:`openexplorer.hub.refresh` decides whether and when to retry
(:mod:`openexplorer.hub.policy`). The same transport caps every timeout at the active call's
timeout (``list_models`` passes none at all) and reports each request to the observers of
:func:`observing` (request budget, call counts, rate-limit headers). Outside active calls the
transport changes nothing.

Proxies: the session routes every request through an ``httpx2.Client`` with ``trust_env``, so
``HTTP_PROXY`` / ``HTTPS_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` (either case) are read by httpx2
itself (``httpx2._utils.get_environment_proxies``), as every other httpx2 program reads them:

* a proxy without a scheme (``HTTPS_PROXY=proxy.corp:3128``) is taken as ``http://``;
* ``NO_PROXY=*`` turns every proxy off;
* ``NO_PROXY`` entries: host names (``example.com`` also covers its subdomains; ``.example.com``
  and ``*.example.com`` only the subdomains), ``localhost``, IPv4 and IPv6 addresses, CIDR
  ranges (``10.0.0.0/8``, ``fd00::/8``), any of them with a port (``127.0.0.1:8080``), and
  scheme-qualified entries (``http://internal.example``);
* entries it cannot parse are ignored (like curl and Go).

Not supported by httpx2: wildcards other than a leading
``*`` / ``*.``; ``.example.com`` does not cover ``example.com`` itself (curl's does); proxy
auto-configuration (PAC, WPAD); ``socks5://`` proxies need the optional ``socksio`` package.
The environment is read when huggingface_hub's session is built, i.e. at the first Hub request
of the process (or after :func:`reset_session`); a proxy setting httpx2 refuses (an unknown
scheme such as ``ftp://``) raises :class:`ProxySettingsError` with the variable's value.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import httpx2
import huggingface_hub
from huggingface_hub import constants
from huggingface_hub.errors import OfflineModeIsEnabled

# Loaded lazily by huggingface_hub.utils, so not an explicit re-export for mypy.
from huggingface_hub.utils import disable_progress_bars  # type: ignore[attr-defined, unused-ignore]

__all__ = [
    "RETRY_STATUSES",
    "ProxySettingsError",
    "Stopped",
    "BodyTooLarge",
    "active",
    "capped_bodies",
    "install",
    "notify_after",
    "notify_before",
    "observing",
    "plain_client",
    "proxy_settings_problem",
    "recording_redirects",
    "reset_session",
]

# Telemetry would add a GET /api/agent-harnesses on the first request (docs/tech-notes.md G8). The
# constant is read on every request, so this holds even when huggingface_hub was imported first.
constants.HF_HUB_DISABLE_TELEMETRY = True

#: Statuses the library would retry by itself (``_DEFAULT_RETRY_ON_STATUS_CODES``).
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

BeforeRequest = Callable[[str], None]
AfterResponse = Callable[[str, int, Mapping[str, str]], None]


@dataclass(frozen=True)
class _Observers:
    before_request: BeforeRequest | None = None
    after_response: AfterResponse | None = None


# The timeout of the Hub call running in this context (None: the transport changes nothing).
_ACTIVE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "openexplorer_hub_active", default=None)
_OBSERVERS: contextvars.ContextVar[tuple[_Observers, ...]] = contextvars.ContextVar(
    "openexplorer_hub_observers", default=())
# Where this context's redirects are noted ((from path, to path)), when someone listens.
_REDIRECTS: contextvars.ContextVar[list[tuple[str, str]] | None] = contextvars.ContextVar(
    "openexplorer_hub_redirects", default=None)
# The largest file body (``/resolve/``) this context's calls may download, in bytes.
_BODY_CAP: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "openexplorer_hub_body_cap", default=None)


class Stopped(Exception):
    """Ends a library call at once. Deliberately not an httpx2 or HfHubHTTPError subclass: the
    library's retry loops and cache fall-backs catch those, and must not catch this.

    ``kind`` is ``"http"`` for a status the library would retry (``status``, ``headers``), else
    a :data:`openexplorer.hub.client.KINDS` kind (``unreachable``, ``timeout``, ``malformed``).
    """

    def __init__(self, kind: str, message: str, *, status: int | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.headers: dict[str, str] = dict(headers or {})


class BodyTooLarge(Stopped):
    """A file body over the cap of :func:`capped_bodies` (``size``: its announced size in bytes,
    None when it had none and went over while read). Nothing of it was kept."""

    def __init__(self, message: str, size: int | None) -> None:
        super().__init__("malformed", message)
        self.size = size


class ProxySettingsError(ValueError):
    """The proxy environment variables name a proxy httpx2 cannot use."""


# -- observing and activating ----------------------------------------------------------------------

@contextlib.contextmanager
def observing(before_request: BeforeRequest | None = None,
              after_response: AfterResponse | None = None) -> Iterator[None]:
    """Call ``before_request(bucket)`` before each request of this context's active calls and
    ``after_response(bucket, status, headers)`` after each answer (``bucket``: ``api`` or
    ``resolver``)."""
    token = _OBSERVERS.set((*_OBSERVERS.get(), _Observers(before_request, after_response)))
    try:
        yield
    finally:
        _OBSERVERS.reset(token)


def notify_before(bucket: str) -> None:
    """Tell the observers a request is about to go out (for requests made outside the session)."""
    for observers in _OBSERVERS.get():
        if observers.before_request:
            observers.before_request(bucket)


def notify_after(bucket: str, status: int, headers: Mapping[str, str]) -> None:
    """Tell the observers an answer came back."""
    for observers in _OBSERVERS.get():
        if observers.after_response:
            observers.after_response(bucket, status, headers)


@contextlib.contextmanager
def active(timeout: float) -> Iterator[None]:
    """Within this block, the session's requests are capped at ``timeout`` seconds per phase,
    observed, and end in :class:`Stopped` instead of the library's retries."""
    token = _ACTIVE.set(float(timeout))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


@contextlib.contextmanager
def recording_redirects() -> Iterator[list[tuple[str, str]]]:
    """The redirects this context's active calls follow, as ``(from path, to path)``, in order:
    how a caller tells a rename the Hub announced (a 301/307 to the new path) from an answer
    that merely names another repo."""
    hops: list[tuple[str, str]] = []
    token = _REDIRECTS.set(hops)
    try:
        yield hops
    finally:
        _REDIRECTS.reset(token)


@contextlib.contextmanager
def capped_bodies(limit: int) -> Iterator[None]:
    """Within this block, a file download (``/resolve/``) whose body is larger than ``limit``
    bytes ends in :class:`BodyTooLarge` before (or, without a ``Content-Length``, as soon as)
    it goes over: a huge model card is never held or written whole."""
    token = _BODY_CAP.set(int(limit))
    try:
        yield
    finally:
        _BODY_CAP.reset(token)


# -- the transport -----------------------------------------------------------------------------

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
    """A response body whose read errors end the call instead of entering the library's retries
    (and that ends it when it grows past ``cap`` bytes)."""

    def __init__(self, inner: httpx2.SyncByteStream, url: str, cap: int | None = None) -> None:
        self._inner = inner
        self._url = url
        self._cap = cap

    def __iter__(self) -> Iterator[bytes]:
        read = 0
        try:
            for chunk in self._inner:
                read += len(chunk)
                if self._cap is not None and read > self._cap:
                    raise BodyTooLarge(f"{self._url} is larger than {self._cap} bytes", None)
                yield chunk
        except httpx2.TransportError as exc:
            kind = _failure_kind(exc)
            what = "cut short" if kind == "malformed" else "not read completely"
            raise Stopped(kind, f"the response from {self._url} was {what} ({exc})") from None

    def close(self) -> None:
        self._inner.close()


def _content_length(headers: Mapping[str, str]) -> int | None:
    try:
        value = int(headers.get("content-length") or "")
    except ValueError:
        return None
    return value if value >= 0 else None


class _HubTransport(httpx2.BaseTransport):
    """Sends each request through ``router`` (an httpx2 client that picks the proxy, or none,
    from the environment); see the module docstring for what it adds during active calls."""

    def __init__(self, router: httpx2.Client) -> None:
        self._router = router

    def _send(self, request: httpx2.Request) -> httpx2.Response:
        return self._router.send(request, stream=True)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        cap = _ACTIVE.get()
        if cap is None:
            return self._plain(self._send(request))
        bucket = _bucket(request)
        notify_before(bucket)
        request.extensions = {
            **request.extensions,
            "timeout": _capped_timeout(request.extensions.get("timeout"), cap),
        }
        url = f"{request.url.scheme}://{request.url.netloc.decode()}{request.url.path}"
        try:
            response = self._send(request)
        except httpx2.TransportError as exc:
            raise Stopped(_failure_kind(exc), f"{request.method} {url}: {exc}") from None
        notify_after(bucket, response.status_code, response.headers)
        hops = _REDIRECTS.get()
        if hops is not None and 300 <= response.status_code < 400 \
                and response.headers.get("location"):
            target = request.url.join(response.headers["location"])
            hops.append((request.url.path, target.path))
        body_cap = _BODY_CAP.get() if bucket == "resolver" and request.method == "GET" else None
        if body_cap is not None and response.status_code < 300:
            size = _content_length(response.headers)
            if size is not None and size > body_cap:
                response.close()
                raise BodyTooLarge(f"{url} is {size} bytes, over the {body_cap}-byte cap", size)
        if response.status_code in RETRY_STATUSES:
            with contextlib.suppress(Exception):  # a little of the body, for the connection
                read = 0
                for chunk in response.stream:  # type: ignore[union-attr]
                    read += len(chunk)
                    if read > 65536:
                        break
            response.close()
            raise Stopped("http", f"{request.method} {url}: HTTP {response.status_code}",
                          status=response.status_code, headers=response.headers)
        if not isinstance(response.stream, httpx2.SyncByteStream):
            return self._plain(response)
        return httpx2.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_GuardedStream(response.stream, url, body_cap),
            extensions=response.extensions,
        )

    @staticmethod
    def _plain(response: httpx2.Response) -> httpx2.Response:
        """The router's answer as a fresh response for the outer client (which binds its own)."""
        if not isinstance(response.stream, httpx2.SyncByteStream):
            return response
        return httpx2.Response(status_code=response.status_code, headers=response.headers,
                               stream=response.stream, extensions=response.extensions)

    def close(self) -> None:
        self._router.close()


def _refuse_when_offline(request: httpx2.Request) -> None:
    # What huggingface_hub's own request hook does first (its hook is not public API).
    if constants.is_offline_mode():
        raise OfflineModeIsEnabled(
            f"Cannot reach {request.url.scheme}://{request.url.netloc.decode()}"
            f"{request.url.path}: offline mode is enabled (HF_HUB_OFFLINE)."
        )


def _proxy_variables() -> str:
    """The proxy settings in effect, for a message (``https=proxy.corp:3128, no=*``)."""
    found = urllib.request.getproxies()
    return ", ".join(f"{k}={v}" for k, v in sorted(found.items())
                     if k in ("http", "https", "all", "no")) or "none"


def plain_client(timeout: float | None = None, *, follow_redirects: bool = False) -> httpx2.Client:
    """An httpx2 client with the environment's proxies (httpx2's own reading of them).

    Raises :class:`ProxySettingsError` when httpx2 refuses the proxy settings.
    """
    try:
        return httpx2.Client(timeout=timeout, follow_redirects=follow_redirects, trust_env=True)
    except (ValueError, ImportError, httpx2.InvalidURL) as exc:
        raise ProxySettingsError(
            f"the proxy settings cannot be used ({_proxy_variables()}): {exc}") from None


def proxy_settings_problem() -> str | None:
    """Why the environment's proxy settings cannot be used, or None when they can."""
    try:
        plain_client().close()
    except ProxySettingsError as exc:
        return str(exc)
    return None


def _session_factory() -> httpx2.Client:
    """huggingface_hub's shared client: our transport over an environment-aware router."""
    return httpx2.Client(
        event_hooks={"request": [_refuse_when_offline]},
        follow_redirects=True,
        timeout=None,  # the library passes its own; the transport caps them
        transport=_HubTransport(plain_client()),
        trust_env=False,  # the router reads the environment; the outer client must not too
    )


_INSTALL_LOCK = threading.Lock()
_installed = False


def install() -> None:
    """Make huggingface_hub use this module's session (once per process; idempotent)."""
    global _installed
    with _INSTALL_LOCK:
        if not _installed:
            huggingface_hub.set_client_factory(_session_factory)
            disable_progress_bars()  # no tqdm lines in our CLI or logs
            _installed = True


def reset_session() -> None:
    """Close huggingface_hub's shared session: the next request builds a new one, reading the
    proxy environment again."""
    huggingface_hub.close_session()
