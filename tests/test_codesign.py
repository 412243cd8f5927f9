"""scripts/codesign.py, the Windows signing hook: the command template from
CERECORDER_SIGN_COMMAND runs over every .exe, .dll, .pyd (and the MSI); without it the build
goes on unsigned and says so. A stand-in signer here records what it was given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "codesign.py"
#: Marks each file it is given as signed, and logs the arguments before them.
SIGNER = """import sys
at = sys.argv.index("--")
with open(sys.argv[1], "a", encoding="utf-8") as log:
    log.write(" ".join(sys.argv[2:at]) + "|" + str(len(sys.argv) - at - 1) + "\\n")
for name in sys.argv[at + 1:]:
    with open(name, "ab") as binary:
        binary.write(b" signed")
"""


def bundle(folder: Path) -> Path:
    root = folder / "cerecorder"
    (root / "_internal" / "PySide6").mkdir(parents=True)
    for name in ("cerecorder.exe", "cerecorder-admin.exe", "_internal/python311.dll",
                 "_internal/PySide6/QtCore.pyd", "_internal/PySide6/Qt6Core.DLL",
                 "_internal/base_library.zip", "_internal/style.qss"):
        (root / name).write_bytes(b"MZ")
    return root


def codesign(*targets: Path, command: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CERECORDER_SIGN_COMMAND"}
    if command is not None:
        env["CERECORDER_SIGN_COMMAND"] = command
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, targets)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_every_binary_is_signed_by_the_command_template(tmp_path: Path) -> None:
    root = bundle(tmp_path)
    signer, log = tmp_path / "signer.py", tmp_path / "log.txt"
    signer.write_text(SIGNER, encoding="utf-8")
    # as a cloud key is used: the tool's options quoted, then the files
    template = (f'"{sys.executable}" "{signer}" "{log}" sign /dlib "C:\\Program Files\\'
                f'Dlib.dll" /dmdf metadata.json -- {{files}}')
    done = codesign(root, command=template)
    assert done.returncode == 0, done.stderr
    assert "5 file(s) signed" in done.stdout
    signed = sorted(str(p.relative_to(root)) for p in root.rglob("*")
                    if p.is_file() and p.read_bytes() == b"MZ signed")
    assert signed == ["_internal/PySide6/Qt6Core.DLL", "_internal/PySide6/QtCore.pyd",
                      "_internal/python311.dll", "cerecorder-admin.exe", "cerecorder.exe"]
    assert (root / "_internal" / "style.qss").read_bytes() == b"MZ"
    assert log.read_text(encoding="utf-8") == (
        "sign /dlib C:\\Program Files\\Dlib.dll /dmdf metadata.json|5\n")


def test_one_file_per_run_and_a_failing_signer_fails_the_build(tmp_path: Path) -> None:
    msi = tmp_path / "CE-Recorder-1.0-x64.msi"
    msi.write_bytes(b"MZ")
    signer, log = tmp_path / "signer.py", tmp_path / "log.txt"
    signer.write_text(SIGNER, encoding="utf-8")
    done = codesign(msi, command=f'"{sys.executable}" "{signer}" "{log}" -- {{file}}')
    assert done.returncode == 0 and msi.read_bytes() == b"MZ signed"
    failed = codesign(msi, command=f'"{sys.executable}" -c "raise SystemExit(3)" {{file}}')
    assert failed.returncode == 1
    assert "the signing command failed (exit 3)" in failed.stderr


def test_without_a_command_the_build_goes_on_unsigned(tmp_path: Path) -> None:
    root = bundle(tmp_path)
    done = codesign(root, command=None)
    assert done.returncode == 0
    assert "UNSIGNED build: 5 file(s) left unsigned" in done.stdout
    assert all(p.read_bytes() == b"MZ" for p in root.rglob("*") if p.is_file())


def test_the_windows_workflow_signs_through_the_hook_before_and_after_the_msi() -> None:
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    bundle = workflow.index("python scripts/codesign.py dist/cerecorder")
    build = workflow.index("bash packaging/windows/build-msi.sh")
    msi = workflow.index("python scripts/codesign.py (Get-ChildItem dist\\*.msi)")
    assert bundle < build < msi
    assert workflow.count("CERECORDER_SIGN_COMMAND: ${{ secrets.WINDOWS_SIGN_COMMAND }}") == 2
    assert ".pfx" not in workflow.replace("no .pfx", "")
