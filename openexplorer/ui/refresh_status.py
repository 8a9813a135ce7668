"""A small status-bar widget for Hub refreshes: progress, Cancel, and when the data was refreshed.

Quiet by default: a muted "Last refreshed …" line. It speaks up (warning colour) only when a
refresh failed, some models failed, or the data is older than the staleness limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


# Severity of the line shown when idle; only warning and error are styled.
INFO, WARNING, ERROR = "info", "warning", "error"
_STYLES = {INFO: "", WARNING: "color: #b35c00; font-weight: 600;",
           ERROR: "color: #c0392b; font-weight: 600;"}
_MAX_TOOLTIP_FAILURES = 10


def parse_timestamp(value: object) -> datetime | None:
    """A cache meta timestamp (ISO 8601, e.g. ``2026-11-26T14:03:00Z``) as an aware datetime."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def format_when(when: datetime) -> str:
    """``when`` in local time, to the minute: ``2026-11-26 14:03``."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def format_age(age: timedelta) -> str:
    days = age.days
    if days >= 2:
        return f"{days} days"
    hours = int(age.total_seconds() // 3600)
    return f"{hours} hours" if hours != 1 else "1 hour"


def _count(value: object) -> int:
    if isinstance(value, Sized) and not isinstance(value, str):
        return len(value)
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _failure_parts(failure: Any) -> tuple[str, str, str]:
    """(id, kind, message) of a ``RefreshFailure`` or any 3-tuple; the text itself otherwise."""
    try:
        model_id, kind, message = failure
    except (TypeError, ValueError):
        return "", "", str(failure)
    return str(model_id), str(kind), str(message or "")


class RefreshStatus(QWidget):
    """Progress bar + Cancel while a refresh runs; "Last refreshed …" otherwise.

    Signals:
        cancel_requested(): the user pressed Cancel.
    """

    cancel_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        stale_after: timedelta | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._stale_after = stale_after
        self._now = now or (lambda: datetime.now(UTC))
        self._last_refresh: datetime | None = None
        self._offline = False
        self._running = False
        self._message: tuple[str, str] | None = None  # (text, severity) of the last outcome
        #: INFO, WARNING or ERROR: how loud the idle line is.
        self.severity = INFO

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the Hub refresh; what was fetched so far is kept")
        self.cancel_button.setFlat(True)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)

        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self._update()

    # -- inputs ----------------------------------------------------------------------------------

    def set_stale_after(self, stale_after: timedelta | None) -> None:
        self._stale_after = stale_after
        self._update()

    def set_last_refresh(self, value: object) -> None:
        """The cache's ``last_refresh`` meta value (ISO text, a datetime, or None)."""
        self._last_refresh = parse_timestamp(value)
        self._update()

    def last_refresh(self) -> datetime | None:
        return self._last_refresh

    def is_stale(self) -> bool:
        if self._stale_after is None or self._last_refresh is None:
            return False
        return self._now() - self._last_refresh > self._stale_after

    @Slot(bool)
    def set_offline(self, offline: bool) -> None:
        self._offline = bool(offline)
        self._update()

    @Slot(bool)
    def set_running(self, running: bool) -> None:
        self._running = bool(running)
        if self._running:
            self._message = None
            self.progress.setRange(0, 0)  # indeterminate until a total is known
            self.label.setText("Refreshing from the Hub…")
            self.cancel_button.setEnabled(True)
        self._update()

    @Slot(object)
    def show_progress(self, progress: Any) -> None:
        done = _count(getattr(progress, "done", 0))
        total = getattr(progress, "total", None)
        if total is None:
            self.progress.setRange(0, 0)
            text = f"Refreshing from the Hub… {done}" if done else "Refreshing from the Hub…"
        else:
            total = max(_count(total), done, 1)
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            text = f"Refreshing from the Hub… {done}/{total}"
        current = getattr(progress, "current_id", None)
        phase = getattr(progress, "phase", None)
        tip = " · ".join(str(part) for part in (phase, current) if part)
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.progress.setToolTip(tip)

    @Slot(object)
    def show_report(self, report: Any) -> None:
        """A finished refresh: quiet when all went well, a visible note otherwise.

        A failure with id ``"*"`` (Hub unreachable, offline, token refused) failed the whole
        run; ``report.stopped`` says why a run ended early.
        """
        failures = list(getattr(report, "failed", None) or [])
        whole_run = [f for f in failures if _failure_parts(f)[0] == "*"]
        updated = _count(getattr(report, "updated", 0))
        requested = _count(getattr(report, "requested", 0))
        cancelled = bool(getattr(report, "cancelled", False))
        stopped = getattr(report, "stopped", None)
        finished = parse_timestamp(getattr(report, "finished", None))
        if finished is not None and (updated or not (failures or cancelled or stopped)) and (
                self._last_refresh is None or finished > self._last_refresh):
            self._last_refresh = finished
        model_failures = [f for f in failures if _failure_parts(f)[0] != "*"
                          and not _failure_parts(f)[0].startswith(("search:", "author:"))]
        if cancelled:
            self._message = (f"Refresh cancelled: {updated} of {requested} models updated", INFO)
        elif getattr(report, "gave_up", False) and stopped:
            retry_at = parse_timestamp(getattr(report, "retry_at", None))
            then = (f"will try again at {format_when(retry_at)}" if retry_at is not None
                    else "the next scheduled refresh will try again")
            self._message = (f"Refresh stopped: {stopped} ({updated} of {requested} models "
                             f"updated); {then}", WARNING)
        elif whole_run:
            self._message = (f"Refresh failed: {_failure_parts(whole_run[0])[2]}", ERROR)
        elif stopped:
            self._message = (f"Refresh stopped early ({updated} of {requested} models "
                             f"updated): {stopped}", WARNING)
        elif model_failures:
            self._message = (f"Refreshed {updated} models; {len(model_failures)} failed",
                             WARNING)
        elif failures:
            self._message = (f"Refreshed {updated} models; "
                             f"{_failure_parts(failures[0])[2] or 'the listing failed'}", WARNING)
        else:
            self._message = None
        self.label.setToolTip(self._failures_tooltip(failures))
        self._update()

    @Slot(str)
    def show_failure(self, message: str) -> None:
        self._message = (message, ERROR)
        self.label.setToolTip(message)
        self._update()

    @Slot()
    def show_nothing_due(self) -> None:
        self._message = ("Hub data is up to date", INFO)
        self._update()

    # -- rendering -------------------------------------------------------------------------------

    def _update(self) -> None:
        self.progress.setVisible(self._running)
        self.cancel_button.setVisible(self._running)
        if self._running:
            self.severity = INFO
            self.label.setStyleSheet("")
            return
        if self._message is not None:
            text, style = self._message
        elif self.is_stale():
            assert self._last_refresh is not None
            age = format_age(self._now() - self._last_refresh)
            text = f"Hub data is {age} old"
            text += " (working offline)" if self._offline else " · Ctrl+R to refresh"
            style = WARNING
        elif self._last_refresh is not None:
            text = f"Last refreshed {format_when(self._last_refresh)}"
            style = INFO
        else:
            text = "Not refreshed from the Hub yet"
            style = INFO
        if self._offline and "offline" not in text:
            text = f"Working offline · {text}"
        self.severity = style
        self.label.setText(text)
        self.label.setStyleSheet(_STYLES[style])

    @Slot()
    def _on_cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling…")
        self.cancel_requested.emit()

    @staticmethod
    def _failures_tooltip(failures: list[Any]) -> str:
        lines = []
        for failure in failures[:_MAX_TOOLTIP_FAILURES]:
            model_id, kind, message = _failure_parts(failure)
            lines.append(f"{model_id}: {kind} ({message})" if message else f"{model_id}: {kind}")
        if len(failures) > _MAX_TOOLTIP_FAILURES:
            lines.append(f"… and {len(failures) - _MAX_TOOLTIP_FAILURES} more")
        return "\n".join(lines)
