"""What an installed copy needs: `cerecorder --self-test` passes (and names what is broken
when it fails), and an installed wheel, away from the source tree, finds ui/ and
resources/ inside the package."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import types
import venv
from pathlib import Path

import pytest

from cerecorder import __version__, app, hardening, selftest
from cerecorder.domain.handover import DocumentRenderer
from cerecorder.policy import Policy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def hardened(monkeypatch: pytest.MonkeyPatch) -> None:
    """The self-tests run in this process find crash dumps off, as the entry point leaves
    them (pytest's process is not hardened: test_hardening.py checks the step fails)."""
    monkeypatch.setattr(hardening, "check", lambda: "core limit 0, not dumpable")


def self_test_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the self-test must choose offscreen by itself
    env["CERECORDER_HOME"] = str(home)
    return env


def test_self_test_passes_and_leaves_nothing(home: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = self_test_env(home)
    env["TMPDIR"] = str(scratch)  # where its temporary vault and PDF go
    done = subprocess.run(
        [sys.executable, "-c", "from cerecorder.app import main; main()", "--self-test"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"CE Recorder {__version__} self-test passed in ")
    assert "chronology PDF of " in done.stdout
    crash_dumps = {"linux": "core limit 0, not dumpable", "darwin": "core limit 0",
                   "win32": "fault dialog off"}[sys.platform]
    assert f"crash dumps off ({crash_dumps})" in done.stdout  # the entry point hardened it
    assert done.stderr == ""
    assert list(scratch.iterdir()) == []
    assert not home.exists()  # not even a log or a settings file


def test_self_test_carries_the_policy_marking(qapp: object) -> None:
    out, err = io.StringIO(), io.StringIO()
    rules = Policy(protective_marking="OFFICIAL-SENSITIVE PERSONAL")
    assert selftest.run(rules, lambda: app.documents(rules), out, err) == 0, err.getvalue()


def test_a_packaged_self_test_names_its_build_host_and_baseline(
        monkeypatch: pytest.MonkeyPatch, qapp: object, tmp_path: Path) -> None:
    program = tmp_path / "cerecorder"  # a frozen copy, as packaged: BUILD-INFO beside it
    program.touch()
    (tmp_path / "BUILD-INFO").write_text(
        "CE Recorder 1.2.0, amd64\nBuilt on: Debian GNU/Linux 12 (bookworm)\n"
        "Baseline: Debian GNU/Linux 12 (bookworm) or later (libc6 (>= 2.36))\n",
        encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program))
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run(Policy(), lambda: app.documents(Policy()), out, err) == 0, err.getvalue()
    assert out.getvalue().rstrip().endswith(
        "; built on Debian GNU/Linux 12 (bookworm), for Debian GNU/Linux 12 (bookworm) or "
        "later (libc6 (>= 2.36))")


def test_an_unpackaged_self_test_names_no_build_host(qapp: object) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run(Policy(), lambda: app.documents(Policy()), out, err) == 0, err.getvalue()
    assert "built on" not in out.getvalue()


def test_self_test_names_a_missing_qt_plugin(monkeypatch: pytest.MonkeyPatch,
                                            qapp: object) -> None:
    monkeypatch.setitem(selftest.NATIVE_PLATFORM, sys.platform, "qnowhere")
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run(Policy(), lambda: app.documents(Policy()), out, err) == 1
    assert out.getvalue() == ""
    message = err.getvalue()
    assert "self-test FAILED while finding the Qt plugins" in message
    assert "qnowhere" in message


def test_self_test_names_a_missing_print_support_plugin(monkeypatch: pytest.MonkeyPatch,
                                                        qapp: object) -> None:
    """Without it a bundle still prints to PDF, but Print lists no printer."""
    monkeypatch.setitem(selftest.PRINT_SUPPORT, sys.platform, "nowhereprintersupport")
    err = io.StringIO()
    assert selftest.run(Policy(), lambda: app.documents(Policy()), io.StringIO(), err) == 1
    assert "FAILED while finding the Qt plugins: the Qt print support plugin " \
        "nowhereprintersupport is missing" in err.getvalue()


def test_self_test_prints_through_qt(monkeypatch: pytest.MonkeyPatch, qapp: object) -> None:
    from cerecorder.ui import preview

    out = io.StringIO()
    assert selftest.run(Policy(), lambda: app.documents(Policy()), out, io.StringIO()) == 0
    assert "checked, its first page printed to a file" in out.getvalue()
    monkeypatch.setattr(preview, "print_pages", lambda pages, printer: 0)
    err = io.StringIO()
    assert selftest.run(Policy(), lambda: app.documents(Policy()), io.StringIO(), err) == 1
    assert "FAILED while printing the PDF through Qt: 0 of 1 page reached the printer" \
        in err.getvalue()


def test_self_test_names_a_library_it_cannot_load(qapp: object) -> None:
    def renderer() -> DocumentRenderer:
        raise ModuleNotFoundError("No module named 'PIL'")

    err = io.StringIO()
    assert selftest.run(Policy(), renderer, io.StringIO(), err) == 1
    assert ("self-test FAILED while loading the PDF renderer: ModuleNotFoundError: No module "
            "named 'PIL'") in err.getvalue()


def test_self_test_names_missing_resources(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setattr(selftest.paths, "taxonomy_dir", lambda: tmp_path / "gone")
    err = io.StringIO()
    assert selftest.run(Policy(), lambda: app.documents(Policy()), io.StringIO(), err) == 1
    assert "FAILED while finding the taxonomy" in err.getvalue()


CHECK = textwrap.dedent("""
    import json, sys
    from cerecorder import paths
    from cerecorder.domain.taxonomy import TaxonomyLibrary
    ui, res = paths.ui_dir(), paths.resources_dir()
    print(json.dumps({
        "package": str(paths.__file__),
        "ui": str(ui), "resources": str(res),
        "style": (ui / "style.qss").is_file(),
        "fonts": sorted(p.name for p in (res / "fonts").glob("*.ttf")),
        "taxonomy": TaxonomyLibrary.load(paths.taxonomy_dir()).current.version,
    }))
""")


@pytest.mark.slow
def test_an_installed_wheel_carries_everything_and_passes_its_self_test(tmp_path: Path) -> None:
    """Build the wheel (setuptools must not warn of a package left out of its
    configuration), check it holds every module and every file of ui/ and resources/,
    install it without dependencies into a fresh venv that borrows the test venv's
    dependencies, and run `cerecorder --self-test` from a folder outside the source tree."""
    import json
    import site
    import zipfile

    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w",
                            str(wheels), str(ROOT)], capture_output=True, text=True,
                           timeout=300, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "is absent from the `packages` configuration" not in built.stdout + built.stderr
    (wheel,) = wheels.glob("cerecorder-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"cerecorder/{p.relative_to(ROOT / 'src' / 'cerecorder').as_posix()}"
              for p in (ROOT / "src" / "cerecorder").rglob("*.py")}
    for folder, package in (("resources", "_resources"), ("ui", "_ui")):
        wanted |= {f"cerecorder/{package}/{p.relative_to(ROOT / folder).as_posix()}"
                   for p in (ROOT / folder).rglob("*") if p.is_file()}
    assert wanted - inside == set()
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    scripts = target / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", str(wheel)], check=True, timeout=300, cwd=tmp_path)
    # The dependencies come from the test venv, added as a plain folder: its .pth files
    # (the editable checkout of cerecorder) are not run, so only the wheel's copy exists.
    fresh = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    Path(fresh, "borrowed-dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(python), "-I", "-c", CHECK], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120, check=True)
    found = json.loads(done.stdout)
    package = Path(found["package"]).parent
    assert not package.is_relative_to(ROOT), found  # the wheel, not the editable checkout
    assert Path(found["ui"]) == package / "_ui"
    assert Path(found["resources"]) == package / "_resources"
    assert found["style"]
    assert found["fonts"] == ["DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
                              "DejaVuSans.ttf"]
    assert found["taxonomy"]
    env = {k: v for k, v in self_test_env(tmp_path / "home").items() if k != "PYTHONPATH"}
    program = scripts / ("cerecorder.exe" if os.name == "nt" else "cerecorder")
    tested = subprocess.run([str(program), "--self-test"], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.startswith(f"CE Recorder {__version__} self-test passed in ")
    assert f"resources in {package / '_resources'}," in tested.stdout


def test_the_log_names_a_bug_without_its_message(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """An exception's message may quote a record: the log keeps its type and where."""
    from cerecorder import paths
    from cerecorder.cli import main as cli
    from cerecorder.services.clock import SystemClock

    from helpers import TAXONOMY

    said = "CANARY-7f3 Zoë said something"  # a record's words in the message, not the code

    def broken(*args: object) -> int:
        raise RuntimeError(said)

    monkeypatch.setattr(cli, "_users", broken)
    app.configure_logging()
    try:
        assert cli.run(["users", str(home / "v")], taxonomy=TAXONOMY, clock=SystemClock()) == 1
    finally:
        for handler in list(app.log.handlers):
            handler.close()
            app.log.removeHandler(handler)
    assert "internal error (a bug)" in capsys.readouterr().err
    logged = (paths.log_dir() / "cerecorder.log").read_text(encoding="utf-8")
    assert "command users: internal error RuntimeError at" in logged
    assert "in broken" in logged
    assert "CANARY" not in logged


def load_dev() -> types.ModuleType:
    """dev.py, the README's bootstrap script (not a package module)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_linux_workflow_installs_what_dev_py_would_stop_for() -> None:
    """The workflow's package step lists every Debian package of dev.py's lists, and the
    job runs in the stated baseline (Debian 12), not on the runner's own system."""
    dev = load_dev()
    workflow = (ROOT / ".github" / "workflows" / "linux.yml").read_text(encoding="utf-8")
    step = workflow.split("apt-get install -y -q libegl1", 1)[1].split("- name:", 1)[0]
    installed = {"libegl1"} | set(step.replace("\\", " ").split())
    assert "image: debian:12" in workflow
    wanted = (set(dev.QT_APT_PACKAGES) | set(dev.TEST_APT_PACKAGES)
              | set(dev.REAL_SCREEN_TEST_APT_PACKAGES) | set(dev.SCREEN_APT_PACKAGES)
              | set(dev.CLEAN_INSTALL_APT_PACKAGES))
    assert wanted - installed == set()


def test_the_mac_app_asks_for_the_macos_that_qt_needs() -> None:
    """Qt 6.10, the oldest PySide6 pyproject.toml allows, supports macOS 13 or later."""
    import re

    spec = (ROOT / "packaging" / "cerecorder.spec").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"PySide6-Essentials>=6.10,' in pyproject
    found = re.search(r'"LSMinimumSystemVersion": "(\d+)\.', spec)
    assert found is not None
    assert int(found.group(1)) >= 13


def test_the_app_starts_without_loading_the_pdf_libraries(tmp_path: Path) -> None:
    """ReportLab, pypdf and PDFium load at the first document, not while the unlock window
    waits to be painted (about a third of a second)."""
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from cerecorder import app\n"
        "from cerecorder.ui.controller import AppController\n"
        "qt = QApplication([])\n"
        "ctx = app.build_context()\n"
        "AppController(ctx).start()\n"
        "print(sorted(m for m in ('reportlab', 'pypdf', 'pypdfium2', 'cerecorder.ui.main_window')"
        " if m in sys.modules))\n"
        "ctx.documents.loaded()\n"
        "print('reportlab' in sys.modules)\n"
    )
    env = {**os.environ, "CERECORDER_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "True"]


MENU_WINDOWS = ("dsl_views", "intel_dialog", "register_window", "roster_import", "sar_window",
                "settings_dialog", "transfers_window", "network_view", "term_dates",
                "ofsted_window", "actions_window", "case_status")


def test_the_main_window_loads_its_menu_windows_only_when_opened() -> None:
    """Signing in paints the main window without first importing every window its menus
    open (about a quarter of a second of CPU); each loads when first opened."""
    script = (
        "import sys\n"
        "import cerecorder.ui.main_window\n"
        f"print([m for m in {MENU_WINDOWS!r} if 'cerecorder.ui.' + m in sys.modules])\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_clean_install_tells_a_bundled_copy_from_debians(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """dev.py clean-install's judge of what an installed copy loaded: a library from the
    bundle that Debian also has fails it, and so does an expected one not from Debian."""
    dev = load_dev()
    monkeypatch.setattr(dev, "CHROOT_CACHE", tmp_path)
    root = tmp_path / "root"
    lib = root / "usr" / "lib" / f"{os.uname().machine}-linux-gnu"
    lib.mkdir(parents=True)
    (lib / "libX11.so.6").touch()  # the chroot's Debian has libX11
    debians = [f"/usr/lib/{lib.name}/libX11.so.6.4.0",
               "/opt/cerecorder/1.0/_internal/libQt6Gui.so.6"]
    assert dev.from_debian(root, "the self-test", debians, ("libX11.so.6",))
    assert "1 libraries from its bundle and 1 from Debian" in capsys.readouterr().out
    assert (tmp_path / "loaded-by-self-test.txt").read_text(encoding="utf-8").splitlines() == [
        debians[1], debians[0]]
    bundled = ["/opt/cerecorder/1.0/_internal/libX11.so.6"]
    assert not dev.from_debian(root, "the self-test", bundled, ("libX11.so.6",))
    told = capsys.readouterr().out
    assert "bundled copies of the system's libraries were loaded: " in told
    assert "not loaded from Debian's folders: libX11.so.6" in told
