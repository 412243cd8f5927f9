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

import contextlib
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator
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


#: Some of the libraries Debian provides that PyInstaller used to copy into the bundle from
#: the build machine (packaging/cerecorder.spec leaves every one out; bundle checks these).
SYSTEM_NAMES = ("libX11.so", "libxcb.so", "libfontconfig.so", "libfreetype.so",
                "libglib-2.0.so", "libdbus-1.so", "libssl.so", "libcrypto.so", "libgnutls.so",
                "libkrb5.so", "libcups.so", "libstdc++.so", "libgtk-3.so", "libpango-1.0.so")


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
    photo attached and read back, a 12-megapixel photo opened and a concern with 10 of
    them opened (attachments_bench.py, offscreen)."""
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
    # packaging/cerecorder.spec leaves out Qt's GTK 3 theme and the system's own libraries,
    # which the laptop's Debian provides (Depends) and apt keeps patched
    unwanted = [w for w in listing.split() if "/libqgtk3.so" in w
                or any(w.startswith(f"{app}/_internal/{name}.") for name in SYSTEM_NAMES)]
    if unwanted:
        say(f"{deb} holds copies of the system's libraries: {', '.join(unwanted)}")
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


#: The oldest system the .deb is for (docs/install-linux.md): a minimal Debian 12 to install
#: it in; the release after it, where it must install and pass its self-test too; and the
#: release before it (glibc 2.31), where apt must refuse it.
BASELINE, NEWER, OLDER = "bookworm", "trixie", "bullseye"
MIRROR = os.environ.get("CERECORDER_DEBIAN_MIRROR", "http://deb.debian.org/debian")
CHROOT_CACHE = Path(os.environ.get("CERECORDER_CHROOT_CACHE", ROOT / "build" / "chroot"))
#: What Qt on xcb must take from Debian once the bundle leaves the system's libraries out
#: (packaging/cerecorder.spec): checked loaded from the system's folders in the chroot.
SYSTEM_COPIES = ("libX11.so.6", "libxcb.so.1", "libfontconfig.so.1", "libfreetype.so.6",
                 "libglib-2.0.so.0", "libdbus-1.so.3", "libstdc++.so.6", "libxkbcommon.so.0")
#: What printing through Qt loads (its CUPS plugin), and Python's ssl and hashlib: the
#: self-test prints, so it must load these from Debian's folders too.
PRINTING_COPIES = ("libcups.so.2", "libgnutls.so.30", "libkrb5.so.3", "libssl.so.3")
CHROOT_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8",
              "DEBIAN_FRONTEND": "noninteractive", "QT_QPA_PLATFORM": "offscreen"}


def in_chroot(root: Path, *cmd: str, check: bool = True, capture_output: bool = False,
              stdout: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["chroot", str(root), *cmd], env=CHROOT_ENV, text=True, check=check,
                          capture_output=capture_output, stdout=stdout)


@contextlib.contextmanager
def clean_debian(suite: str, deb: Path) -> Iterator[Path]:
    """A fresh minimal Debian suite in a temporary folder, deb in its /srv, with /proc and
    apt's downloads and lists (kept in the cache) mounted (an X server's socket is reached
    through Linux's abstract namespace, which a chroot shares). The
    debootstrapped system is made once (debootstrap --variant=minbase) and kept as a
    tarball in CHROOT_CACHE."""
    base = CHROOT_CACHE / f"debian-{suite}-minbase.tar"
    cached = [CHROOT_CACHE / "apt-archives" / suite, CHROOT_CACHE / "apt-lists" / suite]
    for folder in cached:
        (folder / "partial").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cerecorder-chroot-") as work:
        root = Path(work) / "root"
        root.mkdir()
        if base.exists():
            say(f"a clean Debian {suite} from {base}")
            sh("tar", "-xf", base, "-C", root)
        else:
            say(f"debootstrap --variant=minbase {suite} {MIRROR} (once; kept in the cache)")
            sh("debootstrap", "--variant=minbase",
               "--keyring=/usr/share/keyrings/debian-archive-keyring.gpg", suite, root, MIRROR)
            sh("tar", "-cf", base, "-C", root, ".")
        shutil.copy(deb, root / "srv" / deb.name)  # where apt's _apt user can read it
        mounts = [(root / "proc", ["-t", "proc", "proc"]),
                  (root / "var" / "cache" / "apt" / "archives", ["--bind", str(cached[0])]),
                  (root / "var" / "lib" / "apt" / "lists", ["--bind", str(cached[1])])]
        done = []
        try:
            for point, how in mounts:
                sh("mount", *how, point)
                done.append(point)
            in_chroot(root, "apt-get", "update", "-q", stdout=subprocess.DEVNULL)
            yield root
        finally:
            for point in reversed(done):
                subprocess.run(["umount", str(point)], check=False)


def clean_install(args: list[str]) -> int:
    """dist/cerecorder_*.deb installed with apt into a clean, minimal Debian 12 (debootstrap
    --variant=minbase, as root), its --self-test there, the app started on a virtual screen
    (Xvfb) with a check that it loads the system's libraries, not copies of its own; then
    installed and self-tested in a minimal Debian 13; then apt must refuse the .deb in a
    minimal Debian 11, whose glibc is too old. The
    debootstrapped systems and apt's downloads are kept in build/chroot
    (CERECORDER_CHROOT_CACHE) for the next run; CERECORDER_DEBIAN_MIRROR names the mirror."""
    debs = sorted((ROOT / "dist").glob("cerecorder_*.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        sys.exit("[dev] no dist/cerecorder_*.deb: run python3 dev.py bundle first")
    if not is_root():
        sys.exit("[dev] clean-install builds a chroot: run it as root "
                 "(sudo python3 dev.py clean-install)")
    apt_install(CLEAN_INSTALL_APT_PACKAGES)
    deb = debs[-1]
    with clean_debian(BASELINE, deb) as root:
        say(f"apt-get install ./{deb.name} in Debian {BASELINE}")
        in_chroot(root, "apt-get", "install", "-y", "-q", "--no-install-recommends",
                  f"/srv/{deb.name}", stdout=subprocess.DEVNULL)
        say("cerecorder --self-test in the chroot (LD_DEBUG=libs: what it loads, from where)")
        in_chroot(root, "env", "LD_DEBUG=libs", "LD_DEBUG_OUTPUT=/tmp/loaded", "cerecorder",
                  "--self-test")
        initialised = [line.split("calling init: ", 1)[1].strip()
                       for record in (root / "tmp").glob("loaded.*")
                       for line in record.read_text(encoding="utf-8").splitlines()
                       if "calling init: " in line]
        if not from_debian(root, "the self-test", initialised,
                           (*SYSTEM_COPIES[2:-1], *PRINTING_COPIES)):
            return 1
        in_chroot(root, "cerecorder-admin", "--version")
        say("every library of the installed bundle finds what it links (ldd)")
        unresolved = in_chroot(root, "sh", "-c", LDD_ALL, capture_output=True).stdout
        if unresolved.strip():
            say(f"libraries the .deb's Depends do not bring:\n{unresolved}")
            return 1
        if not loads_the_systems_libraries(root):
            return 1
        in_chroot(root, "apt-get", "remove", "-y", "-q", "cerecorder", stdout=subprocess.DEVNULL)
        in_chroot(root, "test", "!", "-e", "/opt/cerecorder")
    with clean_debian(NEWER, deb) as root:
        say(f"apt-get install ./{deb.name} in Debian {NEWER} (its libraries renamed for "
            "64-bit time_t, as in Ubuntu 24.04: libcups2t64, libssl3t64, ...)")
        in_chroot(root, "apt-get", "install", "-y", "-q", "--no-install-recommends",
                  f"/srv/{deb.name}", stdout=subprocess.DEVNULL)
        in_chroot(root, "cerecorder", "--self-test")
    return refused_where_too_old(deb)


#: ldd over every ELF file of the installed bundle, with the library path the bootloader
#: sets: the lines of what is not found.
LDD_ALL = ("cd /opt/cerecorder/current && find . -name '*.so*' -type f | sort | while read -r f;"
           " do LD_LIBRARY_PATH=$PWD/_internal ldd \"$f\" 2>&1 | grep 'not found'"
           " | sed \"s|^|$f: |\"; done; true")


def loads_the_systems_libraries(root: Path) -> bool:
    """The installed app started on Xvfb, inside the chroot: its window shown, which
    libraries it has mapped (/proc/PID/maps) from the bundle and from Debian. False (and
    why) when a bundled library is one Debian also has, or SYSTEM_COPIES are not Debian's."""
    apt_install(["xvfb", "xdotool"])
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                               "1366x768x24", "-nolisten", "tcp"], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as chosen:
        display = f":{chosen.readline().strip()}"
    env = {**CHROOT_ENV, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen(["chroot", str(root), "cerecorder"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        shown = False
        while not shown and app.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
            shown = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid",
                                    str(app.pid)], env={**os.environ, "DISPLAY": display},
                                   capture_output=True).returncode == 0
        if not shown:
            app.kill()
            say(f"the installed app showed no window on Xvfb in the chroot: {app.communicate()[1]}")
            return False
        maps = Path(f"/proc/{app.pid}/maps").read_text(encoding="utf-8")
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=30)
        server.terminate()
        server.wait(timeout=30)
    prefix = str(root)
    mapped = [line.split(maxsplit=5)[-1].removeprefix(prefix) for line in maps.splitlines()
              if ".so" in line.rsplit("/", 1)[-1] and line.count(" ") >= 5]
    return from_debian(root, "on Xvfb the installed app", mapped, SYSTEM_COPIES)


def from_debian(root: Path, who: str, loaded: list[str], expected: tuple[str, ...]) -> bool:
    """Whether the libraries loaded (paths inside the chroot) are Debian's wherever Debian
    has them: none from the bundle that Debian also has, and each expected soname from
    Debian's folders. Says what was found; the list goes to CHROOT_CACHE."""
    own = sorted({p for p in loaded if p.startswith("/opt/cerecorder/")})
    system = sorted({p for p in loaded if not p.startswith("/opt/cerecorder/")})
    lib = root / "usr" / "lib" / f"{os.uname().machine}-linux-gnu"
    clashes = [p for p in own if (lib / Path(p).name).exists()]
    names = {Path(p).name for p in system}
    absent = [name for name in expected  # by soname: libX11.so.6 is libX11.so.6.4.0
              if not any(n == name or n.startswith(f"{name}.") for n in names)]
    record = CHROOT_CACHE / f"loaded-by-{who.split()[-1]}.txt"
    record.write_text("".join(f"{p}\n" for p in [*own, *system]), encoding="utf-8")
    say(f"{who} loaded {len(own)} libraries from its bundle and {len(system)} from Debian, "
        f"among them {', '.join(expected)} (the list: {record})")
    if clashes:
        say(f"bundled copies of the system's libraries were loaded: {', '.join(clashes)}")
    if absent:
        say(f"not loaded from Debian's folders: {', '.join(absent)}")
    return not clashes and not absent


def refused_where_too_old(deb: Path) -> int:
    """apt must refuse the .deb in a minimal Debian 11 (glibc 2.31), naming libc6: 0 when
    it does."""
    depends = subprocess.run(["dpkg-deb", "--field", str(deb), "Depends"], check=True,
                             capture_output=True, text=True).stdout
    libc = next((part.strip() for part in depends.split(",")
                 if part.strip().startswith("libc6 (>=")), None)
    if libc is None:
        say(f"{deb.name} has no versioned libc6 in Depends: {depends.strip()}")
        return 1
    with clean_debian(OLDER, deb) as root:
        say(f"apt-get install ./{deb.name} in Debian {OLDER}: apt must refuse it ({libc})")
        tried = in_chroot(root, "apt-get", "install", "-s", "-q", "--no-install-recommends",
                          f"/srv/{deb.name}", check=False, capture_output=True)
    refusal = [line.strip() for line in tried.stdout.splitlines() if "Depends: libc6" in line]
    if tried.returncode == 0 or not refusal:
        say(f"apt would install {deb.name} on Debian {OLDER}, where it cannot start:\n"
            f"{tried.stdout}{tried.stderr}")
        return 1
    say(f"refused on Debian {OLDER}, as it should be: {refusal[0]}")
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
