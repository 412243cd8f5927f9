#!/usr/bin/env python3
"""Sign every Windows binary of a build through a command the signer chooses.

    python scripts/codesign.py dist/cerecorder          every .exe, .dll and .pyd in it
    python scripts/codesign.py dist/CE-Recorder-1.0-x64.msi

CERECORDER_SIGN_COMMAND is the command template: {files} stands for the files (given in
batches of 50, within Windows' command-line limit), {file} for one file per run. So the
key may be anywhere the signing tool reaches: a cloud key (Azure Trusted Signing through
signtool /dlib, Azure Key Vault through AzureSignTool) or a hardware token (signtool /sha1
with the token's driver), with no .pfx file at all. Examples (docs/building.md):

    signtool sign /fd SHA256 /tr http://timestamp.acs.microsoft.com /td SHA256
        /dlib "C:\\...\\Azure.CodeSigning.Dlib.dll" /dmdf metadata.json {files}
    AzureSignTool sign -kvu https://VAULT.vault.azure.net -kvc CERT -kvm
        -tr http://timestamp.digicert.com -td sha256 {files}

Without CERECORDER_SIGN_COMMAND nothing is signed and the build goes on, saying so. A
failing command fails the build.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

#: What Windows checks a signature on: programs, libraries (Python's extension modules are
#: DLLs), and installers.
SIGNED_SUFFIXES = (".exe", ".dll", ".pyd", ".msi")
BATCH = 50


def binaries(target: Path) -> list[Path]:
    """target itself, or every file to sign under the folder, in name order."""
    if target.is_file():
        return [target]
    return sorted(p for p in target.rglob("*")
                  if p.is_file() and p.suffix.lower() in SIGNED_SUFFIXES)


def template_words(template: str) -> list[str]:
    """The template's words, quotes taken off: Windows paths keep their backslashes."""
    words = shlex.split(template, posix=False)
    return [w[1:-1] if len(w) >= 2 and w[0] == w[-1] and w[0] in "\"'" else w for w in words]


def commands(template: str, files: list[Path]) -> list[list[str]]:
    """One command per batch ({files}) or per file ({file})."""
    words = template_words(template)
    if "{files}" in words:
        at = words.index("{files}")
        return [[*words[:at], *map(str, files[i:i + BATCH]), *words[at + 1:]]
                for i in range(0, len(files), BATCH)]
    if "{file}" in words:
        return [[str(f) if w == "{file}" else w for w in words] for f in files]
    sys.exit("codesign: CERECORDER_SIGN_COMMAND must contain {files} or {file}")


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    files = [f for target in sys.argv[1:] for f in binaries(Path(target))]
    if not files:
        sys.exit(f"codesign: nothing to sign in {' '.join(sys.argv[1:])}")
    template = os.environ.get("CERECORDER_SIGN_COMMAND", "").strip()
    if not template:
        print(f"codesign: UNSIGNED build: {len(files)} file(s) left unsigned "
              "(set CERECORDER_SIGN_COMMAND to sign them)")
        return
    for command in commands(template, files):
        done = subprocess.run(command, check=False)
        if done.returncode:
            sys.exit(f"codesign: the signing command failed (exit {done.returncode})")
    print(f"codesign: {len(files)} file(s) signed")


if __name__ == "__main__":
    main()
