"""Attachments (issue 16): files added to a draft concern (its author, staff or DSL), with
an addendum to a submitted concern (whoever may add the addendum) or to a child's
chronology (DSL), kept inside the vault with the SHA-256 of their bytes, read
back into memory only, and leaving it only by an explicit, audited export.

Every check (kind, size, the concern's total, who may add) is made before anything is
written. Audit events carry ids and sizes, never file names or content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path, PurePath

from cerecorder.domain.attachments import (
    ACCEPTED,
    Attachment,
    AttachmentKind,
    Limits,
    megabytes,
    photo_facts,
    sniff_kind,
)
from cerecorder.domain.errors import EnvironmentProblem, InvalidInput
from cerecorder.domain.model import ConcernStatus, Role
from cerecorder.domain.rules import check_clock, clean_text
from cerecorder.services import audit, concerns
from cerecorder.services.access import require, require_can_read
from cerecorder.services.session import Session
from cerecorder.storage.fileio import atomic_write, os_errors_explained
from cerecorder.storage.uow import UnitOfWork

MAX_NAME = 255
DEFAULT_LIMITS = Limits()


def _file_name(name: str) -> str:
    """The name as it is shown: its last part only, since a name is not a path here."""
    cleaned = clean_text(PurePath(name.replace("\\", "/")).name.strip(), "The file name")
    if not cleaned or any(ord(c) < 32 for c in cleaned):
        raise InvalidInput("Give the attachment a file name without control characters.")
    return cleaned[:MAX_NAME]


def _load(source: bytes | Path, file_name: str | None, limits: Limits) -> tuple[bytes, str]:
    """The bytes and the name, refusing a file over the limit before reading all of it."""
    if isinstance(source, Path):
        try:
            with os_errors_explained(source):
                _check_size(source.stat().st_size, limits)
                with source.open("rb") as handle:
                    data = handle.read(limits.file_bytes + 1)
        except OSError as exc:  # not there, a folder, unreadable: nothing to attach
            raise InvalidInput(f"Cannot read {source}: {exc.strerror or exc}. "
                               "Nothing was attached.") from exc
        name = file_name or source.name
    else:
        data, name = bytes(source), file_name or ""
    _check_size(len(data), limits)
    return data, _file_name(name)


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise InvalidInput(f"This file is {megabytes(size)}; an attachment can be at most "
                           f"{megabytes(limits.file_bytes)}. Nothing was attached.")
    if size == 0:
        raise InvalidInput("This file is empty. Nothing was attached.")


def _kind(data: bytes) -> AttachmentKind:
    kind = sniff_kind(data)
    if kind is None:
        raise InvalidInput(f"This kind of file cannot be attached. Attach {ACCEPTED}. "
                           "Nothing was attached.")
    return kind


def add_to_draft(session: Session, concern_id: int, source: bytes | Path,
                 file_name: str | None = None, limits: Limits | None = None) -> int:
    """Attach a file to the author's own draft; returns the attachment's id."""
    require(session.user, Role.STAFF, Role.DSL)
    limits = limits or session.attachment_limits
    data, name = _load(source, file_name, limits)
    kind = _kind(data)
    with session.uow() as uow:
        concern = uow.concerns.get(concern_id)
        if concern.author_id != session.user.id or concern.status is not ConcernStatus.DRAFT:
            raise InvalidInput("Files can be attached only to your own draft; a submitted "
                               "concern stays as it was recorded.")
        _check_total(uow, concern_id, len(data), limits)
        attachment_id = _store(session, uow, data, name, kind, concern_id=concern_id)
        uow.commit()
    return attachment_id


def _check_total(uow: UnitOfWork, concern_id: int, adding: int, limits: Limits) -> None:
    held = uow.attachments.concern_bytes(concern_id)
    if held + adding > limits.concern_bytes:
        raise InvalidInput(
            f"This concern's attachments would come to {megabytes(held + adding)}; "
            f"a concern can hold at most {megabytes(limits.concern_bytes)}. "
            "Nothing was attached.")


def add_with_addendum(session: Session, concern_id: int, body: str,
                      sources: Sequence[tuple[bytes | Path, str | None]],
                      limits: Limits | None = None) -> int:
    """An addendum (its text says what the files are) with files attached to it, all in
    one step: every file is checked first, and none is kept if one is refused. Returns
    the addendum's id."""
    limits = limits or session.attachment_limits
    files = []
    for source, name in sources:
        data, cleaned = _load(source, name, limits)
        files.append((data, cleaned, _kind(data)))
    if not files:
        raise InvalidInput("Choose the files to attach to the addendum.")

    def with_files(uow: UnitOfWork, addendum_id: int, now: datetime) -> dict[str, object]:
        _check_total(uow, concern_id, sum(len(f[0]) for f in files), limits)
        for data, name, kind in files:
            _store(session, uow, data, name, kind, concern_id=concern_id,
                   addendum_id=addendum_id, now=now)
        return {"attachments": len(files)}

    return concerns.add_addendum(
        session, concern_id, body, part=with_files,
        empty="Say in the addendum what the attached files are.",
        on_draft="Attach files to the draft itself; addenda are for submitted concerns.")


def add_to_chronology(session: Session, child_id: int, source: bytes | Path,
                      file_name: str | None = None, limits: Limits | None = None) -> int:
    """Attach a letter, minutes or a report to a child's chronology (DSL)."""
    require(session.user, Role.DSL)
    limits = limits or session.attachment_limits
    data, name = _load(source, file_name, limits)
    kind = _kind(data)
    with session.uow() as uow:
        uow.children.get(child_id)
        attachment_id = _store(session, uow, data, name, kind, child_id=child_id)
        uow.commit()
    return attachment_id


def _store(session: Session, uow: UnitOfWork, data: bytes, name: str,
           kind: AttachmentKind, *, concern_id: int | None = None,
           child_id: int | None = None, addendum_id: int | None = None,
           now: datetime | None = None) -> int:
    """One file; `now` is the addendum's moment for a file brought with an addendum."""
    if now is None:
        now = session.clock.now()
        check_clock(now)
    attachment_id = uow.attachments.add(
        concern_id=concern_id, child_id=child_id, file_name=name, kind=kind, data=data,
        sha256=hashlib.sha256(data).hexdigest(), photo=photo_facts(data, kind), now=now,
        by=session.user.id, addendum_id=addendum_id)
    audit.record(uow, session.clock, session.user, "attachment_added", "attachment",
                 attachment_id, concern=concern_id, child=child_id, addendum=addendum_id,
                 size=len(data))
    return attachment_id


def remove_from_draft(session: Session, attachment_id: int) -> None:
    """Take a file off the author's own draft (a submitted concern's stay)."""
    with session.uow() as uow:
        found = uow.attachments.get(attachment_id)
        concern = None if found.concern_id is None else uow.concerns.get(found.concern_id)
        if concern is None or concern.author_id != session.user.id \
                or concern.status is not ConcernStatus.DRAFT:
            raise InvalidInput("Only a file on your own draft can be removed.")
        uow.attachments.remove(attachment_id)
        audit.record(uow, session.clock, session.user, "attachment_removed", "attachment",
                     attachment_id, concern=found.concern_id)
        uow.commit()


def _readable(session: Session, uow: UnitOfWork, attachment_id: int) -> Attachment:
    found = uow.attachments.get(attachment_id)
    if found.concern_id is None:
        require(session.user, Role.DSL)
    else:
        require_can_read(session.user, uow.concerns.get(found.concern_id))
    return found


def read(session: Session, attachment_id: int) -> tuple[Attachment, bytes]:
    """The file's bytes, in memory only, checked against the hash recorded at import."""
    with session.uow() as uow:
        found = _readable(session, uow, attachment_id)
        data = uow.attachments.read(attachment_id)
        audit.record(uow, session.clock, session.user, "attachment_opened", "attachment",
                     attachment_id)
        uow.commit()
    if hashlib.sha256(data).hexdigest() != found.sha256:
        raise EnvironmentProblem(f"Attachment {attachment_id} is damaged: its bytes no longer "
                                 "match the SHA-256 recorded when it was added. Restore the "
                                 "vault from a backup.")
    return found, data


def concern_attachments(session: Session, concern_id: int) -> list[Attachment]:
    """The concern's files, its own and those brought with its addenda, in order added."""
    with session.uow() as uow:
        require_can_read(session.user, uow.concerns.get(concern_id))
        return uow.attachments.for_concern(concern_id)


def child_attachments(session: Session, child_id: int) -> list[Attachment]:
    """The letters, minutes and reports in the child's chronology, merged records' too
    (DSL)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        uow.children.get(child_id)
        return sorted((a for own in uow.children.identity_ids(child_id)
                       for a in uow.attachments.for_child(own)), key=lambda a: a.id)


def listing(session: Session, concern_id: int | None = None) -> list[Attachment]:
    """Every attachment, of concerns and of chronologies, or one concern's (DSL)."""
    require(session.user, Role.DSL)
    with session.uow() as uow:
        if concern_id is None:
            return uow.attachments.all()
        uow.concerns.get(concern_id)  # a concern that does not exist is said so
        return uow.attachments.for_concern(concern_id)


def export(session: Session, attachment_id: int, path: Path) -> Attachment:
    """Write one attachment to a file, as it was added (DSL): refused if the file exists,
    written atomically, audited; if the audit cannot be written the file is removed."""
    require(session.user, Role.DSL)
    if not path.parent.is_dir():
        raise InvalidInput(f"The folder {path.parent} does not exist. Nothing was written.")
    if path.exists():
        raise InvalidInput(f"{path} already exists; choose another name. Nothing was written.")
    found, data = read(session, attachment_id)
    atomic_write(path, data)
    try:
        with session.uow() as uow:
            audit.record(uow, session.clock, session.user, "exported", "attachment",
                         attachment_id)
            uow.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return found
