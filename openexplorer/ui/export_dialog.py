"""The Export… file chooser: what to export (report, charts, data) and as which format.

The file type filter says what is exported; the suffix typed picks the format when the chosen
kind supports it. The last folder used is remembered in QSettings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

SETTING_LAST_FOLDER = "export/last_folder"
SETTING_LAST_FILTER = "export/last_filter"


@dataclass(frozen=True)
class ExportFormat:
    """One entry of the file type list: ``what`` is report, charts, timeline or data."""

    what: str
    suffix: str
    label: str

    @property
    def filter(self) -> str:
        return f"{self.label} (*{self.suffix})"


#: What the comparison can be exported as, in the order the dialog lists them.
FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("report", ".pdf", "Whole comparison, one-page report, PDF"),
    ExportFormat("report", ".png", "Whole comparison, one-page report, PNG image"),
    ExportFormat("report", ".svg", "Whole comparison, one-page report, SVG image"),
    ExportFormat("charts", ".png", "Score charts, PNG image"),
    ExportFormat("charts", ".svg", "Score charts, SVG image"),
    ExportFormat("charts", ".pdf", "Score charts, PDF"),
    ExportFormat("timeline", ".png", "Family timeline, PNG image"),
    ExportFormat("timeline", ".svg", "Family timeline, SVG image"),
    ExportFormat("timeline", ".pdf", "Family timeline, PDF"),
    ExportFormat("data", ".csv", "Comparison data, CSV"),
    ExportFormat("data", ".json", "Comparison data, JSON"),
    ExportFormat("data", ".md", "Comparison as Markdown"),
)
#: Suffixes each kind of export can be written as.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "report": (".pdf", ".png", ".svg"),
    "charts": (".png", ".svg", ".pdf"),
    "timeline": (".png", ".svg", ".pdf"),
    "data": (".csv", ".json", ".md"),
}


def format_for_filter(selected: str) -> ExportFormat:
    for fmt in FORMATS:
        if fmt.filter == selected:
            return fmt
    return FORMATS[0]


def resolve_target(path_text: str, selected_filter: str) -> tuple[Path, str]:
    """The file to write and what to put in it, from the dialog's answer.

    The filter decides what is exported; a typed suffix that kind supports is kept (``x.svg``
    under "report, PDF" gives an SVG report), any other gets the filter's suffix appended.
    """
    fmt = format_for_filter(selected_filter)
    path = Path(path_text)
    suffix = path.suffix.lower()
    if suffix in SUFFIXES[fmt.what]:
        return path, fmt.what
    if suffix in (".markdown",) and fmt.what == "data":
        return path, "data"
    return path.with_name(path.name + fmt.suffix), fmt.what


def default_folder(settings: QSettings) -> str:
    folder = settings.value(SETTING_LAST_FOLDER, "", str)
    if isinstance(folder, str) and folder and Path(folder).is_dir():
        return folder
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) \
        or str(Path.home())


def ask_export_target(parent: QWidget | None, settings: QSettings,
                      default_name: str, *, what: str | None = None) -> tuple[Path, str] | None:
    """Ask where to export and as what; None when cancelled. Remembers the folder.

    ``what`` (report, charts, timeline, data) preselects that kind's first format.
    """
    filters = [fmt.filter for fmt in FORMATS]
    selected = settings.value(SETTING_LAST_FILTER, "", str)
    if what is not None:
        selected = next(fmt.filter for fmt in FORMATS if fmt.what == what)
    if selected not in filters:
        selected = filters[0]
    start = str(Path(default_folder(settings)) / (default_name + format_for_filter(selected)
                                                  .suffix))
    path_text, chosen = QFileDialog.getSaveFileName(
        parent, "Export the comparison", start, ";;".join(filters), selected)
    if not path_text:
        return None
    target = resolve_target(path_text, chosen or selected)
    settings.setValue(SETTING_LAST_FOLDER, str(target[0].parent))
    settings.setValue(SETTING_LAST_FILTER, chosen or selected)
    return target
