#!/usr/bin/env bash
# Wrap the PyInstaller one-folder build (dist/cerecorder) into a Debian package:
#   /opt/cerecorder/                     the bundle
#   /usr/bin/cerecorder, cerecorder-admin   symlinks into it
#   /usr/share/applications/cerecorder.desktop and the icon (hicolor, 256 px and SVG)
#   /usr/share/doc/cerecorder/           the IT guide and an example policy.toml
#   /opt/cerecorder/BUILD-INFO           the build host's distribution and glibc, and the
#                                        oldest glibc the bundle needs
# Depends: what dpkg-shlibdeps finds the bundle's ELF files need from the system (the
# libraries the bundle does not carry itself, with their versions), checked against the
# highest GLIBC_x.y symbol version they require, and what Qt loads at run time.
# preinst and prerm (running-check) warn when CE Recorder is running.
#   packaging/linux/build-deb.sh [BUNDLE [OUTDIR]]   (default dist/cerecorder, dist)
# Output: OUTDIR/cerecorder_VERSION_ARCH.deb, its path on stdout. Run by `python3 dev.py bundle`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/packaging/linux"
bundle=$(cd "${1:-$root/dist/cerecorder}" && pwd)
out=$(cd "${2:-$root/dist}" && pwd)
[ -x "$bundle/cerecorder" ] || { echo "no $bundle/cerecorder: run python3 dev.py bundle" >&2; exit 1; }

# The version is the bundle's own: the package metadata PyInstaller copied (cerecorder.spec).
metadata=$(ls "$bundle"/_internal/cerecorder-*.dist-info/METADATA 2>/dev/null | head -n 1)
[ -n "$metadata" ] || { echo "$bundle has no cerecorder-*.dist-info: see cerecorder.spec" >&2; exit 1; }
version=$(sed -n 's/^Version: //p' "$metadata")
arch=$(dpkg --print-architecture)
deb="$out/cerecorder_${version}_${arch}.deb"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
install -d -m 755 "$stage"  # it becomes / on the target

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

# What the bundle's programs and libraries need from the system: dpkg-shlibdeps over every
# ELF file, a library found inside the bundle (-S, -l) counting as the package's own (it
# has no shlibs file: --ignore-missing-info). It reads debian/control from its folder.
elves=$(find "$stage/opt/cerecorder" -type f \( -name '*.so*' -o -perm -u+x \) \
    -exec sh -c 'head -c 4 "$1" | grep -q "ELF" && echo "$1"' _ {} \; | LC_ALL=C sort)
# library folders as installed (/opt/cerecorder/...): -S finds them in the stage
libdirs=$(printf '%s\n' "$elves" | grep '\.so' | xargs -r -n 1 dirname | LC_ALL=C sort -u \
    | sed "s|^$stage|-l|")
install -d "$work/debian"
printf 'Source: cerecorder\n\nPackage: cerecorder\nArchitecture: any\n' > "$work/debian/control"
# shellcheck disable=SC2086  # one argument per library folder and per file
shlibs=$(cd "$work" && dpkg-shlibdeps -O --warnings=0 --ignore-missing-info -S"$stage" $libdirs $elves \
    | sed -n 's/^shlibs:Depends=//p')
# The highest glibc symbol version any of them requires: the oldest glibc they run on.
glibc=$(printf '%s\n' "$elves" | xargs -r objdump -p 2>/dev/null \
    | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -u -V | tail -n 1)
libc=$(printf '%s\n' "$shlibs" | tr ',' '\n' | sed -n 's/^ *libc6 (>= \(.*\))$/\1/p')
if [ -z "$libc" ] || ! dpkg --compare-versions "$libc" ge "$glibc"; then
    echo "Depends from dpkg-shlibdeps ($shlibs) asks for libc6 ${libc:-unversioned}, but the bundle needs glibc $glibc" >&2
    exit 1
fi
# And what Qt loads at run time without linking it (the same lists as dev.py): drawing,
# fonts, and the xcb libraries for a real window, when dpkg-shlibdeps has not named them.
runtime="libegl1 libgl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 libxkbcommon0
 libx11-6 fonts-dejavu-core libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0
 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1
 libx11-xcb1 libxcb-shm0 libxcb-sync1"
depends=$shlibs
for package in $runtime; do
    printf '%s\n' "$shlibs" | tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' | grep -qx "$package" \
        || depends="$depends, $package"
done

. /etc/os-release
cat > "$stage/opt/cerecorder/BUILD-INFO" <<INFO
CE Recorder $version, $arch
Built on: ${PRETTY_NAME:-$ID $VERSION_ID}
Build host glibc: $(getconf GNU_LIBC_VERSION | sed 's/^glibc //')
Needs glibc: $glibc or later (the highest GLIBC_ symbol version the bundle requires)
Depends: $depends
INFO
chmod 644 "$stage/opt/cerecorder/BUILD-INFO"
install -m 755 "$here/running-check" "$stage/DEBIAN/preinst"
install -m 755 "$here/running-check" "$stage/DEBIAN/prerm"

cat > "$stage/DEBIAN/control" <<CONTROL
Package: cerecorder
Version: $version
Section: education
Priority: optional
Architecture: $arch
Maintainer: CE Recorder <cerecorder@example.invalid>
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: $depends
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
