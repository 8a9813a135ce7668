"""The watchlist: releases, families and organisations a user follows, and what changed in them.

Every import and refresh writes each fact it changes (licence id or text, gating, model card,
weight files, a framework's rating…) to the cache's ``changes`` table with the old and new value
(:mod:`openexplorer.db.cache`). The watchlist picks out the changes to watched releases — a watched
family or organisation covers all its releases, present and future:

* :func:`changes_since` — what changed since a date, newest first;
* :func:`alerts` — what the refresh that started at a given time changed (empty when nothing
  watched changed: notifications stay quiet);
* :func:`unseen_changes` / :func:`mark_seen` — the changes the user has not looked at yet;
* :func:`possibly_stale` — families that published a release after their assessments were made:
  those assessments may no longer describe the family's newest model.

The ``watchlist`` and ``watch_seen`` tables are the user's: no import or refresh touches them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from openexplorer.core import identity
from openexplorer.db import queries
from openexplorer.db.cache import Cache

Kind = Literal["release", "family", "organization"]
KINDS: tuple[str, ...] = ("release", "family", "organization")
#: Sources whose records are openness assessments (the Hub's automated evidence is not one).
ASSESSING_SOURCES: tuple[str, ...] = ("mot", "osai", "osai-legacy", "osi")
_SEEN_KEY = "changes_seen_at"
_STALE_KEY = "stale:"


class WatchError(ValueError):
    """An unknown kind, or a release, family or organisation the cache does not know."""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def stamp(when: str | date | datetime | None) -> str | None:
    """A moment as the ``changes`` table writes it (ISO 8601, UTC, whole seconds).

    Takes a datetime (naive means UTC), a date, ISO text (``2025-03-01``, ``2025-03-01T10:00``,
    with or without an offset) or ``Nd`` (N days ago). Whole seconds: a refresh that started at
    12:00:00.7 writes its changes stamped 12:00:00, and they must count as after its start.
    """
    if when is None or when == "":
        return None
    if isinstance(when, str):
        text = when.strip()
        days = re.fullmatch(r"(\d+)\s*d(ays?)?", text)
        if days:
            when = datetime.now(UTC) - timedelta(days=int(days.group(1)))
        else:
            try:
                when = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as exc:
                raise WatchError(f"{text!r} is not a date (write 2025-03-01, "
                                 "2025-03-01T10:00 or 7d)") from exc
    if isinstance(when, date) and not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day, tzinfo=UTC)
    assert isinstance(when, datetime)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


# -- the list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchItem:
    """One watched release, family or organisation."""

    id: int
    kind: str
    value: str  # the release id, family id or organisation id
    label: str  # its name as the app shows it
    added_at: str

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.value}"


def resolve(cache: Cache, kind: str, text: str) -> tuple[str, str]:
    """The id and display name of what ``text`` names, for a kind of watch item."""
    if kind not in KINDS:
        raise WatchError(f"a watch item is one of {', '.join(KINDS)}, not {kind!r}")
    text = (text or "").strip()
    if not text:
        raise WatchError(f"name the {kind} to watch")
    if kind == "release":
        release_id = cache.resolve(text)
        if release_id is None:
            raise WatchError(f"unknown release: {text!r} (try: openexplorer search {text})")
        release = cache.release(release_id)
        return release_id, (release or {}).get("name") or release_id
    table: Literal["families", "organizations"] = (
        "families" if kind == "family" else "organizations")
    found = (queries.named_by_id(cache, table, text)
             or queries.named_by_name(cache, table, text)
             or queries.named_by_id(cache, table, identity.slug(text)))
    if found:
        return found
    if kind == "organization":
        org = identity.organization_for(text)
        if org is not None:
            found = queries.named_by_id(cache, "organizations", org.id)
            if found:
                return found
    like = queries.names_containing(cache, table, text, 5)
    hint = f"; did you mean {', '.join(like)}?" if like else ""
    raise WatchError(f"unknown {kind}: {text!r}{hint}")


def _label(cache: Cache, kind: str, value: str) -> str:
    table: queries.NamedTable = ("releases" if kind == "release" else
                                 "families" if kind == "family" else "organizations")
    name = queries.name_of(cache, table, value)
    return name if name is not None else value


def add(cache: Cache, kind: str, text: str) -> WatchItem:
    """Watch a release, family or organisation (named by id or name). Adding twice is one item."""
    value, _ = resolve(cache, kind, text)
    queries.insert_watch_item(cache, kind, value, _now())
    return next(i for i in items(cache) if i.kind == kind and i.value == value)


def remove(cache: Cache, kind: str, text: str) -> bool:
    """Stop watching; False when it was not watched. Takes the stored id or a name."""
    if kind not in KINDS:
        raise WatchError(f"a watch item is one of {', '.join(KINDS)}, not {kind!r}")
    values = {text.strip()}
    try:
        values.add(resolve(cache, kind, text)[0])
    except WatchError:
        pass  # a release that has left the cache can still be unwatched by its id
    return queries.delete_watch_items(cache, kind, values) > 0


def names_to_watch(cache: Cache, kind: str, *, releases: int = 5000) -> list[str]:
    """What the user may type to watch something of ``kind``: every family or organisation by
    name, or the ``releases`` most popular releases' names (the watchlist's completions)."""
    if kind == "family":
        return queries.family_names(cache)
    if kind == "organization":
        return queries.organization_names(cache)
    return [name for name, _rid in queries.popular_releases(cache, releases)]


def items(cache: Cache) -> list[WatchItem]:
    """Everything watched, in the order it was added."""
    return [WatchItem(id=r.id, kind=r.kind, value=r.value,
                      label=_label(cache, r.kind, r.value), added_at=r.added_at)
            for r in queries.watch_rows(cache)]


def release_ids_of(cache: Cache, item: WatchItem, *, ordered: bool = True) -> list[str]:
    """The releases a watch item covers now (a family or organisation: all of its releases),
    by date and name (``ordered=False``: in no particular order, which is quicker for a family
    of 100,000 Hub fine-tunes)."""
    if item.kind == "release":
        return [item.value] if cache.release(item.value) else []
    return queries.release_ids_of(cache, "family" if item.kind == "family" else "organization",
                                  item.value, ordered=ordered)


def watched_releases(cache: Cache) -> dict[str, list[WatchItem]]:
    """Each watched release id with the watch items that cover it."""
    out: dict[str, list[WatchItem]] = {}
    for item in items(cache):
        for release_id in release_ids_of(cache, item, ordered=False):
            out.setdefault(release_id, []).append(item)
    return out


# -- changes --------------------------------------------------------------------------------------

_RELEASE_FIELDS = {
    "license": ("licence", "Licence"),
    "release_date": ("fact", "Release date"),
    "name": ("fact", "Name"),
    "family": ("fact", "Family"),
    "organization": ("fact", "Organisation"),
    "hub_id": ("fact", "Hub repository"),
    "parameters": ("fact", "Parameters"),
    "modality": ("fact", "Modality"),
}
_HUB_FIELDS = {
    "license": ("licence", "Licence on the Hub"),
    "gating": ("gating", "Gating on the Hub"),
    "model_card": ("card", "Model card"),
    "weights": ("files", "Weight files"),
    "datasets": ("hub", "Datasets named on the Hub"),
    "paper": ("hub", "Papers linked on the Hub"),
    "code": ("hub", "Code linked on the Hub"),
    "base_model": ("hub", "Base model"),
}
#: What a change is about, for filters and badges.
CHANGE_KINDS = ("licence", "gating", "card", "files", "rating", "hub", "fact", "other")


def describe_field(field_name: str, source: str | None = None) -> tuple[str, str]:
    """(kind, label) of a ``changes.field``: ``license`` → ("licence", "Licence"),
    ``hub:gating`` → ("gating", "Gating on the Hub"), ``osai:trainingcode`` → ("rating",
    "Index: Training Code")…"""
    if field_name in _RELEASE_FIELDS:
        return _RELEASE_FIELDS[field_name]
    framework, _, component = field_name.partition(":")
    if framework == "hub" and component in _HUB_FIELDS:
        return _HUB_FIELDS[component]
    automated = " (from Hub metadata)" if source == "hub" else ""
    if framework == "mof":
        if component.startswith("license:"):
            return "licence", f"MOF licence for {component.split(':', 1)[1]}{automated}"
        return "rating", f"MOF: {component}{automated}"
    if framework == "osai":
        from openexplorer.frameworks import osai

        dimension = osai.dimension(component)
        return "rating", f"Index: {dimension.name if dimension else component}{automated}"
    if framework == "osai-legacy":
        return "rating", f"Opening up ChatGPT: {component}"
    if framework in ("epoch", "fmti", "osi"):
        return "rating", f"{framework.upper() if framework != 'epoch' else 'Epoch'}: {component}"
    return "other", field_name


@dataclass(frozen=True)
class Change:
    """One changed fact of a watched release."""

    id: int
    release_id: str
    release_name: str
    field: str  # as stored: "license", "hub:gating", "mof:Datasets"…
    kind: str  # one of CHANGE_KINDS
    label: str  # what changed, in words
    old: str | None
    new: str | None
    source: str | None  # the source whose record changed (None: the release's merged facts)
    changed_at: str
    watched_as: tuple[str, ...] = ()  # labels of the watch items covering the release

    def as_dict(self) -> dict[str, Any]:
        return {"release_id": self.release_id, "release": self.release_name,
                "field": self.field, "kind": self.kind, "what": self.label,
                "old": self.old, "new": self.new, "source": self.source,
                "changed_at": self.changed_at, "watched_as": list(self.watched_as)}

    def line(self) -> str:
        """``Llama-3.1-8B: Gating on the Hub open → partial (hub, 2025-03-01T10:00:00+00:00)``"""
        return (f"{self.release_name}: {self.label} {self.old or '–'} → {self.new or '–'} "
                f"({self.source or 'merged facts'}, {self.changed_at})")


def _changes(cache: Cache, release_ids: Iterable[str], since: str | None,
             covering: dict[str, list[WatchItem]], limit: int | None) -> list[Change]:
    ids = sorted(set(release_ids))
    if not ids:
        return []
    out: list[Change] = []
    # A few releases' names in one statement; a big watched organisation's one by one below.
    names = queries.release_names(cache, ids) if len(ids) <= 900 else {}
    for row in queries.change_rows(cache, ids, since):
        kind, label = describe_field(row[3], row[2])
        release_id = row[1]
        name = names.get(release_id)
        if name is None:
            found = cache.release(release_id)
            name = found["name"] if found else release_id
        out.append(Change(
            id=row[0], release_id=release_id, release_name=name, field=row[3], kind=kind,
            label=label, old=row[4], new=row[5], source=row[2], changed_at=row[6],
            watched_as=tuple(i.label for i in covering.get(release_id, ())),
        ))
    out.sort(key=lambda c: (c.changed_at, c.id), reverse=True)
    return out[:limit] if limit is not None else out


def changes_since(cache: Cache, since: str | date | datetime | None = None, *,
                  item: WatchItem | None = None, limit: int | None = None,
                  covering: dict[str, list[WatchItem]] | None = None) -> list[Change]:
    """Changes to watched releases since ``since`` (None: all recorded), newest first.

    ``item`` narrows to one watch item's releases. ``covering``: :func:`watched_releases`,
    when the caller has it already.
    """
    if covering is None:
        covering = watched_releases(cache)
    ids = release_ids_of(cache, item, ordered=False) if item is not None else list(covering)
    return _changes(cache, ids, stamp(since), covering, limit)


def alerts(cache: Cache, report_started_at: str | date | datetime) -> list[Change]:
    """What the refresh (or import) that started at ``report_started_at`` changed in watched
    releases. An empty list means nothing watched changed: nothing to notify.

    Changes are stamped in whole seconds, so the changes of an earlier run that ended in the
    same second as this one started would be counted too (refreshes are never that close).
    """
    if report_started_at is None:
        raise WatchError("alerts need the time the refresh started")
    return changes_since(cache, report_started_at)


def seen_at(cache: Cache) -> str | None:
    """When the user last marked the changes seen (None: never)."""
    return queries.seen_value(cache, _SEEN_KEY)


def mark_seen(cache: Cache, when: str | date | datetime | None = None) -> None:
    """The user has seen every change up to ``when`` (default: now)."""
    value = stamp(when) if when is not None else _now()
    queries.set_seen_value(cache, _SEEN_KEY, value)


def unseen_changes(cache: Cache, *,
                   covering: dict[str, list[WatchItem]] | None = None) -> list[Change]:
    """Changes the user has not seen: after they last marked them seen, and after the release
    was first watched (a newly watched family does not arrive with its whole history unread).
    ``covering``: :func:`watched_releases`, when the caller has it already."""
    seen = seen_at(cache)
    if covering is None:
        covering = watched_releases(cache)
    since = seen
    earliest = min((i.added_at for group in covering.values() for i in group), default=None)
    if earliest and (since is None or earliest > since):
        since = earliest
    out = []
    for change in _changes(cache, list(covering), since, covering, None):
        added = min(i.added_at for i in covering[change.release_id])
        if change.changed_at >= added and (seen is None or change.changed_at > seen):
            out.append(change)
    return out


# -- possibly stale assessments -------------------------------------------------------------------


@dataclass(frozen=True)
class NewRelease:
    release_id: str
    name: str
    release_date: str | None
    first_seen: str | None
    reason: str  # why it counts as newer than the assessments


@dataclass(frozen=True)
class StaleFamily:
    """A family whose assessments predate one of its releases."""

    family_id: str
    family: str
    assessed_until: str | None  # the latest assessment date among the family's records
    assessed: tuple[str, ...]  # names of the releases with an assessment of their own
    newer: tuple[NewRelease, ...]
    acknowledged: bool = False  # the user has marked these newer releases as seen
    watched_as: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {"family_id": self.family_id, "family": self.family,
                "assessed_until": self.assessed_until, "assessed": list(self.assessed),
                "newer": [n.__dict__ for n in self.newer], "acknowledged": self.acknowledged,
                "watched_as": list(self.watched_as)}

    def line(self) -> str:
        names = ", ".join(n.name for n in self.newer[:3]) + (
            f" and {len(self.newer) - 3} more" if len(self.newer) > 3 else "")
        return (f"{self.family}: assessments possibly stale — assessed until "
                f"{self.assessed_until or 'an unknown date'}, newer: {names}")


def _date(text: str | None) -> date | None:
    from openexplorer.analyses.compare import parse_release_date

    return parse_release_date(text)


def _families_in_scope(cache: Cache, watched_only: bool) -> dict[str, list[str]]:
    """Family id → labels of the watch items that bring it in (every family if not watched)."""
    if not watched_only:
        return {family_id: [] for family_id in queries.family_ids(cache)}
    out: dict[str, list[str]] = {}
    for item in items(cache):
        for family_id in _families_of(cache, item):
            labels = out.setdefault(family_id, [])
            if item.label not in labels:
                labels.append(item.label)
    return out


def _families_of(cache: Cache, item: WatchItem) -> list[str]:
    """The families a watch item brings in (an organisation's: one query, not one per release)."""
    if item.kind == "family":
        return [item.value]
    return queries.families_of(cache, "release" if item.kind == "release" else "organization",
                               item.value)


def possibly_stale(cache: Cache, *, watched_only: bool = True) -> list[StaleFamily]:
    """Families that published a release after their assessments were made.

    A family's assessments are the records of the assessing sources (MOT, index, Opening up
    ChatGPT, OSI) for its releases or for the family. A release of the family with no
    assessment of its own is **newer** when its release date falls after the latest assessment
    date, or when it was first recorded (by an import or refresh) after every assessment was —
    for the latter it must come from an organisation whose releases were assessed, so that a
    community fine-tune named after the family does not count. Families with no assessment are
    left out (nothing can be stale). ``watched_only``: the families of watched items.
    """
    scope = _families_in_scope(cache, watched_only)
    out: list[StaleFamily] = []
    dates: dict[str | None, date | None] = {}  # release dates repeat: each parsed once

    def parse(text: str | None) -> date | None:
        if text not in dates:
            dates[text] = _date(text)
        return dates[text]

    for family_id, labels in scope.items():
        family_name = queries.name_of(cache, "families", family_id)
        if family_name is None:
            continue
        # The assessments first (a few hundred records), then the family's releases.
        assessed_rows = queries.family_assessments(cache, family_id, ASSESSING_SOURCES)
        if not assessed_rows:
            continue
        releases = queries.family_release_rows(cache, family_id)
        if not releases:
            continue
        assessed_ids = {r[0] for r in assessed_rows if r[0]}
        assessed_dates = [d for d in (parse(r[1]) for r in assessed_rows) if d]
        assessed_until = max(assessed_dates) if assessed_dates else None
        last_import = max((r[2] for r in assessed_rows if r[2]), default=None)
        orgs = {r[3] for r in releases if r[0] in assessed_ids and r[3]}
        orgs |= {r[3] for r in assessed_rows if r[3]}
        # Newer by date, or (when it was first recorded after the assessments) from an
        # assessed organisation: when each was first recorded is read for those only.
        candidates = []  # (release, newer by date)
        for release in releases:
            release_id, _name, release_date, org = release
            if release_id in assessed_ids:
                continue
            released = parse(release_date)
            if released and assessed_until and released > assessed_until:
                candidates.append((release, True))
            elif (last_import and (not orgs or org in orgs)
                  and not (released and assessed_until and released <= assessed_until)):
                candidates.append((release, False))
        first_seen = queries.first_recorded(cache, [release[0] for release, _ in candidates])
        newer = []
        for (release_id, name, release_date, _org), dated in candidates:
            seen = first_seen.get(release_id)
            if dated:
                newer.append(NewRelease(release_id, name, release_date, seen,
                                        f"released {release_date}, after the last assessment "
                                        f"({assessed_until.isoformat()})"))  # type: ignore[union-attr]
            elif seen and seen > last_import:  # type: ignore[operator]
                newer.append(NewRelease(release_id, name, release_date, seen,
                                        f"first recorded {seen[:10]}, after the assessments"))
        if not newer:
            continue
        newer.sort(key=lambda n: (n.release_date or n.first_seen or "", n.name))
        acknowledged = set(_acknowledged(cache, family_id))
        assessed_names = tuple(sorted(r[1] for r in releases if r[0] in assessed_ids))
        out.append(StaleFamily(
            family_id=family_id, family=family_name,
            assessed_until=assessed_until.isoformat() if assessed_until else None,
            assessed=assessed_names, newer=tuple(newer),
            acknowledged={n.release_id for n in newer} <= acknowledged,
            watched_as=tuple(labels),
        ))
    out.sort(key=lambda s: (s.acknowledged, s.family.lower()))
    return out


def _acknowledged(cache: Cache, family_id: str) -> list[str]:
    value = queries.seen_value(cache, _STALE_KEY + family_id)
    return list(json.loads(value)) if value else []


def acknowledge_stale(cache: Cache, stale: StaleFamily) -> None:
    """The user has seen these newer releases: the badge stays off until another one appears."""
    known = set(_acknowledged(cache, stale.family_id)) | {n.release_id for n in stale.newer}
    queries.set_seen_value(cache, _STALE_KEY + stale.family_id, json.dumps(sorted(known)))


# -- what the Watchlist tab shows -----------------------------------------------------------------


@dataclass(frozen=True)
class WatchState:
    """Everything the Watchlist tab shows, read in one go: each watched release is looked up
    once (a family of 100,000 Hub fine-tunes is watched as easily as one release), on a thread
    of its own in the app."""

    items: tuple[WatchItem, ...]
    releases: dict[int, int]  # watch item id → the releases it covers
    unseen: dict[int, int]  # watch item id → its changes not seen yet
    unseen_ids: frozenset[int]  # the changes not seen yet
    families: dict[int, frozenset[str]]  # watch item id → the families it brings in
    stale: tuple[StaleFamily, ...]
    changes: tuple[Change, ...]  # of ``item_id`` (None: of every item) since ``since``
    alerts: tuple[Change, ...] | None  # what the refresh that began at ``alerts_since`` changed


def state(cache: Cache, *, item_id: int | None = None, since: str | None = None,
          alerts_since: str | None = None, limit: int = 2000) -> WatchState:
    """The Watchlist tab's :class:`WatchState`; ``changes`` of the watch item ``item_id`` (or
    of all) since ``since``, the newest ``limit`` (0: none read)."""
    watched = tuple(items(cache))
    covering = watched_releases(cache)
    releases: dict[int, int] = {i.id: 0 for i in watched}
    for covered_by in covering.values():
        for item in covered_by:
            releases[item.id] += 1
    unseen_list = unseen_changes(cache, covering=covering)
    unseen: dict[int, int] = {i.id: 0 for i in watched}
    for change in unseen_list:
        for item in covering.get(change.release_id, ()):
            unseen[item.id] += 1
    families = {item.id: frozenset(_families_of(cache, item)) for item in watched}
    selected = next((i for i in watched if i.id == item_id), None)
    return WatchState(
        items=watched, releases=releases, unseen=unseen,
        unseen_ids=frozenset(c.id for c in unseen_list), families=families,
        stale=tuple(possibly_stale(cache)),
        changes=tuple(changes_since(cache, since, item=selected, limit=limit,
                                    covering=covering)) if limit > 0 else (),
        alerts=(tuple(changes_since(cache, alerts_since, covering=covering))
                if alerts_since is not None else None))
