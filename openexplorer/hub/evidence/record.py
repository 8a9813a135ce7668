"""One model's Hub metadata → its :class:`SourceRecord`: :func:`record_from_hub`.

The function reads the model in steps, each a function below, in the order the record needs
them: what the body and card say (:func:`_read_model`), the licence (:func:`_read_licence`), the
datasets, base models, papers and code named (:func:`_read_links`), the card's completeness
(:func:`_read_card`), the record's ``data`` (:func:`_record_data`); then the assessments: the
``hub`` evidence (:func:`_hub_evidence`), the provisional MOF components
(:func:`_mof_components`) and index dimensions (:func:`_osai_dimensions`). Every rule is in
``docs/hub-rules.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openexplorer.core.licenses import LicenseInfo, identify
from openexplorer.core.records import Assessment, SourceRecord
from openexplorer.frameworks import osai as osai_rules
from openexplorer.hub.evidence.card import card_completeness, card_metadata, card_sections
from openexplorer.hub.evidence.fields import (
    FRAMEWORK,
    HUB_COMPONENTS,
    HUB_URL,
    MIGRATION_CREATED,
    RULES,
    SOURCE,
    as_body,
    clean_int,
    clean_str,
    clean_strings,
    date_text,
    iso_day,
    repo_id,
)
from openexplorer.hub.evidence.licences import license_status, modality, mof_license_id
from openexplorer.hub.evidence.links import (
    LICENSE_FILE,
    METADATA_FILES,
    MODELLING_CODE,
    arxiv_ids,
    base_models,
    code_repository_links,
    sibling_names,
    tag_values,
    weight_files,
)

__all__ = ["record_from_hub"]


def _gated(value: Any) -> bool | str | None:
    if value is False or value is None:
        return False if value is False else None
    if value is True:
        return "auto"  # old bodies: gated without a mode
    text = clean_str(value)
    if text is None:
        return None
    low = text.lower()
    if low in ("auto", "manual"):
        return low
    if low == "false":
        return False
    if low == "true":
        return "auto"
    return None


def _model_index_results(*candidates: Any) -> bool:
    """Whether a ``model-index`` (card or body) is a list with at least one non-empty
    ``results`` list."""
    for value in candidates:
        if not isinstance(value, list):
            continue
        for entry in value:
            if isinstance(entry, Mapping):
                results = entry.get("results")
                if isinstance(results, list) and any(isinstance(r, Mapping) for r in results):
                    return True
    return False


def _automated(rule: str) -> str:
    return f"automated: {rule}"


def _unique_urls(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in urls if u))


# -- what the body and the card say ------------------------------------------------------------

@dataclass(frozen=True)
class _Model:
    """The body and card of one model, read into the values the rules use."""

    body: dict[str, Any]
    rid: str
    url: str  # the model's page
    sha: str | None
    revision: str  # the sha, else "main"
    card_text: str | None
    card_data: Mapping[str, Any] | None  # the body's cardData, when a mapping
    meta: dict[str, Any]  # the card's metadata: its front matter, else cardData
    card_body: str  # the card's Markdown after the front matter
    card_read: bool  # the card's text was fetched
    metadata_seen: bool  # card metadata or tags were seen (an absent key then means something)
    tags: list[str]
    names: list[str] | None  # the repo's files (siblings), None when not in the body
    weights: list[str]
    private: bool
    gated: bool | str | None
    gated_keys: list[str]  # the card's extra_gated_* fields

    def blob(self, name: str) -> str:
        return f"{self.url}/blob/{self.revision}/{name}"

    @property
    def tree(self) -> str:
        return f"{self.url}/tree/{self.revision}"

    @property
    def card_url(self) -> str:
        return self.blob("README.md")


def _read_model(body: dict[str, Any], rid: str, card_text: str | None,
                problems: list[str]) -> _Model:
    """The card (front matter of the fetched README, else the body's cardData), tags and files."""
    raw_card_data = body.get("cardData")
    card_data = raw_card_data if isinstance(raw_card_data, Mapping) else None
    if raw_card_data is not None and card_data is None:
        problems.append("cardData is not a mapping")
    front, card_body = card_metadata(card_text) if isinstance(card_text, str) else ({}, "")
    meta: dict[str, Any] = front or {k: v for k, v in (card_data or {}).items()
                                     if isinstance(k, str)}
    raw_tags = body.get("tags")
    tags = [t.strip() for t in raw_tags if isinstance(t, str) and t.strip()] \
        if isinstance(raw_tags, list) else []
    card_read = isinstance(card_text, str)
    sha = clean_str(body.get("sha"))
    names = sibling_names(body)
    if body.get("siblings") is not None and names is None:
        problems.append("siblings is not a list")
    return _Model(
        body=body, rid=rid, url=f"{HUB_URL}/{rid}", sha=sha, revision=sha or "main",
        card_text=card_text, card_data=card_data, meta=meta, card_body=card_body,
        card_read=card_read,
        metadata_seen=card_read or card_data is not None or isinstance(raw_tags, list),
        tags=tags, names=names, weights=weight_files(names) if names is not None else [],
        private=body.get("private") is True, gated=_gated(body.get("gated")),
        gated_keys=sorted(k for k in meta if k.startswith("extra_gated")),
    )


# -- the licence -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Licence:
    info: LicenseInfo | None  # None: nothing seen that could declare one
    headline: str | None  # the licence as the record shows it
    status: str
    field: str | None  # where it came from: cardData.license or tags
    text: str | None  # as declared (several joined with ", ")
    name: str | None  # the card's license_name
    link: str | None  # the card's license_link
    urls: tuple[str, ...]
    mof_id: str | None  # what the MOF evaluator sees

    @property
    def recognised_id(self) -> str | None:
        return self.info.id if self.info is not None and self.info.recognised else None


def _read_licence(model: _Model) -> _Licence:
    meta, tags = model.meta, model.tags
    source_field: str | None = None
    card_licenses = clean_strings(meta.get("license"))
    tag_licenses = tag_values(tags, "license:")
    text: str | None
    if card_licenses:
        source_field = "cardData.license"
        text = ", ".join(card_licenses)
    elif tag_licenses:
        source_field = "tags"
        text = ", ".join(dict.fromkeys(tag_licenses))
    else:
        text = None
    name = clean_str(meta.get("license_name"))
    link = clean_str(meta.get("license_link"))
    info: LicenseInfo | None
    if text is not None:
        info = identify(text, name=name, link=link)
        headline = name if text.lower() == "other" and name else text
        status = license_status(info)
    elif model.metadata_seen:
        info, headline, status = identify(""), None, "closed"
        source_field = "cardData.license"
    else:
        info, headline, status = None, None, "unknown"
    files = [n for n in model.names or [] if LICENSE_FILE.match(n)]
    urls = _unique_urls(
        [u for u in (link,) if u and u.startswith(("http://", "https://"))]
        + [model.blob(n) for n in files[:3]]
    ) or (model.url,)
    return _Licence(info=info, headline=headline, status=status, field=source_field, text=text,
                    name=name, link=link, urls=urls, mof_id=mof_license_id(info, headline))


# -- datasets, base models, papers, code ---------------------------------------------------------

@dataclass(frozen=True)
class _Links:
    datasets: list[str]
    dataset_fields: str  # where they were named
    bases: list[dict[str, Any]]
    bases_as_written: list[str]
    arxiv: list[str]
    code_links: list[str]


def _read_links(model: _Model) -> _Links:
    card_datasets = clean_strings(model.meta.get("datasets"))
    tag_datasets = tag_values(model.tags, "dataset:")
    bases, as_written = base_models(model.meta, model.tags, model.body)
    text = model.card_body if model.card_read else ""
    return _Links(
        datasets=clean_strings(card_datasets + tag_datasets),
        dataset_fields="+".join(f for f, v in (("cardData.datasets", card_datasets),
                                               ("tags", tag_datasets)) if v)
        or "cardData.datasets",
        bases=bases, bases_as_written=as_written,
        arxiv=arxiv_ids(model.tags, text), code_links=code_repository_links(text),
    )


# -- the card ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Card:
    sections: list[str]
    completeness: float | None  # None: the card was not read
    groups_found: list[str]
    present: bool | None  # None: not known


def _read_card(model: _Model) -> _Card:
    if model.card_text is not None:
        sections = card_sections(model.card_body)
        completeness, groups = card_completeness(sections)
        return _Card(sections, completeness, groups, bool(model.card_text.strip()))
    if model.names is not None:
        present: bool | None = "README.md" in model.names
    elif model.card_data is not None:
        present = True
    else:
        present = None
    return _Card([], None, [], present)


# -- the record's data ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Facts:
    pipeline_tag: str | None
    languages: list[str]
    created: str | None
    parameters: float | None
    organization: str | None
    eu_disallowed: bool
    model_index_results: bool
    config_files: list[str]
    modelling_code: list[str]


def _read_facts(model: _Model, problems: list[str]) -> _Facts:
    body, meta = model.body, model.meta
    parameters = None
    for holder in (body.get("safetensors"), body.get("gguf")):
        total = holder.get("total") if isinstance(holder, Mapping) else None
        if isinstance(total, int | float) and not isinstance(total, bool) and \
                math.isfinite(total) and total > 0:
            parameters = float(total)
            break
    author = clean_str(body.get("author"))
    if "model-index" in meta and not isinstance(meta.get("model-index"), list | type(None)):
        problems.append("cardData.model-index is not a list")
    return _Facts(
        pipeline_tag=clean_str(body.get("pipeline_tag")) or clean_str(meta.get("pipeline_tag")),
        languages=clean_strings(meta.get("language")),
        created=date_text(body.get("createdAt")),
        parameters=parameters,
        organization=author or (model.rid.split("/", 1)[0] if "/" in model.rid else None),
        eu_disallowed=meta.get("extra_gated_eu_disallowed") is True,
        model_index_results=_model_index_results(meta.get("model-index"),
                                                 body.get("model-index")),
        config_files=[n for n in model.names or [] if n in METADATA_FILES],
        modelling_code=[n for n in model.names or [] if MODELLING_CODE.search(n)],
    )


def _record_data(model: _Model, licence: _Licence, links: _Links, card: _Card, facts: _Facts,
                 fetched: str, problems: list[str]) -> dict[str, Any]:
    """The record's ``data``: values only (ids, URLs, numbers, file and section names)."""
    body = model.body
    data: dict[str, Any] = {
        "downloads": clean_int(body.get("downloads")),
        "likes": clean_int(body.get("likes")),
        "library_name": clean_str(body.get("library_name"))
        or clean_str(model.meta.get("library_name")),
        "pipeline_tag": facts.pipeline_tag,
        "gated": model.gated,
        "private": body.get("private") if isinstance(body.get("private"), bool) else None,
        "tags": model.tags,
        "datasets": links.datasets,
        "base_models": links.bases,
        "arxiv": links.arxiv,
        "code_links": links.code_links,
        "card": {
            "present": card.present,
            "read": model.card_read,
            "length": len(model.card_text) if model.card_text is not None else None,
            "sections": card.sections,
            "expected_found": card.groups_found,
            "completeness": card.completeness,
            **({"truncated_from": getattr(model.card_text, "full_size")}
               if isinstance(getattr(model.card_text, "full_size", None), int) else {}),
        },
        "weight_files": model.weights,
        "siblings_known": model.names is not None,
        "config_files": facts.config_files,
        "modelling_code": facts.modelling_code,
        "extra_gated_fields": model.gated_keys,
        "eu_disallowed": facts.eu_disallowed,
        "license_name": licence.name,
        "license_link": licence.link,
        "license_id": licence.recognised_id,
        "model_index_results": facts.model_index_results,
        "created_at": facts.created,
        "last_modified": date_text(body.get("lastModified")),
        "fetched_at": fetched or None,
    }
    bases, as_written = links.bases, links.bases_as_written
    if as_written and [b.lower() for b in as_written] != [b["id"].lower() for b in bases]:
        data["base_model_as_written"] = as_written
    if problems:
        data["problems"] = problems
    return data


# -- evidence (framework "hub") ------------------------------------------------------------------

@dataclass
class _Evidence:
    """The ``hub`` assessments, and the statuses the provisional ratings derive from."""

    licence: _Licence
    by_component: dict[str, Assessment] = field(default_factory=dict)
    weights_status: str = "unknown"
    datasets_status: str = "unknown"
    card_status: str = "unknown"
    dataset_urls: list[str] = field(default_factory=list)
    dataset_license_of: dict[str, str | None] = field(default_factory=dict)

    def add(self, component: str, status: str, source_field: str | None,
            urls: Iterable[str] = (), notes: str | None = None) -> None:
        rule = f"hub-{component.replace('_', '-')}"
        self.by_component[component] = Assessment(
            framework=FRAMEWORK, component=component, status=status, value=source_field,
            license=self.licence.mof_id if component == "license" else None,
            urls=_unique_urls(urls),
            notes=_automated(rule) + (f"; {notes}" if notes else ""),
        )

    def in_order(self) -> list[Assessment]:
        return [self.by_component[c] for c in HUB_COMPONENTS if c in self.by_component]


def _licence_and_gating(ev: _Evidence, model: _Model, licence: _Licence,
                        eu_disallowed: bool) -> None:
    url, gated = model.url, model.gated
    if licence.info is None:
        ev.add("license", "unknown", None, (url,), "no card metadata or tags in the body")
    elif licence.info.statement == "none":
        ev.add("license", "closed", licence.field, (url,), "no licence declared")
    else:
        ev.add("license", licence.status, licence.field, licence.urls,
               f"{licence.text}" + (f" ({licence.name})" if licence.name else ""))

    if model.private:
        ev.add("gating", "closed", "private", (url,), "private repository")
    elif gated is False:
        ev.add("gating", "open", "gated", (url,), "not gated")
    elif gated in ("auto", "manual"):
        ev.add("gating", "partial", "gated", (url,), f"gated, {gated} approval"
               + ("; EU users excluded" if eu_disallowed else ""))
    elif model.gated_keys:
        ev.add("gating", "partial", "cardData.extra_gated_*", (url,),
               "the card configures an access-request form; the gated setting itself was not "
               "read")
    else:
        ev.add("gating", "unknown", None, (url,), "gated not in the body")


def _weights(ev: _Evidence, model: _Model) -> None:
    gated, weights = model.gated, model.weights
    gated_any = gated in ("auto", "manual") or (gated is None and bool(model.gated_keys))
    if model.private:
        status = "closed"
    elif model.names is None:
        status = "unknown"
    elif not weights:
        status = "closed"
    elif gated is False:
        status = "open"
    else:
        status = "partial"  # gated, or gating not known
    ev.weights_status = status
    ev.add("weights", status, "siblings" if model.names is not None else None, (model.tree,),
           f"{len(weights)} weight files" + ("; gated" if gated_any and weights else "")
           + ("; gating not known" if weights and gated is None and not model.gated_keys
              else ""))


def _datasets(ev: _Evidence, model: _Model, links: _Links,
              dataset_licenses: Mapping[str, str | None] | None) -> None:
    datasets = links.datasets
    ev.dataset_urls = [f"{HUB_URL}/datasets/{d}" for d in datasets[:20]]
    if isinstance(dataset_licenses, Mapping):
        for key, value in dataset_licenses.items():
            if isinstance(key, str):
                ev.dataset_license_of[key.lower()] = value if isinstance(value, str) else None
    states = []
    for name in datasets:
        text = ev.dataset_license_of.get(name.lower())
        states.append(license_status(identify(text)) if text else "unknown")
    if datasets:
        ev.datasets_status = "open" if all(s == "open" for s in states) else "partial"
        ev.add("datasets", ev.datasets_status, links.dataset_fields, ev.dataset_urls,
               f"{len(datasets)} named; {sum(s == 'open' for s in states)} openly licensed")
    elif model.metadata_seen:
        ev.datasets_status = "closed"
        ev.add("datasets", "closed", "cardData.datasets", (model.url,), "no dataset named")
    else:
        ev.datasets_status = "unknown"
        ev.add("datasets", "unknown", None, (model.url,), "no card metadata or tags in the body")


def _base_paper_code(ev: _Evidence, model: _Model, links: _Links) -> None:
    url, card_read = model.url, model.card_read
    if links.bases:
        ev.add("base_model", "unknown", ", ".join(b["id"] for b in links.bases),
               [f"{HUB_URL}/{b['id']}" for b in links.bases],
               "from " + ", ".join(sorted({b["source"] for b in links.bases})))

    if links.arxiv:
        ev.add("paper", "open", "tags+card" if card_read else "tags",
               [f"https://arxiv.org/abs/{a}" for a in links.arxiv[:20]],
               f"{len(links.arxiv)} arXiv ids")
    elif model.metadata_seen:
        ev.add("paper", "closed", "tags+card" if card_read else "tags", (url,), "no arXiv id")
    else:
        ev.add("paper", "unknown", None, (url,), "no tags in the body")

    if links.code_links:
        ev.add("code", "open", "card", links.code_links[:20],
               f"{len(links.code_links)} repository links")
    else:
        ev.add("code", "unknown", "card" if card_read else None, (url,),
               "no code repository linked" if card_read else "card not read")


def _model_card(ev: _Evidence, model: _Model, card: _Card) -> None:
    completeness = card.completeness
    if card.present is False:
        ev.card_status = "closed"
        ev.add("model_card", "closed", "card" if model.card_read else "siblings", (model.url,),
               "no card")
    elif completeness is None:
        ev.card_status = "unknown"
        if card.present:
            ev.add("model_card", "unknown", "siblings" if model.names is not None else "cardData",
                   (model.card_url,), "card present, not read")
        else:
            ev.add("model_card", "unknown", None, (model.url,), "card not read")
    else:
        ev.card_status = "open" if completeness >= 0.6 else "partial" if completeness > 0 else \
            "closed"
        ev.add("model_card", ev.card_status, "card", (model.card_url,),
               f"completeness {completeness:.2f}: "
               f"{', '.join(card.groups_found) or 'no expected section'}")


def _hub_evidence(model: _Model, licence: _Licence, links: _Links, card: _Card, facts: _Facts,
                  dataset_licenses: Mapping[str, str | None] | None) -> _Evidence:
    """One ``hub`` assessment per component of :data:`HUB_COMPONENTS` (base model when named)."""
    ev = _Evidence(licence)
    _licence_and_gating(ev, model, licence, facts.eu_disallowed)
    _weights(ev, model)
    _datasets(ev, model, links, dataset_licenses)
    _base_paper_code(ev, model, links)
    _model_card(ev, model, card)
    return ev


# -- provisional MOF components ------------------------------------------------------------------

def _mof_components(model: _Model, licence: _Licence, links: _Links, card: _Card,
                    facts: _Facts, ev: _Evidence) -> list[Assessment]:
    out: list[Assessment] = []

    def present(rule: str, urls: Iterable[str], *, license_id: str | None = None,
                given: bool = False, notes: str | None = None) -> None:
        out.append(Assessment(
            framework="mof", component=RULES[rule][1], status="present",
            value=_automated(rule), license=license_id, license_given=given,
            urls=_unique_urls(urls), notes=notes,
        ))

    private, weights = model.private, model.weights
    if weights and not private:
        present("mof-weights", (model.tree,), license_id=licence.mof_id, given=True,
                notes=f"siblings: {len(weights)} weight files; licence from {licence.field}")
    if model.card_read and card.completeness and card.completeness > 0:
        present("mof-model-card", (model.card_url,),
                notes=f"card completeness {card.completeness:.2f}")
    if facts.config_files and not private:
        present("mof-config", [model.blob(n) for n in facts.config_files],
                notes="siblings: " + ", ".join(facts.config_files))
    if facts.modelling_code and not private:
        code = facts.modelling_code[:5]
        present("mof-modelling-code", [model.blob(n) for n in code],
                notes="siblings: " + ", ".join(code))
    if links.arxiv:
        present("mof-arxiv", [f"https://arxiv.org/abs/{a}" for a in links.arxiv[:20]],
                license_id=None, given=True, notes="the Hub does not tell the paper's licence")
    datasets = links.datasets
    if datasets and ev.datasets_status == "open":
        first = identify(ev.dataset_license_of.get(datasets[0].lower()))
        present("mof-open-datasets", ev.dataset_urls,
                license_id=mof_license_id(first, first.as_written), given=True,
                notes="licences: " + ", ".join(
                    str(ev.dataset_license_of.get(d.lower())) for d in datasets[:20]))
    if facts.model_index_results:
        present("mof-model-index", (model.card_url,), notes="card model-index has results")
    if licence.text is not None and licence.mof_id:
        out.append(Assessment(
            framework="mof", component=RULES["mof-card-license"][1], status="declared",
            value=_automated("mof-card-license"), license=licence.mof_id, license_given=True,
            urls=licence.urls, notes=f"from {licence.field}",
        ))
    return out


# -- provisional index dimensions ---------------------------------------------------------------

def _osai_dimensions(model: _Model, licence: _Licence, links: _Links,
                     ev: _Evidence) -> list[Assessment]:
    if licence.info is None:
        licence_dimension = "unknown"
    elif licence.status in ("open", "partial"):
        licence_dimension = licence.status
    else:
        licence_dimension = "closed"
    arxiv = links.arxiv
    inferred: dict[str, tuple[str, str, tuple[str, ...], str | None]] = {
        "weights_endmodel": ("osai-weights", ev.weights_status, (model.tree,), None),
        "licenses": ("osai-licenses", licence_dimension, licence.urls, licence.mof_id),
        "modelcard": ("osai-modelcard", ev.card_status, (model.card_url,), None),
        "datasources_endmodel": ("osai-datasources", ev.datasets_status,
                                 tuple(ev.dataset_urls) or (model.url,), None),
        "preprint": ("osai-preprint", "partial" if arxiv else "unknown",
                     tuple(f"https://arxiv.org/abs/{a}" for a in arxiv[:20]), None),
    }
    out = []
    for dim in osai_rules.DIMENSIONS:
        if dim.ref in inferred:
            rule, status, urls, license_id = inferred[dim.ref]
        else:
            rule, status, urls, license_id = "osai-not-inferred", "unknown", (), None
        out.append(Assessment(
            framework="osai", component=dim.ref, status=status, value=_automated(rule),
            license=license_id, urls=urls,
        ))
    return out


# -- the record --------------------------------------------------------------------------------

def record_from_hub(
    info: Any,
    card_text: str | None = None,
    *,
    fetched_at: str,
    dataset_licenses: Mapping[str, str | None] | None = None,
) -> SourceRecord:
    """The Hub's evidence about one model as a :class:`SourceRecord` of source ``hub``.

    ``info`` is a ``huggingface_hub.ModelInfo`` or the JSON body of ``GET /api/models/{id}``
    (or one item of ``GET /api/models``). ``card_text`` is the model card (``README.md``) at the
    same revision, when fetched: its front matter, when it parses to a non-empty mapping, is the
    card metadata; otherwise the body's ``cardData`` is. ``fetched_at`` is when the Hub was read
    (ISO 8601). ``dataset_licenses`` maps dataset ids to their licence id as the Hub writes it,
    for datasets whose cards were read. Never raises.
    """
    body = as_body(info)
    fetched = date_text(fetched_at) or ""
    problems: list[str] = []
    rid = repo_id(body)
    if rid is None:
        problems.append("the body has no usable repo id (id/modelId)")
        return SourceRecord(source=SOURCE, key="", name="", assessed_date=iso_day(fetched),
                            data={"problems": problems, "fetched_at": fetched or None})

    model = _read_model(body, rid, card_text if isinstance(card_text, str) else None, problems)
    full_size = getattr(card_text, "full_size", None)  # a card cut at the client's size cap
    if isinstance(full_size, int) and isinstance(card_text, str):
        problems.append(f"the model card is {full_size:,} bytes; only its first "
                        f"{len(card_text.encode('utf-8')):,} were read (the size cap), so its "
                        "sections and completeness are of that part")
    licence = _read_licence(model)
    links = _read_links(model)
    card = _read_card(model)
    facts = _read_facts(model, problems)
    data = _record_data(model, licence, links, card, facts, fetched, problems)
    ev = _hub_evidence(model, licence, links, card, facts, dataset_licenses)
    assessments = [*ev.in_order(), *_mof_components(model, licence, links, card, facts, ev),
                   *_osai_dimensions(model, licence, links, ev)]
    created = facts.created
    return SourceRecord(
        source=SOURCE,
        key=rid,
        name=rid.rsplit("/", 1)[-1],
        organization=facts.organization,
        release_date=None if created is None or MIGRATION_CREATED.match(created)
        else iso_day(created),
        hub_id=rid,
        modality=modality(facts.pipeline_tag, model.tags, facts.languages),
        parameters=facts.parameters,
        license=licence.headline,
        url=model.url,
        source_version=model.sha,
        assessed_date=iso_day(fetched),
        assessments=assessments,
        data=data,
    )
