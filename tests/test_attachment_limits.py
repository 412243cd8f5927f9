"""The attachment limits as policy keys (issue 16): attachment_file_mb and
attachment_concern_mb, read and checked like the other keys, and used by the services
through the session, before anything is written."""

from __future__ import annotations

import pytest

from cerecorder import policy
from cerecorder.domain.attachments import MEGABYTE, Limits
from cerecorder.domain.errors import InvalidInput
from cerecorder.services import attachments, concerns
from cerecorder.services.session import Session

from helpers import MockClock, add_child, content


def test_the_keys_are_read_and_become_limits() -> None:
    rules, problems = policy.parse("attachment_file_mb = 5\nattachment_concern_mb = 12\n")
    assert problems == ()
    assert rules.attachment_limits == Limits(5 * MEGABYTE, 12 * MEGABYTE)
    assert ("Largest attachment", "5 MB") in rules.summary()
    assert policy.Policy().attachment_limits == Limits(25 * MEGABYTE, 100 * MEGABYTE)


@pytest.mark.parametrize(("line", "says"), [
    ("attachment_file_mb = 0", "from 1 to 112 MB, not 0"),
    ("attachment_concern_mb = 500", "from 1 to 112 MB, not 500"),
    ('attachment_file_mb = "25"', "whole number of MB"),
])
def test_a_bad_limit_names_its_key_and_keeps_the_default(line: str, says: str) -> None:
    rules, problems = policy.parse(line + "\n")
    [problem] = problems
    assert line.split(" ")[0] in problem and says in problem
    assert rules.attachment_limits == Limits()


def test_the_sessions_limits_refuse_before_anything_is_written(
        dsl: Session, clock: MockClock) -> None:
    concern_id = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    dsl.attachment_limits = policy.parse("attachment_file_mb = 1\n"
                                         "attachment_concern_mb = 2\n")[0].attachment_limits
    count = "SELECT count(*) FROM attachment_chunks"
    with pytest.raises(InvalidInput, match=r"at most 1\.0 MB"):
        attachments.add_to_draft(dsl, concern_id, b"x" * (MEGABYTE + 1), "big.txt")
    assert dsl.vault.conn.execute(count).fetchone() == (0,)
    attachments.add_to_draft(dsl, concern_id, b"x" * MEGABYTE, "a.txt")
    attachments.add_to_draft(dsl, concern_id, b"y" * MEGABYTE, "b.txt")
    with pytest.raises(InvalidInput, match=r"at most 2\.0 MB"):
        attachments.add_to_draft(dsl, concern_id, b"z" * 10, "c.txt")
    assert dsl.vault.conn.execute(count).fetchone() == (2,)
