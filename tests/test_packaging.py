"""Shipping OpenExplorer: the Linux desktop files, the icons, the wheel, the generated CLI
reference, the methodology page and the PyInstaller build script.

The validators (desktop-file-validate, appstreamcli) are used when installed and the tests say
why they skip otherwise. Two slow checks run only when asked for:

* ``OPENEXPLORER_SLOW=1``: install the wheel into a fresh venv and run the command from there;
* ``OPENEXPLORER_BUILD_BUNDLE=1 bash .ci/run``: after the tests, build the PyInstaller bundle
  and smoke-run it offscreen (``python packaging/build.py``).
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import venv
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from openexplorer import __version__
from tests.conftest import REPO

LINUX = REPO / "packaging" / "linux"
DESKTOP = LINUX / "io.github.openexplorer.OpenExplorer.desktop"
APP_ID = "io.github.openexplorer.OpenExplorer"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
ICONS = REPO / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SLOW = os.environ.get("OPENEXPLORER_SLOW") == "1"


def _load(name: str, path: Path):
    """A script as a module (packaging/build.py must not shadow PyPA's ``build``)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _desktop() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


# -- the desktop file and the AppStream metainfo ------------------------------------------------


def test_desktop_file_launches_the_command_with_the_app_icon():
    entry = _desktop()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "OpenExplorer"
    assert entry["Exec"].split()[0] == "openexplorer"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert "Science" in entry["Categories"].split(";")


def test_desktop_file_names_the_app_the_window_says_it_is():
    # Qt reports the desktop file name to the window manager (Wayland app id): they must agree.
    from openexplorer.ui import app

    assert DESKTOP.stem == app.DESKTOP_FILE
    assert _desktop()["StartupWMClass"] == "openexplorer"


def test_desktop_file_validates():
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate not installed (apt-get install desktop-file-utils)")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # not even a hint


def test_desktop_file_and_metainfo_agree_on_the_app_id_and_categories():
    # The desktop file is named after the AppStream id, and both list the same categories.
    root = ET.parse(METAINFO).getroot()
    assert DESKTOP.stem == APP_ID == root.findtext("id")
    desktop = {c for c in _desktop()["Categories"].split(";") if c and c != "Qt"}
    assert desktop == {c.text for c in root.findall("categories/category")}
    urls = {u.get("type"): u.text for u in root.findall("url")}
    assert urls["homepage"].startswith("https://") and urls["bugtracker"].startswith("https://")


def test_metainfo_describes_this_app_and_release():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("project_license") == "Apache-2.0"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.find("launchable").text == DESKTOP.name
    assert root.find("icon").text == _desktop()["Icon"]
    assert root.find("provides/binary").text == "openexplorer"
    versions = [r.get("version") for r in root.findall("releases/release")]
    assert versions[0] == __version__, "add this version to the metainfo's <releases>"
    for image in root.findall("screenshots/screenshot/image"):
        relative = image.text.split("/main/", 1)[1]
        assert (REPO / relative).is_file(), f"screenshot {relative} is not in the repository"


def test_metainfo_validates():
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli not installed (apt-get install appstream)")
    result = subprocess.run([tool, "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # Errors (E:) and warnings (W:) fail; infos (I:) such as an older appstreamcli not knowing
    # the <developer> tag of AppStream 1.0 are fine.
    assert not re.search(r"^[EW]:", result.stdout, re.MULTILINE), result.stdout


# -- icons ---------------------------------------------------------------------------------------


def test_icon_svg_is_drawn_in_the_status_colours():
    from openexplorer.ui.theme import STATUS_COLORS

    svg = (ICONS / "openexplorer.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.get("viewBox") == "0 0 512 512"
    for colour in STATUS_COLORS.values():
        assert colour.lower() in svg.lower()
    assert len(svg) < 4096, "keep the icon simple"


@pytest.mark.parametrize("size", ICON_SIZES)
def test_png_icon_exists_decodes_and_has_its_size(size):
    pytest.importorskip("PySide6")
    from PySide6.QtGui import QImage

    path = ICONS / f"openexplorer-{size}.png"
    assert path.is_file(), "render with: python packaging/build.py --icons"
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0  # transparent corner
    assert image.pixelColor(size // 4, size * 3 // 4).alpha() > 0  # the lock body
    assert path.stat().st_size < 16 * 1024


def test_the_app_icon_loads_from_the_installed_package(qapp):
    pytest.importorskip("PySide6")
    from openexplorer.ui.app import ICON_SIZES as APP_SIZES
    from openexplorer.ui.app import app_icon

    assert APP_SIZES == ICON_SIZES
    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} == set(ICON_SIZES)


# -- the wheel -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """``pip wheel . --no-deps``, once for this module (a few seconds)."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(out)],
        capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("openexplorer-*.whl")
    return built


def test_wheel_carries_the_snapshot_icons_and_every_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "openexplorer/resources/snapshot/snapshot.json.gz" in names
    for size in ICON_SIZES:
        assert f"openexplorer/resources/icons/openexplorer-{size}.png" in names
    assert "openexplorer/resources/icons/openexplorer.svg" in names
    missing = [
        path.relative_to(REPO / "resources").as_posix()
        for path in (REPO / "resources").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
        and f"openexplorer/resources/{path.relative_to(REPO / 'resources').as_posix()}"
        not in names
    ]
    assert not missing, f"resources left out of the wheel (pyproject package-data): {missing}"


def test_wheel_has_every_module_the_command_and_this_version(wheel):
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    for path in (REPO / "openexplorer").rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        name = path.relative_to(REPO).as_posix()
        assert name in names, f"{name} is not in the wheel (pyproject [tool.setuptools] packages)"
    assert wheel.name.startswith(f"openexplorer-{__version__}-")
    info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "openexplorer = openexplorer.cli:main" in archive.read(info).decode()


@pytest.mark.slow
@pytest.mark.skipif(not SLOW, reason="slow (a fresh venv and its dependencies): "
                    "set OPENEXPLORER_SLOW=1")
def test_the_wheel_installs_into_a_fresh_venv_and_runs(wheel, tmp_path):
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   timeout=900)
    command = python.parent / "openexplorer"
    env = {**os.environ, "OPENEXPLORER_DB": str(tmp_path / "c.sqlite"),
           "QT_QPA_PLATFORM": "offscreen", "HF_HUB_OFFLINE": "1"}
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True,
                             check=False, env=env, timeout=120)
    assert version.stdout.strip() == f"openexplorer {__version__}"
    found = subprocess.run([str(command), "search", "olmo", "--limit", "3"], capture_output=True,
                           text=True, check=False, env=env, timeout=120)
    assert found.returncode == 0 and "allenai/olmo" in found.stdout


# -- docs ----------------------------------------------------------------------------------------


def test_cli_reference_is_up_to_date():
    """docs/cli.md is what scripts/gen_cli_docs.py writes from the parser today."""
    gen_cli_docs = _load("gen_cli_docs", REPO / "scripts" / "gen_cli_docs.py")
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    fresh = gen_cli_docs.render()
    if committed != fresh:
        recorded = re.search(r"\(Python (\d+\.\d+)\)", committed)
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        if recorded and recorded.group(1) != running:
            pytest.skip(f"docs/cli.md was written with Python {recorded.group(1)}; argparse "
                        f"lays help out differently on {running}")
    assert committed == fresh, "docs/cli.md is stale: run python scripts/gen_cli_docs.py"


def test_cli_reference_covers_every_command():
    from openexplorer.cli import command_modules  # the parser's commands, as it adds them

    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    names = [module.COMMAND for module in command_modules()]
    assert len(names) >= 10
    for name in names:
        assert f"## openexplorer {name}\n" in text, f"docs/cli.md lacks {name}: regenerate it"


METHODOLOGY = REPO / "docs" / "methodology.md"


def _anchors(path: Path) -> set[str]:
    """Explicit <a id> anchors and GitHub's heading anchors of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    ids = set(re.findall(r'<a id="([^"]+)"></a>', text))
    for heading in re.findall(r"^#+ (.+)$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        ids.add(slug)
    return ids


def test_methodology_has_a_section_per_framework_and_per_automated_rule():
    anchors = _anchors(METHODOLOGY)
    for framework in ("mof", "osai", "osai-legacy", "osaid", "epoch", "fmti", "licences"):
        assert framework in anchors
    rules = re.findall(r"^### ([a-z]+(?:-[a-z]+)+)\s*$",
                       (REPO / "docs" / "hub-rules.md").read_text(encoding="utf-8"),
                       re.MULTILINE)
    assert len(rules) >= 20
    missing = [rule for rule in rules if rule not in anchors]
    assert not missing, f"docs/methodology.md has no section for these rules: {missing}"


def test_methodology_links_resolve():
    text = METHODOLOGY.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert any(link.startswith("osaid.md") for link in links)
    assert any(link.startswith("hub-rules.md") for link in links)
    for link in links:
        if link.startswith(("http://", "https://")):
            continue
        target, _, anchor = link.partition("#")
        path = (METHODOLOGY.parent / target) if target else METHODOLOGY
        assert path.is_file(), f"broken link {link}"
        if anchor:
            assert anchor in _anchors(path), f"broken anchor {link}"


@pytest.fixture
def ui_cache(tmp_path):
    from openexplorer.store.cache_file import open_cache

    cache = open_cache(tmp_path / "c.sqlite")
    yield cache
    cache.close()


def test_help_menu_opens_the_methodology_page(ui_cache, qtbot, monkeypatch, tmp_path):
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QSettings

    from openexplorer.ui import main_window

    opened = []
    monkeypatch.setattr(main_window.QDesktopServices, "openUrl", opened.append)
    from openexplorer.ui import patches  # the app's GC policy, as app.main installs it
    patches.install()
    window = main_window.MainWindow(
        ui_cache, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model_page.view() is not None, timeout=5000)
    # Help > How is this computed?
    next(a for a in window.actions() if a.text() == "How is this &computed?").trigger()
    assert opened and opened[0].toLocalFile() == str(METHODOLOGY)


# -- the PyInstaller build -------------------------------------------------------------------------


def _build_script():
    return _load("openexplorer_packaging_build", REPO / "packaging" / "build.py")


def test_build_script_knows_this_version_and_the_icon_sizes():
    build = _build_script()
    assert build.version() == __version__
    assert build.ICON_SIZES == ICON_SIZES
    assert build.SPEC.is_file()
    spec = build.SPEC.read_text(encoding="utf-8")
    for needed in ("openexplorer.resources", "license_expression", "methodology.md",
                   "huggingface_hub", "launcher.py"):
        assert needed in spec


def test_ci_builds_the_bundle_only_when_asked():
    """The default CI stays fast; OPENEXPLORER_BUILD_BUNDLE=1 bash .ci/run also builds the
    bundle and smoke-runs it offscreen (packaging/build.py)."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    step = ci.split('if [ "${OPENEXPLORER_BUILD_BUNDLE:-0}" = 1 ]; then', 1)
    assert len(step) == 2, "the bundle step must be guarded by OPENEXPLORER_BUILD_BUNDLE"
    assert "packaging/build.py" in step[1].split("fi", 1)[0]
    assert "packaging/build.py" not in step[0]


# -- README, citation ----------------------------------------------------------------------------


def test_readme_says_how_to_install_use_and_cite():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    install = text.split("## Install as an app", 1)[1].split("\n## ", 1)[0]
    assert "pipx install ." in install and "packaging/build.py" in install
    cite = text.split("## Cite", 1)[1].split("\n## ", 1)[0]
    assert f"version {__version__}" in cite and f"version = {{{__version__}}}" in cite
    for doc in ("docs/methodology.md", "docs/cli.md", "packaging/README.md"):
        assert f"]({doc})" in text


def test_citation_file_names_this_version():
    import yaml

    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == __version__
    assert citation["license"] == "Apache-2.0"
