"""Shared test helpers: a clock tests can steer, fast key derivation, common records."""

from __future__ import annotations

import io
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from cerecorder import paths
from cerecorder.crypto.keyslots import KdfParams
from cerecorder.domain.model import ChildDetails, ConcernContent, Role, Urgency
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import attachments, children, session, users

#: Argon2id at its cheapest: the parameters are stored per slot, so the code path is the
#: production one. A test checks the default parameters separately.
FAST_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)
DSL_PASS = "correct horse battery staple"
STAFF_PASS = "staff passphrase for tests"
SCHOOL = "Eastcombe Academy"

TAXONOMY = TaxonomyLibrary.load(paths.taxonomy_dir())


def file_mode(path: Path) -> int:
    """A file's or folder's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


class MockClock:
    """After KeePassXC's MockClock: time stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 16, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def new_vault(folder: Path, clock: MockClock) -> session.Session:
    opened, _ = session.create(
        folder, user_name="dsl", display_name="Dana Lead", role=Role.DSL, passphrase=DSL_PASS,
        clock=clock, taxonomy=TAXONOMY, kdf=FAST_KDF,
    )
    return opened


def add_staff(s: session.Session, name: str = "teacher") -> int:
    return users.add_user(
        s, name=name, display_name=name.title(), role=Role.STAFF, passphrase=STAFF_PASS
    ).id


def reopen(folder: Path, clock: MockClock, name: str = "dsl", passphrase: str = DSL_PASS,
           **more: Any) -> session.Session:
    """Unlock a test vault again (its slots keep the fast KDF they were made with)."""
    return session.unlock(folder, user_name=name, passphrase=passphrase, clock=clock,
                          taxonomy=TAXONOMY, **more)


def reopen_anchored(folder: Path, clock: MockClock, name: str = "dsl",
                    passphrase: str = DSL_PASS, **more: Any) -> session.Session:
    """reopen(), checking the anchors of this machine's state folder as the app does."""
    return reopen(folder, clock, name, passphrase, anchor_folders=(paths.anchor_dir(),),
                  **more)


def vault_files(folder: Path) -> dict[str, bytes]:
    """The database and the key file as they are, to show that something left them alone."""
    return {name: (folder / name).read_bytes() for name in ("vault.db", "keyslots.json")}


def switch_to(s: session.Session, name: str, passphrase: str) -> session.Session:
    folder = s.vault.files.folder
    clock = s.clock
    s.lock()
    return session.unlock(
        folder, user_name=name, passphrase=passphrase, clock=clock, taxonomy=TAXONOMY
    )


def add_child(s: session.Session, forenames: str = "Zoë", surname: str = "Ólafsdóttir",
              **more: object) -> int:
    return children.add_child(s, ChildDetails(forenames, surname, **more))  # type: ignore[arg-type]



def bulk_attachments(s: session.Session, megabytes: int) -> None:
    """Files enough that a key rotation takes many of its progress watcher's polls."""
    child = add_child(s, "Many", "Pages")
    for n in range(megabytes // 20):
        attachments.add_to_chronology(s, child, b"\xff\xd8\xff\xe0" + os.urandom(
            20 * 1024 * 1024 - 4), f"scan-{n}.jpg")


def content(child_ids: tuple[int, ...], clock: MockClock, **more: object) -> ConcernContent:
    values: dict[str, object] = {
        "child_ids": child_ids,
        "occurred_at": clock.now() - timedelta(hours=2),
        "location": "Bus stop outside the main gate",
        "facts": "Seen getting into a car with two older males after school.",
        "child_words": "They're my mates, they give me lifts.",
        "opinion": "Seemed anxious and checked the phone constantly.",
        "indicator_codes": frozenset({"SHARED-01", "CSE-01"}),
        "urgency": Urgency.HIGH,
        "informed": "Head of year",
    }
    values.update(more)
    return ConcernContent(**values)  # type: ignore[arg-type]


PHOTO_CANARY = b"CANARY-7f3a9c-handwritten-note"
PHOTO_TAKEN = datetime(2026, 11, 15, 16, 42, 10)


def photo(*, located: bool = True, fmt: str = "JPEG") -> bytes:
    """A small photo with EXIF (time taken, and a GPS position if located) and the canary
    in a comment, as a phone's JPEG might carry a caption."""
    image = Image.effect_noise((160, 120), 64).convert("RGB")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = PHOTO_TAKEN.strftime("%Y:%m:%d %H:%M:%S")
    if located:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 12.0), "W", (0.0, 7.0, 40.0)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", exif=exif, comment=PHOTO_CANARY)
    else:
        image.save(out, fmt)
    return out.getvalue()


def admin(clock: MockClock, *argv: object, passphrase: str = DSL_PASS,
          **more: Any) -> tuple[int, str, str]:
    """cerecorder-admin ARGV with the passphrase typed on standard input: the exit code,
    what it printed and what it said on standard error. ``more`` goes to ``run`` (for
    example ``documents=`` for the commands that write PDFs)."""
    from cerecorder.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], taxonomy=TAXONOMY, clock=clock,
               stdin=io.StringIO(passphrase + "\n"), stdout=out, stderr=err, **more)
    return code, out.getvalue(), err.getvalue()
