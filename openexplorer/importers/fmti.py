"""Stanford Foundation Model Transparency Index (FMTI), developer level.

Format (``stanford-crfm/fmti``): one folder per edition holding ``<Month><Year>_scores.csv``, an
Indicator × developer matrix of 0/1 scores.

* ``October2023/October2023_scores.csv`` has ``Domain``, ``Subdomain`` and ``Total`` columns, a
  last row ``Total`` with each developer's total, and a UTF-8 BOM.
* ``May2024/May2024_scores.csv`` has only ``Indicator`` and a last row ``Total``; its domains come
  from ``fmti-indicators.csv`` (the v1.x definitions, one folder up).
* ``Dec2025/Dec2025_scores.csv`` has no Total row; its domains come from
  ``Dec2025_indicators.csv`` beside it.

Indicator and subdomain strings differ in spacing across files ("Data creators ",
"Accountability "): whitespace is collapsed everywhere. The v1.x definitions also word eight or
nine indicators differently from the score files ("Third party" vs "Third-party", "Copyrighted
data" vs "Data copyright status", "Model License" vs "License"). Names are matched ignoring
case, spacing and hyphens; an indicator whose name is still not found is matched by its position,
which is the same in every v1.x file, when the definitions list as many indicators as the
scores file, at least 90% of them are found by name and every one found by name is at the same
position in both. A definitions file that names fewer than half the indicators is not used.

One :class:`SourceRecord` per (developer, edition): scope ``organization``, key
``"<YYYY-MM>/<developer as written>"``, ``organization`` the developer with the one spelling
that differs across editions normalised ("Stability" in 2024 → "Stability AI"), and one
``fmti`` assessment per indicator (status ``open`` for 1, ``closed`` for 0; ``value`` "1"/"0").
``data["total"]`` is the sum of the indicators; a Total row or column that disagrees is
reported as a problem (the sum is kept). The per-developer report CSVs hold free text and are
not imported; the files do not name the flagship models, so ``data`` has no ``flagship``.

Problems: an unreadable file or one without an ``Indicator`` column is one problem; a row with
the wrong number of cells or a repeated indicator is skipped, and a cell that is not 0 or 1 is
left out, each reported as ``"<path>:row N"`` (N = file line where the row starts, header = 1).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openexplorer.importers.common import (
    ImportRefused,
    check_path,
    csv_rows,
    read_bounded,
    source_version_near,
)
from openexplorer.core.records import Assessment, ImportProblem, ImportResult, SourceRecord

SOURCE = "fmti"
FRAMEWORK = "fmti"
URL = "https://crfm.stanford.edu/fmti/"
INDICATORS_PER_EDITION = 100
DOMAINS = ("Upstream", "Model", "Downstream")

#: Developer spellings that differ across editions → the spelling used in the other editions.
DEVELOPER_ALIASES = {"Stability": "Stability AI"}

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_EDITION = re.compile(r"([A-Za-z]+)[ _-]?(\d{4})")
_WS = re.compile(r"\s+")
_SCORE = {"0": 0, "1": 1, "0.0": 0, "1.0": 1}
_META_COLUMNS = {"indicator", "domain", "subdomain", "total"}


def read(path: Path, *, source_version: str | None = None) -> ImportResult:
    """Import every edition under the FMTI folder ``path``, or the one scores CSV ``path``.

    Raises :class:`ImportRefused` when ``path`` is missing or neither a regular file nor a
    folder; bad content becomes problems (see the module docstring).
    """
    path = Path(path)
    result = ImportResult()
    if check_path(path, what="an FMTI scores CSV"):
        files = sorted({*path.glob("*_scores.csv"), *path.glob("*/*_scores.csv")})
        if not files:
            result.problems.append(
                ImportProblem(str(path), "a folder with no *_scores.csv files")
            )
    else:
        files = [path]
    editions = []
    for file in files:
        edition = edition_of(file)
        if edition is None:
            result.problems.append(
                ImportProblem(str(file), "cannot tell the edition (expected e.g. May2024_scores)")
            )
            continue
        editions.append((edition, file))
    for edition, file in sorted(editions):
        version = source_version if source_version is not None else source_version_near(file)
        result.extend(_read_scores(file, edition, version))
    return result


def edition_of(path: Path) -> str | None:
    """``.../May2024/May2024_scores.csv`` → ``"2024-05"`` (the file name, else the folder)."""
    for text in (Path(path).stem, Path(path).parent.name):
        match = _EDITION.search(text)
        if match and match.group(1).lower() in _MONTHS:
            return f"{match.group(2)}-{_MONTHS[match.group(1).lower()]:02d}"
    return None


def normalise(text: str | None) -> str:
    """Collapse whitespace: the files spell the same indicator with different spacing."""
    return _WS.sub(" ", text or "").strip()


def _lookup_key(text: str) -> str:
    return normalise(text.replace("-", " ")).casefold()


# --- reading ---------------------------------------------------------------------------------


def _csv_rows(path: Path, result: ImportResult) -> list[tuple[int, list[str]]] | None:
    """``(start line, cells)`` per row, header included; None (and a problem) if unreadable."""
    try:
        text = read_bounded(path, SOURCE)
    except ImportRefused as exc:
        result.problems.append(ImportProblem(str(path), exc.reason))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = list(csv_rows(reader, path, result.problems))
    if not rows:
        result.problems.append(ImportProblem(str(path), "empty file"))
        return None
    return rows


def _read_scores(path: Path, edition: str, source_version: str | None) -> ImportResult:
    result = ImportResult()
    rows = _csv_rows(path, result)
    if rows is None:
        return result
    (_, header_cells), body = rows[0], rows[1:]
    header = [normalise(h) for h in header_cells]
    columns = {h.casefold(): i for i, h in reversed(list(enumerate(header)))}
    if "indicator" not in columns:
        result.problems.append(
            ImportProblem(str(path), "not an FMTI scores file: no Indicator column")
        )
        return result
    developers: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name or name.casefold() in _META_COLUMNS:
            continue
        if name in developers:
            result.problems.append(
                ImportProblem(str(path), f"developer column {name!r} repeated; first one used")
            )
            continue
        developers[name] = i
    if not developers:
        result.problems.append(ImportProblem(str(path), "no developer columns"))
        return result

    i_ind = columns["indicator"]
    i_dom, i_sub, i_total = (columns.get(c) for c in ("domain", "subdomain", "total"))
    indicators: list[str] = []
    inline_domains: dict[str, str] = {}
    scores: dict[str, dict[str, int]] = {d: {} for d in developers}
    reported_totals: dict[str, int] = {}
    # Developers with a score that could not be read: their record is not imported, so the
    # cached one keeps its values (a record replaces the cached one whole).
    incomplete: dict[str, list[int]] = {}
    skipped_rows: list[int] = []

    for line, cells in body:
        where = f"{path}:row {line}"
        if len(cells) != len(header):
            result.problems.append(
                ImportProblem(where, f"{len(cells)} cells, expected {len(header)}; row skipped")
            )
            skipped_rows.append(line)
            continue
        indicator = normalise(cells[i_ind])
        if indicator.casefold() == "total":
            for dev, i in developers.items():
                value = cells[i].strip()
                if value.isdigit():
                    reported_totals[dev] = int(value)
                elif value:
                    result.problems.append(
                        ImportProblem(where, f"{dev}: Total {value!r} is not a number")
                    )
            continue
        if not indicator:
            result.problems.append(ImportProblem(where, "no indicator name; row skipped"))
            skipped_rows.append(line)
            continue
        if indicator in inline_domains or indicator in indicators:
            result.problems.append(
                ImportProblem(where, f"indicator {indicator!r} repeated; row skipped")
            )
            continue
        indicators.append(indicator)
        if i_dom is not None and normalise(cells[i_dom]):
            inline_domains[indicator] = normalise(cells[i_dom])
        row_sum = 0
        for dev, i in developers.items():
            score = _SCORE.get(cells[i].strip())
            if score is None:
                result.problems.append(
                    ImportProblem(
                        where, f"{dev}: score {cells[i].strip()!r} for {indicator!r} is not 0 or 1"
                    )
                )
                incomplete.setdefault(dev, []).append(line)
                continue
            scores[dev][indicator] = score
            row_sum += score
        if i_total is not None and cells[i_total].strip():
            total_text = cells[i_total].strip()
            if not total_text.isdigit() or int(total_text) != row_sum:
                result.problems.append(
                    ImportProblem(
                        where, f"Total column says {total_text!r}, the scores sum to {row_sum}"
                    )
                )

    if not indicators:
        result.problems.append(
            ImportProblem(str(path), "no indicator rows (only a header, or every row broken)")
        )
        return result
    if skipped_rows:
        listed = ", ".join(map(str, skipped_rows[:5])) + ("…" if len(skipped_rows) > 5 else "")
        result.problems.append(
            ImportProblem(
                str(path),
                f"row {listed} skipped: no developer's {edition} record is complete; none imported",
            )
        )
        return result
    if len(indicators) != INDICATORS_PER_EDITION:
        result.problems.append(
            ImportProblem(
                str(path), f"{len(indicators)} indicators, expected {INDICATORS_PER_EDITION}"
            )
        )
    domains = dict(inline_domains)
    missing = [ind for ind in indicators if ind not in domains]
    if missing:
        domains.update(_domains_from_definitions(path, indicators, missing, result))
    unresolved = [ind for ind in indicators if ind not in domains]
    if unresolved:
        result.problems.append(
            ImportProblem(
                str(path),
                f"no domain for {len(unresolved)} indicator(s), e.g. {unresolved[0]!r}; "
                "left out of the domain totals",
            )
        )

    for dev, lines in incomplete.items():
        result.problems.append(
            ImportProblem(
                str(path),
                f"{dev}: {len(lines)} score(s) unreadable (row {', '.join(map(str, lines[:5]))}"
                f"{'…' if len(lines) > 5 else ''}); {dev}'s {edition} record not imported",
            )
        )
    for dev in developers:
        if dev in incomplete:
            continue
        dev_scores = scores[dev]
        total = sum(dev_scores.values())
        if dev in reported_totals and reported_totals[dev] != total:
            result.problems.append(
                ImportProblem(
                    str(path),
                    f"{dev}: Total row says {reported_totals[dev]}, the indicators sum to {total}",
                )
            )
        domain_totals = {d: 0 for d in DOMAINS}
        for indicator, score in dev_scores.items():
            domain = domains.get(indicator)
            if domain is not None:
                domain_totals[domain] = domain_totals.get(domain, 0) + score
        result.records.append(
            SourceRecord(
                source=SOURCE,
                key=f"{edition}/{dev}",
                name=dev,
                scope="organization",
                organization=DEVELOPER_ALIASES.get(dev, dev),
                release_date=edition,
                url=URL,
                source_version=source_version,
                assessed_date=edition,
                assessments=[
                    Assessment(
                        framework=FRAMEWORK,
                        component=indicator,
                        status="open" if dev_scores[indicator] else "closed",
                        value=str(dev_scores[indicator]),
                    )
                    for indicator in indicators
                    if indicator in dev_scores
                ],
                data={
                    "edition": edition,
                    "total": total,
                    "domains": domain_totals,
                    "indicator_count": len(dev_scores),
                },
            )
        )
    return result


def _domains_from_definitions(
    scores_path: Path, indicators: list[str], wanted: list[str], result: ImportResult
) -> dict[str, str]:
    """Domains for ``wanted`` from the edition's definitions file (by name, else by position)."""
    folder = scores_path.parent
    candidates = sorted(folder.glob("*_indicators.csv")) or sorted(
        folder.parent.glob("fmti-indicators.csv")
    )
    if not candidates:
        result.problems.append(
            ImportProblem(str(scores_path), "no indicator definitions file found for the domains")
        )
        return {}
    definitions_path = candidates[0]
    rows = _csv_rows(definitions_path, result)
    if rows is None:
        return {}
    header = [normalise(h).casefold() for h in rows[0][1]]
    if "indicator" not in header or "domain" not in header:
        result.problems.append(
            ImportProblem(str(definitions_path), "no Indicator or Domain column")
        )
        return {}
    i_ind, i_dom = header.index("indicator"), header.index("domain")
    ordered: list[tuple[str, str]] = []
    for line, cells in rows[1:]:
        if len(cells) <= max(i_ind, i_dom):
            result.problems.append(
                ImportProblem(f"{definitions_path}:row {line}", "too few cells; row skipped")
            )
            continue
        ordered.append((normalise(cells[i_ind]), normalise(cells[i_dom])))
    by_name = {_lookup_key(name): domain for name, domain in ordered}
    position = {_lookup_key(name): i for i, (name, _) in enumerate(ordered)}
    # Fall back on position only when both files list the same number of indicators, at least
    # 90% are found by name and every one found by name sits at the same place in both.
    named = [(i, position[_lookup_key(ind)]) for i, ind in enumerate(indicators)
             if _lookup_key(ind) in position]  # fmt: skip
    if len(named) < len(indicators) // 2:
        result.problems.append(
            ImportProblem(
                str(scores_path),
                f"{definitions_path.name} names only {len(named)} of its {len(indicators)} "
                "indicators; not used for the domains",
            )
        )
        return {}
    positional = (
        len(ordered) == len(indicators)
        and len(named) >= 0.9 * len(indicators)
        and all(here == there for here, there in named)
    )
    found: dict[str, str] = {}
    for indicator in wanted:
        domain = by_name.get(_lookup_key(indicator))
        if domain is None and positional:
            domain = ordered[indicators.index(indicator)][1]
        if domain:
            found[indicator] = domain
    return found


__all__ = ["DEVELOPER_ALIASES", "DOMAINS", "edition_of", "normalise", "read"]
