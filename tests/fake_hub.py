"""A local fake of the Hugging Face Hub for tests that drive the real huggingface_hub client.

:class:`FakeHub` is a ``ThreadingHTTPServer`` on 127.0.0.1 (port 0, never another address) that
answers the way the Hub does, from the real recorded material in ``shared/data/hub-samples``:

``GET /api/models``
    the listing: ``search`` (substring of the id), ``author``, ``limit``, ``expand`` (only the
    requested fields plus ``id``/``_id``; an unknown property is a 400 like the Hub's),
    ``full``/``cardData``, pages of :attr:`FakeHub.page_size` linked by
    ``Link: <…&cursor=N>; rel="next"``.
``GET /api/models/{id}``
    the newest recorded body of ``api/model_info`` (and ``api/edge_cases``); ``expand`` as above;
    renamed repos (``api/redirects``) answer 307 with the new path.
``GET /api/datasets/{id}``
    datasets added by a test (:meth:`FakeHub.add_dataset`); 404 RepoNotFound for the rest.
``HEAD``/``GET /{id}/resolve/{rev}/README.md``
    the card, with ``X-Repo-Commit``, ``ETag`` and ``Content-Length`` (no ``X-Xet-Hash``), at
    ``main``, the model's sha or any known revision (``cards/**/hf__org__name__rev.md``).

Models known only from a card (no recorded API body) get a body synthesised from the card's
front matter (licence and dataset tags, ``cardData``, ``gated`` "auto" when the card has
``extra_gated_*`` fields, a standard set of siblings), marked with ``"_synthesized": true``.

Faults: :meth:`FakeHub.fail` adds :class:`Fault` entries keyed by URL path (401/403 GatedRepo,
404 RepoNotFound, 429 with ``Retry-After``, 500/503, slow answers, cut-short bodies, malformed
JSON, a wrong content type…); each answers ``times`` matching requests. :attr:`FakeHub.log`
records every request.

The ``fake_hub`` fixture starts one per test, points ``HF_ENDPOINT`` at it, switches
``huggingface_hub.constants.HF_HUB_OFFLINE`` off (tests/conftest.py sets ``HF_HUB_OFFLINE=1``
before the library is imported, G7), puts ``HF_HOME`` and the card cache under ``tmp_path`` and
hides any real token. Import it into a test module: ``from tests.fake_hub import fake_hub``.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import hashlib
import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import pytest
import yaml

#: ``expand`` properties the Hub accepts for models (``ExpandModelProperty_T`` in 2.4).
EXPAND_PROPERTIES = frozenset({
    "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
    "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
    "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
    "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings",
    "spaces", "tags", "transformersInfo", "trendingScore", "usedStorage", "widgetData",
})
#: Fields of a listing entry without ``expand``/``full`` (as in api/list/*.json).
LIST_FIELDS = ("_id", "id", "likes", "trendingScore", "private", "downloads", "tags",
               "pipeline_tag", "library_name", "createdAt", "modelId")


# -- the recorded material ----------------------------------------------------------------------

@dataclass
class Corpus:
    models: dict[str, dict[str, Any]]  # id -> API body
    cards: dict[str, dict[str, str]]  # id -> {commit (40 hex): README text}
    card_dates: dict[str, dict[str, str]]  # id -> {commit: ISO date}
    redirects: dict[str, str]  # old id -> current id


def commit_of(revision: str) -> str:
    """A 40-hex commit for a short revision from a file name (the client wants full shas)."""
    return revision.lower().ljust(40, "0")


def front_matter(text: str) -> dict[str, Any]:
    """The card's YAML metadata, {} when it has none or it does not parse."""
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        return {}
    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _hub_date(value: str) -> str:
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


def tags_from_card(meta: dict[str, Any]) -> list[str]:
    tags: list[str] = []
    if isinstance(meta.get("library_name"), str):
        tags.append(meta["library_name"])
    tags += _as_list(meta.get("tags"))
    tags += [f"dataset:{d}" for d in _as_list(meta.get("datasets"))]
    tags += [f"base_model:{b}" for b in _as_list(meta.get("base_model"))]
    tags += _as_list(meta.get("language"))
    if isinstance(meta.get("license"), str):
        tags.append(f"license:{meta['license']}")
    return [*dict.fromkeys(tags), "region:us"]


def synthesize_body(model_id: str, text: str, commit: str, created: str,
                    modified: str) -> dict[str, Any]:
    meta = front_matter(text)
    body: dict[str, Any] = {
        "_id": hashlib.sha1(model_id.encode()).hexdigest()[:24],
        "id": model_id,
        "modelId": model_id,
        "author": model_id.split("/")[0] if "/" in model_id else None,
        "sha": commit,
        "lastModified": modified,
        "createdAt": created,
        "private": False,
        "disabled": False,
        "gated": "auto" if any(str(k).startswith("extra_gated") for k in meta) else False,
        "downloads": 0,
        "likes": 0,
        "library_name": meta.get("library_name") if isinstance(meta.get("library_name"), str)
        else None,
        "pipeline_tag": meta.get("pipeline_tag") if isinstance(meta.get("pipeline_tag"), str)
        else None,
        "tags": tags_from_card(meta),
        "cardData": meta or None,
        "siblings": [{"rfilename": name} for name in
                     (".gitattributes", "README.md", "config.json", "model.safetensors")],
        "_synthesized": True,
    }
    return {k: v for k, v in body.items() if v is not None}


@cache
def load_corpus(root: Path) -> Corpus:
    """Read hub-samples once per session; :class:`FakeHub` works on its own copy."""
    models: dict[str, dict[str, Any]] = {}
    recorded: dict[str, tuple[str, dict[str, Any]]] = {}
    for folder in ("model_info", "edge_cases"):
        for path in sorted((root / "api" / folder).glob("*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(body, dict) or "id" not in body:
                continue
            date = re.search(r"__(\d{8})__", path.name)
            order = (date.group(1) if date else "0") + path.name
            if body["id"] not in recorded or recorded[body["id"]][0] < order:
                recorded[body["id"]] = (order, body)
    models.update({model_id: body for model_id, (_, body) in recorded.items()})
    for path in sorted((root / "api" / "list").glob("*.json")):
        for body in json.loads(path.read_text(encoding="utf-8")):
            models.setdefault(body["id"], body)

    redirects: dict[str, str] = {}
    for path in sorted((root / "api" / "redirects").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        old = urlsplit(data["request_uri"]).path.removeprefix("/api/models/")
        new = urlsplit(data["location"]).path.removeprefix("/api/models/")
        redirects[old] = new

    cards: dict[str, dict[str, str]] = {}
    card_dates: dict[str, dict[str, str]] = {}
    with (root / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["kind"] == "card"]
    for row in rows:
        model_id = row["model_id"].strip()
        renamed = re.fullmatch(r"(\S+/\S+) \(was (\S+)\)", model_id)
        if renamed:
            model_id = renamed.group(1)
            redirects.setdefault(renamed.group(2), model_id)
        if " " in model_id or "/" not in model_id:
            continue  # a family card, a GitHub draft: no Hub repo of its own
        text = (root / row["file"]).read_text(encoding="utf-8")
        revision = re.search(r"__([0-9a-f]{7,40})\.md$", row["file"])
        commit = commit_of(revision.group(1)) if revision else \
            hashlib.sha1(text.encode()).hexdigest()
        cards.setdefault(model_id, {})[commit] = text
        card_dates.setdefault(model_id, {})[commit] = _hub_date(row["commit_date"])

    for model_id, texts in cards.items():
        dates = card_dates[model_id]
        newest = max(texts, key=lambda c: dates[c])
        if model_id in models:
            sha = models[model_id].get("sha")
            if sha and sha not in texts:
                texts[sha] = texts[newest]  # the recorded body's commit serves the newest card
                dates[sha] = dates[newest]
        else:
            models[model_id] = synthesize_body(model_id, texts[newest], newest,
                                               min(dates.values()), dates[newest])
    return Corpus(models=models, cards=cards, card_dates=card_dates, redirects=redirects)


# -- faults and the request log -----------------------------------------------------------------

@dataclass
class Fault:
    """How the fake answers some requests for one path instead of the normal answer.

    ``status`` None keeps the normal status and body (for ``delay``, ``truncate`` and
    ``content_type`` faults). ``method``/``query`` narrow which requests it answers; ``times``
    is how many (None: all).
    """

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | str | None = None
    content_type: str | None = None
    delay: float = 0.0
    truncate: bool = False
    method: str | None = None
    query: str | None = None
    times: int | None = 1

    @classmethod
    def gated(cls, status: int = 403, **kw: Any) -> Fault:
        return cls(status=status, headers={"X-Error-Code": "GatedRepo", "X-Error-Message":
                   "Access to this model is restricted: accept its conditions."}, **kw)

    @classmethod
    def private(cls, **kw: Any) -> Fault:
        # What the Hub answers an anonymous client for a private repo.
        return cls(status=401, headers={"X-Error-Code": "RepoNotFound", "X-Error-Message":
                   "Invalid username or password."}, **kw)

    @classmethod
    def not_found(cls, **kw: Any) -> Fault:
        return cls(status=404, headers={"X-Error-Code": "RepoNotFound", "X-Error-Message":
                   "Repository not found"}, **kw)

    @classmethod
    def bad_token(cls, **kw: Any) -> Fault:
        return cls(status=401, headers={"X-Error-Message":
                   "Invalid credentials in Authorization header"}, **kw)

    @classmethod
    def rate_limited(cls, retry_after: int | None = 7, *, ratelimit: bool = False,
                     **kw: Any) -> Fault:
        headers: dict[str, str] = {}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        if ratelimit:
            headers["RateLimit"] = f'"api";r=0;t={retry_after or 60}'
            headers["RateLimit-Policy"] = '"fixed window";"api";q=500;w=300'
        return cls(status=429, headers=headers, **kw)

    @classmethod
    def server_error(cls, status: int = 500, **kw: Any) -> Fault:
        return cls(status=status, **kw)

    @classmethod
    def slow(cls, delay: float = 1.0, **kw: Any) -> Fault:
        return cls(delay=delay, **kw)

    @classmethod
    def truncated(cls, **kw: Any) -> Fault:
        return cls(truncate=True, **kw)

    @classmethod
    def malformed_json(cls, **kw: Any) -> Fault:
        return cls(status=200, body=b'{"_id": "x", "id": "broken/json", "tags": ["a", ', **kw)

    @classmethod
    def wrong_content_type(cls, **kw: Any) -> Fault:
        return cls(status=200, content_type="text/html; charset=utf-8",
                   body=b"<html><body><h1>Sign in to the network</h1></body></html>", **kw)


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    authorization: str | None
    user_agent: str | None

    def param(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: A body sent in chunks as it is made (a huge card), ``length`` bytes in all.
    stream: Callable[[], Iterator[bytes]] | None = None
    length: int = 0


def _json(status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(data).encode()
    return Reply(status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
                 body)


def _error(status: int, message: str, code: str | None = None, **headers: str) -> Reply:
    extra = dict(headers)
    if code:
        extra["X-Error-Code"] = code
    extra["X-Error-Message"] = message
    return _json(status, {"error": message}, extra)


# -- the server ---------------------------------------------------------------------------------

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    hub: FakeHub

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Close kept-alive connections too: a stopped Hub must look gone to pooled clients."""
        with self.sockets_lock:
            sockets, self.open_sockets = list(self.open_sockets), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # 0.7 ms instead of 44 ms per request (G10)
    timeout = 10
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hub._serve(self)

    def do_HEAD(self) -> None:
        self.server.hub._serve(self)


class FakeHub:
    """The fake Hub; see the module docstring. ``start()``/``stop()`` or use the fixture."""

    def __init__(self, corpus: Corpus, *, page_size: int = 5) -> None:
        self.models: dict[str, dict[str, Any]] = copy.deepcopy(corpus.models)
        self.cards: dict[str, dict[str, str]] = copy.deepcopy(corpus.cards)
        self.card_dates: dict[str, dict[str, str]] = copy.deepcopy(corpus.card_dates)
        self.redirects: dict[str, str] = dict(corpus.redirects)
        self.datasets: dict[str, dict[str, Any]] = {}  # id -> /api/datasets/{id} body
        self.page_size = page_size
        self.faults: dict[str, list[Fault]] = {}
        self.everywhere: Fault | None = None  # answers every request no path fault answers
        self.huge_cards: dict[str, int] = {}  # id -> size of a generated README, in bytes
        self.log: list[Logged] = []
        self.cache_dir: Path | None = None
        self._current_card: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- running ---------------------------------------------------------------------------------

    def start(self) -> FakeHub:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.hub = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-hub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.drop_connections()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, **kw: Any) -> Any:
        """A HubClient on this server (anonymous, cards cached under the test's tmp_path)."""
        from openexplorer.hub.client import HubClient

        kw.setdefault("token", False)
        kw.setdefault("cache_dir", self.cache_dir)
        return HubClient(self.url, **kw)

    # -- test controls ----------------------------------------------------------------------------

    def fail(self, path: str, *faults: Fault) -> None:
        """Answer requests for ``path`` (e.g. ``/api/models/org/name``) with ``faults`` in turn."""
        with self._lock:
            self.faults.setdefault(path, []).extend(faults)

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()
            self.everywhere = None

    def fail_everything(self, fault: Fault | None) -> None:
        """Answer every request (the reachability probe included) with ``fault`` (None: stop)."""
        with self._lock:
            self.everywhere = fault

    def set_huge_card(self, repo_id: str, size: int) -> str:
        """Serve a README of ``size`` bytes for ``repo_id`` from now on (front matter with a
        licence, then filler), made in chunks as it is sent: the fake never holds it whole."""
        commit = hashlib.sha1(f"{repo_id}\nhuge {size}".encode()).hexdigest()
        with self._lock:
            self.huge_cards[repo_id] = size
            body = self.models.setdefault(repo_id, {"_id": repo_id, "id": repo_id})
            body["sha"] = commit
            self._current_card[repo_id] = commit
        return commit

    @staticmethod
    def huge_card_chunks(size: int) -> Iterator[bytes]:
        head = b"---\nlicense: apache-2.0\n---\n# A very long card\n\n"
        line = b"| eval | " + b"x" * 90 + b" |\n"
        yield head[:size]
        sent = len(head)
        while sent < size:
            chunk = (line * 10_000)[: size - sent]
            sent += len(chunk)
            yield chunk

    def requests(self, path_prefix: str = "", method: str | None = None) -> list[Logged]:
        with self._lock:
            return [r for r in self.log if r.path.startswith(path_prefix)
                    and (method is None or r.method == method)]

    def add_model(self, body: dict[str, Any], card: str | None = None) -> None:
        with self._lock:
            self.models[body["id"]] = body
        if card is not None:
            self.set_card(body["id"], card, commit=body.get("sha"))

    def set_card(self, repo_id: str, text: str, *, commit: str | None = None) -> str:
        """Serve ``text`` as the model's README from now on, as a new commit; returns it."""
        commit = commit or hashlib.sha1(f"{repo_id}\n{text}".encode()).hexdigest()
        with self._lock:
            self.cards.setdefault(repo_id, {})[commit] = text
            self.card_dates.setdefault(repo_id, {})[commit] = "2026-01-01T00:00:00.000Z"
        self.use_card_revision(repo_id, commit)
        return commit

    def card_revisions(self, repo_id: str) -> list[str]:
        dates = self.card_dates.get(repo_id, {})
        return sorted(self.cards.get(repo_id, {}), key=lambda c: (dates.get(c, ""), c))

    def use_card_revision(self, repo_id: str, revision: str) -> str:
        """Make a known revision (a prefix is enough) the model's current commit, as a push would:
        the body's sha, lastModified, cardData and licence tags follow the card."""
        with self._lock:
            matches = [c for c in self.cards.get(repo_id, {}) if c.startswith(revision.lower())]
            if len(matches) != 1:
                raise KeyError(f"{repo_id}: no single revision {revision!r}")
            commit = matches[0]
            text = self.cards[repo_id][commit]
            self._current_card[repo_id] = commit
            body = self.models.setdefault(repo_id, {"_id": repo_id, "id": repo_id})
            body["sha"] = commit
            body["lastModified"] = self.card_dates[repo_id].get(commit, body.get("lastModified"))
            meta = front_matter(text)
            if meta:
                body["cardData"] = meta
            else:
                body.pop("cardData", None)
            tags = [t for t in body.get("tags") or [] if not str(t).startswith("license:")]
            if isinstance(meta.get("license"), str):
                tags.insert(max(0, len(tags) - 1), f"license:{meta['license']}")
            body["tags"] = tags
            return commit

    # -- answering --------------------------------------------------------------------------------

    def _serve(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        path = unquote(split.path)
        query = tuple(parse_qsl(split.query, keep_blank_values=True))
        with self._lock:
            self.log.append(Logged(handler.command, path, query,
                                   handler.headers.get("Authorization"),
                                   handler.headers.get("User-Agent")))
            fault = self._take_fault(path, handler.command, split.query) or self.everywhere
        if fault is not None and fault.delay and self._stopping.wait(fault.delay):
            return  # the server is stopping
        if fault is not None and fault.status is not None:
            reply = Reply(fault.status, dict(fault.headers))
            if fault.body is not None:
                reply.body = fault.body.encode() if isinstance(fault.body, str) else fault.body
                reply.headers.setdefault("Content-Type", fault.content_type or
                                         "application/json; charset=utf-8")
            elif fault.status >= 400:
                error = _error(fault.status, fault.headers.get("X-Error-Message", "fault"))
                reply.body = error.body
                reply.headers.setdefault("Content-Type", error.headers["Content-Type"])
        else:
            try:
                reply = self._answer(handler.command, path, dict(query), query)
            except Exception as exc:  # noqa: BLE001 - a bug in the fake shows as a 500
                reply = _error(500, f"fake hub error: {exc!r}")
        if fault is not None and fault.content_type:
            reply.headers["Content-Type"] = fault.content_type
        self._send(handler, reply, truncate=fault is not None and fault.truncate)

    def _take_fault(self, path: str, method: str, query: str) -> Fault | None:
        for fault in self.faults.get(path, []):
            if fault.method and fault.method != method:
                continue
            if fault.query and fault.query not in query:
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults[path].remove(fault)
            return fault
        return None

    def _send(self, handler: _Handler, reply: Reply, *, truncate: bool) -> None:
        try:
            handler.send_response(reply.status)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if "Content-Length" not in reply.headers:
                length = reply.length if reply.stream is not None else len(reply.body)
                handler.send_header("Content-Length", str(length))
            if truncate:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            if handler.command != "HEAD" and reply.stream is not None:
                for chunk in reply.stream():
                    if self._stopping.is_set():
                        break
                    handler.wfile.write(chunk)
            elif handler.command != "HEAD":
                body = reply.body[: max(1, len(reply.body) // 2)] if truncate else reply.body
                handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

    def _answer(self, method: str, path: str, params: dict[str, str],
                query: tuple[tuple[str, str], ...]) -> Reply:
        if path == "/api/models":
            return self._list(query)
        if path.startswith("/api/models/"):
            repo_id = path.removeprefix("/api/models/")
            repo_id = re.sub(r"/revision/[^/]+$", "", repo_id)
            return self._model(repo_id, query)
        if path.startswith("/api/datasets/"):
            return self._dataset(path.removeprefix("/api/datasets/"), query)
        if "/resolve/" in path:
            return self._resolve(path)
        if path == "/api/agent-harnesses":
            return _json(200, [])
        return _error(404, "Not Found")

    @staticmethod
    def _expand_of(query: tuple[tuple[str, str], ...]) -> list[str] | None:
        values = [v for k, v in query if k in ("expand", "expand[]")]
        return values or None

    def _fields(self, body: dict[str, Any], expand: list[str] | None) -> dict[str, Any]:
        out = {k: v for k, v in body.items() if k in ("_id", "id")}
        for name in expand or ():
            if name == "baseModels" and "baseModels" not in body:
                value = self._base_models(body)
                if value:
                    out["baseModels"] = value
            elif name == "author" and "author" not in body and "/" in body["id"]:
                out["author"] = body["id"].split("/")[0]
            elif name in body:
                out[name] = body[name]
        return out

    @staticmethod
    def _base_models(body: dict[str, Any]) -> dict[str, Any] | None:
        relation, models = None, []
        for tag in body.get("tags") or []:
            parts = str(tag).split(":")
            if parts[0] != "base_model":
                continue
            if len(parts) == 3:
                relation = parts[1]
                models.append(parts[2])
            elif len(parts) == 2:
                models.append(parts[1])
        if not models:
            return None
        return {"relation": relation or "finetune",
                "models": [{"id": m} for m in dict.fromkeys(models)]}

    def _public(self, body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if not k.startswith("_") or k == "_id"}

    def _list(self, query: tuple[tuple[str, str], ...]) -> Reply:
        params = dict(query)
        expand = self._expand_of(query)
        if expand and (params.get("full") or params.get("cardData") or params.get("config")):
            return _error(400, "expand cannot be combined with full, cardData or config")
        unknown = sorted(set(expand or ()) - EXPAND_PROPERTIES)
        if unknown:
            return _error(400, f'"expand" must be one of the model properties, got {unknown}')
        with self._lock:
            bodies = [self.models[k] for k in sorted(self.models, key=str.lower)]
        search = (params.get("search") or "").lower()
        author = (params.get("author") or "").lower()
        matched = [b for b in bodies
                   if (not search or search in b["id"].lower())
                   and (not author or b["id"].split("/")[0].lower() == author)
                   and not b.get("private")]
        try:
            offset = int(params.get("cursor") or 0)
            limit = int(params["limit"]) if params.get("limit") else None
        except ValueError:
            return _error(400, "bad cursor or limit")
        size = min(limit, self.page_size) if limit else self.page_size
        page = matched[offset: offset + size]
        if expand:
            items = [self._fields(b, expand) for b in page]
        elif params.get("full") in ("true", "True", "1"):
            items = [self._public(b) for b in page]
        else:
            items = [{k: b[k] for k in LIST_FIELDS if k in b} for b in page]
            if params.get("cardData") in ("true", "True", "1"):
                for item, body in zip(items, page, strict=True):
                    if "cardData" in body:
                        item["cardData"] = body["cardData"]
        headers = self._ratelimit()
        if offset + size < len(matched):
            rest = [(k, v) for k, v in query if k != "cursor"] + [("cursor", str(offset + size))]
            headers["Link"] = f'<{self.url}/api/models?{urlencode(rest)}>; rel="next"'
        return _json(200, items, headers)

    def _ratelimit(self) -> dict[str, str]:
        return {"RateLimit": '"api";r=499;t=300',
                "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}

    def _model(self, repo_id: str, query: tuple[tuple[str, str], ...]) -> Reply:
        with self._lock:
            if repo_id in self.redirects and repo_id not in self.models:
                location = f"/api/models/{self.redirects[repo_id]}"
                if query:
                    location += "?" + urlencode(query)
                return Reply(307, {"Location": location, "Content-Type": "text/plain"},
                             f"Temporary Redirect. Redirecting to {location}".encode())
            body = self.models.get(repo_id)
        if body is None or body.get("private"):
            return _error(404, "Repository not found", "RepoNotFound")
        expand = self._expand_of(query)
        unknown = sorted(set(expand or ()) - EXPAND_PROPERTIES)
        if unknown:
            return _error(400, f'"expand" must be one of the model properties, got {unknown}')
        data = self._fields(body, expand) if expand else self._public(body)
        return _json(200, data, self._ratelimit())

    def add_dataset(self, dataset_id: str, license_id: str | None) -> None:
        """A dataset whose card declares ``license_id`` (the Hub has no recorded dataset bodies
        in hub-samples; these are made up, in the Hub's format)."""
        card = {"license": license_id} if license_id else {}
        tags = [f"license:{license_id}"] if license_id else []
        with self._lock:
            self.datasets[dataset_id] = {
                "_id": hashlib.sha1(dataset_id.encode()).hexdigest()[:24], "id": dataset_id,
                "author": dataset_id.split("/")[0] if "/" in dataset_id else None,
                "cardData": card, "tags": [*tags, "region:us"], "private": False,
                "gated": False, "downloads": 0, "likes": 0,
            }

    def _dataset(self, dataset_id: str, query: tuple[tuple[str, str], ...]) -> Reply:
        with self._lock:
            body = self.datasets.get(dataset_id)
        if body is None:
            return _error(404, "Repository not found", "RepoNotFound")
        expand = self._expand_of(query)
        return _json(200, self._fields(body, expand) if expand else body, self._ratelimit())

    def _commit(self, repo_id: str) -> str:
        body = self.models.get(repo_id, {})
        return self._current_card.get(repo_id) or body.get("sha") or \
            hashlib.sha1(repo_id.encode()).hexdigest()

    def _resolve(self, path: str) -> Reply:
        parts = path.strip("/").split("/")
        at = parts.index("resolve")
        repo_id, revision, filename = "/".join(parts[:at]), parts[at + 1], "/".join(parts[at + 2:])
        with self._lock:
            if repo_id in self.redirects and repo_id not in self.models:
                location = "/" + "/".join([*self.redirects[repo_id].split("/"), *parts[at:]])
                return Reply(307, {"Location": quote(location)}, b"")
            if repo_id not in self.models or self.models[repo_id].get("private"):
                return _error(404, "Repository not found", "RepoNotFound")
            current = self._commit(repo_id)
            huge = self.huge_cards.get(repo_id)
            if huge is not None and filename == "README.md" and (
                    revision == "main" or current.startswith(revision.lower())):
                return Reply(200, {
                    "Content-Type": "text/plain; charset=utf-8", "X-Repo-Commit": current,
                    "ETag": f'"{hashlib.sha1(f"{current}{huge}".encode()).hexdigest()}"',
                    "Accept-Ranges": "bytes"},
                    stream=lambda: self.huge_card_chunks(huge), length=huge)
            texts = self.cards.get(repo_id, {})
            if revision == "main":
                commit = current
            else:
                found = [c for c in {*texts, current} if c.startswith(revision.lower())]
                if len(found) != 1 or len(revision) < 7:
                    return _error(404, f"Invalid rev id: {revision}", "RevisionNotFound")
                commit = found[0]
            text = texts.get(commit)
        if filename != "README.md" or text is None:
            return _error(404, "Entry not found", "EntryNotFound", **{"X-Repo-Commit": commit})
        body = text.encode("utf-8")
        return Reply(200, {
            "Content-Type": "text/plain; charset=utf-8",
            "X-Repo-Commit": commit,
            "ETag": '"' + hashlib.sha1(body).hexdigest() + '"',
            "Accept-Ranges": "bytes",
        }, body)


# -- the fixture --------------------------------------------------------------------------------

@pytest.fixture
def fake_hub(shared_data: Path, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A running :class:`FakeHub`, with the environment pointing the real client at it."""
    import huggingface_hub
    from huggingface_hub import constants

    hub = FakeHub(load_corpus(shared_data / "hub-samples"))
    hub.start()
    home = tmp_path / "hf-home"
    hub.cache_dir = home / "hub"
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(home / "hub"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(home / "token"))
    try:
        yield hub
    finally:
        hub.stop()
        huggingface_hub.close_session()  # pooled connections to this server's port


# -- a forward proxy on the loopback ------------------------------------------------------------

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "proxy-authorization",
                         "te", "trailer", "transfer-encoding", "upgrade", "content-length"})


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        import http.client

        target = urlsplit(self.path)  # a forward proxy is asked for absolute URLs
        with self.server.lock:
            self.server.seen.append(f"{self.command} {self.path}")
        if target.scheme != "http" or target.hostname != "127.0.0.1":
            self.send_response(403)  # loopback only, ever
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        upstream = http.client.HTTPConnection("127.0.0.1", target.port or 80, timeout=10)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request(self.command, path, headers=headers)
            answer = upstream.getresponse()
            body = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body) if self.command != "HEAD"
                                               else answer.getheader("Content-Length") or 0))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = _forward
    do_HEAD = _forward


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.lock = threading.Lock()
        self.seen: list[str] = []


class LocalProxy:
    """A plain HTTP forward proxy on 127.0.0.1 (port 0) that passes requests on to 127.0.0.1
    only and remembers each one (:attr:`seen`: ``"GET http://127.0.0.1:…/api/…"``)."""

    def __init__(self) -> None:
        self._server = _ProxyServer()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``, without a scheme."""
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def seen(self) -> list[str]:
        with self._server.lock:
            return list(self._server.seen)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def local_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalProxy]:
    """A :class:`LocalProxy`, with every proxy variable cleared first (set the ones a test
    needs); huggingface_hub's session is rebuilt before and after, so that it reads them."""
    from openexplorer.hub import transport

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    proxy = LocalProxy()
    transport.reset_session()
    try:
        yield proxy
    finally:
        proxy.stop()
        transport.reset_session()
