"""A tab page built the first time it is needed, so that start-up builds only the first screen.

The analysis tabs (comparison, overview, licences, open-washing…) import pyqtgraph, load
catalogues and query the whole cache when they are built; most sessions never open most of them.
:class:`LazyTab` stands in the tab widget from the start (same index, same text, so the tab bar,
its mnemonics and the restored current tab work as before) and builds its page when it is shown
or when code asks for it (:meth:`LazyTab.page`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyTab(QWidget):
    """An empty page until first shown (or asked for); then it holds the page ``build`` makes.

    Signals:
        built(QWidget): the page was just built (once).
    """

    built = Signal(QWidget)

    def __init__(self, build: Callable[[QWidget], QWidget], parent: QWidget | None = None) -> None:
        """``build(parent)`` makes the page; it is called at most once."""
        super().__init__(parent)
        self._build: Callable[[QWidget], QWidget] | None = build
        self._page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def is_built(self) -> bool:
        return self._page is not None

    def built_page(self) -> QWidget | None:
        """The page if it was built, else None (never builds it)."""
        return self._page

    def page(self) -> QWidget:
        """The page, built now if it was not yet."""
        if self._page is None:
            build, self._build = self._build, None
            assert build is not None, "LazyTab.page() re-entered while building"
            page = build(self)
            self._page = page
            layout = self.layout()
            assert layout is not None
            layout.addWidget(page)
            if self.isVisible():
                page.show()  # else the layout would show it one event round later
            self.built.emit(page)
        return self._page

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self.page()
        super().showEvent(event)
