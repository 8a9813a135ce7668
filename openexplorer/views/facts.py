"""A release's headline facts — licence, commercial use, release date, parameter count — chosen
from every source that states them, by a documented precedence, each carrying its provenance.

Pure rules: the inputs are a release's records (as :meth:`openexplorer.db.cache.Cache.records_for`
returns them) and its name; the output is frozen dataclasses. The cache's ``releases`` row stores
the chosen values (:func:`openexplorer.store.writes.rebuild_release`), so search, the summary and
the facets see them; :func:`openexplorer.views.release.release_view` recomputes the provenance on
read (its ``facts`` part). The user-facing explanation is docs/methodology.md, "Release facts".

Precedence (first source that states a usable value wins; every other value is kept as a claim,
and values that differ are a :class:`Disagreement`):

licence
    1. the user's correction; 2. the Hub repository's licence (a refresh, dated); 3. the MOT's
    release-wide distribution licence; 4. the licence on the MOT's weights component ("Model
    parameters (Final)"); 5. the index's end-model licence; 6. the index's predecessor (Opening up
    ChatGPT); 7. the Hub card's licence as of 2024-11 (hub-cards-2024: ``license``, or
    ``license_name`` when the tag is ``other``); 8. the curated family table
    (resources/family_licenses.csv, each row citing the licence text).
    A text that names no licence ("unknown", "other", "unlicensed", blank) is not a value.
commercial use
    what the chosen licence allows (:attr:`openexplorer.core.licenses.LicenseInfo.commercial_use`);
    Epoch's accessibility has the last word: "Open weights (non-commercial)" → not allowed, whatever
    the licence; when the licence does not decide, "Open weights (unrestricted)" → allowed and
    "Open weights (restricted use)" → restricted.
release date
    the first public release of the weights, never an assessment date: 1. the user's; 2. Epoch's
    publication date; 3. the index's release date; 4. the predecessor's; 5. the Hub repository's
    creation date. FMTI's edition dates and the MOT's record dates are assessment dates: never used.
parameters
    1. the user's; 2. Epoch's count; 3. the Hub's safetensors total (a refresh); 4. read from the
    name ("7B", "8x7B", "220M"), marked "read from the name".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


def _identify(text: str) -> Any:
    """:func:`openexplorer.core.licenses.identify`, imported when a fact is first chosen: the
    licence catalogue is not part of the window's start (store.cache_file imports this module
    through ingest; tests/ui/test_main_window.py checks what the start imports)."""
    from openexplorer.core import licenses

    return licenses.identify(text)


__all__ = [
    "FACT_COMPONENTS", "FACT_NAMES", "Claim", "Disagreement", "Fact", "FamilyLicense", "ReleaseFacts",
    "facts_view", "family_licenses", "is_open_weight", "parameters_from_name", "release_facts", "to_dict",
]

FACT_NAMES = ("license", "commercial_use", "release_date", "parameters")

#: Where a claim came from, as shown to the user.
SOURCE_LABELS: Mapping[str, str] = {
    "user": "your correction",
    "hub": "Hub repository",
    "mot": "MOT",
    "mot-weights": "MOT (weights component)",
    "osai": "OSAI index",
    "osai-legacy": "Opening up ChatGPT",
    "hub-cards-2024": "Hub card (2024-11)",
    "family-licenses": "family table (cited)",
    "epoch": "Epoch AI",
    "name": "the release's name",
}

_LICENSE_ORDER = ("user", "hub", "mot", "mot-weights", "osai", "hub-cards-2024",
                  "family-licenses", "osai-legacy")
_DATE_ORDER = ("user", "epoch", "osai", "osai-legacy", "hub", "family-licenses")
_PARAMETER_ORDER = ("user", "epoch", "hub", "name")
_WEIGHTS = "Model parameters (Final)"
#: The assessment components the rules read (the weights' licence and openness, Epoch's label).
FACT_COMPONENTS = (_WEIGHTS, "weights_endmodel", "weights", "rlweights", "model_accessibility",
                   "Open weights", "llmweights")

_RULES: Mapping[str, str] = {
    "license": "first of: your correction, the Hub repository, the MOT's release licence, the "
               "MOT's weights component, the index, the 2024 Hub card, the family licence "
               "table (citing the licence text), Opening up ChatGPT (frozen 2024)",
    "commercial_use": "what the chosen licence allows; Epoch's accessibility has the last word",
    "release_date": "first public release of the weights: your date, Epoch's publication date, "
                    "the index's, Opening up ChatGPT's, the Hub repository's creation, then the "
                    "family table's cited announcement",
    "parameters": "your count, Epoch's, the Hub's safetensors total, else read from the name",
}


@dataclass(frozen=True)
class Claim:
    """What one source says about one fact."""

    source: str  # a key of SOURCE_LABELS
    value: Any
    date: str | None = None  # the source data's date (version or assessment)
    url: str | None = None  # the licence text or the source's page


@dataclass(frozen=True)
class Fact:
    """A chosen value, the source it came from and the rule that chose it (None: unknown)."""

    name: str
    value: Any
    source: str | None
    rule: str
    date: str | None = None
    url: str | None = None
    claims: tuple[Claim, ...] = ()

    @property
    def known(self) -> bool:
        return self.value not in (None, "", "unknown")


@dataclass(frozen=True)
class Disagreement:
    """Sources that state different values for one fact, the value used and why."""

    fact: str
    values: tuple[tuple[str, Any], ...]  # (source, value), in precedence order
    chosen: Any
    why: str


@dataclass(frozen=True)
class ReleaseFacts:
    license: Fact
    commercial_use: Fact
    release_date: Fact
    parameters: Fact
    disagreements: tuple[Disagreement, ...] = ()
    open_weight: bool = False

    def fact(self, name: str) -> Fact:
        value: Fact = getattr(self, name)
        return value


@dataclass(frozen=True)
class FamilyLicense:
    """One row of resources/family_licenses.csv: a licence that covers a family or size line."""

    pattern: re.Pattern[str]
    license: str
    url: str
    note: str = ""
    release_date: str | None = None  # the size line's first public release, cited by date_url
    date_url: str | None = None


@cache
def family_licenses() -> tuple[FamilyLicense, ...]:
    """The curated family licence table (rows without a licence URL are refused)."""
    text = (files("openexplorer.resources") / "family_licenses.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    out = []
    for row in rows:
        if not row.get("url", "").startswith("https://"):
            raise ValueError(f"family_licenses.csv: {row.get('match')}: no licence URL")
        if row.get("release_date") and not (row.get("date_url") or "").startswith("https://"):
            raise ValueError(f"family_licenses.csv: {row.get('match')}: a date without its URL")
        out.append(FamilyLicense(re.compile(row["match"], re.I), row["license"], row["url"],
                                 row.get("note") or "", row.get("release_date") or None,
                                 row.get("date_url") or None))
    return tuple(out)


def _name_key(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def family_license_for(names: Iterable[str]) -> FamilyLicense | None:
    """The first table row whose pattern matches one of the release's names (whole name)."""
    keys = [_name_key(n) for n in names if n]
    for row in family_licenses():
        if any(row.pattern.fullmatch(k) for k in keys):
            return row
    return None


_SIZE = re.compile(
    r"(?<![A-Za-z0-9.])(?:(\d+)\s*[x×]\s*)?(\d+(?:\.\d+)?)([bmt])(\d)?(?![A-Za-z0-9])", re.I)
_UNIT = {"m": 1e6, "b": 1e9, "t": 1e12}


def parameters_from_name(name: str | None) -> tuple[float, str] | None:
    """The parameter count a name states ("7B", "8x7B", "220M", BLOOM's "7b1" = 7.1B) and the
    text it was read from; None when the name states none. A name "8x7B" gives 8 × 7B, an upper
    bound (mixture-of-experts layers share weights). "A3B" (active parameters) and "32K"
    (context) are not sizes."""
    if not name:
        return None
    for match in _SIZE.finditer(name):
        experts, number, unit, decimal = match.groups()
        value = float(number + ("." + decimal if decimal and "." not in number else ""))
        value *= _UNIT[unit.lower()]
        if experts:
            value *= int(experts)
        if value >= 1e6:
            return value, match.group(0)
    return None


def is_open_weight(records: Sequence[Mapping[str, Any]]) -> bool:
    """True when any source calls the weights open: the MOT lists the final parameters, the
    index or its predecessor rates the end model's weights open, Epoch lists open weights
    (any of its three "Open weights" labels), FMTI rates the weights open."""
    for record in records:
        source = record["source"]
        for a in record.get("assessments") or ():
            if source == "mot" and a.component == _WEIGHTS and a.status == "present":
                return True
            if source == "osai" and a.component in ("weights_endmodel", "weights") \
                    and a.status == "open":
                return True
            if source == "osai-legacy" and a.component == "rlweights" and a.status == "open":
                return True
            if source == "epoch" and a.component == "model_accessibility" \
                    and str(a.value or "").startswith("Open weights"):
                return True
            if source == "fmti" and a.component == "Open weights" and a.status == "open":
                return True
    return False


def _date_of(record: Mapping[str, Any]) -> str | None:
    return record.get("source_version") or record.get("assessed_date")


def _names_license(text: str | None) -> bool:
    if not text or not str(text).strip():
        return False
    info = _identify(str(text))
    return info.recognised or info.statement is None and str(text).strip().lower() not in (
        "other", "unknown", "unlicensed", "none", "n/a", "custom", "proprietary?")


def _license_claims(records: Sequence[Mapping[str, Any]],
                    names: Sequence[str]) -> list[Claim]:
    claims: list[Claim] = []
    for record in records:
        source = record["source"]
        data = record.get("data") or {}
        if source == "hub-cards-2024":
            text = record.get("license")
            if _names_license(text):
                claims.append(Claim(source, text, _date_of(record),
                                    data.get("license_link") or record.get("url")))
            continue
        if source in ("user", "hub", "mot", "osai", "osai-legacy") \
                and _names_license(record.get("license")):
            claims.append(Claim(source, record["license"], _date_of(record), record.get("url")))
        if source == "mot":
            for a in record.get("assessments") or ():
                if a.component == _WEIGHTS and _names_license(a.license):
                    claims.append(Claim("mot-weights", a.license, _date_of(record),
                                        record.get("url")))
    row = family_license_for(names)
    if row is not None:
        claims.append(Claim("family-licenses", row.license, None, row.url))
    order = {s: i for i, s in enumerate(_LICENSE_ORDER)}
    # Stable: within a source, the records' order (latest assessment first) is kept.
    claims.sort(key=lambda c: order.get(c.source, 99))
    return claims


def _license_key(text: Any) -> str:
    info = _identify(str(text))
    return info.id or re.sub(r"[^a-z0-9]+", "", str(text).lower())


def _first(name: str, claims: list[Claim], *, rule_extra: str = "") -> Fact:
    if not claims:
        return Fact(name, None, None, "no source we hold states it", claims=())
    top = claims[0]
    rule = f"{SOURCE_LABELS.get(top.source, top.source)} — {_RULES[name]}{rule_extra}"
    return Fact(name, top.value, top.source, rule, top.date, top.url, tuple(claims))


def _disagreement(fact: Fact, key: Any, why: str) -> Disagreement | None:
    seen: dict[Any, tuple[str, Any]] = {}
    for claim in fact.claims:
        seen.setdefault(key(claim.value), (claim.source, claim.value))
    if len(seen) < 2:
        return None
    values = tuple((c.source, c.value) for c in fact.claims
                   if (c.source, c.value) in seen.values())
    return Disagreement(fact.name, values, fact.value, why)


def _epoch_accessibility(records: Sequence[Mapping[str, Any]]) -> tuple[str, str | None] | None:
    for record in records:
        if record["source"] != "epoch":
            continue
        for a in record.get("assessments") or ():
            if a.component == "model_accessibility" and a.value:
                return str(a.value), _date_of(record)
    return None


_EPOCH_COMMERCIAL = {
    "Open weights (non-commercial)": "not allowed",
    "Open weights (restricted use)": "restricted",
    "Open weights (unrestricted)": "allowed",
}


def _commercial_use(license_fact: Fact, records: Sequence[Mapping[str, Any]]
                    ) -> tuple[Fact, Disagreement | None]:
    claims: list[Claim] = []
    from_licence = "unknown"
    if license_fact.known:
        from_licence = _identify(str(license_fact.value)).commercial_use
        if from_licence != "unknown":
            claims.append(Claim(license_fact.source or "", from_licence, license_fact.date,
                                license_fact.url))
    epoch = _epoch_accessibility(records)
    epoch_value = _EPOCH_COMMERCIAL.get(epoch[0]) if epoch else None
    if epoch and epoch_value:
        claims.append(Claim("epoch", epoch_value, epoch[1]))
    if epoch_value == "not allowed":
        chosen = Fact("commercial_use", "not allowed", "epoch",
                      "Epoch AI — Epoch lists the weights as non-commercial, the last word on "
                      "commercial use", epoch[1] if epoch else None, None, tuple(claims))
    elif from_licence != "unknown":
        chosen = Fact("commercial_use", from_licence, license_fact.source,
                      f"what the chosen licence ({license_fact.value}) allows",
                      license_fact.date, license_fact.url, tuple(claims))
    elif epoch_value:
        chosen = Fact("commercial_use", epoch_value, "epoch",
                      f"Epoch AI — the licence does not decide it; Epoch's label: {epoch[0] if epoch else ''}",
                      epoch[1] if epoch else None, None, tuple(claims))
    else:
        chosen = Fact("commercial_use", None, None,
                      "unknown: no recognised licence and no Epoch label", claims=tuple(claims))
    why = ("Epoch's accessibility has the last word on commercial use"
           if chosen.source == "epoch" else "the chosen licence decides")
    return chosen, _disagreement(chosen, lambda v: v, why)


def _dates_agree(a: str, b: str) -> bool:
    # "2023-07" and "2023-07-18" agree: one is the other at a coarser precision.
    return a.startswith(b) or b.startswith(a)


def _date_disagreement(fact: Fact) -> Disagreement | None:
    if not fact.claims:
        return None
    kept: list[Claim] = []
    for claim in fact.claims:
        if all(not _dates_agree(str(claim.value), str(k.value)) for k in kept):
            kept.append(claim)
    if len(kept) < 2:
        return None
    return Disagreement("release_date", tuple((c.source, c.value) for c in kept), fact.value,
                        f"{SOURCE_LABELS.get(fact.source or '', fact.source)} comes first in "
                        "the precedence for release dates")


def _parameter_disagreement(fact: Fact) -> Disagreement | None:
    stated = [c for c in fact.claims if c.source != "name"]
    kept: list[Claim] = []
    for claim in stated:
        if all(abs(float(claim.value) - float(k.value)) > 0.05 * max(float(k.value), 1.0)
               for k in kept):
            kept.append(claim)
    if len(kept) < 2:
        return None
    return Disagreement("parameters", tuple((c.source, c.value) for c in kept), fact.value,
                        f"{SOURCE_LABELS.get(fact.source or '', fact.source)} comes first in "
                        "the precedence for parameter counts")


def release_facts(records: Sequence[Mapping[str, Any]], name: str | None = None,
                  hub_id: str | None = None) -> ReleaseFacts:
    """The release's four headline facts from its records (release-scope records only)."""
    own = [r for r in records if r.get("scope", "release") == "release"]
    names = [n for n in (name, hub_id.split("/")[-1] if hub_id else None,
                         *(r.get("name") for r in own), *(
                             str(r["hub_id"]).split("/")[-1] for r in own if r.get("hub_id")))
             if n]
    disagreements: list[Disagreement] = []

    license_fact = _first("license", _license_claims(own, names))
    found = _disagreement(
        license_fact, _license_key,
        f"{SOURCE_LABELS.get(license_fact.source or '', license_fact.source)} comes first in "
        "the precedence for licences")
    if found:
        disagreements.append(found)

    commercial, found = _commercial_use(license_fact, own)
    if found:
        disagreements.append(found)

    date_order = {s: i for i, s in enumerate(_DATE_ORDER)}
    date_claims = [Claim(r["source"], r["release_date"], _date_of(r), r.get("url")) for r in own
                   if r["source"] in date_order and r.get("release_date")]
    row = family_license_for(names)
    if row is not None and row.release_date:
        date_claims.append(Claim("family-licenses", row.release_date, None, row.date_url))
    date_claims.sort(key=lambda c: (date_order[c.source], -len(str(c.value))))
    date_fact = _first("release_date", date_claims)
    found = _date_disagreement(date_fact)
    if found:
        disagreements.append(found)

    parameter_order = {s: i for i, s in enumerate(_PARAMETER_ORDER)}
    parameter_claims = [Claim(r["source"], float(r["parameters"]), _date_of(r), r.get("url"))
                        for r in own if r["source"] in parameter_order and r.get("parameters")]
    for candidate in names:
        read = parameters_from_name(candidate)
        if read:
            parameter_claims.append(Claim("name", read[0], None, None))
            break
    parameter_claims.sort(key=lambda c: parameter_order[c.source])
    parameter_fact = _first("parameters", parameter_claims)
    if parameter_fact.source == "name":
        parameter_fact = Fact("parameters", parameter_fact.value, "name",
                              "read from the name — no source we hold states the count",
                              claims=parameter_fact.claims)
    found = _parameter_disagreement(parameter_fact)
    if found:
        disagreements.append(found)

    return ReleaseFacts(license_fact, commercial, date_fact, parameter_fact,
                        tuple(disagreements), is_open_weight(own))


def to_dict(facts: ReleaseFacts) -> dict[str, Any]:
    """The ``facts`` part of a release view: each fact with its provenance, and the
    disagreements."""
    out: dict[str, Any] = {}
    for name in FACT_NAMES:
        fact = facts.fact(name)
        out[name] = {
            "value": fact.value, "source": fact.source,
            "source_label": SOURCE_LABELS.get(fact.source or "", fact.source),
            "rule": fact.rule, "date": fact.date, "url": fact.url,
            "claims": [{"source": c.source, "label": SOURCE_LABELS.get(c.source, c.source),
                        "value": c.value, "date": c.date, "url": c.url} for c in fact.claims],
        }
    out["disagreements"] = [
        {"fact": d.fact, "chosen": d.chosen, "why": d.why,
         "values": [{"source": s, "label": SOURCE_LABELS.get(s, s), "value": v}
                    for s, v in d.values]}
        for d in facts.disagreements
    ]
    out["open_weight"] = facts.open_weight
    return out



def from_dict(d: Mapping[str, Any]) -> ReleaseFacts:
    """The facts of a :func:`to_dict` dict (the ``facts`` part of a release view's JSON)."""

    def fact(name: str) -> Fact:
        f = d[name]
        return Fact(name=name, value=f["value"], source=f["source"], rule=f["rule"],
                    date=f["date"], url=f["url"],
                    claims=tuple(Claim(c["source"], c["value"], c["date"], c["url"])
                                 for c in f["claims"]))

    return ReleaseFacts(
        license=fact("license"), commercial_use=fact("commercial_use"),
        release_date=fact("release_date"), parameters=fact("parameters"),
        disagreements=tuple(
            Disagreement(x["fact"], tuple((v["source"], v["value"]) for v in x["values"]),
                         x["chosen"], x["why"]) for x in d["disagreements"]),
        open_weight=bool(d["open_weight"]))


def facts_view(records: Sequence[Mapping[str, Any]], release: Mapping[str, Any]) -> dict[str, Any]:
    """The ``facts`` part of :func:`openexplorer.views.release.release_view`, recomputed on read
    from the release's records."""
    return to_dict(release_facts(records, name=release.get("name"), hub_id=release.get("hub_id")))
