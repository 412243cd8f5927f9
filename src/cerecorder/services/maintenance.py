"""What school IT runs: verify, backup and restore. None of it shows record content."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from cerecorder.domain.errors import EnvironmentProblem, InvalidInput, NotAVault
from cerecorder.domain.model import Role
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import anchors, audit
from cerecorder.services.access import require
from cerecorder.services.clock import Clock
from cerecorder.services.session import Session, open_copy
from cerecorder.storage import schema_check
from cerecorder.storage.connection import DatabaseError, db_errors_explained
from cerecorder.storage.migrations import latest_version, schema_version
from cerecorder.storage.outside import OutsideEvent, OutsideLog
from cerecorder.storage.restore import check_backup, refuse_backup, restore_vault
from cerecorder.storage.uow import UnitOfWork


@dataclass(frozen=True)
class VerifyReport:
    integrity_problems: list[str]
    schema_version: int
    expected_schema: int
    audit_readable: bool
    audit_rows: int
    audit_first_broken: int | None
    #: how sqlite_master differs from what the migrations create, one line each
    schema_problems: tuple[str, ...] = ()
    #: the sentence for the newest anchor the chain does not hold, if any
    anchor_finding: str | None = None
    anchors_held: int = 0
    #: anchors ignored (damaged, another vault's, settled by a restore), one line each
    anchor_notes: tuple[str, ...] = ()
    #: anchors the vault's signing key did not sign (forged, or the key replaced)
    anchor_unsigned: tuple[str, ...] = ()
    #: how many attachments were re-hashed, and the ids of those whose bytes no longer
    #: match the SHA-256 recorded when they were added
    attachments_checked: int = 0
    attachment_mismatches: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return (
            not self.integrity_problems
            and self.schema_version == self.expected_schema
            and not self.schema_problems
            and self.audit_readable
            and self.audit_first_broken is None
            and self.anchor_finding is None
            and not self.anchor_unsigned
            and not self.attachment_mismatches
        )


def verify(session: Session) -> VerifyReport:
    require(session.user, Role.DSL, Role.ADMIN)
    conn = session.vault.conn
    problems: list[str] = []
    if not session.vault.read_only:
        # pages written since the last checkpoint (all of them after a rekey) sit in the
        # WAL, where SQLCipher's integrity check of vault.db does not look
        with contextlib.suppress(EnvironmentProblem), db_errors_explained():
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
        schema = tuple(schema_check.differences(conn, version))
    except (NotAVault, DatabaseError) as exc:
        version, schema = -1, (f"the schema could not be read: {exc}",)
    finding: str | None = None
    held = 0
    notes: tuple[str, ...] = ()
    unsigned: tuple[str, ...] = ()
    try:
        with UnitOfWork(conn, read_only=True) as uow:
            check = anchors.check(uow, session.vault.vault_id, session.anchor_folders)
        finding = None if check.finding is None else check.finding.sentence(session.tz)
        held, notes = check.anchors_held, check.notes
        unsigned = check.unsigned_sentences()
    except EnvironmentProblem as exc:
        notes = (f"the anchors could not be checked: {exc}",)
    checked, mismatches = 0, []
    try:
        with UnitOfWork(conn, read_only=True) as uow:
            for attachment_id, recorded, now in uow.attachments.rehash():
                checked += 1
                if recorded != now:
                    mismatches.append(attachment_id)
    except (NotAVault, DatabaseError) as exc:
        problems.append(f"the attachments could not be read: {exc}")
    return VerifyReport(
        integrity_problems=problems,
        schema_version=version,
        expected_schema=latest_version(),
        audit_readable=readable,
        audit_rows=rows,
        audit_first_broken=broken,
        schema_problems=schema,
        anchor_finding=finding,
        anchors_held=held,
        anchor_notes=notes,
        anchor_unsigned=unsigned,
        attachments_checked=checked,
        attachment_mismatches=tuple(mismatches),
    )


def acknowledge_restore(session: Session) -> anchors.Finding:
    """A DSL confirms the vault was deliberately restored from an older copy: audited,
    naming the anchor superseded, and anchored afresh, so it is asked once."""
    require(session.user, Role.DSL)
    finding = session.rollback
    if finding is None:
        raise InvalidInput("There is nothing to acknowledge: this vault holds every anchor "
                           "seen.")
    with session.uow() as uow:
        anchors.acknowledge(uow, session.clock, session.user, session.vault.vault_id, finding)
        anchors.signing_key(uow, session.clock, session.user, session.vault.vault_id)
        uow.commit()
    session.rollback = None
    session.write_anchor()
    return finding


def backup(session: Session, dest: Path, *, read_only: bool = False) -> None:
    """All or nothing: the audit event is written before the copy appears as `dest`, and
    if it cannot be written there is no copy."""
    require(session.user, Role.DSL, Role.ADMIN)

    def record() -> None:
        if read_only:
            OutsideLog(session.vault.files.folder).append(
                OutsideEvent(session.clock.now(), "backup_taken", session.user.name)
            )
            return
        with session.uow() as uow:
            audit.record(uow, session.clock, session.user, "backup_taken", "vault",
                         session.vault.vault_id)
            uow.commit()

    anchor = session.current_anchor()  # taken first: the copy holds at least this much

    def publish(copy: Path) -> None:
        if anchor is not None:
            anchors.backup_anchor(anchor, copy)
        record()

    session.vault.backup_to(dest, before_publish=publish)


def restore(backup_folder: Path, folder: Path, *, force: bool, clock: Clock,
            check_as: tuple[str, str] | None = None,
            taxonomy: TaxonomyLibrary | None = None) -> Path | None:
    """Put a backup in place; needs no key. The backup is checked before anything is
    replaced: its files always, and given (user name, passphrase) in `check_as` it is
    opened and verified too. The event reaches the audit at next unlock, where a DSL
    acknowledges that the vault is older than what was seen before."""
    check_backup(backup_folder)

    def verify_copy(copy: Path) -> None:
        assert check_as is not None and taxonomy is not None
        _verify_copy(copy, backup_folder, check_as, clock, taxonomy)

    return restore_vault(backup_folder, folder, replace_existing=force, now=clock.now(),
                         check=None if check_as is None else verify_copy)


def _verify_copy(folder: Path, backup_folder: Path, check_as: tuple[str, str], clock: Clock,
                 taxonomy: TaxonomyLibrary) -> None:
    """Open the copy about to be put in place, read-only, and verify it."""
    user_name, passphrase = check_as
    try:
        copy = open_copy(folder, user_name=user_name, passphrase=passphrase,
                         clock=clock, taxonomy=taxonomy)
    except NotAVault as exc:
        refuse_backup(backup_folder, "its vault.db does not open with the key in its key "
                      "file (it is damaged, or another vault's)", exc)
    try:
        report = verify(copy)
    finally:
        copy.lock()
    older = report.schema_version < report.expected_schema  # migrated at the next unlock
    sound = (not report.integrity_problems and report.audit_readable
             and report.audit_first_broken is None)
    if report.ok or (older and sound):
        return
    if report.integrity_problems:
        found = "its SQLCipher integrity check failed"
    elif not sound:
        found = "its audit chain is broken"
    elif report.schema_version > report.expected_schema:
        found = "it was written by a newer CE Recorder"
    else:
        found = "verify reported a problem"
    refuse_backup(backup_folder, found)
