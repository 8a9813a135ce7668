"""About OpenExplorer, and the data sources it draws on: licence, attribution, citation.

Every source of :data:`openexplorer.core.sources.SOURCES` is listed with its address, the licence of
its data, the attribution and the citation it asks for, and — when the cache knows them — the
version of the source in the bundled data (meta ``snapshot_sources``) and the date the bundled
data was built (meta ``snapshot_built``). Links open in the browser, http(s) only.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from openexplorer import __version__
from openexplorer.core.sources import SOURCES, Source

log = logging.getLogger(__name__)

OpenUrl = Callable[[QUrl], Any]

ABOUT = (
    "OpenExplorer shows, with evidence, how open an AI model really is — weights, code, "
    "training data, documentation, licence — across releases and across the public openness "
    "frameworks: the Model Openness Framework, the European Open Source AI Index and the Open "
    "Source AI Definition. It works from a local cache, with no network at all if you wish; "
    "Hugging Face Hub metadata is refreshed when you ask for it."
)
DISCLAIMER = (
    "The ratings are the sources' own, or computed with their published rules; figures marked "
    "provisional are derived automatically from Hub metadata. Nothing here is legal advice."
)


def _meta(cache: Any, key: str) -> str | None:
    get_meta = getattr(cache, "get_meta", None)
    if get_meta is None:
        return None
    try:
        value = get_meta(key)
    except Exception:  # noqa: BLE001 - a damaged cache: show the sources without versions
        log.warning("cache meta %s could not be read", key, exc_info=True)
        return None
    return value if isinstance(value, str) else None


def snapshot_versions(cache: Any) -> dict[str, str]:
    """Each source's version in the bundled data, by source id (empty when unknown)."""
    text = _meta(cache, "snapshot_sources")
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    versions = {}
    for source_id, info in data.items():
        version = info.get("version") if isinstance(info, dict) else info
        if version:
            versions[str(source_id)] = str(version)
    return versions


def _link(url: str, text: str | None = None) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text or url)}</a>'


def sources_html(cache: Any = None) -> str:
    """The "Data sources" section as HTML."""
    versions = snapshot_versions(cache)
    built = _meta(cache, "snapshot_built")
    parts = ["<h2>Data sources</h2>"]
    if built:
        parts.append(f"<p>Bundled data built on <b>{html.escape(built)}</b>. Hub metadata is "
                     "as of each model's last refresh.</p>")
    for source in SOURCES.values():
        parts.append(_source_html(source, versions.get(source.id)))
    return "".join(parts)


def _source_html(source: Source, version: str | None) -> str:
    rows = [
        ("Address", _link(source.url)),
        ("Licence", html.escape(source.license)),
        ("Attribution", html.escape(source.attribution)),
        ("Cite as", html.escape(source.citation)),
    ]
    if version:
        rows.insert(1, ("Version", html.escape(version)))
    cells = "".join(
        f'<tr><td style="padding-right:12px; white-space:nowrap;" valign="top"><i>{label}</i>'
        f"</td><td>{value}</td></tr>"
        for label, value in rows
    )
    return (f"<h3>{html.escape(source.name)}</h3>"
            f'<table cellspacing="0" cellpadding="2">{cells}</table>')


def citations_text(cache: Any = None) -> str:
    """Every source's citation as plain text, one paragraph each (for the clipboard)."""
    versions = snapshot_versions(cache)
    lines = []
    for source in SOURCES.values():
        version = f" (version {versions[source.id]})" if source.id in versions else ""
        lines.append(f"{source.name}{version}. {source.url}. Licence: {source.license}.\n"
                     f"{source.citation}")
    return "\n\n".join(lines) + "\n"


class AboutDialog(QDialog):
    """What OpenExplorer is, its version, and every data source with its licence and citation."""

    def __init__(self, cache: Any = None, parent: QWidget | None = None, *,
                 open_url: OpenUrl | None = None) -> None:
        """``cache`` gives the bundled data's date and source versions (optional);
        ``open_url`` replaces ``QDesktopServices.openUrl`` (tests)."""
        super().__init__(parent)
        self._cache = cache
        self._open_url = open_url or QDesktopServices.openUrl
        self.setWindowTitle("About OpenExplorer")

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # links go through _on_anchor_clicked (http(s) only)
        self.browser.setHtml(self.html())
        self.copy_button = QPushButton("Copy citations")
        self.copy_button.setToolTip("Copy every source's citation to the clipboard")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.buttons)
        self.resize(760, 680)

        self.browser.anchorClicked.connect(self._on_anchor_clicked)
        self.copy_button.clicked.connect(self._on_copy_citations)
        self.buttons.rejected.connect(self.reject)

    def html(self) -> str:
        return (
            f"<h1>OpenExplorer <span style='font-weight:normal'>{html.escape(__version__)}"
            "</span></h1>"
            f"<p>{html.escape(ABOUT)}</p>"
            f"<p><i>{html.escape(DISCLAIMER)}</i></p>"
            + sources_html(self._cache)
        )

    @Slot(QUrl)
    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme().lower() in ("http", "https") and url.isValid():
            self._open_url(url)
        else:
            log.warning("link not opened (only http and https): %s", url.toString())

    @Slot()
    def _on_copy_citations(self) -> None:
        QGuiApplication.clipboard().setText(citations_text(self._cache))
