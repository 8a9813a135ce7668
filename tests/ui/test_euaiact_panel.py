"""The EU AI Act pre-check panel: conditions and colours, systemic risk, memo export."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QFileDialog  # noqa: E402

from openexplorer.analyses import euaiact  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui.euaiact_panel import (  # noqa: E402
    PRECHECK_COLORS,
    EuAiActPanel,
    memo_document,
    write_memo_pdf,
)
from openexplorer.ui.theme import STATUS_COLORS  # noqa: E402
from openexplorer.views.release import release_view  # noqa: E402

TODAY = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("euaiact-ui") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def panel(qtbot):
    widget = EuAiActPanel(snapshot_date="2026-06-01", today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_empty_panel_cannot_export(panel):
    assert not panel.export_button.isEnabled()
    assert panel.markdown() == ""
    assert panel.precheck() is None


def test_conditions_match_the_precheck_with_theme_colours(panel, cache):
    view = release_view(cache, "allenai/olmo-7b")
    panel.show_view(view)
    expected = euaiact.precheck(view, today=TODAY)
    assert panel.precheck() == expected
    for condition in expected.conditions:
        card = panel.cards[condition.key]
        assert card.status == condition.status
        assert card.pill.text() == condition.status.upper()
        assert PRECHECK_COLORS[condition.status] in card.pill.styleSheet()
        assert card.title.text() == f"({condition.key}) {condition.name}"
    assert PRECHECK_COLORS["pass"] == STATUS_COLORS["open"]
    assert PRECHECK_COLORS["fail"] == STATUS_COLORS["closed"]
    assert panel.cards["d"].status == "pass"
    assert "Apache" in panel.cards["d"].evidence.text()
    assert "2025-05-16" in panel.cards["a"].evidence.text()  # the evidence's date
    assert panel.verdict.text() == "UNKNOWN"
    assert "Not legal advice" in panel.notice.text()
    assert panel.export_button.isEnabled()


def test_llama_fails_the_licence_condition_with_its_clauses(panel, cache):
    panel.show_view(release_view(cache, "meta-llama/llama-3.1-8b"))
    card = panel.cards["d"]
    assert card.status == "fail"
    assert STATUS_COLORS["closed"] in card.pill.styleSheet()
    assert "700 million" in card.evidence.text()
    assert "USE_POLICY.md" in card.evidence.text()  # a link to the clause's source
    assert panel.verdict.text() == "FAIL"


def test_presumed_systemic_risk_is_shown_first(panel, cache):
    panel.show_view(release_view(cache, "meta-llama/llama-3.1-405b"))
    assert panel.systemic.status == "fail"
    assert panel.systemic.pill.text() == "PRESUMED"
    assert "the open-source exemption does not apply" in panel.systemic.summary.text()
    body = panel.content.layout()  # the order the page shows, top to bottom
    assert body.indexOf(panel.systemic) == 0
    panel.show_view(release_view(cache, "allenai/olmo-7b"))
    assert body.indexOf(panel.systemic) > body.indexOf(panel.cards["e"])
    assert "Copyright policy" in panel.not_removed.text()
    assert "Training-content summary" in panel.not_removed.text()


def test_export_memo_markdown_and_pdf(panel, cache, tmp_path, qtbot):
    panel.show_view(release_view(cache, "allenai/olmo-7b"))
    with qtbot.waitSignal(panel.memo_written) as written:
        md = panel.export_memo(tmp_path / "memo.md")
    assert written.args == [str(md)]
    text = md.read_text(encoding="utf-8")
    assert "not legal advice" in text.lower()
    assert "2026-07-01" in text and "2026-06-01" in text
    pdf = panel.export_memo(tmp_path / "memo.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 5000
    assert panel.export_memo(tmp_path / "memo").suffix == ".md"


def test_export_button_uses_the_file_dialog(panel, cache, tmp_path, monkeypatch):
    panel.show_view(release_view(cache, "meta-llama/llama-3.1-8b"))
    target = tmp_path / "chosen"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF (*.pdf)")))
    panel.export_button.click()
    assert (tmp_path / "chosen.pdf").read_bytes().startswith(b"%PDF")
    assert "chosen.pdf" in panel.status_label.text()


def test_show_view_none_resets(panel, cache):
    panel.show_view(release_view(cache, "allenai/olmo-7b"))
    panel.show_view(None)
    assert panel.precheck() is None
    assert not panel.export_button.isEnabled()
    assert panel.verdict.isHidden()


def test_the_memo_document_boxes_the_notice():
    memo = "# T\n\n> **Not legal advice. Read this.**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    document = memo_document(memo)
    block = document.begin()
    while block.isValid() and not block.text().startswith("Not legal advice"):
        block = block.next()
    assert block.isValid()
    assert block.blockFormat().background().color().name().lower() == "#fcebc7"


def test_write_memo_pdf(tmp_path):
    path = write_memo_pdf("# Memo\n\nNot legal advice.\n", tmp_path / "m.pdf")
    assert path.read_bytes()[:4] == b"%PDF"
