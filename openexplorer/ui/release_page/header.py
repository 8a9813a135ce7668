"""The release page's top: the title with its buttons and facts, and the licence under it.

Both are built into the page's layout (not widgets of their own, so the page lays out as one
column) and filled from a :func:`openexplorer.views.release.release_view` dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from openexplorer.ui.breakdown_charts import tooltip
from openexplorer.ui.release_page.widgets import (
    LinkLabel,
    chip,
    clear_layout,
    format_gated,
    format_parameters,
    heading,
    hub_url,
    is_safe_url,
    open_url,
    plain_label,
    provisional_badge,
    text_or,
)

if TYPE_CHECKING:
    from openexplorer.views.model import HubView, LicenseView, ReleaseView

ORG_KINDS: Mapping[str, str] = {
    "big-tech": "Big Tech",
    "company": "company",
    "academic": "academic & non-profit",
    "public": "public sector",
}
FACTS = (("organization", "Organisation"), ("parameters", "Parameters"),
         ("family", "Family"), ("gated", "Gated"),
         ("release_date", "Released"), ("modality", "Modality"),
         ("sources", "Sources"), ("hub", "On the Hub"))


def hub_summary(v: ReleaseView, hub: HubView | None) -> str:
    """"org/model · 1.2 M downloads · 4 weight files · fetched 2026-01-02" (or why not)."""
    if not v.hub_id:
        return "not on the Hub"
    if not hub:
        return f"{v.hub_id} (not fetched yet)"
    parts = [str(v.hub_id)]
    if hub.downloads is not None:
        parts.append(f"{format_parameters(hub.downloads)} downloads")
    if hub.weight_files is not None:
        parts.append(f"{hub.weight_files} weight files")
    if hub.fetched_at:
        parts.append(f"fetched {str(hub.fetched_at)[:10]}")
    return " · ".join(parts)


class HeaderSection:
    """Title, id, the Compare / Refresh / Copy buttons, origin chip, Hub link and the facts."""

    def __init__(self, page: QVBoxLayout) -> None:
        self._hub_id: str | None = None
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title_label = heading("", 1.75)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.id_label = plain_label(muted=True, selectable=True)
        titles.addWidget(self.title_label)
        titles.addWidget(self.id_label)
        top.addLayout(titles, 1)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Add this release to the comparison (Ctrl+Shift+C)")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Fetch this model's current Hub metadata")
        self.copy_button = QPushButton("Copy Markdown")
        self.copy_button.setToolTip("Copy this page, with its sources, as Markdown")
        for button in self.buttons():
            buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(buttons)
        page.addLayout(top)

        chips = QHBoxLayout()
        chips.setSpacing(6)
        self.origin_chip = chip("")
        self.origin_chip.setObjectName("originChip")
        chips.addWidget(self.origin_chip)
        self.provisional = provisional_badge()
        chips.addWidget(self.provisional)
        self.hub_link = LinkLabel("Open on the Hub")
        chips.addWidget(self.hub_link)
        chips.addStretch(1)
        page.addLayout(chips)

        facts = QGridLayout()
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(4)
        self.fact_values: dict[str, QLabel] = {}
        for i, (key, caption) in enumerate(FACTS):
            row, col = divmod(i, 2)
            facts.addWidget(plain_label(caption, wrap=False, muted=True), row, col * 2,
                            Qt.AlignmentFlag.AlignTop)
            value = plain_label(selectable=True)
            self.fact_values[key] = value
            facts.addWidget(value, row, col * 2 + 1, Qt.AlignmentFlag.AlignTop)
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 1)
        page.addLayout(facts)
        self.hub_link.clicked.connect(self.open_hub_page)

    def buttons(self) -> tuple[QPushButton, QPushButton, QPushButton]:
        return self.compare_button, self.refresh_button, self.copy_button

    def clear(self) -> None:
        self._hub_id = None
        for button in self.buttons():
            button.setEnabled(False)

    def fill(self, v: ReleaseView) -> None:
        self.title_label.setText(text_or(v.name or v.id))
        self.id_label.setText(text_or(v.id))
        hub_only = v.origin not in (None, "curated")
        self.origin_chip.setText("Hub-only" if hub_only else "Curated")
        self.origin_chip.setToolTip(tooltip([
            "Known only from its Hugging Face Hub metadata: no curated source lists it."
            if hub_only else "Listed by at least one curated source."]))
        provisional = v.mof.provisional or v.osai.provisional or v.osaid.provisional
        self.provisional.setVisible(provisional)
        hub_id = v.hub_id
        self._hub_id = hub_id or None
        self.hub_link.setVisible(bool(hub_id))
        if hub_id:
            self.hub_link.setToolTip(tooltip([hub_url(hub_id)]))

        org = [text_or(v.organization, "unknown")]
        if v.organization_kind:
            org.append(ORG_KINDS.get(v.organization_kind, v.organization_kind))
        if v.country:
            org.append(v.country)
        hub = v.hub
        facts = {
            "organization": " · ".join(org),
            "family": text_or(v.family, "none recorded"),
            "release_date": text_or(v.release_date, "unknown"),
            "modality": text_or(v.modality, "unknown"),
            "parameters": format_parameters(v.parameters),
            "gated": format_gated(hub),
            "sources": ", ".join(sorted({s.source for s in v.sources})) or "none",
            "hub": hub_summary(v, hub),
        }
        for key, text in facts.items():
            self.fact_values[key].setText(text)
            self.fact_values[key].setToolTip("")
        if v.facts is not None:
            from openexplorer.analyses.compare import fact_cell  # not needed at start-up

            # Each headline fact with its source; "⚠" and both values when sources disagree.
            for key in ("release_date", "parameters"):
                text, lines, _ = fact_cell(v, key)
                self.fact_values[key].setText(text)
                self.fact_values[key].setToolTip(tooltip(lines))

        for button in (self.compare_button, self.copy_button):
            button.setEnabled(True)
        self.refresh_button.setVisible(bool(hub_id))
        self.refresh_button.setEnabled(bool(hub_id))

    def open_hub_page(self) -> bool:
        """Open the release's Hub page in the browser (False: not on the Hub, or refused)."""
        return bool(self._hub_id) and open_url(hub_url(self._hub_id or ""))


class LicenceSection:
    """The licence as written and recognised, its chips, and its restrictions with links."""

    def __init__(self, page: QVBoxLayout) -> None:
        page.addSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(8)
        caption = plain_label("Licence", wrap=False, muted=True)
        row.addWidget(caption)
        self.label = plain_label(selectable=True)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        row.addWidget(self.label, 1)
        page.addLayout(row)
        self.chips = QHBoxLayout()
        self.chips.setSpacing(6)
        page.addLayout(self.chips)
        self.restrictions = QVBoxLayout()
        self.restrictions.setSpacing(3)
        page.addLayout(self.restrictions)

    def fill(self, lic: LicenseView, view: ReleaseView | None = None) -> None:
        name, lid = lic.name, lic.id
        if name and lid and name != lid:
            text = f"{name} ({lid})"
        else:
            text = text_or(lid or lic.as_written, "no licence given")
        if lic.as_written and not lic.recognised:
            text += " — not recognised"
        self.label.setToolTip("")
        from openexplorer.analyses.compare import (  # not needed at start-up
            fact_cell,
            fact_source_label,
        )

        if view is not None and view.facts is not None and lic.as_written:
            # Where the licence comes from, and the other sources' licences if they disagree.
            shown, lines, disagree = fact_cell(view, "license")
            source = fact_source_label(view, "license")
            text += f" — from {source}" if source else ""
            if disagree:
                text = "⚠ " + text + " (sources disagree: see the tooltip)"
            self.label.setToolTip(tooltip(lines))
        self.label.setText(text)

        clear_layout(self.chips)
        if lic.category:
            self.chips.addWidget(chip(lic.category, None, "Licence category"))
        commercial = lic.commercial_use or "unknown"
        status = {"allowed": "open", "restricted": "partial", "prohibited": "closed",
                  "not-allowed": "closed", "not allowed": "closed"}.get(commercial, "unknown")
        commercial_chip = chip(f"Commercial use: {commercial}", status)
        if view is not None and view.facts is not None:
            _, lines, _ = fact_cell(view, "commercial_use")
            commercial_chip.setToolTip(tooltip(lines))
        self.chips.addWidget(commercial_chip)
        osi = lic.osi_approved
        self.chips.addWidget(chip(
            "OSI approval unknown" if osi is None else
            "OSI-approved" if osi else "Not OSI-approved",
            "unknown" if osi is None else "open" if osi else "closed"))
        if lic.as_written and lic.as_written != lid:
            # Wraps, so a long licence name never widens the page past the window.
            self.chips.addWidget(plain_label(f"as written: {lic.as_written}", muted=True), 1)
        self.chips.addStretch(1)

        clear_layout(self.restrictions)
        for restriction in lic.restrictions or []:
            row = QHBoxLayout()
            row.setSpacing(8)
            text = f"• {text_or(restriction.summary)}"
            if restriction.clause:
                text += f" ({restriction.clause})"
            row.addWidget(plain_label(text, selectable=True), 1)
            url = restriction.url
            if is_safe_url(url):
                link = LinkLabel("licence text")
                link.setToolTip(tooltip([url]))
                link.clicked.connect(lambda u=url: open_url(u))
                row.addWidget(link, 0, Qt.AlignmentFlag.AlignTop)
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(12, 0, 0, 0)
            self.restrictions.addWidget(holder)
