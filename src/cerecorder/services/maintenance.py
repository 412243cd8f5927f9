"""What school IT runs: verify, backup and restore. None of it shows record content."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from cerecorder.domain.errors import NotAVault
from cerecorder.domain.model import Role
from cerecorder.services import audit
from cerecorder.services.access import require
from cerecorder.services.clock import Clock
from cerecorder.services.session import Session
from cerecorder.storage.connection import DatabaseError, db_errors_explained
from cerecorder.storage.migrations import latest_version, schema_version
from cerecorder.storage.outside import OutsideEvent, OutsideLog
from cerecorder.storage.vault import restore_vault


@dataclass(frozen=True)
class VerifyReport:
    integrity_problems: list[str]
    schema_version: int
    expected_schema: int
    audit_readable: bool
    audit_rows: int
    audit_first_broken: int | None

    @property
    def ok(self) -> bool:
        return (
            not self.integrity_problems
            and self.schema_version == self.expected_schema
            and self.audit_readable
            and self.audit_first_broken is None
        )


def verify(session: Session) -> VerifyReport:
    require(session.user, Role.DSL, Role.ADMIN)
    conn = session.vault.conn
    problems: list[str] = []
    if not session.vault.read_only:
        # pages written since the last checkpoint (all of them after a rekey) sit in the
        # WAL, where SQLCipher's integrity check of vault.db does not look
        with contextlib.suppress(NotAVault), db_errors_explained():
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # Each check on its own: a damaged page can make a later one raise, and the findings
    # of the earlier ones (which page failed its HMAC) must not be lost with it.
    for pragma in ("cipher_integrity_check", "integrity_check"):
        try:
            with db_errors_explained():
                problems += [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")
                             if str(r[0]) != "ok"]
        except NotAVault as exc:
            problems.append(f"{pragma}: {exc}")
    try:
        chain = audit.verify_chain(session.vault.uow(), session.user)
        readable, rows, broken = True, chain.rows, chain.first_broken
    except NotAVault:
        readable, rows, broken = False, 0, None
    try:
        version = schema_version(conn)
    except (NotAVault, DatabaseError):
        version = -1
    return VerifyReport(
        integrity_problems=problems,
        schema_version=version,
        expected_schema=latest_version(),
        audit_readable=readable,
        audit_rows=rows,
        audit_first_broken=broken,
    )


def backup(session: Session, dest: Path, *, read_only: bool = False) -> None:
    require(session.user, Role.DSL, Role.ADMIN)
    session.vault.backup_to(dest)
    if read_only:
        OutsideLog(session.vault.files.folder).append(
            OutsideEvent(session.clock.now(), "backup_taken", session.user.name)
        )
        return
    with session.uow() as uow:
        audit.record(uow, session.clock, session.user, "backup_taken", "vault",
                     session.vault.vault_id)
        uow.commit()


def restore(backup_folder: Path, folder: Path, *, force: bool, clock: Clock) -> Path | None:
    """Put a backup in place; needs no key. The event reaches the audit at next unlock."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    aside = restore_vault(backup_folder, folder, replace_existing=force, stamp=stamp)
    OutsideLog(folder).append(OutsideEvent(clock.now(), "restored_from_backup", ""))
    return aside
