"""Which records speak about the same release, family and organisation.

Sources name things differently: the MOT per size ("Pythia-6.9B"), the index per family and
release ("OLMo", "Olmo-3.1-32B-Think"), Epoch per model version ("Llama 3.1-405B"). A record is
linked to a release (by :class:`openexplorer.store.linking.Linker`, which reads the cache) by,
in order:

1. the curated mapping ``resources/identity.csv`` (source, key → release id or ``family:<name>``);
2. its Hub repo id (case-insensitive, renamed repos followed via ``resources/hub_renames.csv``);
3. a unique match of its normalised name against the releases already known;
4. otherwise it becomes a release of its own, ``<source>:<key>``.

Families come from ``resources/families.csv`` (patterns over names and Hub ids), else from the
index's family files. Organisations are canonicalised by ``resources/organizations.csv``, which
also carries their kind (Big Tech, company, academic, public) and country.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


def slug(text: str) -> str:
    """A readable, stable id: ``"Allen Institute for AI"`` → ``"allen-institute-for-ai"``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def match_key(text: str | None) -> str | None:
    """Name normalised for matching across sources: lower case, letters and digits only."""
    if not text:
        return None
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "", text)
    return key or None


def _resource_rows(name: str) -> list[dict[str, str]]:
    text = (files("openexplorer.resources") / name).read_text(encoding="utf-8")
    import csv  # here: the tables are read once, and not by the window's start

    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


# The sources spell countries differently (Epoch uses the ISO names); one spelling each.
_COUNTRY_NAMES = {
    "united states of america": "United States",
    "usa": "United States",
    "us": "United States",
    "united kingdom of great britain and northern ireland": "United Kingdom",
    "uk": "United Kingdom",
    "korea (republic of)": "South Korea",
    "republic of korea": "South Korea",
    "korea, republic of": "South Korea",
    "russian federation": "Russia",
    "viet nam": "Vietnam",
    "iran (islamic republic of)": "Iran",
    "taiwan, province of china": "Taiwan",
    "türkiye": "Turkey",
    "netherlands (kingdom of the)": "Netherlands",
}


def country_name(text: str | None) -> str | None:
    """One spelling per country; a list ("A,B", as Epoch writes joint work) keeps its order."""
    if not text or not text.strip():
        return None
    clean = " ".join(text.split())
    if clean.lower() in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[clean.lower()]
    parts = [p.strip() for p in clean.split(",") if p.strip()]
    return ", ".join(_COUNTRY_NAMES.get(p.lower(), p) for p in parts)


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    kind: str | None = None
    country: str | None = None


@cache
def _organizations() -> dict[str, Organization]:
    by_alias: dict[str, Organization] = {}
    for row in _resource_rows("organizations.csv"):
        org = Organization(
            id=slug(row["name"]), name=row["name"], kind=row["kind"] or None,
            country=row["country"] or None,
        )
        for alias in [row["name"], *row["aliases"].split("|")]:
            key = match_key(alias)
            if key:
                by_alias[key] = org
    return by_alias


def organization_for(name: str | None) -> Organization | None:
    """The canonical organisation for a name as a source wrote it (or a Hub namespace)."""
    if not name or not name.strip():
        return None
    name = " ".join(name.split())
    known = _organizations()
    found = known.get(match_key(name) or "")
    if found is None and "(" in name:
        # "Allen Institute for AI (Ai2)", "Z.ai (Zhipu AI)": try the name, then the bracket.
        outside = re.sub(r"\s*\([^)]*\)", "", name).strip()
        inside = re.findall(r"\(([^)]*)\)", name)
        for candidate in [outside, *inside]:
            found = known.get(match_key(candidate) or "")
            if found:
                break
        else:
            name = outside or name
    return found or Organization(id=slug(name), name=name)


@cache
def _family_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(row["pattern"], re.IGNORECASE), row["family"])
            for row in _resource_rows("families.csv")]


def family_for(*, names: list[str], source_families: list[str]) -> str | None:
    """The family of a release from its names and Hub ids, else the index's family file."""
    for pattern, family in _family_patterns():
        for name in names:
            if pattern.search(name):
                return family
    for family_name in source_families:
        return family_for(names=[family_name], source_families=[]) or family_name
    return None


@cache
def curated_links() -> dict[tuple[str, str], str]:
    """The curated mapping ``resources/identity.csv``: (source, key) → release id, or
    ``family:<name>`` for a record about a family."""
    return {(row["source"], row["key"]): row["target"] for row in _resource_rows("identity.csv")}


@cache
def _hub_renames() -> dict[str, str]:
    return {row["old"].lower(): row["new"] for row in _resource_rows("hub_renames.csv")}


def canonical_hub_id(hub_id: str | None) -> str | None:
    """The current name of a Hub repo (renames followed), or None."""
    if not hub_id:
        return None
    return _hub_renames().get(hub_id.lower(), hub_id)
