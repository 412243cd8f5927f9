#!/usr/bin/env python3
"""Bootstrap for the README's commands; needs only Python 3.11+.

    python3 dev.py run      set up .venv if needed, then start CE Recorder
    python3 dev.py test     set up .venv with the test tools, then lint, type-check, test
    python3 dev.py bench    the benchmarks in bench/ (builds a decade-sized demo vault once)
    python3 dev.py bundle   the PyInstaller one-folder build in dist/cerecorder, its
                            --self-test, and on Debian the .deb (packaging/linux), built
                            twice and compared, then dist/SHA256SUMS (scripts/checksums.py;
                            signed when CERECORDER_SIGNING_KEY_FILE or _KEY is set)
    python3 dev.py clean-install   (as root) that .deb installed with apt into a minimal
                            Debian 12 chroot (debootstrap, cached in build/chroot), its
                            --self-test there, then removed

On Debian, where `python3 -m venv` needs the python3-venv package, it is installed
with apt-get when running as root; otherwise the command to run is printed.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
# What Qt (PySide6 wheels) needs from Debian, offscreen (tests) and on a real screen (run).
QT_APT_PACKAGES = [
    "libegl1", "libgl1", "libfontconfig1", "libfreetype6", "libglib2.0-0", "libdbus-1-3",
    "libxkbcommon0", "libx11-6", "fonts-dejavu-core",
]
# What the tests check exported PDFs and sealed packets with, independently of the Python
# that wrote them; strace fails system calls for the disk-full tests; msitools, with
# which they build and read the Windows MSI; and dpkg-shlibdeps (dpkg-dev), from which
# the .deb's Depends come; fakeroot, under which a user who is not root runs dpkg --root in
# the upgrade test.
TEST_APT_PACKAGES = ["qpdf", "poppler-utils", "age", "strace", "msitools", "wixl", "dpkg-dev",
                     "fakeroot"]
# What clean-install makes its minimal Debian 12 with.
CLEAN_INSTALL_APT_PACKAGES = ["debootstrap", "debian-archive-keyring"]
# What the real-screen tests (tests/realscreen.py) drive the app with: a virtual X
# server, a window manager, real key presses, the list of mapped windows, screenshots.
REAL_SCREEN_TEST_APT_PACKAGES = ["xvfb", "openbox", "xdotool", "x11-utils", "imagemagick"]
SCREEN_APT_PACKAGES = [
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0",
    "libxcb-image0", "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0",
    "libxcb-xfixes0", "libxcb-xkb1", "libx11-xcb1", "libxcb-shm0", "libxcb-sync1",
]


def say(text: str) -> None:
    print(f"[dev] {text}", flush=True)


def sh(*cmd: str | Path, check: bool = True) -> int:
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, check=check).returncode


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(packages: list[str]) -> None:
    """Install missing Debian packages (as root), or say which to install."""
    if not sys.platform.startswith("linux") or not shutil.which("dpkg"):
        return  # not Debian: the wheels bring what they need, or the platform does
    missing = [
        p for p in packages
        if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0
    ]
    if not missing:
        return
    if not (is_root() and shutil.which("apt-get")):
        sys.exit(f"[dev] please install: sudo apt-get install {' '.join(missing)}")
    say(f"installing {' '.join(missing)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env)


def ensure_venv(extras: str) -> None:
    stamp = VENV / f".installed-{extras or 'app'}"
    if not PY.exists():
        try:
            import ensurepip  # noqa: F401  (Debian splits it into python3-venv)
        except ImportError:
            apt_install([f"python3.{sys.version_info.minor}-venv"])
        say("creating .venv")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pyproject = ROOT / "pyproject.toml"
    if stamp.exists() and stamp.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    say("installing CE Recorder and its dependencies into .venv")
    sh(PY, "-m", "pip", "install", "-q", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    sh(PY, "-m", "pip", "install", "-q", "-e", target)
    stamp.touch()


def run(args: list[str]) -> int:
    apt_install(QT_APT_PACKAGES + SCREEN_APT_PACKAGES)
    ensure_venv("")
    return sh(BIN / "cerecorder", *args, check=False)


def test(args: list[str]) -> int:
    apt_install(QT_APT_PACKAGES + TEST_APT_PACKAGES + REAL_SCREEN_TEST_APT_PACKAGES
                + SCREEN_APT_PACKAGES)
    ensure_venv("test")
    say("ruff")
    if sh(PY, "-m", "ruff", "check", "src", "tests", "bench", "scripts", "dev.py", check=False):
        return 1
    say("mypy")
    if sh(PY, "-m", "mypy", check=False):
        return 1
    say("pytest")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # GUI tests need no screen
    return sh(PY, "-m", "pytest", *args, check=False)


def bench(args: list[str]) -> int:
    """Storage and services (run.py, given the arguments), then the UI (ui_bench.py, on the
    school-sized vault; offscreen unless there is a display), Needs attention on the decade
    vault (attention_bench.py), then the handover PDF (pdf_bench.py), the pupil-roll import
    (roster_bench.py), sealing and importing 1,000 packets (packets_bench.py),
    transfers and subject access on the decade vault (file_life_bench.py), and a 20 MB
    photo attached and read back (attachments_bench.py)."""
    apt_install(QT_APT_PACKAGES)
    ensure_venv("test")
    storage = sh(PY, ROOT / "bench" / "run.py", *args, check=False)
    ui = sh(PY, ROOT / "bench" / "ui_bench.py", check=False)
    ui = sh(PY, ROOT / "bench" / "attention_bench.py", check=False) or ui
    documents = sh(PY, ROOT / "bench" / "pdf_bench.py", check=False)
    roster = sh(PY, ROOT / "bench" / "roster_bench.py", check=False)
    sealed = sh(PY, ROOT / "bench" / "packets_bench.py", check=False)
    file_life = sh(PY, ROOT / "bench" / "file_life_bench.py", check=False)
    attached = sh(PY, ROOT / "bench" / "attachments_bench.py", check=False)
    return storage or ui or documents or roster or sealed or file_life or attached


def bundle(args: list[str]) -> int:
    """dist/cerecorder (PyInstaller, packaging/cerecorder.spec), then the frozen app's own
    --self-test offscreen, then where dpkg-deb exists the .deb and a look at its contents."""
    apt_install(QT_APT_PACKAGES)
    ensure_venv("build")
    say("pyinstaller (a few minutes)")
    if sh(PY, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
          "--distpath", ROOT / "dist", "--workpath", ROOT / "build" / "pyinstaller",
          ROOT / "packaging" / "cerecorder.spec", *args, check=False):
        return 1
    frozen = ROOT / "dist" / "cerecorder" / ("cerecorder.exe" if os.name == "nt" else "cerecorder")
    say(f"{frozen.relative_to(ROOT)} --self-test")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if subprocess.run([str(frozen), "--self-test"], cwd=ROOT, env=env).returncode:
        return 1
    if not (sys.platform.startswith("linux") and shutil.which("dpkg-deb")):
        return 0
    say("dpkg-deb, twice at once from the same bundle and commit (they must be identical)")
    other = Path(tempfile.mkdtemp())
    try:
        deb, again = build_debs([ROOT / "dist", other])
        if not filecmp.cmp(deb, again, shallow=False):
            say(f"two builds of {Path(deb).name} differ: see SOURCE_DATE_EPOCH in build-deb.sh")
            return 1
    finally:
        shutil.rmtree(other)
    listing = subprocess.run(["dpkg-deb", "--contents", deb], check=True,
                             capture_output=True, text=True).stdout
    app = "./opt/cerecorder/package"  # postinst links it into /opt/cerecorder/VERSION
    wanted = [f"{app}/cerecorder", f"{app}/cerecorder-admin",
              "./usr/bin/cerecorder -> /opt/cerecorder/current/cerecorder",
              "./usr/bin/cerecorder-admin -> /opt/cerecorder/current/cerecorder-admin",
              "./usr/share/applications/cerecorder.desktop",
              "./usr/share/icons/hicolor/256x256/apps/cerecorder.png",
              f"{app}/_internal/resources/taxonomy/", f"{app}/_internal/resources/calendar/",
              f"{app}/_internal/ui/style.qss", f"{app}/BUILD-INFO"]
    missing = [w for w in wanted if w not in listing]
    if missing:
        say(f"{deb} lacks: {', '.join(missing)}")
        return 1
    # packaging/cerecorder.spec leaves out Qt's GTK 3 theme and the libraries only it uses
    unwanted = [w for w in ("libqgtk3.so", "libgtk-3.so", "libgdk_pixbuf-2.0.so",
                            "libpango-1.0.so")
                if w in listing]
    if unwanted:
        say(f"{deb} holds what would clash with the laptop's GTK: {', '.join(unwanted)}")
        return 1
    say(f"{Path(deb).relative_to(ROOT)}: {Path(deb).stat().st_size / 2**20:.0f} MiB")
    info = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True, capture_output=True)
    say(subprocess.run(["tar", "-xO", f"{app}/BUILD-INFO"], input=info.stdout,
                       check=True, capture_output=True).stdout.decode().strip())
    return sh(PY, ROOT / "scripts" / "checksums.py", "sign", ROOT / "dist", check=False)


def build_debs(outs: list[Path]) -> list[str]:
    """packaging/linux/build-deb.sh over dist/cerecorder into each folder, all at once;
    the .debs' paths."""
    builds = [subprocess.Popen(["bash", str(ROOT / "packaging" / "linux" / "build-deb.sh"),
                                str(ROOT / "dist" / "cerecorder"), str(out)],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True) for out in outs]
    paths = [build.communicate()[0].strip() for build in builds]
    if any(build.returncode for build in builds):
        sys.exit("[dev] build-deb.sh failed")
    return paths


#: The oldest system the .deb is for (docs/building.md): a minimal Debian 12 to install it in.
BASELINE = "bookworm"
CHROOT_CACHE = Path(os.environ.get("CERECORDER_CHROOT_CACHE", ROOT / "build" / "chroot"))


def in_chroot(root: Path, *cmd: str) -> None:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8",
           "DEBIAN_FRONTEND": "noninteractive", "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(["chroot", str(root), *cmd], check=True, env=env)


def clean_install(args: list[str]) -> int:
    """dist/cerecorder_*.deb installed with apt into a clean, minimal Debian 12 (debootstrap
    --variant=minbase, as root), then its --self-test there. The debootstrapped system and
    apt's downloads are kept in build/chroot (CERECORDER_CHROOT_CACHE) for the next run."""
    debs = sorted((ROOT / "dist").glob("cerecorder_*.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        sys.exit("[dev] no dist/cerecorder_*.deb: run python3 dev.py bundle first")
    if not is_root():
        sys.exit("[dev] clean-install builds a chroot: run it as root "
                 "(sudo python3 dev.py clean-install)")
    apt_install(CLEAN_INSTALL_APT_PACKAGES)
    base = CHROOT_CACHE / f"debian-{BASELINE}-minbase.tar"
    downloads = CHROOT_CACHE / "apt-archives"
    (downloads / "partial").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cerecorder-chroot-") as folder:
        root = Path(folder) / "root"
        root.mkdir()
        if base.exists():
            say(f"a clean Debian 12 from {base}")
            sh("tar", "-xf", base, "-C", root)
        else:
            say("debootstrap --variant=minbase bookworm (once; kept in the cache)")
            sh("debootstrap", "--variant=minbase",
               "--keyring=/usr/share/keyrings/debian-archive-keyring.gpg", BASELINE, root,
               "http://deb.debian.org/debian")
            sh("tar", "-cf", base, "-C", root, ".")
        shutil.copy(debs[-1], root / "srv" / debs[-1].name)  # where apt's _apt reads it
        mounts = [root / "proc", root / "var" / "cache" / "apt" / "archives"]
        sh("mount", "-t", "proc", "proc", mounts[0])
        sh("mount", "--bind", downloads, mounts[1])
        try:
            say(f"apt-get install ./{debs[-1].name} in the chroot")
            in_chroot(root, "apt-get", "update", "-q")
            in_chroot(root, "apt-get", "install", "-y", "-q", "--no-install-recommends",
                      f"/srv/{debs[-1].name}")
            say("cerecorder --self-test in the chroot")
            in_chroot(root, "cerecorder", "--self-test")
            in_chroot(root, "cerecorder-admin", "--version")
            in_chroot(root, "apt-get", "remove", "-y", "-q", "cerecorder")
            in_chroot(root, "test", "!", "-e", "/opt/cerecorder")
        finally:
            for mount in reversed(mounts):
                subprocess.run(["umount", str(mount)], check=False)
    return 0


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (this file runs before any install)
        sys.exit("CE Recorder needs Python 3.11 or newer.")
    commands = {"run": run, "test": test, "bench": bench, "bundle": bundle,
                "clean-install": clean_install}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
