"""Chart export: PNG, SVG (pyqtgraph + G1 patch, librsvg-safe bars per G2), PDF report, CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("PySide6")

import pyqtgraph as pg  # noqa: E402
import pyqtgraph.exporters  # noqa: E402, F401
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from openexplorer.cli import main  # noqa: E402
from openexplorer.analyses.compare import compare  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui import charts  # noqa: E402

THREE = ["meta-llama/llama-3.1-8b", "meta-llama/llama-2-70b", "allenai/olmo-7b"]
EIGHT = THREE + ["allenai/olmo-2-1124-13b-instruct", "mistralai/mistral-7b-instruct-v0.1",
                 "qwen/qwq-32b", "google/gemma-3-27b-it",
                 "meta-llama/llama-4-maverick-17b-128e-instruct"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("charts") / "c.sqlite"
    open_cache(path).close()
    return path


@pytest.fixture(scope="module")
def cache(db_path):
    opened = open_cache(db_path)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def comparison(cache):
    return compare(cache, THREE)


def check_png(path, min_size=(600, 300)):
    image = QImage(str(path))
    assert not image.isNull(), path
    assert image.width() >= min_size[0] and image.height() >= min_size[1]
    return image


def check_svg(path):
    text = path.read_text(encoding="utf-8")
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg" and "<svg" in text
    assert QSvgRenderer(str(path)).isValid()
    return root, text


def check_pdf(path):
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1024
    return data


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def test_comparison_chart_png(comparison, tmp_path, qapp):
    image = check_png(charts.export_comparison_chart(comparison, tmp_path / "c.png"))
    assert (image.width(), image.height()) == charts.CHART_SIZE
    # Not a blank page: the bars' colours are in it.
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 5


def test_comparison_chart_svg_states_snapshot_and_sources(comparison, tmp_path, qapp):
    root, text = check_svg(charts.export_comparison_chart(comparison, tmp_path / "c.svg"))
    assert comparison["snapshot_date"] in text
    assert "Model Openness Framework" in text
    # G2: bars drawn in data coordinates carry no stroke, so librsvg shows them as bars.
    parents = {child: parent for parent in root.iter() for child in parent}
    bar_groups = [parents[rect] for rect in root.iter(f"{SVG}rect")
                  if rect.get("vector-effect") and rect in parents]
    assert bar_groups
    assert all(group.get("stroke") == "none" for group in bar_groups)


def test_comparison_pdf_is_a_one_page_report(comparison, tmp_path, qapp):
    data = check_pdf(charts.export_comparison_chart(comparison, tmp_path / "c.pdf"))
    assert pdf_pages(data) == 1


def test_report_html_has_matrix_changes_and_sources(comparison):
    matrix = charts.report_matrix_html(comparison).replace("\u200b", "")  # wrap points
    for line in comparison["matrix"]:
        assert line["component"] in matrix
    assert "Llama-2-70B" in matrix and "#D55E00" in matrix
    notes = charts.report_notes_html(comparison, comparison["snapshot_date"])
    assert "What changed" in notes and "Sources" in notes
    assert comparison["snapshot_date"] in notes and "arXiv:2403.13784" in notes


@pytest.mark.parametrize("suffix", [".pdf", ".png", ".svg"])
def test_eight_releases_fit_one_report_page(cache, tmp_path, suffix, qapp):
    path = charts.export_comparison_report(compare(cache, EIGHT), tmp_path / f"r{suffix}")
    if suffix == ".pdf":
        assert pdf_pages(check_pdf(path)) == 1
    elif suffix == ".png":
        check_png(path, (2000, 1400))
    else:
        check_svg(path)


def test_patched_svg_exporter_keeps_closed_paths(tmp_path, qtbot):
    """G1: QtSvg ≥ 6.11 closes paths with Z; pyqtgraph 0.14 could not parse them."""
    from openexplorer.ui import patches

    assert patches.pyqtgraph_svg_exporter_fixed()  # in place since the charts imported pyqtgraph
    module = sys.modules["pyqtgraph.exporters.SVGExporter"]
    fixed = module.correctCoordinates
    patches.fix_pyqtgraph_svg_exporter()  # idempotent: the wrapper is not wrapped again
    assert module.correctCoordinates is fixed
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.plot([0, 1, 2], [0, 1, 0], fillLevel=0, brush=(0, 0, 255, 80))
    charts.lay_out(plot, (400, 300))
    path = tmp_path / "closed.svg"
    pg.exporters.SVGExporter(plot.scene()).export(fileName=str(path))
    root, _ = check_svg(path)
    paths = [p.get("d") for p in root.iter(f"{SVG}path")]
    assert any(d and d.rstrip().endswith("Z") for d in paths)
    assert not any(re.search(r"Z[-0-9]", d or "") for d in paths)


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_export_widget_any_widget(tmp_path, qtbot, suffix):
    label = QLabel("Openness, exported")
    qtbot.addWidget(label)
    charts.lay_out(label, (300, 80))
    path = charts.export_widget(label, tmp_path / f"w{suffix}")
    {".png": check_png, ".svg": check_svg, ".pdf": check_pdf}[suffix](path) \
        if suffix != ".png" else check_png(path, (300, 80))


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_export_widget_timeline_chart(cache, tmp_path, qtbot, suffix):
    from openexplorer.analyses.compare import family_timeline

    chart = charts.TimelineChart(colors=charts.LIGHT_CHART)
    qtbot.addWidget(chart)
    chart.set_timeline(family_timeline(cache, ["llama", "olmo"]),
                       highlight=["allenai/olmo-7b-instruct"], notes=["a note"])
    charts.lay_out(chart, (900, 500))
    path = charts.export_widget(chart, tmp_path / f"t{suffix}")
    if suffix == ".png":
        check_png(path, (900, 500))
    elif suffix == ".svg":
        check_svg(path)
    else:
        check_pdf(path)


def test_unsupported_suffix_is_refused(comparison, tmp_path, qapp):
    with pytest.raises(ValueError):
        charts.export_comparison_chart(comparison, tmp_path / "c.gif")


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_cli_compare_chart(db_path, tmp_path, capsys, suffix, qapp):
    out = tmp_path / f"chart{suffix}"
    code = main(["--db", str(db_path), "compare", *THREE, "--chart", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    # Only where the chart went (the comparison itself with --format: tests/test_cli_polish.py).
    assert captured.out == "" and f"wrote the comparison chart to {out}" in captured.err
    if suffix == ".png":
        check_png(out, charts.CHART_SIZE)
    elif suffix == ".svg":
        check_svg(out)
    else:
        assert pdf_pages(check_pdf(out)) == 1


def test_cli_chart_without_a_display(db_path, tmp_path):
    """A fresh process with no display and no QT_QPA_PLATFORM makes its own offscreen app."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "headless.png"
    result = subprocess.run(
        [sys.executable, "-m", "openexplorer", "--db", str(db_path), "compare", *THREE,
         "--format", "csv", "--chart", str(out)],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    check_png(out, charts.CHART_SIZE)
    assert len(result.stdout.strip().splitlines()) == 4


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert not installed")
def test_librsvg_renders_the_svg(comparison, tmp_path, qapp):
    """G2: librsvg draws the bars as bars (no giant outline blobs)."""
    svg = charts.export_comparison_chart(comparison, tmp_path / "c.svg")
    png = tmp_path / "rsvg.png"
    subprocess.run(["rsvg-convert", str(svg), "-o", str(png)], check=True, timeout=60)
    image = check_png(png, (1000, 500))
    dark = sum(1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
               if image.pixelColor(x, y).lightness() < 40)
    total = (image.width() // 4) * (image.height() // 4)
    assert dark / total < 0.05  # text and axes only


def test_svg_is_drawn_by_qt_as_clean_svg_11(tmp_path, qapp, cache):
    """The chart's scene painted through QSvgGenerator: SVG 1.1 (clip paths), text as text,
    no empty groups, every release and the title in it."""
    comparison = compare(cache, EIGHT)
    path = charts.export_comparison_chart(comparison, tmp_path / "eight.svg")
    root, text = check_svg(path)
    assert root.get("version") == "1.1"
    assert not re.search(r"<g\b[^>]*>\s*</g>", text)
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Openness comparison" in texts and comparison["snapshot_date"] in texts
    for view in comparison["releases"]:
        assert charts.release_label(view) in texts
    assert not list(root.iter(f"{SVG}image"))  # vectors only


def test_tidy_svg_drops_empty_groups_only():
    text = ('<svg><g fill="none">\n</g>\n<g clip-path="url(#c)"><g stroke="#000">\n</g>\n</g>'
            '<g fill="#fff"><rect x="0"/></g></svg>')
    assert charts.tidy_svg(text) == '<svg><g fill="#fff"><rect x="0"/></g></svg>'
