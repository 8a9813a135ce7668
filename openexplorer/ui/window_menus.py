"""The main window's menu bar: File, Edit, Go, View, (Hub), Help, with their shortcuts.

:func:`build_menus` makes the actions and menus for a window from the slots it is given
(:class:`MenuSlots`) and hands the actions back (:class:`Menus`) for the window to enable, check
or trigger later. Each action is also added to the window itself, so its shortcut works
whichever widget has the focus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from openexplorer.ui import theme


@dataclass(frozen=True)
class MenuSlots:
    """What the menus' actions call."""

    export: Callable[[], object]
    write_report_pack: Callable[[], object]
    quit: Callable[[], object]
    copy_markdown: Callable[[], object]
    open_settings: Callable[[], object]
    focus_search: Callable[[], object]
    go_to_model: Callable[[], object]
    compare_selected: Callable[[], object]
    remove_from_comparison: Callable[[], object]
    show_tab: Callable[[int], object]
    set_theme: Callable[[str], object]
    open_methodology: Callable[[], object]
    open_about: Callable[[], object]


@dataclass(frozen=True)
class Menus:
    """The actions the window refers to after building its menus."""

    export_action: QAction
    report_pack_action: QAction
    copy_markdown_action: QAction
    find_action: QAction
    goto_action: QAction
    compare_action: QAction
    remove_action: QAction
    theme_actions: dict[str, QAction]


def window_action(window: QMainWindow, text: str, slot: Callable[..., object],
                  shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
                  tip: str = "") -> QAction:
    """An action of the window (its shortcut works whichever widget has the focus)."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_menus(window: QMainWindow, slots: MenuSlots, *, compare_page: QWidget,
                tabs: Sequence[tuple[int, str]], current_theme: str, hub_menu: QMenu) -> Menus:
    """The window's menu bar. ``compare_page`` holds "Remove from comparison" (Delete removes
    only where the comparison has the focus); ``tabs`` are the (index, name) shown from Go."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    export_action = window_action(window, "&Export…", slots.export, "Ctrl+E",
                                  "Export the charts or data of the current view")
    file_menu.addAction(export_action)
    report_pack_action = window_action(
        window, "Write a citable &report pack…", slots.write_report_pack, "Ctrl+Shift+E",
        "A folder with the comparison chart, its data, a summary and BibTeX citations")
    file_menu.addAction(report_pack_action)
    file_menu.addSeparator()
    file_menu.addAction(window_action(window, "&Quit", slots.quit,
                                      QKeySequence.StandardKey.Quit))

    edit_menu = bar.addMenu("&Edit")
    copy_markdown_action = window_action(
        window, "Copy as &Markdown", slots.copy_markdown, "Ctrl+Shift+M",
        "Copy the current release or comparison as Markdown")
    edit_menu.addAction(copy_markdown_action)
    edit_menu.addSeparator()
    edit_menu.addAction(window_action(window, "&Settings…", slots.open_settings,
                                      QKeySequence.StandardKey.Preferences))

    go_menu = bar.addMenu("&Go")
    find_action = window_action(window, "&Search", slots.focus_search,
                                QKeySequence.StandardKey.Find)
    goto_action = window_action(window, "&Go to model…", slots.go_to_model, "Ctrl+K",
                                "Open a release by name or Hub id")
    compare_action = window_action(
        window, "&Compare selected", slots.compare_selected, "Ctrl+Shift+C",
        "Add the selected releases to the comparison")
    remove_action = QAction("&Remove from comparison", compare_page)
    remove_action.setShortcut(QKeySequence.StandardKey.Delete)
    remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    remove_action.triggered.connect(lambda: slots.remove_from_comparison())
    compare_page.addAction(remove_action)
    go_menu.addActions([find_action, goto_action, compare_action])
    go_menu.addSeparator()
    for index, name in tabs:
        go_menu.addAction(window_action(window, f"Show {name}",
                                        lambda _=False, i=index: slots.show_tab(i),
                                        f"Ctrl+{index + 1}"))

    view_menu = bar.addMenu("&View")
    theme_menu = view_menu.addMenu("&Theme")
    theme_actions: dict[str, QAction] = {}
    for name in theme.THEMES:
        action = QAction(name.capitalize(), window, checkable=True)
        action.setChecked(name == current_theme)
        action.triggered.connect(lambda _=False, n=name: slots.set_theme(n))
        theme_menu.addAction(action)
        theme_actions[name] = action

    bar.addMenu(hub_menu)

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(window_action(window, "How is this &computed?", slots.open_methodology))
    help_menu.addAction(window_action(window, "&About OpenExplorer and data sources",
                                      slots.open_about))
    return Menus(export_action, report_pack_action, copy_markdown_action, find_action,
                 goto_action, compare_action, remove_action, theme_actions)
