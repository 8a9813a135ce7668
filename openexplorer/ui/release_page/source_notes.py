"""The release page's "Source notes": suspected source errors about the release's identity.

Renders the view's ``source_checks`` (:mod:`openexplorer.views.source_checks`): a source's Hub
link that disagrees with its own record (not followed), a file whose release name contradicts
its file name and link, records of the release that disagree, evidence linking to another
model's repo. Each note shows both sides and the source that wrote them; hidden when none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from openexplorer.ui.release_page.widgets import clear_layout, heading, plain_label

from openexplorer.views.source_checks import KIND_TITLES

if TYPE_CHECKING:
    from openexplorer.views.source_checks import SourceCheck


def note_text(check: SourceCheck) -> str:
    """One note as plain text: what, the source, both sides, why."""
    title = KIND_TITLES.get(check.kind, check.kind)
    reasons = "; ".join(check.reasons)
    return (f"{title} ({check.source}: {check.key}) — "
            f"the record: {check.record}; the other side: {check.other}"
            + (f". {reasons}" if reasons else ""))


class SourceNotesSection:
    """"Source notes": one line per suspected source error, both sides shown."""

    def __init__(self, page: QVBoxLayout) -> None:
        self.box = QWidget()
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(heading("Source notes", 1.3))
        layout.addWidget(plain_label(
            "Where a source's facts disagree with each other: suspected source errors. A Hub "
            "link that disagrees with its own record is not followed.", muted=True))
        self.notes = QVBoxLayout()
        layout.addLayout(self.notes)
        page.addWidget(self.box)
        self.box.hide()

    def fill(self, checks: Sequence[SourceCheck]) -> None:
        clear_layout(self.notes)
        for check in checks:
            self.notes.addWidget(plain_label("• " + note_text(check), selectable=True))
        self.box.setVisible(bool(checks))

    def labels(self) -> list[QLabel]:
        """The notes shown (for tests)."""
        found = []
        for i in range(self.notes.count()):
            item = self.notes.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel) and not widget.isHidden():
                found.append(widget)
        return found
