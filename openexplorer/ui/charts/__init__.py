"""Charts of a comparison, and exporting them as PNG, SVG or PDF, with or without a display.

Used by the compare view, the report pack and ``openexplorer compare --chart FILE``; cut at its
seams: what every chart shares (common.py), the comparison's grouped bars (comparison.py), the
family timeline (timeline.py), exporting any chart (export.py), and the comparison's chart and
one-page report as files (report.py).
"""

from __future__ import annotations

from openexplorer.ui.charts.common import (
    CHART_SIZE,
    CHART_SUFFIXES,
    contrast,
    ensure_app,
    release_label,
    series_colors,
    source_line,
    text_color_on,
)
from openexplorer.ui.charts.comparison import ComparisonChart
from openexplorer.ui.charts.export import export_widget, lay_out, tidy_svg
from openexplorer.ui.charts.report import (
    export_comparison_chart,
    export_comparison_report,
    render_report,
    report_matrix_html,
    report_notes_html,
)
from openexplorer.ui.charts.timeline import TimelineChart, date_timestamp
from openexplorer.ui.theme import LIGHT_CHART

__all__ = [
    "CHART_SIZE", "CHART_SUFFIXES", "LIGHT_CHART", "ComparisonChart", "TimelineChart",
    "contrast", "date_timestamp", "ensure_app", "export_comparison_chart",
    "export_comparison_report", "export_widget", "lay_out", "release_label", "render_report",
    "report_matrix_html", "report_notes_html", "series_colors", "source_line", "text_color_on",
    "tidy_svg",
]
