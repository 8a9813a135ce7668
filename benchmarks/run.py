#!/usr/bin/env python3
"""OpenExplorer at Hub scale: every benchmark, each against its floor, in one run.

    python benchmarks/run.py [--models 1000000] [--seed 1] [--only search,facets,…]

Builds the synthetic cache of ``--models`` Hub models first if it is not there yet
(``benchmarks/build_cache.py``, into /tmp/openexplorer-bench; at a million models that takes
about an hour and several GB, once), then measures: search as you type, facet counts, cold start,
scrolling the results table, refresh ingest, the comparison chart export and peak memory. Prints
the table and writes it, with the machine and the date, into docs/benchmarks.md (between the
``results`` markers; the rest of that file — method and profiles — is kept as it is).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import suite  # noqa: E402

ALL = ("search", "facets", "cold_start", "scroll", "refresh", "export", "memory",
       "interactions")
START, END = "<!-- results:start -->", "<!-- results:end -->"


def table(results: list[suite.Result]) -> str:
    lines = ["| what | floor | floor figure | OpenExplorer | ratio | target | met |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        if r.unit == "x":  # throughput: higher is better
            floor = f"{r.floor:,.0f} models/s" if r.floor else "—"
            value = f"{r.value:,.0f} models/s"
            ratio = f"{r.ratio:.3g} ×" if r.ratio is not None else "—"
        else:
            floor, value = r.shown(r.floor), r.shown(r.value)
            ratio = f"{r.ratio:.3g} ×" if r.ratio is not None else "—"
        met = "yes" if r.met else ("**no**" if r.met is False else "—")
        lines.append(f"| {r.what} | {r.floor_label} | {floor} | {value} | {ratio} | "
                     f"{r.target} | {met} |")
    return "\n".join(lines)


def details(results: list[suite.Result]) -> str:
    out: list[str] = []
    ms = lambda v: f"{v * 1000:,.1f} ms"  # noqa: E731
    for r in results:
        d = r.details
        if "error" in d:
            out.append(f"* **{r.key}** failed: {d['error']}")
            continue
        if r.key == "search":
            out.append(f"* **search**: {d['searches']} searches × repeats = {d['samples']} "
                       f"samples; p50 {ms(d['p50'])}, max {ms(d['max'])} (floor p50 "
                       f"{ms(d['floor_p50'])}, max {ms(d['floor_max'])}). Slowest searches "
                       "(OpenExplorer / floor, worst repeat): " + ", ".join(
                           f"“{t}” {ms(a)} / {ms(b)}" for t, a, b in d["slowest"]) + ".")
        elif r.key == "facets":
            out.append(f"* **facets**: p50 {ms(d['p50'])}, max {ms(d['max'])} (floor p50 "
                       f"{ms(d['floor_p50'])}); loading the facet arrays once per change: "
                       f"{ms(d['load'])} ({d['arrays_bytes'] / suite.MB:,.0f} MB). Per search "
                       "(worst repeat, floor, matches): " + ", ".join(
                           f"{label} {ms(a)} / {ms(b)} ({n:,})"
                           for label, a, b, n in d["searches"]) + ".")
        elif r.key == "cold_start":
            panel = d.get("search_panel_only") or []
            out.append("* **cold start**: OpenExplorer " + ", ".join(
                ms(v) for v in d["product"]) + "; bare window " + ", ".join(
                ms(v) for v in d["bare"]) + "." + (
                " The cache and the search panel alone in a window (what no first screen of "
                "the app can do without): " + ", ".join(ms(v) for v in panel)
                + f", median {ms(statistics.median(panel))} = "
                f"{statistics.median(panel) / statistics.median(d['bare']):.2f} × the bare "
                "window." if panel else "") + (
                " The first release's page (read on a pool thread after the first paint) was "
                "filled at " + ", ".join(ms(v) for v in d["release_page"]) + "; in the first "
                "second after the window showed, the event loop never waited longer than " + ", ".join(
                    ms(v) for v in d["longest_stall"]) + " (how long a key pressed then would "
                "have waited)." if d.get("release_page") else ""))
        elif r.key == "scroll":
            out.append(f"* **scroll**: {d['frames']:,} frames, {d['over_16ms']} over 16 ms, p50 "
                       f"{ms(d['p50'])}, p99 {ms(d['p99'])}; {d['rows']:,} rows reached in "
                       f"{d['seconds_to_end']:,.0f} s; RSS {d['rss_first'] / suite.MB:,.0f} MB "
                       f"after the first pages, {d['rss_max'] / suite.MB:,.0f} MB at most, "
                       f"{d['rss_last'] / suite.MB:,.0f} MB at the end (growth "
                       f"{d['rss_growth'] / suite.MB:,.1f} MB). By kind of frame (frames, p50, "
                       "p99, max, over 16 ms): " + "; ".join(
                           f"{kind} {n:,}, {ms(p50)}, {ms(p99)}, {ms(top)}, {slow}"
                           for kind, (n, p50, p99, top, slow) in d["by_kind"].items())
                       + f". Frames that left rows showing “…” (their page on its way from the "
                       f"reader): {d['unread_frames']:,}, at most {d['unread_longest']} in a row "
                       f"({ms(d['unread_longest_ms'])})"
                       + ". RSS by rows reached: " + ", ".join(
                           f"{rows:,}: {rss / suite.MB:,.0f} MB"
                           for rows, rss in d["rss_samples"]) + ".")
        elif r.key == "refresh":
            out.append(f"* **refresh**: {d['per_model_ms']:.2f} ms per model "
                       f"({d['product_seconds']:.1f} s), floor {d['floor_per_model_ms']:.2f} ms "
                       f"per model ({d['floor_seconds']:.1f} s) in the median round; the "
                       "rounds' ratios " + ", ".join(
                           f"{x:.3f} ×" for x in d.get("ratios", [])) + ".")
        elif r.key == "export":
            out.append(f"* **export**: median PNG {ms(d['png_median'])}, SVG "
                       f"{ms(d['svg_median'])}.")
        elif r.key == "interactions":
            families = ", ".join(f"{name} ({count:,} releases)" for name, count in d["families"])
            out.append("* **interactions**: " + "; ".join(
                f"{what} {ms(seconds)}" for what, seconds in d["times"].items())
                + f" (families: {families}); the Watchlist with the largest family watched "
                f"shown after {ms(d['watchlist_shown'])}, the event loop's longest wait "
                f"meanwhile {ms(d['watchlist_longest_wait'])}.")
        elif r.key == "memory":
            out.append(f"* **memory**: RSS {d['opened'] / suite.MB:,.0f} MB with the cache open, "
                       f"{d['shown'] / suite.MB:,.0f} MB with the window shown, "
                       f"{d['end'] / suite.MB:,.0f} MB at the end; peak "
                       f"{d['peak'] / suite.MB:,.0f} MB.")
    return "\n".join(out)


def report(results: list[suite.Result], facts: dict, info: dict, command: str,
           seconds: float) -> str:
    synthetic = facts.get("synthetic") or {}
    return "\n".join([
        f"Measured {info['date']} on {info['machine']}; {info['software']}.",
        "",
        f"Cache: {facts['releases']:,} releases ({facts['hub_only']:,} Hub-only, synthetic, "
        f"seed {synthetic.get('seed', '?')}; the rest from the bundled snapshot), "
        f"{facts['file_bytes'] / 1024 ** 3:,.1f} GB. Command: `{command}` ({seconds:,.0f} s).",
        "",
        table(results),
        "",
        details(results),
    ])


def write_doc(path: Path, text: str) -> None:
    block = f"{START}\n{text}\n{END}"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if START in old and END in old:
            head, rest = old.split(START, 1)
            path.write_text(head + block + rest.split(END, 1)[1], encoding="utf-8")
            return
    path.write_text("# Benchmarks\n\n" + block + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=None,
                        help="the synthetic cache (default: /tmp/openexplorer-bench/…)")
    parser.add_argument("--only", default=",".join(ALL),
                        help=f"comma-separated, from: {', '.join(ALL)}")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--refresh-models", type=int, default=1000)
    parser.add_argument("--scroll-rows", type=int, default=None,
                        help="stop scrolling after this many rows (default: all of them)")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="a few searches and frames of each, one run each (smoke test)")
    parser.add_argument("--output", type=Path, default=HERE.parent / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(wanted) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    info = suite.machine()
    print(f"{info['date']} · {info['machine']} · {info['software']}", flush=True)
    path = suite.ensure_cache(args.models, args.seed, args.cache, progress=not args.quick)
    facts = suite.cache_facts(path)
    print(f"cache {path}: {facts['releases']:,} releases, "
          f"{facts['file_bytes'] / 1024 ** 3:,.1f} GB", flush=True)
    floor = suite.ensure_floor(path, progress=not args.quick) \
        if {"search", "facets"} & set(wanted) else None
    seconds = suite.warm(path, floor)
    if not args.quick:
        print(f"  read through once (into the OS page cache): {seconds:.1f} s", flush=True)
    quick = args.quick
    phrases = suite.PHRASES[:3] if quick else suite.PHRASES
    repeat = 1 if quick else args.repeat
    runs = {
        "search": lambda: suite.bench_search(path, floor, repeat=repeat, phrases=phrases),
        "facets": lambda: suite.bench_facets(
            path, floor, repeat=repeat,
            searches=suite.FACET_SEARCHES[:3] if quick else suite.FACET_SEARCHES),
        "cold_start": lambda: suite.bench_cold_start(path, repeat=1 if quick else args.cold_runs,
                                                     warm=not quick),
        "scroll": lambda: suite.bench_scroll(path, rows=2000 if quick else args.scroll_rows,
                                             jumps=5 if quick else 300),
        "refresh": lambda: suite.bench_refresh(path, args.models, args.seed,
                                               count=20 if quick else args.refresh_models),
        "export": lambda: suite.bench_export(path, repeat=1 if quick else 5),
        "memory": lambda: suite.bench_memory(path, phrases=phrases),
        "interactions": lambda: suite.bench_interactions(path, rows=2000 if quick else 200_000),
    }
    results: list[suite.Result] = []
    for name in ALL:
        if name not in wanted:
            continue
        print(f"- {name} …", flush=True)
        begun = time.perf_counter()
        try:
            result = runs[name]()
        except Exception as exc:  # one failing benchmark still leaves the others
            traceback.print_exc()
            result = suite.Result(key=name, what=name, target="", value=0.0, unit="ms",
                                  met=False, details={"error": f"{type(exc).__name__}: {exc}"})
        results.append(result)
        if result.unit == "x":
            value, floor_text = f"{result.value:,.0f} models/s", f"{result.floor or 0:,.0f}"
        else:
            value, floor_text = result.shown(result.value), result.shown(result.floor)
        print(f"  {value} (floor {floor_text}, {time.perf_counter() - begun:,.0f} s)",
              flush=True)
    command = "python benchmarks/run.py" + (f" --models {args.models}"
                                            if args.models != 1_000_000 else "")
    text = report(results, facts, info, command, time.perf_counter() - started)
    print()
    print(text)
    if not args.no_write:
        write_doc(args.output, text)
        print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
