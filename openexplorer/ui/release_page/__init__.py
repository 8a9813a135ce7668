"""The release page (:class:`ModelPage`), one module per section: header and licence, the
framework cards, the evidence table, lineage, family and changes."""

from __future__ import annotations

from openexplorer.ui.release_page.evidence import EvidenceTableModel
from openexplorer.ui.release_page.page import ModelPage
from openexplorer.ui.release_page.widgets import LinkLabel, is_safe_url, open_url

__all__ = ["EvidenceTableModel", "LinkLabel", "ModelPage", "is_safe_url", "open_url"]
