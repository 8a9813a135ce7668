"""The status-bar refresh widget: quiet when all is well, loud on failure or stale data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from openexplorer.ui.refresh_status import (  # noqa: E402
    ERROR,
    INFO,
    WARNING,
    RefreshStatus,
    format_when,
    parse_timestamp,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    current_id: str | None = None
    phase: str = "models"


@dataclass
class Report:
    started: datetime = NOW
    finished: datetime = NOW
    requested: int = 3
    updated: int = 3
    failed: list = field(default_factory=list)
    cancelled: bool = False
    calls: int = 3
    changes: int = 0


@pytest.fixture
def status(qtbot):
    widget = RefreshStatus(stale_after=timedelta(days=7), now=lambda: NOW)
    qtbot.addWidget(widget)
    return widget


def _idle_controls_hidden(widget: RefreshStatus) -> bool:
    return widget.progress.isHidden() and widget.cancel_button.isHidden()


def test_never_refreshed_is_quiet(status):
    status.set_last_refresh(None)
    assert status.label.text() == "Not refreshed from the Hub yet"
    assert status.severity == INFO and _idle_controls_hidden(status)


def test_recent_refresh_shows_its_date_quietly(status):
    when = NOW - timedelta(hours=3)
    status.set_last_refresh(when.isoformat())
    assert status.label.text() == f"Last refreshed {format_when(when)}"
    assert status.severity == INFO and not status.is_stale()


def test_stale_data_is_visible(status):
    status.set_last_refresh((NOW - timedelta(days=12)).isoformat().replace("+00:00", "Z"))
    assert status.is_stale()
    assert status.label.text() == "Hub data is 12 days old · Ctrl+R to refresh"
    assert status.severity == WARNING


def test_unreadable_meta_is_tolerated(status):
    status.set_last_refresh("not a date")
    assert status.last_refresh() is None
    assert parse_timestamp(None) is None
    assert parse_timestamp("2026-11-26T12:00:00") == NOW  # naive means UTC


def test_running_shows_progress_and_cancel(status, qtbot):
    status.set_running(True)
    assert not status.progress.isHidden() and not status.cancel_button.isHidden()
    assert (status.progress.minimum(), status.progress.maximum()) == (0, 0)  # indeterminate
    status.show_progress(Progress(4, None, "org/a"))
    assert (status.progress.minimum(), status.progress.maximum()) == (0, 0)
    assert "4" in status.label.text()
    status.show_progress(Progress(2, 10, "org/b", "cards"))
    assert status.progress.maximum() == 10 and status.progress.value() == 2
    assert "2/10" in status.label.text() and "org/b" in status.label.toolTip()

    with qtbot.waitSignal(status.cancel_requested, timeout=1000):
        qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    assert not status.cancel_button.isEnabled() and status.label.text() == "Cancelling…"


def test_a_clean_report_goes_back_to_last_refreshed(status):
    status.set_running(True)
    status.show_report(Report(finished=NOW))
    status.set_running(False)
    assert status.label.text() == f"Last refreshed {format_when(NOW)}"
    assert status.severity == INFO and _idle_controls_hidden(status)


def test_failed_models_are_counted_and_listed(status):
    status.set_running(True)
    status.show_report(Report(updated=1, failed=[("org/a", "gated", "401"),
                                                  ("org/b", "not_found", "")]))
    status.set_running(False)
    assert status.label.text() == "Refreshed 1 models; 2 failed"
    assert status.severity == WARNING
    assert "org/a: gated (401)" in status.label.toolTip()
    assert "org/b: not_found" in status.label.toolTip()


def test_a_cancelled_report_says_so(status):
    status.set_running(True)
    status.show_report(Report(cancelled=True, requested=10, updated=4))
    status.set_running(False)
    assert status.label.text() == "Refresh cancelled: 4 of 10 models updated"


def test_a_failure_stays_visible_until_the_next_run(status):
    status.set_running(True)
    status.show_failure("Refresh failed: the Hugging Face Hub could not be reached.")
    status.set_running(False)
    assert "could not be reached" in status.label.text()
    assert status.severity == ERROR and _idle_controls_hidden(status)
    status.set_running(True)
    assert status.label.text().startswith("Refreshing")


def test_offline_is_named(status):
    status.set_last_refresh(NOW.isoformat())
    status.set_offline(True)
    assert status.label.text().startswith("Working offline · Last refreshed")
    status.set_last_refresh((NOW - timedelta(days=30)).isoformat())
    assert status.label.text() == "Hub data is 30 days old (working offline)"


def test_nothing_due_is_a_quiet_note(status):
    status.show_nothing_due()
    assert status.label.text() == "Hub data is up to date" and status.severity == INFO
