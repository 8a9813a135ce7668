"""Writing views out: JSON lines, CSV and Markdown, each citing the sources it used."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from openexplorer.db.cache import Cache
from openexplorer.core.sources import SOURCES
from openexplorer.views.model import LicenseView, MofView, OsaidView, OsaiView, ReleaseView
from openexplorer.views.release import release_view, summary_row
from openexplorer.views import source_checks


def export_record(view: ReleaseView) -> dict[str, Any]:
    """The ``export --format jsonl`` object of one release (fields in the command-line contract, docs/architecture.md)."""
    return {
        "id": view.id,
        "name": view.name,
        "family": view.family,
        "organization": view.organization,
        "organization_kind": view.organization_kind,
        "release_date": view.release_date,
        "hub_id": view.hub_id,
        "sources": [s.to_json() for s in view.sources],
        "license": {
            "id": view.license.id,
            "as_written": view.license.as_written,
            "category": view.license.category,
            "osi_approved": view.license.osi_approved,
        },
        "mof": {"class": view.mof.class_, "progress": (None if view.mof.progress is None
                                                             else dict(view.mof.progress))},
        "osai": {
            "score": view.osai.score,
            "groups": dict(view.osai.groups),
            "dimensions": dict(view.osai.dimensions),
        },
        "osaid": {"verdict": view.osaid.verdict, "reasons": list(view.osaid.reasons)},
    }


def iter_export(cache: Cache) -> Iterator[dict[str, Any]]:
    for release_id in cache.iter_release_ids():
        view = release_view(cache, release_id, detail=False)
        if view is not None:
            yield export_record(view)


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


#: The columns every CSV export ends with: the sources a row's facts come from (their ids in
#: :data:`openexplorer.core.sources.SOURCES`, "; " between them) and the date of the data
#: snapshot the cache was built from. Columns rather than ``#`` comment lines: spreadsheets
#: and Python's csv module read a comment line as a data row (docs/cli.md).
PROVENANCE_COLUMNS = ("sources", "snapshot")


def provenance(source_ids: Iterable[str], snapshot_date: str | None) -> dict[str, str]:
    """The :data:`PROVENANCE_COLUMNS` of one CSV row."""
    return {"sources": "; ".join(sorted(set(source_ids))), "snapshot": snapshot_date or ""}


def _view_sources(view: ReleaseView) -> list[str]:
    return [s.source for s in view.sources]


def human_number(value: Any) -> str:
    """A number as people read it in a table or Markdown: 16.666666666666664 → "16.7",
    0.2916… → "0.29" (scores between 0 and 1 keep two decimals), 100.0 → "100"; anything else
    as ``str``. JSON and CSV keep full precision."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.2f}"


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer: csv.DictWriter[str] | None = None
    count = 0
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow(row)
        count += 1
    return count


def open_temporary(target: Path, *, newline: str | None = None) -> tuple[IO[str], Path]:
    """A new, empty text file beside ``target`` (same folder: same file system, so it can
    replace ``target`` in one step), open for writing, and its path. The seam
    :func:`atomic_output` writes through (tests replace it with one that fails mid-write)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                    dir=target.parent)
    return os.fdopen(handle, "w", encoding="utf-8", newline=newline), Path(name)


@contextlib.contextmanager
def atomic_output(path: str | Path, *, newline: str | None = None) -> Iterator[IO[str]]:
    """Write an export file whole or not at all: the text goes to a temporary file beside
    ``path`` (:func:`open_temporary`), which replaces ``path`` (``os.replace``) only once
    everything is written and flushed to disk. On any failure — a full disk (ENOSPC), an
    interruption, an error in what is written — the temporary file is removed and a file
    already at ``path`` is left as it was; the error goes on. Every export of CSV, JSON, JSON
    lines and Markdown to a file writes through here (charts and PDFs: ui/charts/export.py)."""
    target = Path(path)
    try:
        mode = target.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # A device, a FIFO or a terminal (``/dev/null``, ``/dev/stdout``, a pipe): written to as
        # it is. Renaming a file over it would replace the device itself (as root: the
        # machine's /dev/null).
        with open(target, "w", encoding="utf-8", newline=newline) as direct:
            yield direct
        return
    out, temporary = open_temporary(target, newline=newline)
    try:
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if target.exists():  # keep the permissions the user gave the file it replaces
            with contextlib.suppress(OSError):
                os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_text_atomically(path: str | Path, text: str, *, newline: str | None = None) -> None:
    """``Path.write_text`` whole or not at all (:func:`atomic_output`)."""
    with atomic_output(path, newline=newline) as out:
        out.write(text)


def iter_summary_rows(cache: Cache) -> Iterator[dict[str, Any]]:
    """``export --format csv``: every release's :func:`summary_row`, with its provenance."""
    snapshot = cache.get_meta("snapshot_built")
    for release_id in cache.iter_release_ids():
        view = release_view(cache, release_id, detail=False)
        if view is not None:
            yield {**summary_row(view), **provenance(_view_sources(view), snapshot)}


def citations(source_ids: Iterable[str], snapshot_date: str | None = None) -> str:
    """A Markdown "Sources" section for the sources used, as each asks to be cited."""
    lines = ["## Sources", ""]
    if snapshot_date:
        lines += [f"Data snapshot: {snapshot_date}.", ""]
    for source_id in sorted(set(source_ids)):
        source = SOURCES.get(source_id)
        if source is None:
            continue
        lines.append(f"- **{source.name}** ({source.url}), {source.license}. {source.citation}")
    return "\n".join(lines) + "\n"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _md(text: Any) -> str:
    return human_number(text if text is not None else "–").replace("|", "\\|").replace("\n", " ")


def _provisional(part: MofView | OsaiView | OsaidView) -> str:
    return " — provisional, from Hub metadata" if part.provisional else ""


def _license_label(lic: LicenseView) -> str | None:
    """"Llama 3.1 Community License (LicenseRef-…)", or the text as written."""
    if lic.name and lic.id and lic.name != lic.id:
        return f"{lic.name} ({lic.id})"
    return lic.id or lic.as_written


def release_markdown(view: ReleaseView, snapshot_date: str | None = None) -> str:
    lic = view.license
    progress = view.mof.progress or {}
    out = [
        f"# {view.name}",
        "",
        f"- **Id:** {view.id}",
        f"- **Organisation:** {_md(view.organization)}"
        + (f" ({view.organization_kind})" if view.organization_kind else ""),
        f"- **Family:** {_md(view.family)}",
        f"- **Release date:** {_md(view.release_date)}",
        f"- **Licence:** {_md(_license_label(lic))}"
        + (f" — {lic.category}" if lic.category else "")
        + ("" if lic.recognised or not lic.as_written else " (unrecognised)"),
        "",
        "## Frameworks",
        "",
        "| framework | result |",
        "|---|---|",
        f"| MOF{_provisional(view.mof)} | {_md(view.mof.label or 'no MOT record')}; "
        f"Class III {_pct(progress.get('III'))}, II {_pct(progress.get('II'))}, "
        f"I {_pct(progress.get('I'))} |",
        f"| European Open Source AI Index{_provisional(view.osai)} | "
        f"{_score(view.osai.score)} |",
        f"| OSAID 1.0 (computed){_provisional(view.osaid)} | {view.osaid.verdict} |",
    ]
    for published in view.osaid.osi_published:
        out.append(f"| OSI validation 2024 ({_md(published.system)}) | "
                   f"{_md(published.outcome)} |")
    if view.epoch:
        access = view.epoch.accessibility
        labels = [f"{name.replace('_', ' ')}: {cell.label}"
                  for name, cell in access.items() if cell.label]
        out.append(f"| Epoch AI accessibility | {_md('; '.join(labels) or '–')} |")
    if view.fmti:
        fmti = view.fmti
        out.append(f"| FMTI, developer level ({_md(fmti.developer)}, {fmti.edition}) | "
                   f"{_md(fmti.total)} / 100 |")
    hub = view.hub
    if hub:
        out += ["", "## On the Hub (automated)", ""]
        gated = "no" if hub.gated is False else "unknown" if hub.gated is None else str(hub.gated)
        out.append(f"- **Gated:** {gated}; **weight files:** {hub.weight_files}; "
                   f"**downloads:** {_md(hub.downloads)}; **fetched:** {_md(hub.fetched_at)}")
        if hub.datasets:
            out.append(f"- **Training datasets named:** {_md(', '.join(map(str, hub.datasets)))}")
        if hub.base_models:
            names = [b.id for b in hub.base_models]
            out.append(f"- **Base model:** {_md(', '.join(names))}")
        for line in view.inherited_limits or []:
            out.append(f"- **From the base model:** {_md(line)}")
    if lic.restrictions:
        out += ["", "## Licence restrictions", ""]
        out += [f"- {_md(r.summary)} ({_md(r.clause)})" for r in lic.restrictions]
    if view.osaid.reasons:
        out += ["", "## OSAID reasons", ""] + [f"- {r}" for r in view.osaid.reasons]
    out += source_checks.markdown_lines(view.source_checks)
    # Organisation-level indicators (FMTI) are summarised above, not listed per release.
    evidence = [row for row in view.evidence or [] if row.scope != "organization"]
    if evidence:
        out += ["", "## Evidence", "", "| framework | component | status | licence | link | source "
                "| date |", "|---|---|---|---|---|---|---|"]
        for row in evidence:
            link = row.urls[0] if row.urls else ""
            status = row.outcome or row.status
            if row.framework == "hub" and row.value:
                status = f"{status} ({row.value})"  # the Hub field it came from
            elif row.framework in ("epoch", "fmti") and row.value:
                status = row.value  # the source's own label
            elif (row.value or "").startswith("automated"):
                status = f"{status} (automated)"
            license_ = row.resolved_license or row.license
            if row.license_source in ("type", "distribution") and license_:
                license_ = f"{license_} (release-wide)"
            out.append(
                f"| {row.framework} | {_md(row.component)} | {_md(status)}"
                f" | {_md(license_)} | {_md(link)} | {row.source} "
                f"| {_md(row.assessed_date)} |"
            )
    out += ["", citations({s.source for s in view.sources} | {
        row.source for row in evidence}, snapshot_date)]
    return "\n".join(out)


def comparison_markdown(comparison: dict[str, Any], snapshot_date: str | None = None) -> str:
    views = comparison["releases"]
    header = "| | " + " | ".join(_md(v.name) for v in views) + " |"
    rule = "|---|" + "---|" * len(views)
    out = ["# Comparison", "", header, rule]

    def row(label: str, values: Iterable[Any]) -> None:
        out.append(f"| {label} | " + " | ".join(_md(v) for v in values) + " |")

    row("Release date", (v.release_date for v in views))
    row("Organisation", (v.organization for v in views))
    row("Licence", (v.license.id or v.license.as_written for v in views))
    row("MOF class", (v.mof.class_ or "–" for v in views))
    row("Index score", (_score(v.osai.score) for v in views))
    row("OSAID (computed)", (v.osaid.verdict for v in views))
    out += ["", "## Components", "", header, rule]
    for line in comparison["matrix"]:
        row(f"{line['framework']}: {line['component']}", line["cells"])
    out += ["", "## What changed", ""]
    for step in comparison["changes"]:
        out.append(f"**{step['from']} → {step['to']}**")
        out += [f"- {c}" for c in step["changes"]] or ["- nothing in the figures shown"]
        out.append("")
    used = {s.source for v in views for s in v.sources}
    out.append(citations(used, snapshot_date))
    return "\n".join(out)


def comparison_csv(comparison: dict[str, Any], snapshot_date: str | None = None) -> str:
    """The compared releases' :func:`summary_row`, with their provenance."""
    buffer = io.StringIO()
    write_csv(({**summary_row(v), **provenance(_view_sources(v), snapshot_date)}
               for v in comparison["releases"]), buffer)
    return buffer.getvalue()
