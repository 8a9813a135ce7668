"""What a search is narrowed to (:class:`Filters`), as SQL and as ``openexplorer search`` flags.

Every facet of :data:`openexplorer.search.facets.FACET_TABLE` has its field(s) here; the SQL
(:func:`where_clause`), the command line's flags
(:func:`openexplorer.search.facets.add_cli_flags`, :func:`filters_from_args`) and the facet arrays' masks all go through the table, so a facet is
declared in one place.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from openexplorer.db.cache import SEARCH_KEY_ROWID_MASK, Cache, quote_fts
from openexplorer.search.facets import (
    FACET_TABLE,
    NONE,
    RANGE_FACETS,
    VALUE_FACETS,
    YESNO_FACETS,
    CliFlag,
    Facet,
)


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the search to. Empty tuples and None mean "any".

    One field per ``values`` / ``yesno`` facet of the facet table, two per ``range`` facet
    (checked below when this module is imported).
    """

    license_category: tuple[str, ...] = ()
    commercial_use: tuple[str, ...] = ()
    osi_approved: bool | None = None
    mof_class: tuple[str, ...] = ()  # "I", "II", "III", "none"
    osai_min: float | None = None
    osai_max: float | None = None
    osaid_verdict: tuple[str, ...] = ()
    org_kind: tuple[str, ...] = ()
    organization: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    modality: tuple[str, ...] = ()
    params_min: float | None = None
    params_max: float | None = None
    year: tuple[int, ...] = ()
    origin: tuple[str, ...] = ()  # "curated", "hub"
    gated: tuple[str, ...] = ()

    def without(self, name: str) -> Filters:
        """The same filters minus one facet (a facet's own counts ignore its own choice)."""
        default = next(f.default for f in fields(self) if f.name == name)
        return Filters(**{**self.__dict__, name: default})

    def is_empty(self) -> bool:
        return self == Filters()


def _check_fields() -> None:
    """Every facet row has its Filters field(s), of the right default, and nothing else."""
    defaults = {f.name: f.default for f in fields(Filters)}
    wanted = {name: (() if row.kind == "values" else None)
              for row in FACET_TABLE for name in row.fields}
    if defaults != wanted:
        raise TypeError(f"Filters does not match the facet table: fields {sorted(defaults)}, "
                        f"facet table {sorted(wanted)}")


_check_fields()


# -- SQL ------------------------------------------------------------------------------------------


def _in(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    real = [v for v in values if v != NONE]
    parts, args = [], []
    if real:
        parts.append(f"{column} IN ({', '.join('?' for _ in real)})")
        args.extend(real)
    if len(real) != len(values):
        parts.append(f"{column} IS NULL")
    return "(" + " OR ".join(parts) + ")", args


def where_clause(filters: Filters, *, order: str | None = None) -> tuple[list[str], list[Any]]:
    """The filters as SQL conditions on ``s`` (release_summary). With ``order`` (the sort
    column's SQL), written to read that column's index in order, the filters checked on the
    way, rather than gather every row a filter's index gives and sort them: the other columns
    behind a unary ``+`` (SQLite then uses no index for them), and years as a range of release
    dates when the order is the release date (a release's year is its date's)."""
    def col(column: str) -> str:
        if order is None or order.split(" COLLATE")[0] == f"s.{column}":
            return f"s.{column}"
        return f"+s.{column}"

    conditions: list[str] = []
    args: list[Any] = []
    for row in VALUE_FACETS:
        values = getattr(filters, row.key)
        if values:
            sql, extra = _in(col(row.column), values)
            conditions.append(sql)
            args.extend(extra)
    for row in YESNO_FACETS:
        chosen = getattr(filters, row.key)
        if chosen is not None:
            conditions.append(f"{col(row.column)} = ?")
            args.append(int(chosen))
    for row in RANGE_FACETS:
        low, high = (getattr(filters, name) for name in row.bounds)
        if low is not None:
            conditions.append(f"{col(row.column)} >= ?")
            args.append(low)
        if high is not None:
            conditions.append(f"{col(row.column)} <= ?")
            args.append(high)
    years: tuple[Any, ...] = filters.year  # (NONE among them stands for "undated")
    if order == "s.release_date" and years and NONE not in years:
        numbers = [int(y) for y in years]
        conditions.append("s.release_date >= ? AND s.release_date < ?")
        args.extend([f"{min(numbers):04d}", f"{max(numbers) + 1:04d}"])
    return conditions, args


def _where(sql: str, conditions: Sequence[str]) -> str:
    return sql + "".join(f" AND {condition}" for condition in conditions)


def search_sql(query: str, filters: Filters, *, order: str | None = None
               ) -> tuple[str, list[Any], bool]:
    """``FROM … WHERE …`` of the summary rows (``s``) a search matches, its arguments, and
    whether the text index takes part (``releases_fts`` then in the join)."""
    conditions, args = where_clause(filters, order=order)
    match = quote_fts(query)
    if match:
        sql = (f"FROM releases_fts JOIN releases r "
               f"ON r.rowid = (releases_fts.rowid & {SEARCH_KEY_ROWID_MASK}) "
               "JOIN release_summary s ON s.release_id = r.id WHERE releases_fts MATCH ?")
        args = [match, *args]
    else:
        sql = "FROM release_summary s WHERE 1"
    return _where(sql, conditions), args, bool(match)


def rowids_sql(rowids: Sequence[int], filters: Filters) -> tuple[str, list[Any]]:
    """The rows of these releases (the few that match, found in the facet arrays), with the
    filters checked again: SQLite looks up a few thousand rows and sorts them, instead of
    reading an index until enough rows pass a selective filter (which, at Hub scale, reads the
    whole index for no row at all)."""
    conditions, args = where_clause(filters)
    sql = ("FROM releases r CROSS JOIN release_summary s ON s.release_id = r.id "
           "WHERE r.rowid IN (SELECT value FROM json_each(?))")
    return _where(sql, conditions), ["[" + ",".join(str(int(i)) for i in rowids) + "]", *args]


def walk_sql(query: str, filters: Filters, order: str) -> tuple[str, list[Any]]:
    """As :func:`search_sql` with a query, for a sort column and many matches: the summary rows
    are read in the sort index's order and kept if the text index matched them (its matches
    taken once into a lookup table), so SQLite stops after a page instead of looking up and
    sorting every match (docs/benchmarks.md, search)."""
    conditions, args = where_clause(filters, order=order)
    sql = ("FROM release_summary s CROSS JOIN releases r ON r.id = s.release_id "
           f"WHERE r.rowid IN (SELECT rowid & {SEARCH_KEY_ROWID_MASK} FROM releases_fts "
           "WHERE releases_fts MATCH ?)")
    return _where(sql, conditions), [quote_fts(query), *args]


# -- the command line -----------------------------------------------------------------------------


class FilterError(ValueError):
    """A command-line choice that selects nothing the cache knows (the message says why)."""


def _dest(flag: str) -> str:
    return flag.removeprefix("--").replace("-", "_")


def known_values(cache: Cache, column: str) -> list[Any]:
    """The values a summary column holds (NULL aside), for matching a command-line choice."""
    return [r[0] for r in cache.conn.execute(
        f"SELECT DISTINCT {column} FROM release_summary WHERE {column} IS NOT NULL")]


def filters_from_args(args: argparse.Namespace,
                      known: Callable[[str], Sequence[Any]]) -> Filters:
    """The :class:`Filters` the ``search`` flags ask for. ``known(column)``: the values a
    summary column holds (:func:`known_values`; asked only for a free-text choice, which is
    matched to them without regard to case, after every bound was checked). Raises
    :class:`FilterError` for a bound out of range or a choice that matches nothing."""
    chosen: dict[str, Any] = {}
    given_text: list[tuple[Facet, CliFlag, Any]] = []
    for row in FACET_TABLE:
        for flag in row.cli:
            given = getattr(args, _dest(flag.flag), None)
            if given is None or given == "":
                continue
            if row.kind == "range":
                low, high = row.spin[0], row.spin[1]
                if not low <= given <= high:
                    unit = "" if row.scale == 1.0 else " in billions,"
                    raise FilterError(f"{flag.flag} is {row.noun}{unit} between {low:g} "
                                      f"and {high:g}")
                chosen[row.bounds[flag.bound]] = given * row.scale
            elif row.kind == "yesno":
                chosen[row.key] = given == "yes"
            elif given in flag.expand:
                chosen[row.key] = flag.expand[given]
            elif flag.choices is not None:
                chosen[row.key] = (given,)
            else:
                given_text.append((row, flag, given))
    for row, _flag, given in given_text:
        values = [v for v in known(row.column) if v is not None]
        matched = tuple(v for v in values if str(v).lower() == str(given).lower())
        if not matched:
            raise FilterError(f"no {row.noun} {given!r}; known: "
                              + ", ".join(sorted(str(v) for v in values)))
        chosen[row.key] = matched
    return replace(Filters(), **chosen)


__all__ = ["FilterError", "Filters", "filters_from_args", "known_values", "rowids_sql",
           "search_sql", "walk_sql", "where_clause"]
