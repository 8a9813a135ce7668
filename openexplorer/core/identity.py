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


# --- Whether a source's Hub link agrees with the record's own evidence ----------------------
#
# Sources make mistakes: a file copied from another keeps the other model's Hub link (the MOT's
# dbrx-instruct names deepseek-ai/deepseek-moe-16b-base), five sizes share one repo, an index
# entry for one model links to its sibling. A link is only followed when the record's own name,
# size and organisation agree with it (:func:`link_disagreements`); otherwise the record stays
# a release of its own and the disagreement is shown as a suspected source error.

#: Words naming a variant of a model: a record naming one links only to a repo that names it
#: too ("Phi-4-reasoning" is not microsoft/phi-4). Values: the spellings that count as the same.
_VARIANTS: dict[str, frozenset[str]] = {
    "instruct": frozenset({"instruct", "it", "chat", "sft", "dpo", "rlhf"}),
    "chat": frozenset({"chat", "instruct", "it", "sft", "dpo", "rlhf"}),
    "reasoning": frozenset({"reasoning", "think", "thinking"}),
    "think": frozenset({"think", "thinking", "reasoning"}),
    "thinking": frozenset({"think", "thinking", "reasoning"}),
    "plus": frozenset({"plus", "p"}),
    "coder": frozenset({"coder", "code"}),
    "math": frozenset({"math"}),
    "vision": frozenset({"vision", "vl", "v"}),
    "distill": frozenset({"distill", "distilled"}),
    "guard": frozenset({"guard"}),
    "mini": frozenset({"mini"}),
}

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: Words that say nothing about which model a name means.
_GENERIC = frozenset({
    "base", "model", "models", "hf", "the", "v", "b", "m", "k", "t", "x", "a", "e", "ai",
    "instruct", "chat", "it", "large", "small", "medium", "open", "llm", "lm", "version",
    "preview", "release", "final", "pt", "fp", "bf", "gguf", "awq", "gptq", "of", "and", "by",
    "meta", "hub", "official", *_MONTHS,
})

_SIZE_TOKEN = re.compile(r"^(?:(\d+)x)?(\d+(?:\.\d+)?)([kmbt])$")
_ACTIVE_SIZE = re.compile(r"^[ae]\d+(?:\.\d+)?[bm]$")
_SIZE_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_PLACEHOLDER = re.compile(r"(^|[-_ .])(test|tests|template|example|sample|dummy)$", re.I)


def is_placeholder(*texts: str | None) -> bool:
    """Whether a source's file or entry is a test or template, not a model: a key or name
    ending in ``-test``, ``template``, ``example``, ``sample`` or ``dummy``. Such files never
    name a release."""
    return any(t and (_PLACEHOLDER.search(t.strip()) or t.strip().lower() in
                      {"template", "example", "test", "_template"}) for t in texts)


def _chunks(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"(?<=[a-z0-9])\+", " plus", text)  # "CodeT5+", "Command R+"
    return [c for c in re.split(r"[^a-z0-9.]+", text) if c.strip(".")]


def name_tokens(text: str | None) -> list[str]:
    """A name as words and numbers: ``"Qwen2.5-72B-Instruct"`` → qwen, 2.5, 72b, instruct.
    Sizes ("7b", "8x7b", "220m") stay whole; other chunks split where letters meet digits."""
    tokens: list[str] = []
    for chunk in _chunks(text or ""):
        chunk = chunk.strip(".")
        if _SIZE_TOKEN.match(chunk) or _ACTIVE_SIZE.match(chunk):
            tokens.append(chunk)
            continue
        for part in re.findall(r"\d+(?:\.\d+)*|[a-z]+", chunk):
            tokens.append(part)
    # "a22b", "e4b" (active or effective parameters) are sizes, glued to a letter
    return tokens


def sizes(text: str | None) -> set[float]:
    """Parameter counts a name states: ``"Mixtral-8x7B"`` → {56e9}, ``"CodeT5+-220M"`` →
    {2.2e8}.
    A size glued to a prefix letter (Qwen3's "A22B" active parameters) is left out."""
    found: set[float] = set()
    for chunk in _chunks(text or ""):
        match = _SIZE_TOKEN.match(chunk.strip("."))
        if match:
            experts = int(match.group(1)) if match.group(1) else 1
            found.add(experts * float(match.group(2)) * _SIZE_SCALE[match.group(3)])
    return found


def _close(a: float, b: float, tolerance: float = 0.12) -> bool:
    return abs(a - b) <= tolerance * max(a, b)


def _versions(text: str) -> set[str]:
    """Version numbers a name states: a number ending a word ("Qwen2.5", "v4", "R1", "3.1",
    "0528"), and the year of a dated qualifier ("(May 2025)"). Sizes, active sizes ("A22B"),
    numbers inside a word ("T2V"), resolutions ("720p"), context lengths ("ctx4096") and
    checkpoint stamps (8 digits) are not versions."""
    found = set()
    for chunk in _chunks(text):
        chunk = chunk.strip(".")
        if _SIZE_TOKEN.match(chunk) or _ACTIVE_SIZE.match(chunk) or chunk.startswith("ctx"):
            continue
        match = re.search(r"(\d+(?:\.\d+)*)$", chunk)
        if match and len(match.group(1)) != 8:
            number = match.group(1)
            found.add(number if "." in number else (number.lstrip("0") or "0"))
    return found


def _dated(text: str) -> tuple[str, int] | None:
    """The (year, month) of a dated qualifier: "DeepSeek-R1 (May 2025)" → ("2025", 5)."""
    match = re.search(r"\(\s*(" + "|".join(_MONTHS) + r")[a-z]*\.?\s+(\d{4})\s*\)", text, re.I)
    if not match:
        return None
    return match.group(2), _MONTHS.index(match.group(1).lower()[:3]) + 1


def _date_code_matches(dated: tuple[str, int], versions: set[str]) -> bool:
    """Whether a repo's 4-digit date code ("0528" month-day, "2507" year-month) is that month."""
    year, month = dated
    for code in versions:
        code = code.zfill(4)
        if len(code) == 4 and code.isdigit() and (
                int(code[:2]) == month or (code[:2] == year[2:] and int(code[2:]) == month)):
            return True
    return False


def _known_organization(name: str | None) -> Organization | None:
    if not name:
        return None
    return _organizations().get(match_key(name) or "")


def organizations_named(text: str | None) -> set[str]:
    """The curated organisations a source's organisation field names (joint work: several)."""
    if not text:
        return set()
    found = set()
    for part in re.split(r",|/|;|\band\b|&", text):
        org = _known_organization(part.strip())
        if org is None and "(" in part:
            guess = organization_for(part.strip())
            if guess is not None and (guess.kind is not None or _known_organization(guess.name)):
                org = guess
        if org is not None:
            found.add(org.id)
    return found


#: Curated organisations that publish together, so that sources credit one or the other (the
#: organisation checks accept either). Ids as :func:`slug` of ``organizations.csv`` names.
_ORG_GROUPS: tuple[frozenset[str], ...] = (
    # THUDM: "Knowledge Engineering Group (KEG) & Data Mining at Tsinghua University", the
    # home of the GLM models Zhipu AI co-develops (https://huggingface.co/THUDM).
    frozenset({"tsinghua-university", "zhipu-ai"}),
    # BigScience: the open research workshop Hugging Face coordinated
    # (https://bigscience.huggingface.co/).
    frozenset({"bigscience", "hugging-face"}),
    # BigCode: "an open scientific collaboration ... led by Hugging Face and ServiceNow"
    # (https://www.bigcode-project.org/).
    frozenset({"bigcode-project", "bigcode", "hugging-face", "servicenow"}),
)


def same_organizations(first: set[str], second: set[str]) -> bool:
    """Whether two sets of curated organisation ids name the same organisation (or two that
    publish together, :data:`_ORG_GROUPS`)."""
    if first & second:
        return True
    return any(first & group and second & group for group in _ORG_GROUPS)


@dataclass(frozen=True)
class Disagreement:
    """Where a record and the Hub repo it links to disagree: ``kind`` is ``size``, ``name``,
    ``version``, ``variant`` or ``organisation``; the two sides as each states it."""

    kind: str
    record_side: str
    link_side: str

    def describe(self) -> str:
        return f"{self.kind}: the record says {self.record_side!r}, the link {self.link_side!r}"


def link_disagreements(*, name: str, hub_id: str,
                       organization: str | None = None) -> list[Disagreement]:
    """How a record's own name, size and organisation disagree with the Hub repo it links to.

    Rules (each general, none about one model):

    - size: the name states a size ("32B", "220M", "8x7B") and the repo states another, or the
      (a parameter count is not compared: repos name active sizes, context lengths);
    - name: none of the name's distinctive words is in the repo's name ("dbrx" on
      deepseek-moe-16b-base, "aya" on c4ai-command-r-v01);
    - version: a version number of the name ("R2", "V3", "0528", "(May 2025)") is not in the
      repo's name while the repo names a version of its own, or the missing one is a date;
    - variant: the name says which variant ("reasoning", "instruct", "+") and the repo's name
      does not;
    - organisation: the source's organisation and the repo's namespace are both curated
      organisations (``resources/organizations.csv``) and different ones.

    An empty list: the link agrees with the record (or nothing can be compared).
    """
    found: list[Disagreement] = []
    namespace, _, repo = hub_id.partition("/")
    repo = repo or namespace
    ours, theirs = name_tokens(name), name_tokens(repo)
    our_sizes, their_sizes = sizes(name), sizes(repo)
    if our_sizes and their_sizes and not any(
            _close(a, b) for a in our_sizes for b in their_sizes):
        found.append(Disagreement("size", _show_sizes(name), _show_sizes(repo)))
    their_words = {t for t in theirs if t.isalpha()}
    their_glued = match_key(repo) or ""
    words = [t for t in ours if t.isalpha() and t not in _GENERIC and len(t) > 1]
    distinctive = {w for w in their_words if w not in _GENERIC and len(w) > 1}
    if words and distinctive and not any(
            w in their_words or (len(w) >= 3 and w in their_glued) for w in words):
        found.append(Disagreement("name", name, repo))
    else:
        our_versions, their_versions = _versions(name), _versions(repo)
        missing = {v for v in our_versions - their_versions
                   if v.replace(".", "") not in their_glued and v not in {"1", "1.0"}}
        dated = _dated(name)
        if dated and _date_code_matches(dated, their_versions):
            missing.discard(dated[0])
        date_code = any(len(v) == 4 and v.isdigit() for v in missing)
        if missing and (date_code or their_versions):
            found.append(Disagreement("version", " ".join(sorted(missing)), repo))
        absent = [w for w in dict.fromkeys(ours) if w in _VARIANTS
                  and not (_VARIANTS[w] & set(theirs))]
        if absent:
            found.append(Disagreement("variant", " ".join(absent), repo))
    ours_org = organizations_named(organization)
    theirs_org = _known_organization(namespace)
    if (ours_org and theirs_org is not None
            and not same_organizations(ours_org, {theirs_org.id})):
        found.append(Disagreement("organisation", organization or "", namespace))
    return found


def _show_sizes(text: str) -> str:
    return " ".join(c.upper() for c in _chunks(text) if _SIZE_TOKEN.match(c.strip("."))) or text


def _table_key(text: str | None) -> str | None:
    """A name as the well-known table matches it: :func:`match_key`, with "+" as "plus"
    ("Command R+" is not "Command R")."""
    return match_key(text.replace("+", " plus ")) if text else None


@dataclass(frozen=True)
class WellKnown:
    """A row of ``resources/well_known_releases.csv``: a release's Hub repo and its citation."""

    hub_id: str
    citation: str


@cache
def _well_known() -> dict[str, WellKnown]:
    table: dict[str, WellKnown] = {}
    for row in _resource_rows("well_known_releases.csv"):
        entry = WellKnown(hub_id=row["hub_id"].strip(), citation=row["citation"].strip())
        for name in [*row["names"].split("|"), entry.hub_id.split("/")[-1]]:
            key = _table_key(name)
            if key:
                table.setdefault(key, entry)
    return table


def well_known(name: str | None) -> WellKnown | None:
    """The curated Hub repo of a well-known release a source names without one (or with one
    that disagrees with the record), from ``resources/well_known_releases.csv``."""
    return _well_known().get(_table_key(name) or "")


def well_known_releases() -> list[WellKnown]:
    """Every row of the curated table (one per repo)."""
    return list({w.hub_id: w for w in _well_known().values()}.values())
