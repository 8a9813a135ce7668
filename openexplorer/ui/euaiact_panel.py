"""The EU AI Act open-source route pre-check of one release, and its memo (Markdown or PDF).

:class:`EuAiActPanel` shows :func:`openexplorer.analyses.euaiact.precheck` for a release view: the overall
result, each condition (a)–(e) with its pass / fail / unknown colour from the theme and its
evidence lines (source, date, link), what the route does not remove (copyright policy,
training-content summary, systemic risk with Epoch's training compute against 10^25 FLOP), and
an "Export memo…" button writing the dated memo as Markdown or PDF. "Not legal advice" is shown
above everything and printed at the top of every memo.

:func:`write_memo_pdf` turns the Markdown memo into an A4 PDF through QTextDocument and
QPdfWriter; the command line (``openexplorer eu-check ID --out memo.pdf``) uses it too.
"""

from __future__ import annotations

import datetime as dt
import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from PySide6.QtCore import QMarginsF, QSettings, QSizeF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPalette,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from openexplorer import __version__
from openexplorer.analyses import euaiact, euaiact_memo
from openexplorer.analyses.export import write_text_atomically
from openexplorer.ui.charts import ensure_app, text_color_on
from openexplorer.ui.theme import STATUS_COLORS

if TYPE_CHECKING:
    from openexplorer.views.model import ReleaseView

log = logging.getLogger(__name__)

#: pass / fail / unknown → the theme's status colours (open / closed / unknown).
PRECHECK_COLORS: dict[str, str] = {
    "pass": STATUS_COLORS["open"],
    "fail": STATUS_COLORS["closed"],
    "unknown": STATUS_COLORS["unknown"],
}
#: Systemic risk: presumed is a failure of the route, below the threshold is fine.
SYSTEMIC_STATUS: dict[str, str] = {"presumed": "fail", "below": "pass", "unknown": "unknown"}
SYSTEMIC_LABELS: dict[str, str] = {"presumed": "presumed", "below": "below 10²⁵",
                                   "unknown": "unknown"}
SETTING_LAST_FOLDER = "export/last_folder"


def _pill_style(status: str) -> str:
    color = PRECHECK_COLORS.get(status, PRECHECK_COLORS["unknown"])
    ink = text_color_on(color).name()
    return (f"QLabel {{ background-color: {color}; color: {ink}; border-radius: 4px; "
            "padding: 3px 8px; font-weight: bold; }")


def _link_text(url: str) -> str:
    host = urlparse(url).netloc or url
    return host.removeprefix("www.")


def evidence_html(evidence: tuple[euaiact.Evidence, ...]) -> str:
    """Evidence lines as rich text: a coloured dot, source, date, what it says, a link."""
    if not evidence:
        return "<i>No evidence recorded.</i>"
    rows = []
    for e in evidence:
        dot = PRECHECK_COLORS.get(e.status, PRECHECK_COLORS["unknown"])
        when = f" · {escape(e.when)}" if e.when else ""
        stale = " <i>(over a year old)</i>" if e.stale else ""
        link = (f' — <a href="{escape(e.url, quote=True)}">{escape(_link_text(e.url))}</a>'
                if e.url else "")
        rows.append(f'<span style="color:{dot}">&#9679;</span> <b>{escape(e.source_name)}</b>'
                    f"{when}{stale}: {escape(e.text)}{link}")
    return "<br>".join(rows)


class _Card(QFrame):
    """One condition: status pill, name, the Act's words, our summary, the evidence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("precheckCard")
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(3)
        self.pill = QLabel()
        self.pill.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pill.setFixedWidth(96)
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.requirement = QLabel()
        self.requirement.setWordWrap(True)
        small = self.requirement.font()
        small.setItalic(True)
        small.setPointSizeF(small.pointSizeF() * 0.92)
        self.requirement.setFont(small)
        self.requirement.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.evidence = QLabel()
        self.evidence.setWordWrap(True)
        self.evidence.setTextFormat(Qt.TextFormat.RichText)
        self.evidence.setOpenExternalLinks(True)
        self.evidence.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        grid.addWidget(self.pill, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.title, 0, 1)
        grid.addWidget(self.requirement, 1, 1)
        grid.addWidget(self.summary, 2, 1)
        grid.addWidget(self.evidence, 3, 1)
        grid.setColumnStretch(1, 1)
        self.status = "unknown"

    def set_status(self, status: str, label: str | None = None) -> None:
        self.status = status
        self.pill.setText((label or status).upper())
        self.pill.setStyleSheet(_pill_style(status))


class EuAiActPanel(QWidget):
    """The pre-check of one release: conditions with evidence, what remains, memo export."""

    #: The path of a memo just written.
    memo_written = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, settings: QSettings | None = None,
                 snapshot_date: str | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("EU AI Act pre-check")
        self._settings = settings
        self._snapshot_date = snapshot_date
        self._today = today
        self._view: ReleaseView | None = None
        self._check: euaiact.PreCheck | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(8)

        top = QHBoxLayout()
        self.title = QLabel("EU AI Act open-source route")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setMinimumWidth(120)
        self.verdict.hide()
        top.addWidget(self.title, 1)
        top.addWidget(self.verdict, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        rest = euaiact.NOT_LEGAL_ADVICE.removeprefix("Not legal advice. ")
        self.notice = QLabel(f"<b>Not legal advice.</b> {escape(rest)}")
        self.notice.setObjectName("notLegalAdvice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setStyleSheet(
            f"QLabel#notLegalAdvice {{ border: 2px solid {STATUS_COLORS['partial']}; "
            "border-radius: 4px; padding: 6px 8px; }")
        outer.addWidget(self.notice)

        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        outer.addWidget(self.meta)
        self.headline = QLabel("Choose a release to pre-check.")
        self.headline.setWordWrap(True)
        outer.addWidget(self.headline)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.content = QWidget()
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 4, 0)
        body.setSpacing(6)
        self.cards: dict[str, _Card] = {}
        for key, _name, _requirement in euaiact.CONDITIONS:
            card = _Card(self.content)
            self.cards[key] = card
            body.addWidget(card)
        remains = QLabel("What the route does not remove")
        bold = remains.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        remains.setFont(bold)
        body.addSpacing(6)
        body.addWidget(remains)
        self.not_removed = QLabel()
        self.not_removed.setWordWrap(True)
        self.not_removed.setTextFormat(Qt.TextFormat.RichText)
        body.addWidget(self.not_removed)
        self.systemic = _Card(self.content)
        body.addWidget(self.systemic)
        body.addStretch(1)
        self._body = body
        self.scroll_area.setWidget(self.content)
        outer.addWidget(self.scroll_area, 1)

        buttons = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.copy_button = QPushButton("Copy as Markdown")
        self.copy_button.clicked.connect(self.copy_markdown)
        self.export_button = QPushButton("Export memo…")
        self.export_button.setToolTip("Write the dated memo as Markdown (.md) or PDF (.pdf)")
        self.export_button.clicked.connect(self.open_export_dialog)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        outer.addLayout(buttons)
        self._set_enabled(False)

    # -- showing -----------------------------------------------------------------------------------

    def _set_enabled(self, enabled: bool) -> None:
        self.copy_button.setEnabled(enabled)
        self.export_button.setEnabled(enabled)
        self.content.setVisible(enabled)

    def show_view(self, view: ReleaseView | None, *, snapshot_date: str | None = None,
                  hub_data: dict[str, Any] | None = None) -> None:
        """Pre-check ``view`` (``release_view(cache, id)``) and show the result."""
        if snapshot_date is not None:
            self._snapshot_date = snapshot_date
        self._view = view
        if view is None:
            self._check = None
            self.title.setText("EU AI Act open-source route")
            self.headline.setText("Choose a release to pre-check.")
            self.meta.clear()
            self.verdict.hide()
            self._set_enabled(False)
            return
        today = self._today or dt.date.today()
        check = euaiact.precheck(view, today=today, hub_data=hub_data)
        self._check = check
        self.title.setText(f"EU AI Act open-source route: {check.name}")
        self.verdict.setText(check.verdict.upper())
        self.verdict.setStyleSheet(_pill_style(check.verdict).replace("padding: 3px 8px",
                                                                      "padding: 6px 12px"))
        self.verdict.setToolTip(check.headline)
        self.verdict.show()
        self.meta.setText(
            f"Pre-check of {check.date} · data snapshot {self._snapshot_date or 'unknown'} · "
            "Regulation (EU) 2024/1689, Art. 53(2) and 54(6); systemic risk Art. 51(2); "
            "Commission guidelines for GPAI providers, C(2025) 5045 (18 July 2025)")
        self.headline.setText(check.headline)
        for condition in check.conditions:
            card = self.cards[condition.key]
            card.set_status(condition.status)
            card.title.setText(f"({condition.key}) {condition.name}")
            card.requirement.setText(condition.requirement)
            card.summary.setText(condition.summary)
            card.evidence.setText(evidence_html(condition.evidence))
        self.not_removed.setText("<ul style='margin-left:-20px'>" + "".join(
            f"<li><b>{escape(name)}.</b> {escape(text)}</li>"
            for name, text in check.not_removed) + "</ul>")
        risk = check.systemic_risk
        self.systemic.set_status(SYSTEMIC_STATUS[risk.status], SYSTEMIC_LABELS[risk.status])
        self.systemic.title.setText("Systemic risk: training compute against 10²⁵ FLOP")
        self.systemic.requirement.setText(
            "Art. 51(2): a general-purpose AI model trained with more than 10^25 FLOP is "
            "presumed to have high-impact capabilities (systemic risk).")
        self.systemic.summary.setText(risk.text)
        self.systemic.evidence.setText(evidence_html(risk.evidence) if risk.evidence else
                                       "<i>Epoch AI has no figure for this release.</i>")
        # A presumed systemic risk decides the result: show it first, not below the fold.
        self._body.removeWidget(self.systemic)
        if risk.status == "presumed":
            self._body.insertWidget(0, self.systemic)
        else:
            self._body.insertWidget(self._body.indexOf(self.not_removed) + 1, self.systemic)
        self.status_label.clear()
        self._set_enabled(True)

    def precheck(self) -> euaiact.PreCheck | None:
        return self._check

    def view(self) -> ReleaseView | None:
        return self._view

    # -- the memo ----------------------------------------------------------------------------------

    def markdown(self) -> str:
        """The memo as Markdown (empty when no release is shown)."""
        if self._check is None or self._view is None:
            return ""
        return euaiact_memo.memo_markdown(self._check, self._view, self._snapshot_date)

    @Slot()
    def copy_markdown(self) -> None:
        text = self.markdown()
        if not text:
            return
        QGuiApplication.clipboard().setText(text)
        self.copy_button.setText("Copied ✓")
        QTimer.singleShot(1500, self._restore_copy_button)

    @Slot()
    def _restore_copy_button(self) -> None:
        self.copy_button.setText("Copy as Markdown")

    def default_file_name(self) -> str:
        if self._check is None:
            return "eu-ai-act-precheck"
        stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in self._check.name)
        return f"eu-ai-act-precheck-{stem}-{self._check.date}"

    def export_memo(self, path: str | Path) -> Path:
        """Write the memo: ``.pdf`` as a PDF, anything else as Markdown. Returns the path."""
        text = self.markdown()
        if not text:
            raise ValueError("no release is shown")
        path = Path(path)
        if path.suffix.lower() == ".pdf":
            name = self._check.name if self._check else ""
            write_memo_pdf(text, path, title=f"EU AI Act pre-check: {name}")
        else:
            if path.suffix.lower() not in (".md", ".markdown"):
                path = path.with_name(path.name + ".md")
            write_text_atomically(path, text)
        self.memo_written.emit(str(path))
        return path

    @Slot()
    def open_export_dialog(self) -> None:
        if self._check is None:
            return
        folder = ""
        if self._settings is not None:
            folder = str(self._settings.value(SETTING_LAST_FOLDER, "", str) or "")
        start = str(Path(folder or Path.home()) / f"{self.default_file_name()}.pdf")
        path_text, chosen = QFileDialog.getSaveFileName(
            self, "Export the pre-check memo", start, "PDF (*.pdf);;Markdown (*.md)")
        if not path_text:
            return
        path = Path(path_text)
        if path.suffix.lower() not in (".pdf", ".md", ".markdown"):
            path = path.with_name(path.name + (".md" if "Markdown" in chosen else ".pdf"))
        try:
            written = self.export_memo(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export memo", f"The memo could not be written:\n{exc}")
            return
        if self._settings is not None:
            self._settings.setValue(SETTING_LAST_FOLDER, str(written.parent))
        self.status_label.setText(f"Memo written to {written}")


# --- the PDF --------------------------------------------------------------------------------------


def memo_document(markdown: str, *, point_size: float = 9.5) -> QTextDocument:
    """The Markdown memo as a QTextDocument (tables ruled, the notice boxed)."""
    ensure_app()
    document = QTextDocument()
    font = QFont()
    font.setPointSizeF(point_size)
    document.setDefaultFont(font)
    document.setMarkdown(markdown, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
    _rule_tables(document)
    _box_notice(document)
    return document


def _box_notice(document: QTextDocument) -> None:
    """Shade every "Not legal advice" paragraph so that no reader can miss it."""
    from PySide6.QtGui import QTextCursor

    block = document.begin()
    while block.isValid():
        if block.text().startswith("Not legal advice"):
            cursor = QTextCursor(block)
            fmt = block.blockFormat()
            fmt.setBackground(QColor("#FCEBC7"))
            fmt.setLeftMargin(0)
            fmt.setRightMargin(0)
            fmt.setTopMargin(6)
            fmt.setBottomMargin(6)
            cursor.setBlockFormat(fmt)
        block = block.next()


def _rule_tables(document: QTextDocument) -> None:
    """Give every table thin borders and a little padding (Markdown tables come bare)."""
    from PySide6.QtGui import QBrush, QTextFrameFormat, QTextTable

    def visit(frame: Any) -> None:
        for child in frame.childFrames():
            if isinstance(child, QTextTable):
                fmt = child.format()
                fmt.setBorder(1)
                fmt.setBorderBrush(QBrush(QColor("#999999")))
                fmt.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
                fmt.setCellPadding(3)
                fmt.setCellSpacing(0)
                fmt.setBorderCollapse(True)
                child.setFormat(fmt)
            visit(child)

    visit(document.rootFrame())


def write_memo_pdf(markdown: str, path: str | Path, *, title: str = "EU AI Act pre-check"
                   ) -> Path:
    """Write the Markdown memo as an A4 PDF (paginated by QTextDocument). Returns the path."""
    path = Path(path)
    ensure_app()
    writer = QPdfWriter(str(path))
    writer.setCreator(f"OpenExplorer {__version__}")
    writer.setTitle(title)
    writer.setResolution(96)
    margin = 18.0
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(margin, margin, margin, margin),
                                     QPageLayout.Unit.Millimeter))
    document = memo_document(markdown)
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(page.width(), page.height()))
    document.print_(writer)
    if not path.is_file() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")
    return path
