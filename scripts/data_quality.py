"""Data-quality report of the bundled snapshot: how many releases have each headline fact known,
where sources disagree, and (once views/source_checks.py exists) suspicious links and merged
duplicates.

Usage::

    python scripts/data_quality.py                 # build a cache from the bundled snapshot
    python scripts/data_quality.py --db CACHE      # report on an existing cache instead
    python scripts/data_quality.py --write docs/data-quality.md

It prints, overall and for open-weight releases ("open-weight" = any source calls the weights
open: the MOT lists the final parameters, the index or its predecessor rates the end model's
weights open, Epoch lists open weights, FMTI rates them open):

* releases with licence / commercial use / release date / parameter count known (count, share);
* the facts on which sources disagree (per fact, and every disagreement listed);

and, with ``--write``, writes the same as Markdown (docs/data-quality.md). A fact is "known" when
the cache's summary holds a value for it (commercial use: anything but "unknown"). Values come from
the release facts' precedence (docs/methodology.md, "Release facts"); nothing is filled here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from openexplorer.db.cache import Cache
from openexplorer.store import snapshot
from openexplorer.views import facts as facts_rules
from openexplorer.views import source_checks
from openexplorer.views.release import release_view

FACTS = (("license_id", "licence"), ("commercial_use", "commercial use"),
         ("release_date", "release date"), ("parameters", "parameter count"))
SOURCE_CHECKS_MARK = "<!-- source-checks: filled by scripts/data_quality.py -->"


def _known(column: str, value: Any) -> bool:
    if column == "commercial_use":
        return value not in (None, "", "unknown")
    return value not in (None, "")


def measure(cache: Cache) -> dict[str, Any]:
    """The report's figures for one cache."""
    columns = ", ".join(c for c, _ in FACTS)
    rows = cache.conn.execute(
        f"SELECT release_id, name, {columns} FROM release_summary ORDER BY name").fetchall()
    totals = {"all": Counter[str](), "open": Counter[str]()}
    counts = {"all": 0, "open": 0}
    disagreements: list[dict[str, Any]] = []
    notes: Counter[str] = Counter()
    noted: set[str] = set()
    merged = 0
    for release_id, name, *values in rows:
        records = cache.records_for(release_id)
        own = [r for r in records if r["scope"] == "release"]
        groups = ["all"] + (["open"] if facts_rules.is_open_weight(own) else [])
        for group in groups:
            counts[group] += 1
            for (column, _), value in zip(FACTS, values, strict=True):
                totals[group][column] += _known(column, value)
        view = release_view(cache, release_id, detail=False)
        if view is not None and view.facts is not None:
            for d in facts_rules.to_dict(view.facts)["disagreements"]:
                disagreements.append({"release": name, "id": release_id, **d})
        if view is not None:
            for check in view.source_checks:
                notes[check.kind] += 1
                noted.add(release_id)
        merged += len({r["source"] for r in own if r["source"] in _CURATED}) > 1
    return {"counts": counts, "known": totals, "disagreements": disagreements,
            "notes": notes, "noted": len(noted), "merged": merged,
            "disagreeing": len(source_checks.disagreeing_releases(cache))}


def _share(n: int, total: int) -> str:
    return f"{n} / {total} ({100 * n / total:.1f} %)" if total else "0 / 0"


#: The curated sources: a release that several of them rate is one model they name alike.
_CURATED = frozenset({"mot", "osai", "osai-legacy", "epoch", "osi"})


def source_check_lines(figures: dict[str, Any]) -> list[str]:
    """The "Suspicious links and merged duplicates" section (views/source_checks.py)."""
    notes: Counter[str] = figures["notes"]
    kinds = ", ".join(f"{source_checks.KIND_TITLES.get(k, k).lower()} {n}"
                      for k, n in sorted(notes.items())) or "none"
    return [
        f"- Releases with a source note (a suspected source error, both sides shown on the "
        f"release page and in `show`): {figures['noted']}; notes by kind: {kinds}.",
        f"- Releases whose records disagree on size or organisation: {figures['disagreeing']}.",
        f"- Releases that two or more curated sources rate (their records merged into one "
        f"release): {figures['merged']}.",
    ]


def render(figures: dict[str, Any], built: str | None) -> str:
    counts, known = figures["counts"], figures["known"]
    lines = [
        "# Data quality of the bundled snapshot",
        "",
        "Written by `python scripts/data_quality.py --write docs/data-quality.md` "
        f"(snapshot built {built or 'unknown'}). Facts are chosen by the precedence in "
        "[methodology.md](methodology.md#release-facts); a fact no source we hold states stays "
        "unknown. \"Open-weight\" = any source calls the weights open.",
        "",
        "## Facts known",
        "",
        "| fact | all releases | open-weight releases |",
        "| --- | --- | --- |",
    ]
    for column, label in FACTS:
        lines.append(f"| {label} | {_share(known['all'][column], counts['all'])} | "
                     f"{_share(known['open'][column], counts['open'])} |")
    lines += ["", "Why the rest stays unknown: the MOT's records give no release date (their "
              "dates are when the record was updated), most releases only Epoch lists (research "
              "models, many not on the Hub) carry no licence in any source we hold, and sizes "
              "no source states are read only from names that state them. None of these is "
              "guessed; a cited family-table row or a Hub refresh fills them."]
    by_fact = Counter(d["fact"] for d in figures["disagreements"])
    lines += ["", "## Sources that disagree", "",
              f"{len(figures['disagreements'])} disagreements on "
              f"{len({d['id'] for d in figures['disagreements']})} releases: "
              + (", ".join(f"{fact} {n}" for fact, n in sorted(by_fact.items())) or "none")
              + ". The value used is the first in the precedence; the others are shown on the "
              "release page, in `show` and in the comparison.", "",
              "| release | fact | values (source) | used |", "| --- | --- | --- | --- |"]
    for d in figures["disagreements"]:
        values = "; ".join(f"{v['value']} ({v['label']})" for v in d["values"])
        lines.append(f"| {d['release']} | {d['fact']} | {values} | {d['chosen']} |")
    lines += ["", "## Suspicious links and merged duplicates", "", SOURCE_CHECKS_MARK, ""]
    lines += source_check_lines(figures)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="an existing cache (default: a fresh one built "
                                                "from the bundled snapshot)")
    parser.add_argument("--snapshot", type=Path, help="a snapshot file other than the bundled one")
    parser.add_argument("--write", type=Path, help="write the report as Markdown here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            cache = Cache.open(args.db, readonly=True)
        else:
            cache = Cache.open(Path(tmp) / "quality.sqlite")
            snapshot.install(cache, args.snapshot)
        figures = measure(cache)
        text = render(figures, cache.get_meta("snapshot_built"))
        cache.close()
    print(text.split("\n## Sources that disagree")[0])
    print(f"disagreements: {len(figures['disagreements'])}")
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"written: {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
