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
RUNNING_CHECK = ROOT / "packaging" / "linux" / "running-check"


def glibc_needed(files: list[Path]) -> tuple[int, ...]:
    """The highest GLIBC_x.y version any of the files requires (objdump's version
    references)."""
    found = re.findall(r"GLIBC_([0-9.]+)", subprocess.run(
        ["objdump", "-p", *map(str, files)], capture_output=True, text=True,
        check=True).stdout)
    return max(tuple(int(n) for n in v.split(".")) for v in found)


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("deb")
    bundle = folder / "cerecorder"
    internal = bundle / "_internal"
    info = internal / f"cerecorder-{__version__}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.4\nName: cerecorder\nVersion: {__version__}\n", encoding="utf-8")
    for program in ("cerecorder", "cerecorder-admin"):
        shutil.copy(shutil.which("gzip") or "/usr/bin/gzip", bundle / program)
    # libfreetype needs libpng16 (the bundle's own copy: no dependency on libpng16-16), and
    # both need zlib (from the system: a dependency)
    for library in ("libfreetype.so.6", "libpng16.so.16"):
        shutil.copy(LIBS / library, internal / library)
    (internal / "base_library.zip").write_bytes(b"PK not an ELF file")
    (bundle / "_internal" / "resources").mkdir()
    out = folder / "out"
    out.mkdir()
    done = subprocess.run(["bash", str(ROOT / "packaging" / "linux" / "build-deb.sh"),
                           str(bundle), str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.parent == out
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
    info = (tmp_path / "opt" / "cerecorder" / "BUILD-INFO").read_text(encoding="utf-8")
    release = dict(line.split("=", 1) for line in
                   Path("/etc/os-release").read_text(encoding="utf-8").splitlines() if "=" in line)
    assert f"Built on: {release['PRETTY_NAME'].strip(chr(34))}\n" in info
    assert f"Build host glibc: {platform.libc_ver()[1]}\n" in info
    elves = [bundle / "cerecorder", *sorted((bundle / "_internal").glob("*.so*"))]
    needs = ".".join(map(str, glibc_needed(elves)))
    assert f"Needs glibc: {needs} or later" in info
    assert f"Depends: {field(package, 'Depends')}\n" in info


def test_the_maintainer_scripts_are_the_running_check(deb: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    package, _ = deb
    subprocess.run(["dpkg-deb", "-e", str(package), str(tmp_path)], check=True)
    for script in ("preinst", "prerm"):
        path = tmp_path / script
        assert path.read_bytes() == RUNNING_CHECK.read_bytes()
        assert path.stat().st_mode & 0o777 == 0o755


def running_check(prefix: Path) -> Path:
    """The script as installed, looking under prefix instead of /opt/cerecorder."""
    text = RUNNING_CHECK.read_text(encoding="utf-8")
    assert "\nprefix=/opt/cerecorder\n" in text
    script = prefix.parent / "running-check"
    script.write_text(text.replace("\nprefix=/opt/cerecorder\n", f"\nprefix={prefix}\n"),
                      encoding="utf-8")
    return script


def test_upgrading_or_removing_while_it_runs_warns(tmp_path: Path) -> None:
    prefix = tmp_path / "opt" / "cerecorder"
    prefix.mkdir(parents=True)
    script = running_check(prefix)
    quiet = subprocess.run(["sh", str(script), "upgrade", "0.1"], capture_output=True,
                           text=True, timeout=60)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    program = prefix / "cerecorder-admin"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", program)
    running = subprocess.Popen([str(program), "300"])
    try:
        for action, doing in (("upgrade", "upgrading"), ("remove", "removing")):
            done = subprocess.run(["sh", str(script), action], capture_output=True,
                                  text=True, timeout=60)
            assert done.returncode == 0  # a warning, never a failed upgrade
            assert done.stdout == ""
            assert (f"CE Recorder is running (process {running.pid}) while {doing} the "
                    "package") in done.stderr
    finally:
        os.kill(running.pid, signal.SIGTERM)
        running.wait(timeout=60)
