#!/usr/bin/env bash
# Wrap the PyInstaller one-folder build (dist/cerecorder) into a Debian package:
#   /opt/cerecorder/package/             the bundle as shipped, which nothing runs from
#   /opt/cerecorder/VERSION/, current    made by postinst: the bundle hard-linked into its
#                                        version's folder, current -> VERSION (maintainer)
#   /usr/bin/cerecorder, cerecorder-admin   symlinks through /opt/cerecorder/current
#   /usr/share/applications/cerecorder.desktop and the icon (hicolor, 256 px and SVG)
#   /usr/share/doc/cerecorder/           the IT guide and an example policy.toml
#   /opt/cerecorder/package/BUILD-INFO   the build host's distribution and glibc, the
#                                        oldest glibc the bundle needs, the baseline (also
#                                        the control fields X-Built-On, X-Baseline), Depends
#                                        and SOURCE_DATE_EPOCH
# Depends: what dpkg-shlibdeps finds the bundle's ELF files need from the system (the
# libraries the bundle does not carry itself, with their versions), checked against the
# highest GLIBC_x.y symbol version they require and raised to the build host's glibc (the
# baseline), and what Qt loads at run time.
# The maintainer scripts (packaging/linux/maintainer) switch versions safely while
# CE Recorder runs, and say so.
# Reproducible: every mtime is SOURCE_DATE_EPOCH (default: the last commit's time), owners
# root, names sorted (dpkg-deb): the same bundle and commit give the same bytes. xz runs
# multi-threaded (single-threaded it takes 4 minutes): liblzma's threaded encoder cuts the
# data into blocks of a size set by -z6 alone, so any machine with 2 or more cores gives the
# same bytes; a 1-core machine uses the single-threaded encoder and other bytes.
#   packaging/linux/build-deb.sh [BUNDLE [OUTDIR]]   (default dist/cerecorder, dist)
# Output: OUTDIR/cerecorder_VERSION_ARCH.deb, its path on stdout. Run by `python3 dev.py bundle`.
set -euo pipefail
umask 022
export LC_ALL=C
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
: "${SOURCE_DATE_EPOCH:=$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}"
export SOURCE_DATE_EPOCH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
install -d -m 755 "$stage"  # it becomes / on the target

install -d "$stage/DEBIAN" "$stage/opt/cerecorder" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/icons/hicolor/256x256/apps" "$stage/usr/share/icons/hicolor/scalable/apps" \
    "$stage/usr/share/doc/cerecorder"
app="$stage/opt/cerecorder/package"
cp -a "$bundle" "$app"
find "$app" -type f -name '*.so*' -exec chmod 644 {} +  # libraries: not run
ln -s /opt/cerecorder/current/cerecorder "$stage/usr/bin/cerecorder"
ln -s /opt/cerecorder/current/cerecorder-admin "$stage/usr/bin/cerecorder-admin"
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

Files: opt/cerecorder/package/_internal/resources/fonts/*
Copyright: Bitstream, Inc.; DejaVu fonts team
License: Bitstream-Vera
 See opt/cerecorder/package/_internal/resources/fonts/LICENSE-DejaVu.txt.

Files: opt/cerecorder/package/_internal/*
Comment: Python, Qt (PySide6, LGPL-3.0), SQLCipher, cryptography, ReportLab and the
 other libraries bundled by PyInstaller, each under its own licence.
COPYRIGHT

# What the bundle's programs and libraries need from the system: dpkg-shlibdeps over every
# ELF file, a library found inside the bundle (-S, -l) counting as the package's own (it
# has no shlibs file: --ignore-missing-info). It reads debian/control from its folder.
elves=$(find "$app" -type f \( -name '*.so*' -o -perm -u+x \) \
    -exec sh -c 'head -c 4 "$1" | grep -q "ELF" && echo "$1"' _ {} \; | LC_ALL=C sort)
# library folders as installed (/opt/cerecorder/package/...): -S finds them in the stage
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
# The baseline is the build host's distribution, the system the release is built and tested
# on (dev.py clean-install): libc6 is at least its glibc, even where the bundle's files
# would need less (without the system's libraries the bundle needs only Python's
# GLIBC_2.35), so apt refuses the package on an older system nobody has tried it on
# (Debian 11, Ubuntu 22.04) instead of installing it there.
host_glibc=$(getconf GNU_LIBC_VERSION | sed 's/^glibc //')
floor=$libc
if dpkg --compare-versions "$host_glibc" gt "$libc"; then floor=$host_glibc; fi
shlibs=$(printf '%s\n' "$shlibs" | sed "s/libc6 (>= [^)]*)/libc6 (>= $floor)/")
. /etc/os-release
built_on="${PRETTY_NAME:-$ID $VERSION_ID}"
baseline="$built_on or later (libc6 (>= $floor))"
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

cat > "$app/BUILD-INFO" <<INFO
CE Recorder $version, $arch
Built on: $built_on
Build host glibc: $host_glibc
Needs glibc: $glibc or later (the highest GLIBC_ symbol version the bundle requires)
Baseline: $baseline
Depends: $depends
SOURCE_DATE_EPOCH: $SOURCE_DATE_EPOCH
INFO
chmod 644 "$app/BUILD-INFO"
for script in preinst postinst prerm postrm; do
    sed "s/@VERSION@/$version/g" "$here/maintainer" > "$stage/DEBIAN/$script"
    chmod 755 "$stage/DEBIAN/$script"
done

cat > "$stage/DEBIAN/control" <<CONTROL
Package: cerecorder
Version: $version
Section: education
Priority: optional
Architecture: $arch
Maintainer: CE Recorder <cerecorder@example.invalid>
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: $depends
X-Built-On: $built_on, glibc $host_glibc
X-Baseline: $baseline
Description: offline, encrypted safeguarding concern recorder for schools
 Staff record safeguarding concerns about children, above all signs of child
 criminal and sexual exploitation, in an encrypted SQLCipher vault; the DSL
 triages them and keeps a chronology per child. No network is used.
 .
 Machine-wide policy: /etc/xdg/CE Recorder/policy.toml (see
 /usr/share/doc/cerecorder/policy.md). Check an install: cerecorder --self-test
CONTROL

find "$stage" -depth -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --build --root-owner-group -Zxz -z6 "$stage" "$deb" >/dev/null
echo "$deb"
