#!/bin/sh
# Install an unpacked OpenExplorer bundle for the current user (or, with PREFIX=/usr/local and
# root, for everyone): the app folder, the `openexplorer` command, the menu entry, the icons
# and the AppStream metainfo. Run it from the unpacked archive:
#
#     tar xzf openexplorer-*-linux-*.tar.gz && cd openexplorer-*/ && ./install.sh
#
# Uninstall: ./install.sh --uninstall (same PREFIX).
set -eu
PREFIX="${PREFIX:-$HOME/.local}"
HERE="$(cd "$(dirname "$0")" && pwd)"
APP_ID=io.github.openexplorer.OpenExplorer
APP_DIR="$PREFIX/lib/openexplorer"

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APP_DIR"
    rm -f "$PREFIX/bin/openexplorer" "$PREFIX/share/applications/io.github.openexplorer.OpenExplorer.desktop" \
        "$PREFIX/share/metainfo/$APP_ID.metainfo.xml"
    find "$PREFIX/share/icons/hicolor" -name "$APP_ID.*" -delete 2>/dev/null || true
    echo "OpenExplorer removed from $PREFIX"
    exit 0
fi

mkdir -p "$PREFIX/bin" "$PREFIX/lib"
rm -rf "$APP_DIR"
cp -a "$HERE/openexplorer" "$APP_DIR"
ln -sf "$APP_DIR/openexplorer" "$PREFIX/bin/openexplorer"
(cd "$HERE/share" && find . -type f) | while read -r file; do
    mkdir -p "$(dirname "$PREFIX/share/$file")"
    cp "$HERE/share/$file" "$PREFIX/share/$file"
done
# The menu entry runs the installed command by its full path ($PREFIX/bin may not be on PATH).
sed -i "s|^Exec=.*|Exec=$APP_DIR/openexplorer|; s|^TryExec=.*|TryExec=$APP_DIR/openexplorer|" \
    "$PREFIX/share/applications/io.github.openexplorer.OpenExplorer.desktop"
command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$PREFIX/share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" || true
echo "OpenExplorer installed in $APP_DIR; run: openexplorer (or find it in your applications menu)"
