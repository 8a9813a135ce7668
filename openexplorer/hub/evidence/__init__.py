"""Hub evidence: one Hugging Face Hub model's metadata → a :class:`SourceRecord` (source ``hub``).

Pure: no network, no Qt. The input is what the Hub already gave us — a
``huggingface_hub.ModelInfo`` or the raw JSON body of ``GET /api/models/{id}`` (a list-response
item works too) — and, optionally, the text of the model card (``README.md``).

What comes out (see ``docs/hub-rules.md`` for every rule, one section each):

* the record's headline facts: repo id, name, author, creation date, modality, parameters,
  licence as the card writes it, commit sha;
* ``data``: values only — ids, URLs, numbers, file and section names; never card prose;
* framework ``hub`` assessments, one per component (licence, gating, weights, datasets,
  base model, paper, code, model card), status open / partial / closed / unknown, ``value``
  naming the field the evidence came from;
* provisional framework assessments derived from that evidence by documented, conservative
  rules — framework ``mof`` (components ``present`` and ``license:distribution`` ``declared``)
  and framework ``osai`` (the 12 index dimensions). Their ``value`` is always
  ``"automated: <rule name>"`` so the UI can tell them from curated ratings.

Nothing here raises on a malformed body or card: fields of the wrong type are ignored, broken
front matter reads as no metadata. A body without a usable repo id gives a record whose ``key``
is ``""`` and whose ``data["problems"]`` says why; callers must not store it.

The parts, by what each reads: :mod:`.fields` (names, the rule table, readers of a body),
:mod:`.card` (front matter, sections, completeness), :mod:`.links` (arXiv ids, code, base
models, weight files), :mod:`.licences` (licence status, modality), :mod:`.record`
(:func:`record_from_hub`, step by step).
"""

from __future__ import annotations

from openexplorer.hub.evidence.card import (
    CARD_SECTION_GROUPS,
    card_completeness,
    card_metadata,
    card_sections,
)
from openexplorer.hub.evidence.fields import (
    BASE_RELATIONS,
    FRAMEWORK,
    HUB_COMPONENTS,
    HUB_URL,
    RULES,
    SOURCE,
    repo_id,
)
from openexplorer.hub.evidence.licences import license_status
from openexplorer.hub.evidence.links import weight_files
from openexplorer.hub.evidence.record import record_from_hub

__all__ = [
    "BASE_RELATIONS",
    "CARD_SECTION_GROUPS",
    "FRAMEWORK",
    "HUB_COMPONENTS",
    "HUB_URL",
    "RULES",
    "SOURCE",
    "card_completeness",
    "card_metadata",
    "card_sections",
    "license_status",
    "record_from_hub",
    "repo_id",
    "weight_files",
]
