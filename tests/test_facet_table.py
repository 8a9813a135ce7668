"""Every row of the facet table reaches the SQL, the facet arrays, the counts and the command
line (the facet column is checked in tests/ui/test_search_panel.py): a facet cannot be half
added."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from openexplorer.cli import build_parser
from openexplorer.search import counts, facet_index
from openexplorer.search.facets import FACET_TABLE, FACETS, NONE, Facet, value_label
from openexplorer.search.filters import Filters, filters_from_args, where_clause
from openexplorer.search.summary import COLUMNS
from openexplorer.store.cache_file import open_cache


def _choice(row: Facet) -> dict[str, Any]:
    """A choice of this facet, as Filters fields."""
    if row.kind == "values":
        return {row.key: ("x",)}
    if row.kind == "yesno":
        return {row.key: True}
    return {row.bounds[0]: 0.5, row.bounds[1]: 0.75}


def test_the_rows_are_distinct_and_name_summary_columns():
    assert len({row.key for row in FACET_TABLE}) == len(FACET_TABLE)
    assert len({row.column for row in FACET_TABLE}) == len(FACET_TABLE)
    for row in FACET_TABLE:
        assert row.column in COLUMNS, row.key
        assert row.label and row.noun, row.key


def test_the_filters_have_a_field_per_row_and_no_other():
    named = {f.name for f in fields(Filters)}
    assert named == {name for row in FACET_TABLE for name in row.fields}


@pytest.mark.parametrize("row", FACET_TABLE, ids=lambda r: r.key)
def test_every_row_narrows_the_sql(row: Facet):
    conditions, args = where_clause(Filters(**_choice(row)))
    assert conditions and all(f"s.{row.column}" in c for c in conditions)
    assert args
    assert Filters(**_choice(row)).without(row.fields[0]) != Filters(**_choice(row))


@pytest.mark.parametrize("row", FACET_TABLE, ids=lambda r: r.key)
def test_every_row_is_in_the_facet_arrays_and_the_counts(row: Facet):
    stored = {"values": facet_index.CODED, "yesno": facet_index.YESNO,
              "range": facet_index.FLOATS}[row.kind]
    assert row.column in stored
    if row.kind == "values":
        assert FACETS[row.key] == row.column


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("facets") / "cache.sqlite")
    yield opened
    opened.close()


def test_every_row_is_counted_for_the_facet_column(cache):
    assert counts.counter(cache, "", Filters()) is not None  # over the facet arrays
    out = counts.facet_summary(cache, "", Filters(), limit=5)
    in_sql = counts.facet_counts_sql(cache, "", Filters(), limit=5)
    for row in FACET_TABLE:
        if row.kind == "values":
            assert out["facets"][row.key] and in_sql[row.key], row.key
        elif row.kind == "yesno":
            assert [v for v, _n in out[row.key]] == [True, False]
        else:
            assert isinstance(out[row.known_key], int), row.key


@pytest.mark.parametrize("row", FACET_TABLE, ids=lambda r: r.key)
def test_every_row_has_a_search_flag(row: Facet):
    assert row.cli, row.key
    for flag in row.cli:
        value = ("0.5" if row.kind == "range" else
                 flag.choices[0] if flag.choices else "Something")
        args = build_parser().parse_args(["search", "", flag.flag, value])
        filters = filters_from_args(args, lambda column: ["something", "other"])
        assert filters != Filters(), flag.flag
        changed = {f.name for f in fields(Filters)
                   if getattr(filters, f.name) != getattr(Filters(), f.name)}
        assert changed <= set(row.fields) and changed, flag.flag


def test_a_search_flag_matches_known_values_without_regard_to_case():
    args = build_parser().parse_args(["search", "", "--license-category", "permissive",
                                      "--mof-class", "II", "--min-params", "7"])
    filters = filters_from_args(args, lambda column: ["Permissive", "Copyleft"])
    assert filters == Filters(license_category=("Permissive",), mof_class=("II", "I"),
                              params_min=7e9)


def test_value_labels_come_from_the_table():
    assert value_label("org_kind", "big-tech") == "Big Tech"
    assert value_label("mof_class", NONE) == "No class"
    assert value_label("modality", "text,code") == "Text, code"
    assert value_label("osi_approved", True) == "Yes"
