"""The search facets, declared once: one row per facet, read by the SQL, the facet arrays, the
window's facet column and the command line's ``search`` flags.

Each :class:`Facet` row says which ``release_summary`` column it narrows, what kind of choice it
offers (a list of values, yes/no, or a range), how its values read and in which order, how the
facet column draws it and how the ``search`` command spells it. Adding a facet is adding a row
here (and its field to :class:`openexplorer.search.filters.Filters`, checked when that module is
imported; and the summary column if it is new): :func:`openexplorer.search.filters.where_clause`,
:mod:`openexplorer.search.facet_index`, the facet column (``openexplorer.ui.search``) and
``openexplorer search`` all go through :data:`FACET_TABLE`. ``tests/test_facet_table.py`` checks
that every row reaches all of them.

The same idea as the settings table (:data:`openexplorer.core.settings.SETTINGS`) and
Datasette's filter table (https://github.com/simonw/datasette/blob/main/datasette/filters.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

#: "No value" stands for NULL in facets (e.g. releases without an MOF class).
NONE = "none"

#: ``values``: a list of values with counts (the filter field a tuple of them); ``yesno``: an
#: integer 0/1 column shown as Yes/No (the field True, False or None); ``range``: a number
#: between two bounds (two fields, the lower and the upper bound, None for open).
Kind = Literal["values", "yesno", "range"]
#: How a list's values are ordered in the facet column: ``given`` by :attr:`Facet.value_order`,
#: ``descending`` newest/largest first, ``first_seen`` as first counted (values do not jump as
#: counts change), ``count`` by count then name.
Listing = Literal["given", "descending", "first_seen", "count"]


@dataclass(frozen=True)
class CliFlag:
    """How ``openexplorer search`` spells one bound or choice of a facet."""

    flag: str  # e.g. "--license-category"
    help: str
    metavar: str | None = None
    #: Values the flag accepts (argparse checks them); None: any text, matched without regard
    #: to case against the values the cache holds.
    choices: tuple[str, ...] | None = None
    #: A choice given on the command line -> the values it selects (e.g. an MOF class includes
    #: the classes above it).
    expand: Mapping[str, tuple[Any, ...]] = field(default_factory=lambda: MappingProxyType({}))
    #: ``range`` facets: which bound this flag sets (0 lower, 1 upper).
    bound: int = 0


@dataclass(frozen=True)
class Facet:
    """One facet: its filter, its column, its look and its command-line flag(s)."""

    key: str  # the facet's name (a list's filter field; "osai", "params" for the ranges)
    label: str  # the facet column's title
    column: str  # the release_summary column it narrows
    kind: Kind
    #: How values read ("big-tech" -> "Big Tech"); NONE: how "no value" reads.
    value_labels: Mapping[Any, str] = field(default_factory=lambda: MappingProxyType({}))
    #: Values listed in this order (``listing == "given"``).
    value_order: tuple[Any, ...] = ()
    listing: Listing = "count"
    #: Few values: list the ones without matches too (greyed).
    small_domain: bool = False
    #: Values are comma-separated lists ("text,code" reads "Text, code").
    comma_list: bool = False
    #: ``range``: the Filters fields of the lower and upper bound.
    bounds: tuple[str, str] = ("", "")
    #: ``range``: the spin boxes' (lowest, highest, step, decimals), in units of ``scale``.
    spin: tuple[float, float, float, int] = (0.0, 1.0, 0.05, 2)
    #: ``range``: the summary's unit per spin box unit (parameters are shown in billions).
    scale: float = 1.0
    #: ``range``: the hint under the spin boxes, after the count ("with a score").
    known_noun: str = ""
    #: What an error message calls a choice ("licence category"; a range: "an index score").
    noun: str = ""
    cli: tuple[CliFlag, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """The :class:`~openexplorer.search.filters.Filters` fields this facet sets."""
        return self.bounds if self.kind == "range" else (self.key,)

    @property
    def known_key(self) -> str:
        """``range``: the key of :func:`~openexplorer.search.counts.facet_summary`'s count of
        matches with a value ("osai_known")."""
        return f"{self.key}_known"


def _labels_of(pairs: Mapping[Any, str]) -> Mapping[Any, str]:
    return MappingProxyType(dict(pairs))


_NOT_KNOWN = _labels_of({NONE: "Not known"})
_MOF_REACHED = MappingProxyType({"III": ("III", "II", "I"), "II": ("II", "I"), "I": ("I",)})

#: The facets, top to bottom as the facet column shows them.
FACET_TABLE: tuple[Facet, ...] = (
    Facet("license_category", "Licence category", "license_category", "values",
          value_labels=_NOT_KNOWN, listing="first_seen", small_domain=True,
          noun="licence category",
          cli=(CliFlag("--license-category", "licence category, e.g. Permissive, Copyleft, "
                       "'Proprietary Free'", metavar="C"),)),
    Facet("commercial_use", "Commercial use", "commercial_use", "values",
          value_labels=_labels_of({"allowed": "Allowed", "restricted": "Restricted",
                                   "not allowed": "Not allowed", "unknown": "Not known",
                                   NONE: "Not known"}),
          value_order=("allowed", "restricted", "not allowed", "unknown", NONE),
          listing="given", small_domain=True, noun="commercial use",
          cli=(CliFlag("--commercial-use", "commercial use: allowed, restricted, "
                       "'not allowed', unknown", metavar="U"),)),
    Facet("osi_approved", "OSI-approved licence", "osi_approved", "yesno",
          value_labels=_labels_of({True: "Yes", False: "No"}), noun="OSI approval",
          cli=(CliFlag("--osi-approved", "whether the licence is OSI-approved",
                       choices=("yes", "no")),)),
    Facet("mof_class", "MOF class", "mof_class", "values",
          value_labels=_labels_of({"I": "Class I – Open Science", "II": "Class II – Open Tooling",
                                   "III": "Class III – Open Model", NONE: "No class"}),
          value_order=("I", "II", "III", NONE), listing="given", small_domain=True,
          noun="MOF class",
          cli=(CliFlag("--mof-class", "MOF class reached (I includes nothing lower)",
                       choices=("I", "II", "III"), expand=_MOF_REACHED),)),
    Facet("osai", "Index score", "osai_score", "range", bounds=("osai_min", "osai_max"),
          spin=(0.0, 1.0, 0.05, 2), known_noun="with a score", noun="an index score",
          cli=(CliFlag("--min-score", "minimum European Open Source AI Index score (0 to 1)",
                       metavar="X"),
               CliFlag("--max-score", "maximum European Open Source AI Index score (0 to 1)",
                       metavar="X", bound=1))),
    Facet("osaid_verdict", "OSAID verdict", "osaid_verdict", "values",
          value_labels=_labels_of({"pass": "Pass", "fail": "Fail", "unknown": "Not known",
                                   NONE: "Not assessed"}),
          value_order=("pass", "fail", "unknown", NONE), listing="given", small_domain=True,
          noun="OSAID verdict",
          cli=(CliFlag("--osaid-verdict", "Open Source AI Definition verdict: pass, fail, "
                       "unknown", metavar="V"),)),
    Facet("org_kind", "Organisation kind", "org_kind", "values",
          value_labels=_labels_of({"big-tech": "Big Tech", "company": "Company",
                                   "academic": "Academic & non-profit",
                                   "non-profit": "Non-profit", "public": "Public",
                                   NONE: "Not known"}),
          value_order=("big-tech", "company", "academic", "non-profit", "public", NONE),
          listing="given", small_domain=True, noun="organisation kind",
          cli=(CliFlag("--org-kind", "organisation kind: big-tech, company, academic, "
                       "non-profit, public", metavar="K"),)),
    Facet("organization", "Organisation", "organization", "values", value_labels=_NOT_KNOWN,
          noun="organisation",
          cli=(CliFlag("--organization", "the organisation that released it", metavar="O"),)),
    Facet("country", "Country", "country", "values", value_labels=_NOT_KNOWN, noun="country",
          cli=(CliFlag("--country", "the organisation's country", metavar="C"),)),
    Facet("modality", "Modality", "modality", "values", value_labels=_NOT_KNOWN,
          listing="first_seen", small_domain=True, comma_list=True, noun="modality",
          cli=(CliFlag("--modality", "modality as stored, e.g. text, 'text,code'",
                       metavar="M"),)),
    Facet("params", "Parameters (billions)", "parameters", "range",
          bounds=("params_min", "params_max"), spin=(0.0, 10000.0, 1.0, 1), scale=1e9,
          known_noun="with a known size", noun="a number of parameters",
          cli=(CliFlag("--min-params", "fewest parameters, in billions", metavar="B"),
               CliFlag("--max-params", "most parameters, in billions", metavar="B", bound=1))),
    Facet("year", "Release year", "year", "values", value_labels=_labels_of({NONE: "Undated"}),
          listing="descending", small_domain=True, noun="release year",
          cli=(CliFlag("--year", "release year", metavar="Y"),)),
    Facet("origin", "Source", "origin", "values",
          value_labels=_labels_of({"curated": "Curated", "hub": "Hub only", NONE: "Not known"}),
          value_order=("curated", "hub", NONE), listing="given", small_domain=True,
          noun="source",
          cli=(CliFlag("--origin", "curated or hub", choices=("curated", "hub")),)),
    Facet("gated", "Gated on the Hub", "gated", "values",
          value_labels=_labels_of({"false": "Not gated", "auto": "Gated (automatic approval)",
                                   "manual": "Gated (manual approval)", "true": "Gated",
                                   NONE: "No Hub data"}),
          value_order=("false", "auto", "manual", "true", NONE), listing="given",
          small_domain=True, noun="gating",
          cli=(CliFlag("--gated", "gating on the Hub: false, auto, manual, true",
                       metavar="G"),)),
)

#: The facets by key.
BY_KEY: Mapping[str, Facet] = MappingProxyType({f.key: f for f in FACET_TABLE})
#: The rows of each kind, in the table's order.
VALUE_FACETS: tuple[Facet, ...] = tuple(f for f in FACET_TABLE if f.kind == "values")
YESNO_FACETS: tuple[Facet, ...] = tuple(f for f in FACET_TABLE if f.kind == "yesno")
RANGE_FACETS: tuple[Facet, ...] = tuple(f for f in FACET_TABLE if f.kind == "range")
#: Facets with a list of values and counts: filter name -> summary column.
FACETS: Mapping[str, str] = MappingProxyType({f.key: f.column for f in VALUE_FACETS})


def value_label(facet: str, value: Any) -> str:
    """How a facet value reads ("big-tech" -> "Big Tech", NONE -> "Not known")."""
    row = BY_KEY.get(facet)
    labels: Mapping[Any, str] = row.value_labels if row is not None else {}
    if value in labels:
        return labels[value]
    if value is None:
        return labels.get(NONE, "Not known")
    text = str(value)
    if row is not None and row.comma_list:  # "text,code" -> "Text, code"
        text = ", ".join(part.strip() for part in text.split(","))
        return text[:1].upper() + text[1:]
    return text

def add_cli_flags(parser: argparse.ArgumentParser) -> None:
    """The ``search`` command's flags, one (or a lower and an upper bound) per facet (read back
    by :func:`openexplorer.search.filters.filters_from_args`)."""
    for row in FACET_TABLE:
        for flag in row.cli:
            if row.kind == "range":
                parser.add_argument(flag.flag, type=float, metavar=flag.metavar, help=flag.help)
            else:
                parser.add_argument(flag.flag, choices=flag.choices, metavar=flag.metavar,
                                    help=flag.help)



__all__ = ["BY_KEY", "FACETS", "FACET_TABLE", "NONE", "RANGE_FACETS", "VALUE_FACETS",
           "YESNO_FACETS", "CliFlag", "Facet", "add_cli_flags", "value_label"]
