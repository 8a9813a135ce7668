"""Build the one-folder desktop app with PyInstaller, then smoke-run it without a screen.

    python packaging/build.py                 # build dist/openexplorer/, then smoke-run it
    python packaging/build.py --skip-build    # smoke-run an existing dist/openexplorer/
    python packaging/build.py --archive       # also dist/openexplorer-<version>-<os>-<arch>.tar.gz
    python packaging/build.py --icons         # re-render resources/icons/*.png from the SVG

Run it with the Python of a venv that has OpenExplorer (`pip install .` or `-e .`) and
PyInstaller (`pip install pyinstaller`). The smoke run uses a throw-away home folder (no
settings or cache of yours are touched), HF_HUB_OFFLINE=1 (nothing is sent) and, unless
QT_QPA_PLATFORM is set, the offscreen Qt platform. It checks that

* ``openexplorer --version`` prints this version;
* ``openexplorer search olmo --limit 3`` finds OLMo in the bundled snapshot;
* the window starts, shows, and closes cleanly (OPENEXPLORER_QUIT_AFTER_MS, see ui/app.py),
  first with a new cache (built from the snapshot) and again with it in place;

and prints the build time, bundle size and start times. Exit status 0 when all is well.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "packaging" / "pyinstaller" / "openexplorer.spec"
DIST = REPO / "dist"
WORK = REPO / "build" / "pyinstaller"
ICON_SVG = REPO / "resources" / "icons" / "openexplorer.svg"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def version() -> str:
    text = (REPO / "openexplorer" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not match:
        raise SystemExit("no __version__ in openexplorer/__init__.py")
    return match.group(1)


def app_dir(dist: Path = DIST) -> Path:
    return dist / "openexplorer"


def executable(dist: Path = DIST) -> Path:
    name = "openexplorer.exe" if sys.platform == "win32" else "openexplorer"
    return app_dir(dist) / name


def render_icons() -> None:
    """resources/icons/openexplorer-<N>.png for every size, from the SVG (rsvg-convert)."""
    tool = shutil.which("rsvg-convert")
    if tool is None:
        raise SystemExit("rsvg-convert not found (Debian/Ubuntu: apt-get install librsvg2-bin)")
    for size in ICON_SIZES:
        out = ICON_SVG.with_name(f"openexplorer-{size}.png")
        subprocess.run([tool, "-w", str(size), "-h", str(size), str(ICON_SVG), "-o", str(out)],
                       check=True)
        print(f"{out.relative_to(REPO)}  {out.stat().st_size:,} bytes")


def build(dist: Path = DIST, work: Path = WORK) -> float:
    """Run PyInstaller on the spec; the wall time in seconds."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit(f"PyInstaller is not installed: {sys.executable} -m pip install "
                         "pyinstaller") from None
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
                   check=True, cwd=REPO)
    return time.perf_counter() - start


def folder_size(path: Path) -> tuple[int, int]:
    """(bytes, files) of a folder, symlinks not followed."""
    total = files = 0
    for item in path.rglob("*"):
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_size
            files += 1
    return total, files


def _environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "APPDATA": str(home / "appdata"),
        "LOCALAPPDATA": str(home / "localappdata"),
        "HF_HOME": str(home / "hf"),
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
    })
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in ("OPENEXPLORER_DB", "HF_TOKEN", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


def _run(args: list[str], env: dict[str, str],
         timeout: float) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False,
                            timeout=timeout, cwd=env["HOME"])
    return result, time.perf_counter() - start


def _check(ok: bool, what: str, result: subprocess.CompletedProcess[str]) -> None:
    if not ok:
        sys.stderr.write(f"FAILED: {what} (exit status {result.returncode})\n"
                         f"--- stdout\n{result.stdout[-3000:]}\n"
                         f"--- stderr\n{result.stderr[-3000:]}\n")
        raise SystemExit(1)


def smoke(exe: Path, *, screenshot: Path | None = None, quit_after_ms: int = 1000,
          timeout: float = 120) -> dict[str, float]:
    """Run the bundle offscreen; the timings in seconds. Exits 1 on the first failure."""
    if not exe.is_file():
        raise SystemExit(f"{exe} not found: build first")
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="openexplorer-smoke-") as tmp:
        home = Path(tmp)
        env = _environment(home)

        result, timings["version"] = _run([str(exe), "--version"], env, timeout)
        _check(result.returncode == 0 and result.stdout.strip() == f"openexplorer {version()}",
               f"--version printed {result.stdout.strip()!r}", result)
        print(f"  {result.stdout.strip()}  ({timings['version']:.2f} s)")

        db = home / "search.sqlite"
        result, timings["search"] = _run(
            [str(exe), "--db", str(db), "search", "olmo", "--limit", "3"], env, timeout)
        _check(result.returncode == 0 and "olmo" in result.stdout.lower(),
               "search olmo found nothing", result)
        print(f"  search olmo --limit 3: {len(result.stdout.splitlines()) - 1} rows, new cache "
              f"from the snapshot  ({timings['search']:.2f} s)")

        for run in ("window_first", "window_again"):
            run_env = dict(env, OPENEXPLORER_QUIT_AFTER_MS=str(quit_after_ms))
            if screenshot is not None and run == "window_again":
                run_env["OPENEXPLORER_SCREENSHOT"] = str(screenshot.resolve())
            result, elapsed = _run([str(exe)], run_env, timeout)
            _check(result.returncode == 0 and "window shown" in result.stderr
                   and "visible=True" in result.stderr, "the window did not show", result)
            timings[run] = elapsed - quit_after_ms / 1000
            label = "first start (new cache)" if run == "window_first" else "second start"
            print(f"  window {label}: shown and closed, start {timings[run]:.2f} s "
                  f"(+{quit_after_ms} ms shown)")
        settings = list((home / "config").rglob("*.conf")) + list((home / "config").rglob("*.ini"))
        welcome = any("welcome_shown=true" in p.read_text(errors="replace") for p in settings)
        print(f"  first-run welcome remembered: {welcome}")
        if screenshot is not None:
            print(f"  screenshot: {screenshot}")
    return timings


def archive(dist: Path = DIST) -> Path:
    """dist/openexplorer-<version>-<os>-<arch>.tar.gz: the app folder plus the Linux desktop
    files (share/) and install.sh."""
    machine = platform.machine().lower() or "unknown"
    name = f"openexplorer-{version()}-{sys.platform}-{machine}"
    out = dist / f"{name}.tar.gz"
    extras = {
        "share/applications/io.github.openexplorer.OpenExplorer.desktop": REPO / "packaging/linux/io.github.openexplorer.OpenExplorer.desktop",
        "share/metainfo/io.github.openexplorer.OpenExplorer.metainfo.xml":
            REPO / "packaging/linux/io.github.openexplorer.OpenExplorer.metainfo.xml",
        "share/icons/hicolor/scalable/apps/io.github.openexplorer.OpenExplorer.svg": ICON_SVG,
        "install.sh": REPO / "packaging/linux/install.sh",
    }
    for size in ICON_SIZES:
        hicolor = f"share/icons/hicolor/{size}x{size}/apps"
        extras[f"{hicolor}/io.github.openexplorer.OpenExplorer.png"] = (
            ICON_SVG.with_name(f"openexplorer-{size}.png"))
    with tarfile.open(out, "w:gz") as tar:
        tar.add(app_dir(dist), arcname=f"{name}/openexplorer")
        for arcname, source in extras.items():
            tar.add(source, arcname=f"{name}/{arcname}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true", help="smoke-run the existing bundle")
    parser.add_argument("--no-smoke", action="store_true", help="build only")
    parser.add_argument("--archive", action="store_true", help="also pack a .tar.gz")
    parser.add_argument("--icons", action="store_true", help="re-render the PNG icons and stop")
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="save the smoke run's window here")
    parser.add_argument("--dist", type=Path, default=DIST, help="output folder (default dist/)")
    args = parser.parse_args(argv)

    if args.icons:
        render_icons()
        return 0
    if not args.skip_build:
        seconds = build(args.dist)
        print(f"built {app_dir(args.dist)} in {seconds:.1f} s")
    size, files = folder_size(app_dir(args.dist))
    print(f"bundle: {size / 2**20:.0f} MiB in {files:,} files")
    if not args.no_smoke:
        print(f"smoke run of {executable(args.dist)} (offline, throw-away home):")
        smoke(executable(args.dist), screenshot=args.screenshot)
        print("smoke run passed")
    if args.archive:
        out = archive(args.dist)
        print(f"archive: {out} ({out.stat().st_size / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
