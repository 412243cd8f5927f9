"""Passwords for protected PDFs: weak ones refused everywhere a PDF is protected, a
generated one offered, and the advice to send it separately from the file."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from cerecorder.domain import pdf_password
from cerecorder.domain.errors import InvalidInput
from cerecorder.services import handover
from cerecorder.services.session import Session
from test_handover import RENDERER, cli, flat, pages

from helpers import DSL_PASS, MockClock, add_child, content


@pytest.mark.parametrize("weak", [
    "a", "pdf secret", "Secret-2026", "aaaaaaaaaaaaaaaa", "abcdefghijklmn", "123456789012345",
    "qwertyuiopasdf", "1111aaaa2222bbbb", "the the the the",
])
def test_weak_passwords_are_refused(weak: str) -> None:
    assert pdf_password.problem(weak)
    with pytest.raises(InvalidInput):
        pdf_password.check(weak)


@pytest.mark.parametrize("strong", [
    "correct horse battery staple", "blue-whale-under-ice", "Tq7#vLp2!xRm", "blue whale 42",
])
def test_four_words_or_twelve_varied_characters_will_do(strong: str) -> None:
    assert pdf_password.problem(strong) == ""


def test_generated_passwords_pass_and_differ() -> None:
    made = {pdf_password.generate() for _ in range(50)}
    assert len(made) == 50
    for password in made:
        assert re.fullmatch(r"([bdfghjklmnprstvz][aeiou]){2}(-([bdfghjklmnprstvz][aeiou]){2}){4}",
                            password), password
        assert pdf_password.problem(password) == ""


def test_the_renderer_refuses_a_weak_password(dsl: Session, clock: MockClock) -> None:
    cid = handover_concern(dsl, clock)
    plain = RENDERER.concern(handover.concern_document(dsl, cid))
    for weak in ("", "a", "pdf secret"):
        with pytest.raises(InvalidInput):
            RENDERER.protect(plain, weak)


def handover_concern(dsl: Session, clock: MockClock) -> int:
    from cerecorder.services import concerns

    return concerns.record_concern(dsl, content((add_child(dsl),), clock))


def test_cli_refuses_a_weak_password_and_generates_one(dsl: Session, clock: MockClock,
                                                       vault_dir: Path, tmp_path: Path) -> None:
    cid = handover_concern(dsl, clock)
    dsl.lock()
    out = tmp_path / "c.pdf"
    code, _, err = cli("export-concern", vault_dir, "--concern", cid, "--out", out,
                       "--password-stdin", lines=(DSL_PASS, "pdf secret", "pdf secret"))
    assert code == 1 and "too short" in err and err.count("\n") == 1 and not out.exists()
    code, stdout, err = cli("export-concern", vault_dir, "--concern", cid, "--out", out,
                            "--generate-password")
    assert code == 0, err
    [password] = re.findall(r"^PDF password: (\S+)$", stdout, re.M)
    assert pdf_password.SEPARATELY in stdout
    assert "Seen getting into a car" in flat(pages(out.read_bytes(), password))
    assert PdfReader(io.BytesIO(out.read_bytes())).is_encrypted
    code, _, _ = cli("export-concern", vault_dir, "--concern", cid, "--out", out, "--force",
                     "--generate-password", "--password-stdin")
    assert code == 2  # one or the other
