#!/usr/bin/env bash
# Wrap the PyInstaller one-folder build (dist/cerecorder) into a Debian package:
#   /opt/cerecorder/                     the bundle
#   /usr/bin/cerecorder, cerecorder-admin   symlinks into it
#   /usr/share/applications/cerecorder.desktop and the icon (hicolor, 256 px and SVG)
#   /usr/share/doc/cerecorder/           the IT guide and an example policy.toml
# Output: dist/cerecorder_VERSION_ARCH.deb. Run by `python3 dev.py bundle`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/packaging/linux"
bundle="$root/dist/cerecorder"
[ -x "$bundle/cerecorder" ] || { echo "no $bundle/cerecorder: run python3 dev.py bundle" >&2; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/pyproject.toml")
arch=$(dpkg --print-architecture)
deb="$root/dist/cerecorder_${version}_${arch}.deb"
stage=$(mktemp -d)
chmod 755 "$stage"  # it becomes / on the target
trap 'rm -rf "$stage"' EXIT

install -d "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/icons/hicolor/256x256/apps" "$stage/usr/share/icons/hicolor/scalable/apps" \
    "$stage/usr/share/doc/cerecorder"
cp -a "$bundle" "$stage/opt/cerecorder"
find "$stage/opt/cerecorder" -type f -name '*.so*' -exec chmod 644 {} +  # libraries: not run
ln -s /opt/cerecorder/cerecorder "$stage/usr/bin/cerecorder"
ln -s /opt/cerecorder/cerecorder-admin "$stage/usr/bin/cerecorder-admin"
install -m 644 "$here/cerecorder.desktop" "$stage/usr/share/applications/"
install -m 644 "$here/cerecorder.png" "$stage/usr/share/icons/hicolor/256x256/apps/"
install -m 644 "$here/cerecorder.svg" "$stage/usr/share/icons/hicolor/scalable/apps/"
install -m 644 "$root"/docs/*.md "$stage/usr/share/doc/cerecorder/"
install -m 644 "$root/docs/policy.toml.example" "$stage/usr/share/doc/cerecorder/"
cat > "$stage/usr/share/doc/cerecorder/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: CE Recorder

Files: *
License: GPL-3.0-or-later
 On Debian systems the full text is in /usr/share/common-licenses/GPL-3.

Files: opt/cerecorder/_internal/resources/fonts/*
Copyright: Bitstream, Inc.; DejaVu fonts team
License: Bitstream-Vera
 See opt/cerecorder/_internal/resources/fonts/LICENSE-DejaVu.txt.

Files: opt/cerecorder/_internal/*
Comment: Python, Qt (PySide6, LGPL-3.0), SQLCipher, cryptography, ReportLab and the
 other libraries bundled by PyInstaller, each under its own licence.
COPYRIGHT

# What Qt needs from the system (the same lists as dev.py): drawing, fonts, and the xcb
# libraries for a real window. Everything else is inside the bundle.
depends="libc6, libegl1, libgl1, libfontconfig1, libfreetype6, libglib2.0-0, libdbus-1-3,
 libxkbcommon0, libx11-6, fonts-dejavu-core, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1,
 libxkbcommon-x11-0, libxcb-image0, libxcb-randr0, libxcb-render-util0, libxcb-shape0,
 libxcb-xfixes0, libxcb-xkb1, libx11-xcb1, libxcb-shm0, libxcb-sync1"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: cerecorder
Version: $version
Section: education
Priority: optional
Architecture: $arch
Maintainer: CE Recorder <cerecorder@example.invalid>
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: $(echo $depends)
Description: offline, encrypted safeguarding concern recorder for schools
 Staff record safeguarding concerns about children, above all signs of child
 criminal and sexual exploitation, in an encrypted SQLCipher vault; the DSL
 triages them and keeps a chronology per child. No network is used.
 .
 Machine-wide policy: /etc/xdg/CE Recorder/policy.toml (see
 /usr/share/doc/cerecorder/policy.md). Check an install: cerecorder --self-test
CONTROL

dpkg-deb --build --root-owner-group -Zxz -z6 "$stage" "$deb" >/dev/null
echo "$deb"
