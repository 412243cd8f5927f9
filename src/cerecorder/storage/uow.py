"""Unit of work: one transaction over the repositories, rolled back unless committed."""

from __future__ import annotations

import contextlib

from cerecorder.storage.connection import Connection, db_errors_explained
from cerecorder.storage.destruction import DestructionRepository
from cerecorder.storage.register import FlagRepository, RegisterRepository
from cerecorder.storage.repositories import (
    AuditRepository,
    ChildRepository,
    ConcernRepository,
    DslRepository,
    MetaRepository,
    UserRepository,
)
from cerecorder.storage.sar import SarRepository
from cerecorder.storage.screening import ScreeningRepository
from cerecorder.storage.statuses import StatusRepository
from cerecorder.storage.transfers import (
    HoldRepository,
    TransferPacketRepository,
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
        self.register = RegisterRepository(conn)
        self.flags = FlagRepository(conn)
        self.transfers = TransferRepository(conn)
        self.holds = HoldRepository(conn)
        self.destructions = DestructionRepository(conn)
        self.sars = SarRepository(conn)
        self.transfer_packets = TransferPacketRepository(conn)
        self.screening = ScreeningRepository(conn)
        self.statuses = StatusRepository(conn)
        self._active = False

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
