"""The release page's "Source notes": a suspected source error shown with both sides, on a cache
built from the importers over the shared source data (the bundled snapshot is rebuilt after
merging)."""

from __future__ import annotations

from pathlib import Path


import pytest

pytest.importorskip("PySide6")

from openexplorer.db.cache import Cache  # noqa: E402
from openexplorer.ui.release_page import ModelPage  # noqa: E402
from openexplorer.views.release import release_view  # noqa: E402

from tests.conftest import SHARED_DATA, cache_from  # noqa: E402

DATA = SHARED_DATA  # ../shared/data, or OPENEXPLORER_SHARED_DATA (tests/conftest.py)
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared source data not present")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory, source_snapshot: Path) -> Cache:
    return cache_from(source_snapshot, tmp_path_factory.mktemp("notes") / "cache.db")


def test_source_notes_show_both_sides(qtbot, cache: Cache) -> None:
    page = ModelPage()
    qtbot.addWidget(page)
    view = release_view(cache, "databricks/dbrx-instruct")
    assert view is not None
    page.show_view(view)
    texts = [label.text() for label in page.source_notes.labels()]
    assert any("dbrx-instruct" in t and "deepseek-moe-16b-base" in t for t in texts)
    assert not page.source_notes.box.isHidden()
    assert "## Source notes" in page.markdown()
    # a release without suspected errors shows no section
    clean = release_view(cache, "allenai/olmo-7b")
    assert clean is not None and clean.source_checks == ()
    page.show_view(clean)
    assert page.source_notes.labels() == []
    assert page.source_notes.box.isHidden()
    assert "Source notes" not in page.markdown()
