"""scripts/checksums.py: SHA256SUMS for the release's artefacts, signed with Ed25519, and
checked by the script and independently by sha256sum and OpenSSL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "checksums.py"


def checksums(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CERECORDER_SIGNING")}
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True, timeout=120, env={**clean, **env})


def artefacts(folder: Path) -> Path:
    dist = folder / "dist"
    dist.mkdir()
    (dist / "cerecorder_1.0_amd64.deb").write_bytes(b"!<arch>\n" + bytes(range(256)) * 40)
    (dist / "CE-Recorder-1.0-x64.msi").write_bytes(b"\xd0\xcf\x11\xe0 msi")
    return dist


def test_signed_sums_verify_here_and_with_openssl(tmp_path: Path) -> None:
    key = tmp_path / "release.key"
    assert checksums("keygen", key).returncode == 0
    assert key.stat().st_mode & 0o777 == 0o600
    dist = artefacts(tmp_path)
    signed = checksums("sign", dist, CERECORDER_SIGNING_KEY_FILE=str(key))
    assert signed.returncode == 0, signed.stderr
    assert "signed (SHA256SUMS.sig)" in signed.stdout
    lines = (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert [line.split("  ")[1] for line in lines] == ["CE-Recorder-1.0-x64.msi",
                                                       "cerecorder_1.0_amd64.deb"]
    assert len((dist / "SHA256SUMS.sig").read_bytes()) == 64
    public = tmp_path / "release.key.pub"
    good = checksums("verify", dist, "--public-key", public)
    assert good.returncode == 0
    assert good.stdout.strip() == "checksums: signature good, 2 file(s) match"
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=dist, check=True)
    subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(public),
                    "-rawin", "-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig"],
                   cwd=dist, check=True, capture_output=True)

    (dist / "CE-Recorder-1.0-x64.msi").write_bytes(b"\xd0\xcf\x11\xe0 tampered")
    changed = checksums("verify", dist, "--public-key", public)
    assert changed.returncode == 1
    assert "differ from SHA256SUMS" in changed.stderr
    (dist / "SHA256SUMS").write_text("0" * 64 + "  forged\n", encoding="utf-8")
    forged = checksums("verify", dist, "--public-key", public)
    assert forged.returncode == 1
    assert "SHA256SUMS.sig does not match SHA256SUMS" in forged.stderr


def test_a_key_in_the_environment_signs_and_no_key_still_builds(tmp_path: Path) -> None:
    key = tmp_path / "release.key"
    checksums("keygen", key)
    dist = artefacts(tmp_path)
    signed = checksums("sign", dist, CERECORDER_SIGNING_KEY=key.read_text(encoding="utf-8"))
    assert signed.returncode == 0 and (dist / "SHA256SUMS.sig").exists()
    unsigned = checksums("sign", dist)
    assert unsigned.returncode == 0
    assert "UNSIGNED build" in unsigned.stdout
    assert not (dist / "SHA256SUMS.sig").exists()  # no stale signature of other sums
    assert (dist / "SHA256SUMS").read_text(encoding="utf-8").count("\n") == 2
    missing = checksums("verify", dist, "--public-key", tmp_path / "release.key.pub")
    assert missing.returncode == 1 and "SHA256SUMS.sig is missing" in missing.stderr
