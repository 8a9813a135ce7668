"""Hand-built ``release_summary`` rows for the overview tests (no importers, no snapshot).

``make_summary_cache`` creates an empty cache in a file and fills its ``release_summary`` table
with the rows given (every column :mod:`openexplorer.search.summary` writes), so the overview's figures
can be checked against values computed by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openexplorer.db.cache import Cache
from openexplorer.search.summary import COLUMNS

#: (year, org_kind, origin, mof_class, mof_total, osai_score, osi_approved, provisional)
ROWS: list[tuple[Any, ...]] = [
    (2023, "big-tech", "curated", None, 30.0, 0.25, 0, 0),
    (2023, "big-tech", "curated", "III", 60.0, 0.40, 1, 0),
    (2023, "academic", "curated", "I", 95.0, 0.90, 1, 0),
    (2024, "academic", "curated", "II", 80.0, 0.75, 1, 0),
    (2024, "company", "curated", None, None, 0.30, None, 0),
    (2024, "company", "curated", "III", 55.0, None, 1, 0),
    (2024, "big-tech", "curated", None, 20.0, 0.10, 0, 1),
    (2024, "public", "curated", None, None, 1.00, 1, 0),
    (None, None, "curated", None, None, None, None, 0),
    (2025, "academic", "hub", "III", 40.0, 0.55, 1, 1),
    (2025, "company", "hub", None, 10.0, 0.05, 0, 1),
]


def summary_row(index: int, year: Any, kind: Any, origin: str, mof_class: Any,
                mof_total: Any, score: Any, osi: Any, provisional: int) -> dict[str, Any]:
    return {
        "release_id": f"org/release-{index}", "name": f"Release {index}", "family": "F",
        "family_id": "f", "organization": "Org", "organization_id": "org", "org_kind": kind,
        "country": None, "release_date": f"{year}-06-01" if year else None, "year": year,
        "modality": "text", "parameters": 7e9, "origin": origin, "license_id": None,
        "license_name": None, "license_category": None, "commercial_use": None,
        "osi_approved": osi, "mof_class": mof_class, "mof_progress_iii": None,
        "mof_progress_ii": None, "mof_progress_i": None, "mof_total": mof_total,
        "mof_provisional": provisional if mof_total is not None else None,
        "osai_score": score, "osai_availability": None, "osai_documentation": None,
        "osai_access": None, "osai_provisional": provisional if score is not None else None,
        "osaid_verdict": "unknown", "osi_outcome": None, "gated": None, "downloads": 0,
    }


def make_summary_cache(path: Path, rows: list[tuple[Any, ...]] | None = None) -> Cache:
    cache = Cache.open(path)
    with cache.conn:
        cache.conn.execute("DELETE FROM release_summary")
        for index, row in enumerate(ROWS if rows is None else rows):
            record = summary_row(index, *row)
            assert tuple(record) == COLUMNS
            cache.conn.execute(
                f"INSERT INTO release_summary ({', '.join(record)}) "
                f"VALUES ({', '.join('?' for _ in record)})",
                list(record.values()),
            )
    cache.set_meta("snapshot_built", "2026-11-26")
    return cache
