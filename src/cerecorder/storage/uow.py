"""Unit of work: one transaction over the repositories, rolled back unless committed."""

from __future__ import annotations

import contextlib
from functools import cached_property
from typing import TYPE_CHECKING

from cerecorder.storage.audit_chain import AuditRepository
from cerecorder.storage.children import ChildRepository
from cerecorder.storage.connection import Connection, db_errors_explained
from cerecorder.storage.dsl_records import DslRepository
from cerecorder.storage.repositories import (
    ConcernRepository,
    MetaRepository,
    UserRepository,
)

if TYPE_CHECKING:  # loaded on first use: not needed to paint the unlock window
    from cerecorder.storage.attachments import AttachmentRepository
    from cerecorder.storage.body_maps import BodyMapRepository
    from cerecorder.storage.categories import CategoryRepository
    from cerecorder.storage.deadlines import DeadlineRepository
    from cerecorder.storage.destruction import DestructionRepository
    from cerecorder.storage.register import (
        FlagRepository,
        RegisterRepository,
    )
    from cerecorder.storage.reports import ReportRepository
    from cerecorder.storage.sar import SarRepository
    from cerecorder.storage.screening import ScreeningRepository
    from cerecorder.storage.statuses import StatusRepository
    from cerecorder.storage.transfers import (
        HoldRepository,
        TransferPacketRepository,
        TransferRecordRepository,
        TransferRepository,
    )


class UnitOfWork:
    def __init__(self, conn: Connection, *, read_only: bool = False) -> None:
        self.conn = conn
        self._begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        self.meta = MetaRepository(conn)
        self.users = UserRepository(conn)
        self.children = ChildRepository(conn)
        self.concerns = ConcernRepository(conn)
        self.dsl = DslRepository(conn)
        self.audit = AuditRepository(conn)
        self._active = False

    @cached_property
    def register(self) -> RegisterRepository:
        from cerecorder.storage.register import RegisterRepository

        return RegisterRepository(self.conn)

    @cached_property
    def flags(self) -> FlagRepository:
        from cerecorder.storage.register import FlagRepository

        return FlagRepository(self.conn)

    @cached_property
    def transfers(self) -> TransferRepository:
        from cerecorder.storage.transfers import TransferRepository

        return TransferRepository(self.conn)

    @cached_property
    def holds(self) -> HoldRepository:
        from cerecorder.storage.transfers import HoldRepository

        return HoldRepository(self.conn)

    @cached_property
    def transfer_packets(self) -> TransferPacketRepository:
        from cerecorder.storage.transfers import TransferPacketRepository

        return TransferPacketRepository(self.conn)

    @cached_property
    def transfer_records(self) -> TransferRecordRepository:
        from cerecorder.storage.transfers import TransferRecordRepository

        return TransferRecordRepository(self.conn)

    @cached_property
    def destructions(self) -> DestructionRepository:
        from cerecorder.storage.destruction import DestructionRepository

        return DestructionRepository(self.conn)

    @cached_property
    def sars(self) -> SarRepository:
        from cerecorder.storage.sar import SarRepository

        return SarRepository(self.conn)

    @cached_property
    def screening(self) -> ScreeningRepository:
        from cerecorder.storage.screening import ScreeningRepository

        return ScreeningRepository(self.conn)

    @cached_property
    def categories(self) -> CategoryRepository:
        from cerecorder.storage.categories import CategoryRepository

        return CategoryRepository(self.conn)

    @cached_property
    def reports(self) -> ReportRepository:
        from cerecorder.storage.reports import ReportRepository

        return ReportRepository(self.conn)

    @cached_property
    def statuses(self) -> StatusRepository:
        from cerecorder.storage.statuses import StatusRepository

        return StatusRepository(self.conn)

    @cached_property
    def body_maps(self) -> BodyMapRepository:
        from cerecorder.storage.body_maps import BodyMapRepository

        return BodyMapRepository(self.conn)

    @cached_property
    def attachments(self) -> AttachmentRepository:
        from cerecorder.storage.attachments import AttachmentRepository

        return AttachmentRepository(self.conn)

    @cached_property
    def deadlines(self) -> DeadlineRepository:
        from cerecorder.storage.deadlines import DeadlineRepository

        return DeadlineRepository(self.conn)

    def __enter__(self) -> UnitOfWork:
        with db_errors_explained():
            self.conn.execute(self._begin)
        self._active = True
        return self

    def commit(self) -> None:
        with db_errors_explained():
            self.conn.execute("COMMIT")
        self._active = False

    def __exit__(self, *exc: object) -> None:
        if self._active:
            self._active = False
            if self.conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                with contextlib.suppress(Exception):  # never hide the error that got here
                    self.conn.execute("ROLLBACK")
