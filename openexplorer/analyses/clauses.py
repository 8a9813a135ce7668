"""The licence clause matrix: for every licence in the cache, what it says on each clause that
decides whether a team can ship a model commercially, and where it says so.

One row (:class:`LicenseClauses`) per distinct licence id in ``release_summary`` — the normalised
id when the licence is recognised, the text as written otherwise, and one row for releases with no
licence recorded — with the number of releases using it. Columns (:data:`CLAUSES`):

=================  ===========================================================================
commercial_use     allowed / restricted / not allowed / unknown (``LicenseInfo.commercial_use``)
thresholds         user or revenue thresholds, with the number (kinds user-threshold,
                   revenue-threshold)
acceptable_use     an acceptable-use policy, or use restrictions flowing down to derivatives
field_of_use       fields the licence bans (military, surveillance, hosted services…)
output_use         bans on using outputs to train or improve other models
attribution        attribution or naming duties: AI naming/branding clauses ("Built with Llama",
                   a restriction) and the ordinary notice duties of open licences (from
                   ``resources/license_clauses.yml``; a duty, not a restriction)
regional           regional restrictions in the licence, and Hub gates that exclude EU users
                   (``extra_gated_eu_disallowed``) seen on releases under the licence
share_alike        share-alike / copyleft (from the table, or the ScanCode category Copyleft /
                   Copyleft Limited)
=================  ===========================================================================

Each cell (:class:`Cell`) is ``yes`` / ``no`` / ``unknown`` (commercial use: its four values) and
carries the clauses it comes from (:class:`ClauseRef`: summary, clause, URL). The facts are the
restrictions table we maintain (``resources/license_restrictions.yml``, read through
:func:`openexplorer.core.licenses.identify`) plus ``resources/license_clauses.yml``.

"no" needs knowledge: a cell says no only when the licence's terms are known — a free or open
licence by its ScanCode category (Permissive, Public Domain, Copyleft, Copyleft Limited), an
OSI-approved or FSF-libre licence, or a licence our restrictions table records as checked against
its text. A licence we recognise but have not checked (and any unrecognised text) says unknown.

The bucket rule: :func:`usable_commercially_without_review` is true only for a recognised licence
whose every part is permissive or public domain (ScanCode category; or OSI-approved when the
category is not known), that allows commercial use, with no restriction of any kind recorded (no
threshold, use policy, field-of-use or output ban, naming duty, regional limit, share-alike) and
no Hub gate excluding EU users on its releases. Everything else — unrecognised, restricted,
copyleft, proprietary, no licence — :func:`needs_legal_review`, with the reasons listed. Not
legal advice.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from openexplorer.core import licenses
from openexplorer.db import queries

__all__ = [
    "BUCKETS",
    "CLAUSES",
    "CLAUSE_LABELS",
    "Cell",
    "ClauseRef",
    "LicenseClauses",
    "bucket_counts",
    "bucket_of",
    "clause_matrix",
    "license_clauses",
    "license_ids_in_bucket",
    "matrix_csv",
    "matrix_json",
    "matrix_markdown",
    "needs_legal_review",
    "release_ids_in_bucket",
    "usable_commercially_without_review",
]

CLAUSES: tuple[str, ...] = ("commercial_use", "thresholds", "acceptable_use", "field_of_use",
                            "output_use", "attribution", "regional", "share_alike")
CLAUSE_LABELS: dict[str, str] = {
    "commercial_use": "Commercial use",
    "thresholds": "User or revenue thresholds",
    "acceptable_use": "Acceptable-use policy",
    "field_of_use": "Field-of-use bans",
    "output_use": "Outputs to train other models",
    "attribution": "Attribution or naming duties",
    "regional": "Regional restrictions",
    "share_alike": "Share-alike",
}
#: Restriction kinds (license_restrictions.yml) behind each yes/no clause.
CLAUSE_KINDS: dict[str, tuple[str, ...]] = {
    "thresholds": ("user-threshold", "revenue-threshold"),
    "acceptable_use": ("acceptable-use-policy",),
    "field_of_use": ("field-of-use",),
    "output_use": ("output-use-ban",),
    "attribution": ("attribution-naming",),
    "regional": ("regional",),
    "share_alike": ("share-alike",),
}
#: The two buckets of the "usable commercially without legal review" facet.
USABLE = "usable"
REVIEW = "review"
BUCKETS: dict[str, str] = {
    USABLE: "Usable commercially without legal review",
    REVIEW: "Needs legal review",
}
#: Label of the row for releases without a licence.
NO_LICENCE = "No licence recorded"

_FREE_CATEGORIES = frozenset({"Permissive", "Public Domain", "Copyleft", "Copyleft Limited"})
_USABLE_CATEGORIES = frozenset({"Permissive", "Public Domain"})
_COPYLEFT_CATEGORIES = frozenset({"Copyleft", "Copyleft Limited"})
_KIND_REASONS = {
    "user-threshold": "a user threshold",
    "revenue-threshold": "a revenue threshold",
    "acceptable-use-policy": "an acceptable-use policy",
    "field-of-use": "field-of-use bans",
    "output-use-ban": "a ban on using outputs to train other models",
    "attribution-naming": "naming or branding duties",
    "regional": "regional restrictions",
    "share-alike": "share-alike terms",
    "non-commercial": "non-commercial use only",
}


# --- the two tables -----------------------------------------------------------------------------


def _resource(name: str) -> dict[str, Any]:
    text = (resources.files("openexplorer.resources") / name).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster
    return dict((yaml.load(text, Loader=loader) or {}).get("licenses") or {})


@functools.cache
def _restriction_table() -> dict[str, dict[str, Any]]:
    """license_restrictions.yml as written (for its ``checked`` notes and URLs)."""
    return {k: (v or {}) for k, v in _resource("license_restrictions.yml").items()}


@functools.cache
def _clause_table() -> dict[str, dict[str, Any]]:
    """Our own table: resources/license_clauses.yml."""
    return {k: (v or {}) for k, v in _resource("license_clauses.yml").items()}


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseRef:
    """Where a cell's value comes from: a clause of the licence (or the Hub gating field)."""

    summary: str
    clause: str
    url: str
    threshold: float | None = None
    origin: str = "licence"  # licence | notice | category | hub-gating | terms


@dataclass(frozen=True)
class Cell:
    """One clause of one licence: its value, whether it restricts, and where it comes from."""

    value: str  # yes / no / unknown; commercial use: allowed / restricted / not allowed / unknown
    refs: tuple[ClauseRef, ...] = ()
    restrictive: bool = False  # a yes that limits use (a plain notice duty does not)
    note: str = ""

    @property
    def text(self) -> str:
        """Short text for a table cell: "yes: 700 million monthly active users"."""
        thresholds = [_threshold_text(r) for r in self.refs if r.threshold is not None]
        if self.value == "yes" and thresholds:
            return "yes: " + "; ".join(thresholds)
        if self.value == "yes" and not self.restrictive:
            return "notice"
        return self.value

    @property
    def short_text(self) -> str:
        """Even shorter, for narrow table columns: "yes: 700M users", "yes: US$1M revenue"."""
        thresholds = [_threshold_text(r, short=True) for r in self.refs
                      if r.threshold is not None]
        if self.value == "yes" and thresholds:
            return "yes: " + "; ".join(thresholds)
        return self.text

    def tooltip_lines(self) -> list[str]:
        lines = [r.summary + (f" ({r.clause})" if r.clause else "") + (f" {r.url}" if r.url
                                                                          else "")
                 for r in self.refs]
        if self.note:
            lines.append(self.note)
        return lines


@dataclass(frozen=True)
class LicenseClauses:
    """One licence of the cache: its identity, how many releases use it, and its clauses."""

    license_id: str | None  # the id in release_summary; None = releases without a licence
    name: str
    releases: int
    recognised: bool
    category: str | None
    osi_approved: bool | None
    url: str | None
    terms_known: bool
    checked: str | None
    cells: dict[str, Cell]
    eu_gated_releases: int = 0
    statement: str | None = None
    info: licenses.LicenseInfo | None = field(default=None, compare=False, repr=False)

    @property
    def commercial_use(self) -> str:
        return self.cells["commercial_use"].value

    @property
    def usable(self) -> bool:
        return usable_commercially_without_review(self)

    @property
    def bucket(self) -> str:
        return bucket_of(self)

    def review_reasons(self) -> list[str]:
        return review_reasons(self)

    def cell(self, clause: str) -> Cell:
        return self.cells[clause]


def _threshold_text(ref: ClauseRef, *, short: bool = False) -> str:
    n = ref.threshold
    if n is None:
        return ""
    if n >= 1e9:
        amount = f"{n / 1e9:g}B" if short else f"{n / 1e9:g} billion"
    elif n >= 1e6:
        amount = f"{n / 1e6:g}M" if short else f"{n / 1e6:g} million"
    else:
        amount = f"{n:,.0f}"
    if ref.origin == "revenue":
        return f"US${amount} revenue"
    return f"{amount} users" if short else f"{amount} monthly active users"


# --- building a row -----------------------------------------------------------------------------


def _licence_url(info: licenses.LicenseInfo) -> str:
    if info.url:
        return info.url
    mine = _clause_table().get(info.id or "", {})
    if mine.get("url"):
        return str(mine["url"])
    if info.spdx_id and not info.spdx_id.startswith("LicenseRef-"):
        return f"https://spdx.org/licenses/{info.spdx_id}.html"
    if info.scancode_key:
        return f"https://scancode-licensedb.aboutcode.org/{info.scancode_key}.html"
    return ""


def _terms_known(info: licenses.LicenseInfo) -> bool:
    """Whether clauses the tables do not record can be read as absent ("no")."""
    if info.is_expression:
        return bool(info.components) and all(_terms_known(p) for p in info.components)
    if not info.recognised:
        return False
    if info.category in _FREE_CATEGORIES or info.osi_approved or info.fsf_libre:
        return True
    spec = _restriction_table().get(info.id or "")
    if spec is None:
        return False
    checked = str(spec.get("checked") or "").lower()
    name = str(spec.get("name") or info.name or "").lower()
    if ("not checked" in checked or "no restrictions recorded" in checked
            or checked.startswith("the family") or "family" in name):
        return False
    return True


def _checked(info: licenses.LicenseInfo) -> str | None:
    notes = []
    for leaf in info.leaves:
        spec = _restriction_table().get(leaf.id or "")
        if spec and spec.get("checked"):
            notes.append(f"{leaf.display}: {' '.join(str(spec['checked']).split())}")
    return "; ".join(notes) or None


def _ref(r: licenses.Restriction) -> ClauseRef:
    return ClauseRef(summary=r.summary, clause=r.clause, url=r.source_url,
                     threshold=r.threshold,
                     origin="revenue" if r.kind == "revenue-threshold" else "licence")


def _absent(info: licenses.LicenseInfo, what: str) -> Cell:
    if _terms_known(info):
        why = (f"{info.display}: no {what} clause (a "
               f"{(info.category or 'free').lower()} licence)"
               if info.category in _FREE_CATEGORIES or info.osi_approved
               else f"{info.display}: no {what} clause recorded in the checked text")
        return Cell("no", (ClauseRef(summary=why, clause="", url=_licence_url(info),
                                     origin="terms"),))
    if info.recognised or info.is_expression:
        return Cell("unknown", note=f"{info.display or info.as_written}: we have not "
                    "checked this licence's text for this clause.")
    return Cell("unknown", note="The licence is not recognised: its terms are unknown.")


def _notice_refs(info: licenses.LicenseInfo) -> tuple[list[ClauseRef], bool]:
    """Notice duties from license_clauses.yml: (refs, every leaf known to need none)."""
    refs: list[ClauseRef] = []
    none_needed = True
    for leaf in info.leaves:
        spec = _clause_table().get(leaf.id or "", {})
        attribution = spec.get("attribution")
        if not attribution:
            none_needed = False
            continue
        ref = ClauseRef(summary=" ".join(str(attribution["summary"]).split()),
                        clause=str(attribution.get("clause") or ""),
                        url=str(spec.get("url") or _licence_url(leaf)), origin="notice")
        if attribution.get("none"):
            continue
        none_needed = False
        refs.append(ref)
    return refs, none_needed


def _commercial_cell(info: licenses.LicenseInfo) -> Cell:
    value = info.commercial_use
    url = _licence_url(info)
    if value == "not allowed":
        refs = tuple(_ref(r) for r in info.restrictions if r.kind == "non-commercial")
        return Cell(value, refs, restrictive=True)
    if value == "restricted":
        limiting = ("user-threshold", "revenue-threshold", "acceptable-use-policy",
                    "output-use-ban", "field-of-use", "regional")
        refs = tuple(_ref(r) for r in info.restrictions if r.kind in limiting)
        return Cell(value, refs, restrictive=True)
    if value == "allowed":
        return Cell(value, (ClauseRef(
            summary=f"{info.display}: the grant covers commercial use "
                    f"({info.category or 'free'} licence, no non-commercial clause)",
            clause="Grant of rights", url=url, origin="terms"),))
    if info.statement == "none":
        return Cell("unknown", note="No licence: without a grant nothing is licensed.")
    return Cell("unknown", note="Commercial use cannot be read from what is recorded.")


def license_clauses(license_id: str | None, *, releases: int = 0,
                    eu_gated: Sequence[str] = ()) -> LicenseClauses:
    """The clause row of one licence id (as ``release_summary.license_id`` holds it).

    ``eu_gated`` lists Hub repositories under this licence whose gate excludes EU users.
    """
    info = licenses.identify(license_id)
    cells: dict[str, Cell] = {"commercial_use": _commercial_cell(info)}
    for clause, kinds in CLAUSE_KINDS.items():
        found = [r for r in info.restrictions if r.kind in kinds]
        refs = [_ref(r) for r in found]
        if clause == "attribution":
            notices, none_needed = _notice_refs(info)
            if refs or notices:
                cells[clause] = Cell("yes", tuple(refs + notices), restrictive=bool(refs))
            elif none_needed:
                cells[clause] = Cell("no", (ClauseRef(
                    summary=f"{info.display}: no notice or attribution required",
                    clause="", url=_licence_url(info), origin="notice"),))
            else:
                cells[clause] = _absent(info, "attribution or naming")
            continue
        if clause == "regional" and eu_gated:
            n = len(eu_gated)
            refs.append(ClauseRef(
                summary=f"{n} release{'s' if n != 1 else ''} under this licence gate out users "
                        "in the EU on the Hugging Face Hub (extra_gated_eu_disallowed): "
                        + ", ".join(sorted(eu_gated)[:5]) + ("…" if n > 5 else ""),
                clause="Hub gating: extra_gated_eu_disallowed",
                url=f"https://huggingface.co/{sorted(eu_gated)[0]}", origin="hub-gating"))
        if clause == "share_alike" and not refs:
            copyleft = [leaf for leaf in info.leaves if leaf.category in _COPYLEFT_CATEGORIES
                        and not leaf.restrictions]
            for leaf in copyleft:
                kind = str(leaf.category).lower()
                refs.append(ClauseRef(
                    summary=f"{leaf.display} is a {kind} licence (ScanCode category): "
                            "distributed changes must stay under it",
                    clause="Copyleft terms", url=_licence_url(leaf), origin="category"))
        if refs:
            cells[clause] = Cell("yes", tuple(refs), restrictive=True)
        else:
            cells[clause] = _absent(info, CLAUSE_LABELS[clause].lower())
    if license_id is None:
        name = NO_LICENCE
    elif info.recognised:
        name = info.display
    else:
        name = license_id
    return LicenseClauses(
        license_id=license_id,
        name=name,
        releases=releases,
        recognised=info.recognised,
        category=info.category,
        osi_approved=info.osi_approved,
        url=_licence_url(info) or None,
        terms_known=_terms_known(info),
        checked=_checked(info),
        cells=cells,
        eu_gated_releases=len(eu_gated),
        statement="none" if license_id is None else info.statement,
        info=info,
    )


# --- the buckets --------------------------------------------------------------------------------


def review_reasons(lc: LicenseClauses) -> list[str]:
    """Why a licence needs legal review (empty: usable commercially without review)."""
    reasons: list[str] = []
    info = lc.info or licenses.identify(lc.license_id)
    if lc.license_id is None or info.statement == "none":
        return ["no licence is recorded: nothing is granted"]
    if info.statement in ("unknown", "custom"):
        return [f"\"{lc.license_id}\" names no licence we can read"]
    if not info.recognised:
        unknown = [leaf.as_written for leaf in info.leaves if not leaf.recognised]
        if info.is_expression and unknown:
            reasons.append("unrecognised part: " + ", ".join(f"\"{u}\"" for u in unknown))
        else:
            reasons.append("unrecognised licence text")
    kinds = list(dict.fromkeys(r.kind for r in info.restrictions))
    reasons += [_KIND_REASONS.get(k, k) for k in kinds]
    if lc.eu_gated_releases:
        reasons.append(f"{lc.eu_gated_releases} release(s) gate out EU users on the Hub")
    if info.recognised and not kinds:  # a restriction already says why; else the category
        for leaf in info.leaves:
            category = leaf.category
            if category in _USABLE_CATEGORIES:
                continue
            if category is None and leaf.osi_approved:
                continue
            if category in _COPYLEFT_CATEGORIES:
                reasons.append(f"{leaf.display}: copyleft terms")
                continue
            reasons.append(f"{leaf.display}: " + (f"ScanCode category {category}" if category
                                                  else "no category known"))
        if info.commercial_use != "allowed":
            reasons.append(f"commercial use {info.commercial_use}")
    return list(dict.fromkeys(reasons))


def usable_commercially_without_review(lc: LicenseClauses) -> bool:
    """Permissive or public-domain (or OSI-approved), commercial use allowed, no restriction of
    any kind, no EU gate seen: a team may ship it with the usual notices. See the module doc."""
    return (lc.recognised and lc.commercial_use == "allowed" and not review_reasons(lc))


def needs_legal_review(lc: LicenseClauses) -> bool:
    """Anything not usable commercially without review: unrecognised, restricted, copyleft,
    proprietary, or no licence."""
    return not usable_commercially_without_review(lc)


def bucket_of(lc: LicenseClauses) -> str:
    """:data:`USABLE` or :data:`REVIEW`."""
    return USABLE if usable_commercially_without_review(lc) else REVIEW


# --- the whole cache ----------------------------------------------------------------------------


def _eu_gated(cache: queries.Connected) -> dict[str | None, list[str]]:
    """Hub repositories whose gate excludes EU users, by the licence id of their release."""
    out: dict[str | None, list[str]] = {}
    for license_id, key in queries.eu_gated_hub_keys(cache):
        out.setdefault(license_id, []).append(key)
    return out


def license_counts(cache: queries.Connected) -> Counter[str | None]:
    """Releases per licence id in ``release_summary`` (None: no licence recorded)."""
    return Counter({license_id: n for license_id, n in queries.releases_per_licence(cache)})


def clause_matrix(cache: queries.Connected) -> list[LicenseClauses]:
    """One row per licence in the cache, most used first (then by name)."""
    gated = _eu_gated(cache)
    rows = [license_clauses(license_id, releases=n, eu_gated=gated.get(license_id, ()))
            for license_id, n in license_counts(cache).items()]
    return sorted(rows, key=lambda lc: (lc.license_id is None, -lc.releases,
                                        lc.name.casefold()))


def bucket_counts(matrix: Iterable[LicenseClauses]) -> dict[str, tuple[int, int]]:
    """{bucket: (licences, releases)} for the facet."""
    out = {USABLE: (0, 0), REVIEW: (0, 0)}
    for lc in matrix:
        licences, releases = out[lc.bucket]
        out[lc.bucket] = (licences + 1, releases + lc.releases)
    return out


def license_ids_in_bucket(matrix: Iterable[LicenseClauses], bucket: str) -> list[str | None]:
    """The ``release_summary.license_id`` values in a bucket (None stands for NULL)."""
    return [lc.license_id for lc in matrix if lc.bucket == bucket]


def release_ids_in_bucket(cache: queries.Connected, bucket: str,
                          matrix: Iterable[LicenseClauses] | None = None) -> list[str]:
    """The releases whose licence is in ``bucket`` (for the search panel's facet)."""
    ids = license_ids_in_bucket(matrix if matrix is not None else clause_matrix(cache), bucket)
    real = [i for i in ids if i is not None]
    return sorted(queries.release_ids_with_licences(cache, real, unlicensed=None in ids))


# --- writing it out -----------------------------------------------------------------------------


def row_dict(lc: LicenseClauses, *, detail: bool = True) -> dict[str, Any]:
    """A flat, JSON-friendly dict of one row (``detail`` adds each cell's clauses)."""
    out: dict[str, Any] = {
        "license_id": lc.license_id,
        "name": lc.name,
        "releases": lc.releases,
        "recognised": lc.recognised,
        "category": lc.category,
        "osi_approved": lc.osi_approved,
        "url": lc.url,
        "bucket": lc.bucket,
        "usable_commercially_without_review": lc.usable,
        "review_reasons": lc.review_reasons(),
    }
    for clause in CLAUSES:
        cell = lc.cells[clause]
        if detail:
            out[clause] = {
                "value": cell.value,
                "restrictive": cell.restrictive,
                "clauses": [{"summary": r.summary, "clause": r.clause, "url": r.url,
                             **({"threshold": r.threshold} if r.threshold is not None else {}),
                             "origin": r.origin} for r in cell.refs],
                **({"note": cell.note} if cell.note else {}),
            }
        else:
            out[clause] = cell.text
    return out


def matrix_json(matrix: Iterable[LicenseClauses]) -> str:
    return json.dumps([row_dict(lc) for lc in matrix], ensure_ascii=False, indent=2)


def matrix_csv(matrix: Iterable[LicenseClauses]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["license_id", "name", "releases", "bucket", *CLAUSES,
                     *(f"{c}_clause" for c in CLAUSES), "review_reasons"])
    for lc in matrix:
        cells = [lc.cells[c] for c in CLAUSES]
        writer.writerow([
            lc.license_id or "", lc.name, lc.releases, lc.bucket,
            *(cell.text for cell in cells),
            *("; ".join(f"{r.clause} <{r.url}>" if r.clause else r.url for r in cell.refs)
              for cell in cells),
            "; ".join(lc.review_reasons()),
        ])
    return buffer.getvalue()


def _md(text: Any) -> str:
    return str(text if text is not None else "–").replace("|", "\\|").replace("\n", " ")


def matrix_markdown(matrix: Sequence[LicenseClauses], snapshot_date: str | None = None) -> str:
    """The matrix as Markdown: the table, then each restriction with its clause and link."""
    from openexplorer.analyses.export import citations  # export imports views; keep this module light

    header = ["licence", "releases", *(CLAUSE_LABELS[c].lower() for c in CLAUSES),
              "legal review"]
    out = ["# Licence clause matrix", "",
           "What each licence in the cache says on the clauses that decide commercial use. "
           "Each cell cites the licence section it comes from (below). Not legal advice.", ""]
    if snapshot_date:
        out += [f"Data snapshot: {snapshot_date}.", ""]
    counts = bucket_counts(matrix)
    out += [f"- **{BUCKETS[b]}:** {counts[b][0]} licences, {counts[b][1]} releases"
            for b in (USABLE, REVIEW)]
    out += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for lc in matrix:
        review = "no" if lc.usable else "yes"
        out.append("| " + " | ".join([_md(lc.name), str(lc.releases),
                                      *(_md(lc.cells[c].text) for c in CLAUSES), review]) + " |")
    out += ["", "## Clauses", ""]
    for lc in matrix:
        refs = [(c, r) for c in CLAUSES for r in lc.cells[c].refs
                if lc.cells[c].value not in ("no", "allowed")]
        reasons = lc.review_reasons()
        if not refs and not reasons:
            continue
        out.append(f"### {lc.name}" + (f" (`{lc.license_id}`)" if lc.license_id
                                        and lc.license_id != lc.name else ""))
        out.append("")
        for clause, r in refs:
            where = f" — {r.clause}" if r.clause else ""
            link = f" <{r.url}>" if r.url else ""
            out.append(f"- **{CLAUSE_LABELS[clause]}:** {r.summary}{where}{link}")
        if reasons:
            out.append(f"- **Needs legal review:** {'; '.join(reasons)}")
        out.append("")
    out += ["## Sources", "",
            "- Licence clauses: OpenExplorer's licence tables (resources/"
            "license_restrictions.yml, resources/license_clauses.yml), each clause citing the "
            "licence section above; licence ids, names and categories from the SPDX License "
            "List (CC-BY-3.0) and the ScanCode LicenseDB (CC-BY-4.0).",
            "- Release counts: the releases in the cache, by their recorded licence.", ""]
    if any(lc.eu_gated_releases for lc in matrix):
        out.append(citations({"hub"}).split("\n", 2)[2])
    return "\n".join(out)
