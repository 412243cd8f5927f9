#!/usr/bin/env python3
"""SHA256SUMS for a release's artefacts and its detached Ed25519 signature.

    python3 scripts/checksums.py sign FOLDER        write FOLDER/SHA256SUMS (every file
                                                    but the sums themselves) and, given a
                                                    key, FOLDER/SHA256SUMS.sig
    python3 scripts/checksums.py verify FOLDER --public-key KEY.pub
                                                    check the signature, then every sum
    python3 scripts/checksums.py keygen KEY         a new key pair: KEY (private, 0600)
                                                    and KEY.pub (to publish)

The private key (PEM, PKCS#8) comes from the file named by CERECORDER_SIGNING_KEY_FILE
or the PEM text in CERECORDER_SIGNING_KEY (a CI secret). Without either the sums are still
written and the build says it is unsigned. The signature is Ed25519 over the SHA256SUMS
file's bytes, so OpenSSL 3 checks it too (docs/building.md):

    openssl pkeyutl -verify -pubin -inkey KEY.pub -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig
    sha256sum -c SHA256SUMS
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

SUMS = "SHA256SUMS"
SIGNATURE = SUMS + ".sig"


def sums_text(folder: Path) -> str:
    """sha256sum's format ("HASH  NAME"), sorted by name, for every file in folder."""
    lines = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name not in (SUMS, SIGNATURE):
            digest = hashlib.sha256()
            with path.open("rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
            lines.append(f"{digest.hexdigest()}  {path.name}\n")
    return "".join(lines)


def signing_key() -> Ed25519PrivateKey | None:
    """The key from the environment, or None when none is given."""
    named = os.environ.get("CERECORDER_SIGNING_KEY_FILE")
    pem = Path(named).read_bytes() if named else os.environ.get(
        "CERECORDER_SIGNING_KEY", "").encode()
    if not pem.strip():
        return None
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        sys.exit("checksums: the signing key is not an Ed25519 key")
    return key


def sign(folder: Path) -> int:
    sums = sums_text(folder).encode()
    if not sums:
        sys.exit(f"checksums: {folder} holds no artefacts")
    (folder / SUMS).write_bytes(sums)
    key = signing_key()
    signature = folder / SIGNATURE
    if key is None:
        signature.unlink(missing_ok=True)
        print(f"checksums: {folder / SUMS} written; UNSIGNED build (set "
              "CERECORDER_SIGNING_KEY_FILE or CERECORDER_SIGNING_KEY to sign it)")
        return 0
    signature.write_bytes(key.sign(sums))
    print(f"checksums: {folder / SUMS} written and signed ({signature.name})")
    return 0


def verify(folder: Path, public_key: Path) -> int:
    key = serialization.load_pem_public_key(public_key.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        sys.exit(f"checksums: {public_key} is not an Ed25519 public key")
    try:
        sums = (folder / SUMS).read_bytes()
        key.verify((folder / SIGNATURE).read_bytes(), sums)
    except FileNotFoundError as exc:
        print(f"checksums: {exc.filename} is missing", file=sys.stderr)
        return 1
    except InvalidSignature:
        print(f"checksums: {SIGNATURE} does not match {SUMS} and this key", file=sys.stderr)
        return 1
    if sums.decode() != sums_text(folder):
        print(f"checksums: the files in {folder} differ from {SUMS}", file=sys.stderr)
        return 1
    print(f"checksums: signature good, {len(sums.splitlines())} file(s) match")
    return 0


def keygen(private: Path) -> int:
    key = Ed25519PrivateKey.generate()
    private.touch(mode=0o600, exist_ok=False)
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public = private.with_name(private.name + ".pub")
    public.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    print(f"checksums: {private} (keep it secret) and {public} (publish it)")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("sign").add_argument("folder", type=Path)
    checking = commands.add_parser("verify")
    checking.add_argument("folder", type=Path)
    checking.add_argument("--public-key", type=Path, required=True)
    commands.add_parser("keygen").add_argument("key", type=Path)
    args = parser.parse_args()
    if args.command == "sign":
        sys.exit(sign(args.folder))
    if args.command == "verify":
        sys.exit(verify(args.folder, args.public_key))
    sys.exit(keygen(args.key))


if __name__ == "__main__":
    main()
