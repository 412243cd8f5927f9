"""The .deb's control logic (packaging/linux/build-deb.sh) on a fake bundle of a few ELF
files copied from this system, without PyInstaller: Depends from dpkg-shlibdeps (the
bundle's own libraries left out, libc6 at least the newest glibc symbol any file needs),
the build host recorded, and maintainer scripts that warn while CE Recorder runs."""

from __future__ import annotations

import os
import platform
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from cerecorder import __version__

ROOT = Path(__file__).resolve().parent.parent
LIBS = Path("/usr/lib") / f"{platform.machine()}-linux-gnu"
MAINTAINER = ROOT / "packaging" / "linux" / "maintainer"
BUILD_DEB = ROOT / "packaging" / "linux" / "build-deb.sh"


def glibc_needed(files: list[Path]) -> tuple[int, ...]:
    """The highest GLIBC_x.y version any of the files requires (objdump's version
    references)."""
    found = re.findall(r"GLIBC_([0-9.]+)", subprocess.run(
        ["objdump", "-p", *map(str, files)], capture_output=True, text=True,
        check=True).stdout)
    return max(tuple(int(n) for n in v.split(".")) for v in found)


def fake_bundle(folder: Path, version: str, program: Path) -> Path:
    """A bundle of version's metadata, its two programs (copies of program) and two of
    this system's libraries, as build-deb.sh reads one."""
    bundle = folder / "cerecorder"
    internal = bundle / "_internal"
    info = internal / f"cerecorder-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.4\nName: cerecorder\nVersion: {version}\n", encoding="utf-8")
    for name in ("cerecorder", "cerecorder-admin"):
        shutil.copy(program, bundle / name)
    # libfreetype needs libpng16 (the bundle's own copy: no dependency on libpng16-16), and
    # both need zlib (from the system: a dependency)
    for library in ("libfreetype.so.6", "libpng16.so.16"):
        shutil.copy(LIBS / library, internal / library)
    (internal / "base_library.zip").write_bytes(b"PK not an ELF file")
    (internal / "resources").mkdir()
    return bundle


def build_deb(bundle: Path, out: Path, **env: str) -> Path:
    out.mkdir(exist_ok=True)
    done = subprocess.run(["bash", str(BUILD_DEB), str(bundle), str(out)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("deb")
    bundle = fake_bundle(folder, __version__, Path(shutil.which("gzip") or "/usr/bin/gzip"))
    path = build_deb(bundle, folder / "out")
    assert path.parent == folder / "out"
    assert path.name.startswith(f"cerecorder_{__version__}_")
    return path, bundle


def field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "--field", str(deb), name], capture_output=True,
                          text=True, check=True).stdout.strip()


def depends(deb: Path) -> dict[str, str]:
    """Depends as package -> version constraint ('' for none)."""
    found = {}
    for part in field(deb, "Depends").split(","):
        name, _, rest = part.strip().partition(" ")
        found[name] = rest.strip("()")
    return found


def test_depends_comes_from_the_bundles_elf_files(deb: tuple[Path, Path]) -> None:
    package, bundle = deb
    assert field(package, "Version") == __version__
    needed = depends(package)
    assert needed["zlib1g"].startswith(">= ")  # what libpng links from the system
    assert "libpng16-16" not in needed  # the bundle carries its own copy
    assert {"libxcb-cursor0", "libegl1", "fonts-dejavu-core"} <= set(needed)  # Qt, at run time
    assert needed["libc6"].startswith(">= ")
    elves = [bundle / "cerecorder", *sorted((bundle / "_internal").glob("*.so*"))]
    libc = tuple(int(n) for n in re.findall(r"\d+", needed["libc6"])[:2])
    assert libc >= glibc_needed(elves)


def test_the_build_host_and_the_glibc_needed_are_recorded(deb: tuple[Path, Path],
                                                         tmp_path: Path) -> None:
    package, bundle = deb
    subprocess.run(["dpkg-deb", "-x", str(package), str(tmp_path)], check=True)
    info = (tmp_path / "opt" / "cerecorder" / "package" / "BUILD-INFO").read_text(encoding="utf-8")
    release = dict(line.split("=", 1) for line in
                   Path("/etc/os-release").read_text(encoding="utf-8").splitlines() if "=" in line)
    assert f"Built on: {release['PRETTY_NAME'].strip(chr(34))}\n" in info
    assert f"Build host glibc: {platform.libc_ver()[1]}\n" in info
    elves = [bundle / "cerecorder", *sorted((bundle / "_internal").glob("*.so*"))]
    needs = ".".join(map(str, glibc_needed(elves)))
    assert f"Needs glibc: {needs} or later" in info
    assert f"Depends: {field(package, 'Depends')}\n" in info
    # the baseline: the build host's system, libc6 at least its glibc (tested there only)
    built_on = f"{release['PRETTY_NAME'].strip(chr(34))}, glibc {platform.libc_ver()[1]}"
    assert field(package, "X-Built-On") == built_on
    host = tuple(int(n) for n in platform.libc_ver()[1].split("."))
    assert tuple(int(n) for n in re.findall(r"\d+", depends(package)["libc6"])[:2]) >= host
    baseline = field(package, "X-Baseline")
    assert baseline.startswith(f"{release['PRETTY_NAME'].strip(chr(34))} or later (libc6 (>= ")
    assert f"Baseline: {baseline}\n" in info


def test_the_maintainer_scripts_are_one_file_for_this_version(deb: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    package, _ = deb
    subprocess.run(["dpkg-deb", "-e", str(package), str(tmp_path)], check=True)
    expected = MAINTAINER.read_bytes().replace(b"@VERSION@", __version__.encode())
    for script in ("preinst", "postinst", "prerm", "postrm"):
        path = tmp_path / script
        assert path.read_bytes() == expected
        assert path.stat().st_mode & 0o777 == 0o755


def maintainer_script(root: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the maintainer script as dpkg would run cerecorder.NAME under DPKG_ROOT=root."""
    script = root / f"cerecorder.{name}"
    script.write_bytes(MAINTAINER.read_bytes().replace(b"@VERSION@", b"2.0"))
    return subprocess.run(["sh", str(script), *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "DPKG_ROOT": str(root)})


def test_upgrading_or_removing_while_it_runs_says_so(tmp_path: Path) -> None:
    prefix = tmp_path / "opt" / "cerecorder"
    (prefix / "1.0").mkdir(parents=True)
    quiet = maintainer_script(tmp_path, "preinst", "upgrade", "1.0")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    program = prefix / "1.0" / "cerecorder-admin"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", program)
    running = subprocess.Popen([str(program), "300"])
    try:
        upgrade = maintainer_script(tmp_path, "preinst", "upgrade", "1.0")
        assert (upgrade.returncode, upgrade.stdout) == (0, "")  # never a failed upgrade
        assert (f"CE Recorder is running (process {running.pid}) while upgrading the "
                "package: each running copy keeps working; its users get version 2.0 "
                "when they next start it.") in upgrade.stderr
        remove = maintainer_script(tmp_path, "prerm", "remove")
        assert (remove.returncode, remove.stdout) == (0, "")
        assert (f"CE Recorder is running (process {running.pid}) while removing the "
                "package: ask its users to save and close it.") in remove.stderr
        removed = maintainer_script(tmp_path, "postrm", "remove")
        assert removed.returncode == 0
        assert program.exists()  # its folder stays while it runs
        assert f"version 1.0 is still running (process {running.pid})" in removed.stderr
    finally:
        os.kill(running.pid, signal.SIGTERM)
        running.wait(timeout=60)
    assert maintainer_script(tmp_path, "postrm", "purge").returncode == 0
    assert not prefix.exists()


def dpkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """dpkg on its own database and files under root, the maintainer scripts run without a
    chroot (DPKG_ROOT=root); under fakeroot when not root. The fake bundle's Depends are
    this system's, not root's: --force-depends."""
    for folder in ("updates", "info"):
        (root / "var" / "lib" / "dpkg" / folder).mkdir(parents=True, exist_ok=True)
    (root / "var" / "lib" / "dpkg" / "status").touch()
    command = ["dpkg", f"--root={root}", f"--log={root / 'dpkg.log'}",
               "--force-script-chrootless", "--force-depends", *args]
    if os.geteuid() != 0:
        command.insert(0, "fakeroot")
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"  # ldconfig, start-stop-daemon
    return subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": path})


#: A running copy as PyInstaller's bootloader is one: it finds its folder from its own
#: program (/proc/self/exe, every symlink resolved, as the bootloader does) and reads its
#: archive by name when it needs a module, here at start and again when told to.
READS_ITS_ARCHIVE_AGAIN = """
home=$(dirname "$(readlink /proc/$$/exe)")
first=$(cat "$home/_internal/archive") || exit 3
echo "$first"
read go
again=$(cat "$home/_internal/archive") || exit 4
[ "$again" = "$first" ] || exit 5
echo "$again"
"""


def test_an_upgrade_leaves_a_running_copy_reading_its_own_archive(tmp_path: Path) -> None:
    """Two real .debs installed with dpkg -i (into a dpkg root of their own) while a copy of
    the first runs: it reads the archive it started with after the upgrade, current points
    to the second, and the first's folder goes once nothing runs from it."""
    shell = Path(os.path.realpath(shutil.which("dash") or "/bin/sh"))
    packages = []
    for version in ("1.0", "2.0"):
        bundle = fake_bundle(tmp_path / f"build-{version}", version, shell)
        (bundle / "_internal" / "archive").write_text(f"archive of {version}\n",
                                                      encoding="utf-8")
        packages.append(build_deb(bundle, tmp_path / "out"))
    root = tmp_path / "root"
    prefix = root / "opt" / "cerecorder"
    first = dpkg(root, "-i", str(packages[0]))
    assert first.returncode == 0, first.stderr
    assert os.readlink(prefix / "current") == "1.0"
    launcher = root / "usr" / "bin" / "cerecorder"
    assert os.readlink(launcher) == "/opt/cerecorder/current/cerecorder"
    running = subprocess.Popen([str(prefix / "current" / "cerecorder"), "-c",
                                READS_ITS_ARCHIVE_AGAIN], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert running.stdout is not None and running.stdin is not None
        assert running.stdout.readline() == "archive of 1.0\n"
        upgrade = dpkg(root, "-i", str(packages[1]))
        assert upgrade.returncode == 0, upgrade.stderr
        assert f"CE Recorder is running (process {running.pid})" in upgrade.stderr
        assert f"version 1.0 is still running (process {running.pid})" in upgrade.stderr
        assert os.readlink(prefix / "current") == "2.0"
        assert (prefix / "current" / "_internal" / "archive").read_text(
            encoding="utf-8") == "archive of 2.0\n"
        # dpkg replaced the package's copy in place; the running copy's folder is untouched
        assert (prefix / "package" / "_internal" / "archive").read_text(
            encoding="utf-8") == "archive of 2.0\n"
        out, _ = running.communicate("go\n", timeout=60)
        assert (running.returncode, out) == (0, "archive of 1.0\n")
    finally:
        if running.poll() is None:
            running.kill()
            running.wait(timeout=60)
    assert (prefix / "1.0").is_dir()  # nothing has run a maintainer script since it closed
    assert dpkg(root, "-i", str(packages[1])).returncode == 0  # a reinstall tidies
    assert sorted(p.name for p in prefix.iterdir()) == ["2.0", "current", "package"]
    assert dpkg(root, "--purge", "cerecorder").returncode == 0
    assert not prefix.exists()


def test_two_builds_of_one_bundle_and_commit_are_byte_identical(deb: tuple[Path, Path],
                                                                tmp_path: Path) -> None:
    """Every mtime is SOURCE_DATE_EPOCH (the last commit's time), owners root, the files
    in name order: a copy of the bundle made later, built into another folder, gives the
    same bytes."""
    package, bundle = deb
    copy = tmp_path / "copy"
    shutil.copytree(bundle, copy / "cerecorder", copy_function=shutil.copy)  # new mtimes
    again = build_deb(copy / "cerecorder", tmp_path / "out")
    assert again.read_bytes() == package.read_bytes()
    epoch = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                           capture_output=True, text=True, check=True).stdout.strip()
    members = subprocess.run(["ar", "tv", str(package)], capture_output=True, text=True,
                             check=True).stdout
    assert members.count(" 0/0 ") == 3  # debian-binary, control, data: owners root
    listing = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(package)], check=True,
                             capture_output=True).stdout
    times = subprocess.run(["tar", "--list", "--verbose", "--full-time", "--utc"],
                           input=listing, capture_output=True, check=True).stdout.decode()
    stamp = subprocess.run(["date", "-u", "-d", f"@{epoch}", "+%Y-%m-%d %H:%M:%S"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert all(f" {stamp} " in line for line in times.splitlines()), times
    assert all(" root/root " in line for line in times.splitlines())
    later = build_deb(bundle, tmp_path / "later", SOURCE_DATE_EPOCH=str(int(epoch) + 86400))
    assert later.read_bytes() != package.read_bytes()  # the epoch is what it is stamped with
