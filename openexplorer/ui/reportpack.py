"""A citable report pack: one folder with everything needed to publish a comparison.

:func:`write` puts into a folder:

``comparison.png``, ``comparison.svg``
    the comparison chart (index group scores and MOF class progress), stamped with the data
    snapshot date and its sources;
``comparison.csv``, ``comparison.json``
    the data: headline figures per release (CSV), and the whole comparison with every view,
    the component matrix, what changed and the sources (JSON);
``summary.md``
    the comparison in Markdown, stamped, with the figure and a Sources section;
``sources.bib``
    one BibTeX entry per source the comparison uses, with its DOI and URL where it has them;
``README.txt``
    the snapshot date, what each file is, and the command that redraws the figure offline.

The chart is drawn by :mod:`openexplorer.ui.charts`, imported only when a pack is written (the
core stays free of Qt; an offscreen QApplication is made when none is running).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openexplorer import __version__
from openexplorer.db.cache import Cache
from openexplorer.core.sources import SOURCES

#: The files of a pack, in the order :func:`write` returns them.
FILES = ("comparison.png", "comparison.svg", "comparison.csv", "comparison.json", "summary.md",
         "sources.bib", "README.txt")


class ReportPackError(Exception):
    """The folder cannot be written, or the chart cannot be drawn."""


@dataclass(frozen=True)
class BibEntry:
    """What BibTeX needs to cite one source (facts taken from its citation in sources.py)."""

    key: str
    type: str  # misc, article, inproceedings
    fields: tuple[tuple[str, str], ...]


#: One entry per source in :data:`openexplorer.core.sources.SOURCES`.
BIBTEX: dict[str, BibEntry] = {
    "mot": BibEntry("white2024mof", "misc", (
        ("author", "White, M. and others"),
        ("title", "The Model Openness Framework: Promoting Completeness and Openness for "
                  "Reproducibility, Transparency, and Usability in Artificial Intelligence"),
        ("year", "2024"),
        ("eprint", "2403.13784"),
        ("archiveprefix", "arXiv"),
        ("url", "https://mot.isitopen.ai"),
        ("note", "Data: Model Openness Tool, github.com/lfai/model_openness_tool"),
    )),
    "osai": BibEntry("liesenfeld2024rethinking", "inproceedings", (
        ("author", "Liesenfeld, A. and Dingemanse, M."),
        ("title", "Rethinking open source generative {AI}: open-washing and the {EU} {AI} Act"),
        ("booktitle", "Proceedings of the 2024 ACM Conference on Fairness, Accountability, and "
                      "Transparency (FAccT '24)"),
        ("pages", "1774--1787"),
        ("year", "2024"),
        ("doi", "10.1145/3630106.3659005"),
        ("url", "https://osai-index.eu"),
        ("note", "Database: European Open Source AI Index, Zenodo, "
                 "doi:10.5281/zenodo.15386042"),
    )),
    "osai-legacy": BibEntry("liesenfeld2023opening", "inproceedings", (
        ("author", "Liesenfeld, A. and Lopez, A. and Dingemanse, M."),
        ("title", "Opening up {ChatGPT}: Tracking openness, transparency, and accountability in "
                  "instruction-tuned text generators"),
        ("booktitle", "Proceedings of the 5th International Conference on Conversational User "
                      "Interfaces (CUI '23)"),
        ("year", "2023"),
        ("doi", "10.1145/3571884.3604316"),
        ("url", "https://opening-up-chatgpt.github.io"),
    )),
    "osi": BibEntry("osi2024osaid", "misc", (
        ("author", "{Open Source Initiative}"),
        ("title", "The Open Source {AI} Definition 1.0"),
        ("year", "2024"),
        ("url", "https://opensource.org/ai/open-source-ai-definition"),
    )),
    "fmti": BibEntry("bommasani2023fmti", "misc", (
        ("author", "Bommasani, R. and others"),
        ("title", "The Foundation Model Transparency Index"),
        ("year", "2023"),
        ("eprint", "2310.12941"),
        ("archiveprefix", "arXiv"),
        ("url", "https://crfm.stanford.edu/fmti/"),
        ("note", "Data: github.com/stanford-crfm/fmti"),
    )),
    "epoch": BibEntry("epoch2025notable", "misc", (
        ("author", "{Epoch AI}"),
        ("title", "Data on Notable {AI} Models"),
        ("year", "2025"),
        ("url", "https://epoch.ai/data/notable-ai-models"),
    )),
    "hub-cards-2024": BibEntry("hf_readme_cards_2024", "misc", (
        ("author", "{YinanWusoymilk}"),
        ("title", "hf-readme: Hugging Face Hub model cards (front matter as of 2024-11)"),
        ("year", "2024"),
        ("url", "https://github.com/YinanWusoymilk/hf-readme"),
        ("note", "commit 1ab39f24f8f9548593ac6304367f31ae3ff45178, 2024-12-02"),
    )),
    "hub": BibEntry("huggingface_hub_metadata", "misc", (
        ("author", "{Hugging Face}"),
        ("title", "Hugging Face Hub model metadata"),
        ("url", "https://huggingface.co"),
        ("note", "Read through the Hub API; automated evidence, as of the refresh dates in the "
                 "data"),
    )),
}

_URL_FIELDS = frozenset({"url", "doi", "eprint"})


def sources_used(comparison: dict[str, Any]) -> list[str]:
    """Ids of every source the comparison's data rests on, in :data:`SOURCES` order.

    The releases' own records, and every record a framework view of them cites: the MOT and the
    index behind the chart and matrix, the OSI's published validation, Epoch and the FMTI
    (organisation level), the Hub's metadata.
    """
    used: set[str] = set()
    for view in comparison["releases"]:
        used |= {s.source for s in view.sources}
        parts = (view.mof, view.osai, view.osai_legacy, view.epoch, view.fmti, view.hub)
        for part in parts:
            cite = part.source if part is not None else None
            if cite is not None and cite.source:
                used.add(cite.source)
        used |= {p.source for p in view.osaid.osi_published if p.source}
    return [s for s in SOURCES if s in used]


def _bib_text(value: str) -> str:
    """Escape what LaTeX would read as commands in a free-text field (braces are kept)."""
    return re.sub(r"(?<!\\)([&%#_$])", r"\\\1", value)


def bibtex(source_ids: Iterable[str], *, snapshot_date: str | None = None,
           versions: dict[str, str] | None = None, accessed: str | None = None) -> str:
    """A BibTeX file with one entry per source; notes carry the licence and the data version."""
    chunks = [f"% Sources of an OpenExplorer report pack (data snapshot "
              f"{snapshot_date or 'unknown'}); one entry per source used.\n"]
    for source_id in source_ids:
        entry, source = BIBTEX.get(source_id), SOURCES.get(source_id)
        if entry is None or source is None:
            continue
        fields = dict(entry.fields)
        extra = [f"Data licence: {source.license}"]
        version = (versions or {}).get(source_id)
        if version:
            extra.append(f"data version {version}")
        fields["note"] = "; ".join([fields["note"], *extra] if "note" in fields else extra)
        if accessed and entry.type == "misc":
            fields["urldate"] = accessed
        lines = [f"@{entry.type}{{{entry.key},"]
        for name, value in fields.items():
            text = value if name in _URL_FIELDS else _bib_text(value)
            lines.append(f"  {name} = {{{text}}},")
        lines.append("}")
        chunks.append("\n".join(lines) + "\n")
    return "\n".join(chunks)


def _snapshot_versions(cache: Cache) -> dict[str, str]:
    raw = cache.get_meta("snapshot_sources")
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return {k: str(v.get("version")) for k, v in data.items()
            if isinstance(v, dict) and v.get("version")}


def _with_sources(text: str, citations: str) -> str:
    head, sep, _ = text.partition("\n## Sources\n")
    return (head if sep else text).rstrip() + "\n\n" + citations


def reproduce_command(cache: Cache, ids: Sequence[str], chart: str = "comparison.png") -> str:
    """The command that redraws the figure from the same cache, offline."""
    db = str(cache.path) if cache.path else "CACHE.sqlite"
    return " ".join(["openexplorer", "--db", shlex.quote(db), "compare",
                     *(shlex.quote(i) for i in ids), "--chart", shlex.quote(chart)])


def write(cache: Cache, ids: Sequence[str], folder: str | Path, *,
          now: datetime | None = None) -> list[Path]:
    """Write a report pack for the releases ``ids`` (2 to 8) into ``folder``; the files written.

    Raises :class:`openexplorer.analyses.compare.CompareError` for a wrong count or an unknown id, and
    :class:`ReportPackError` when the folder cannot be written or the chart cannot be drawn.
    """
    from openexplorer.analyses.compare import compare, comparison_json
    from openexplorer.analyses.export import citations, comparison_csv

    comparison = compare(cache, list(ids))
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ReportPackError(f"{folder}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportPackError(f"{folder}: cannot be created ({exc})") from exc
    snapshot = cache.get_meta("snapshot_built")
    last_refresh = cache.get_meta("last_refresh")
    made = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    release_ids = [v.id for v in comparison["releases"]]
    used = sources_used(comparison)
    paths = {name: folder / name for name in FILES}

    try:
        from openexplorer.ui.charts import export_comparison_chart
    except ImportError as exc:  # Qt missing: the data files alone would not be a full pack
        raise ReportPackError(f"the chart needs the desktop app's Qt libraries: {exc}") from exc
    try:
        for name in ("comparison.png", "comparison.svg"):
            export_comparison_chart(comparison, paths[name], snapshot_date=snapshot)
    except (OSError, ValueError, RuntimeError) as exc:
        raise ReportPackError(f"the chart could not be written: {exc}") from exc

    try:
        paths["comparison.csv"].write_text(comparison_csv(comparison, snapshot), encoding="utf-8")
        document = json.loads(comparison_json(comparison, snapshot))
        document["sources"] = [
            {"id": s, "name": SOURCES[s].name, "url": SOURCES[s].url,
             "license": SOURCES[s].license, "citation": SOURCES[s].citation,
             "bibtex_key": BIBTEX[s].key}
            for s in used
        ]
        document["report_pack"] = {"generated_at": made.isoformat(),
                                   "openexplorer": __version__, "files": list(FILES)}
        paths["comparison.json"].write_text(
            json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n",
            encoding="utf-8")
        paths["summary.md"].write_text(
            _summary(comparison, snapshot, last_refresh, made, used, citations),
            encoding="utf-8")
        paths["sources.bib"].write_text(
            bibtex(used, snapshot_date=snapshot, versions=_snapshot_versions(cache),
                   accessed=(last_refresh or snapshot or made.date().isoformat())[:10]),
            encoding="utf-8")
        paths["README.txt"].write_text(
            _readme(cache, comparison, release_ids, snapshot, last_refresh, made, used),
            encoding="utf-8")
    except OSError as exc:
        raise ReportPackError(f"{folder}: cannot be written ({exc})") from exc
    return [paths[name] for name in FILES]


def _summary(comparison: dict[str, Any], snapshot: str | None, last_refresh: str | None,
             made: datetime, used: list[str], citations: Any) -> str:
    from openexplorer.analyses.export import comparison_markdown

    names = ", ".join(v.name for v in comparison["releases"])
    stamp = [f"*Data snapshot {snapshot or 'unknown'}"
             + (f"; Hub metadata refreshed {last_refresh}" if last_refresh else "")
             + f". Generated {made.date().isoformat()} by OpenExplorer {__version__}.*"]
    body = comparison_markdown(comparison, snapshot)
    body = body.replace("# Comparison\n", f"# Comparison: {names}\n\n" + "\n".join(stamp)
                        + "\n\n![Comparison chart: index group scores and MOF class progress]"
                          "(comparison.png)\n", 1)
    provisional = [v.name for v in comparison["releases"]
                   if v.mof.provisional or v.osai.provisional]
    if provisional:
        body = body.replace("\n## Components\n", "\n*Provisional (from Hub metadata, not a "
                            "curated assessment): " + ", ".join(provisional) + ".*\n"
                            "\n## Components\n", 1)
    text = _with_sources(body, citations(used, snapshot))
    return text.rstrip() + "\n\nBibTeX for these sources: `sources.bib`. Data: " \
        "`comparison.csv`, `comparison.json`.\n"


def _readme(cache: Cache, comparison: dict[str, Any], release_ids: list[str],
            snapshot: str | None, last_refresh: str | None, made: datetime,
            used: list[str]) -> str:
    releases = "\n".join(f"  - {v.name} (id {v.id}, released {v.release_date or '?'})"
                         for v in comparison["releases"])
    sources = "\n".join(f"  - {SOURCES[s].name} <{SOURCES[s].url}>, {SOURCES[s].license}. "
                        f"{SOURCES[s].attribution}" for s in used)
    hub_used = "hub" in used
    fresh = " ".join(["openexplorer", "--db", "fresh.sqlite", "compare",
                      *(shlex.quote(i) for i in release_ids), "--chart", "comparison.png"])
    return f"""OpenExplorer report pack
========================

Releases compared (in release order):
{releases}

Data snapshot: {snapshot or 'unknown'}
Hub metadata last refreshed: {last_refresh or 'never (no Hub data in this cache)'}
Generated: {made.isoformat()} with OpenExplorer {__version__}

Files
  comparison.png   the comparison chart (index group scores, MOF class progress)
  comparison.svg   the same chart as vectors
  comparison.csv   headline figures, one row per release
  comparison.json  the whole comparison: every framework view, the component matrix,
                   what changed between releases, the snapshot date and the sources
  summary.md       the comparison in Markdown, with the chart and the sources
  sources.bib      BibTeX entries for every source used
  README.txt       this file

Reproduce the figure offline
  The figure is drawn from the local cache alone; no network is needed:

    {reproduce_command(cache, release_ids)}

  With a new cache built from the snapshot bundled with OpenExplorer {__version__}
  (snapshot {snapshot or 'unknown'}), the same command with a new file name:

    {fresh}
{'''
  Some figures rest on Hub metadata read by a refresh: a new cache has none of it,
  so use the cache this pack was made from for an identical figure.
''' if hub_used else ''}
Sources (cite them as sources.bib has it; their data licences ask for attribution)
{sources}

Ratings are facts from these sources, converted to OpenExplorer's schema. The index
score, MOF class and OSAID verdict are computed by OpenExplorer from the sources'
assessments, as docs/frameworks.md describes.
"""
