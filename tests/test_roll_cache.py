"""The roll children.list_children keeps between calls (the concern form lists every
pupil each time it opens): kept while nothing changes, read again after any change to a
child, by this connection or another, and dropped at locking."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from cerecorder.domain.errors import CERecorderError
from cerecorder.domain.model import ChildDetails
from cerecorder.services import children
from cerecorder.services.session import Session
from cerecorder.storage.roll_changes import roll_version
from cerecorder.storage.vault import connect_database


def names(s: Session) -> list[str]:
    return [c.display_name for c in children.list_children(s)]


def reads_of_the_roll(s: Session) -> list[str]:
    """Statements reading the children table during one list_children call."""
    seen: list[str] = []
    s.vault.conn.set_trace_callback(seen.append)
    try:
        children.list_children(s)
    finally:
        s.vault.conn.set_trace_callback(None)
    return [q for q in seen if "FROM children" in q]


def test_the_roll_is_read_once_until_a_child_changes(dsl: Session) -> None:
    amy = children.add_child(dsl, ChildDetails("Amy", "Khan", year_group="9"))
    assert names(dsl) == ["Amy Khan"]
    assert reads_of_the_roll(dsl) == []  # kept: nothing changed
    children.add_child(dsl, ChildDetails("Ben", "Osei", year_group="10"))
    assert names(dsl) == ["Amy Khan", "Ben Osei"]
    children.update_child(dsl, amy, ChildDetails("Amy", "Zaman", year_group="9"))
    assert names(dsl) == ["Ben Osei", "Amy Zaman"]  # the roll is in surname order
    assert reads_of_the_roll(dsl) == []
    assert [c.display_name for c in children.list_children(dsl, include_left=True)] == [
        "Ben Osei", "Amy Zaman"]  # kept apart from the roll without leavers


def test_a_change_rolled_back_leaves_the_kept_roll_right(dsl: Session) -> None:
    amy = children.add_child(dsl, ChildDetails("Amy", "Khan"))
    assert names(dsl) == ["Amy Khan"]
    with pytest.raises(CERecorderError), dsl.uow() as uow:
        uow.children.update(amy, ChildDetails("Amy", "Rolledback"))
        raise CERecorderError("something went wrong before the commit")
    assert names(dsl) == ["Amy Khan"]
    children.update_child(dsl, amy, ChildDetails("Amy", "Kept"))
    assert names(dsl) == ["Amy Kept"]


def test_another_connections_change_is_seen(dsl: Session, vault_dir: Path) -> None:
    children.add_child(dsl, ChildDetails("Amy", "Khan"))
    assert names(dsl) == ["Amy Khan"]
    other = connect_database(vault_dir, dsl.vault._require_key())
    try:
        other.execute("UPDATE children SET legal_surname = 'Other' WHERE legal_surname = ?",
                      ("Khan",))
    finally:
        other.close()
    assert names(dsl) == ["Amy Other"]


def test_locking_drops_the_kept_roll(dsl: Session) -> None:
    children.add_child(dsl, ChildDetails("Amy", "Khan"))
    children.list_children(dsl)
    assert dsl.rolls
    dsl.lock()
    assert not dsl.rolls


def test_a_first_call_inside_a_transaction_keeps_nothing(dsl: Session) -> None:
    """The count is set up in a transaction of its own; inside another one (which may
    roll back) it is not, and nothing is kept."""
    children.add_child(dsl, ChildDetails("Amy", "Khan"))
    with dsl.uow():
        assert roll_version(dsl.vault.conn) is None
    assert roll_version(dsl.vault.conn) is not None
    with pytest.raises(sqlcipher.OperationalError):
        dsl.vault.conn.execute("SELECT n FROM main.roll_changes")  # nothing in the file
