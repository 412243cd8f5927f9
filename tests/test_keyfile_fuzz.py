"""An edited or damaged keyslots.json: every unlock ends in a plain answer, never a bug,
and no edit can make an unlock cost more than the bounds allow.

The property test mutates a real vault's key file (a value anywhere in the tree replaced
by another JSON value, a key dropped or added, bytes cut or flipped) and unlocks with the
right passphrase, a wrong one and the recovery key. Integers are drawn from edge values
and small numbers, so an accepted cost stays cheap; the bounds test covers the large ones.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cerecorder.crypto import keyslots as ks
from cerecorder.domain.errors import NotAVault, UnknownUser, WrongPassphrase
from cerecorder.domain.model import Role
from cerecorder.services import session

from helpers import DSL_PASS, FAST_KDF, TAXONOMY, MockClock

PLAIN = (NotAVault, WrongPassphrase, UnknownUser)


@pytest.fixture(scope="module")
def pristine() -> Iterator[tuple[Path, bytes, str]]:
    """A vault made once for the module: its folder, key file bytes and recovery key."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "vault"
        opened, recovery = session.create(
            folder, user_name="dsl", display_name="Dana", role=Role.DSL, passphrase=DSL_PASS,
            clock=MockClock(), taxonomy=TAXONOMY, kdf=FAST_KDF,
        )
        opened.lock()
        yield folder, (folder / "keyslots.json").read_bytes(), recovery


def attempt_every_unlock(folder: Path, recovery: str) -> list[str]:
    """Unlock as the user (right and wrong passphrase), read the user list, and open
    with the recovery key; what each ended in."""
    outcomes = []
    clock = MockClock()
    for action in ("right", "wrong", "names", "recovery"):
        (folder / "unlock-events.json").unlink(missing_ok=True)  # no back-off between
        try:
            if action == "names":
                session.vault_user_names(folder)
            elif action == "recovery":
                session.unlock_with_recovery_key(
                    folder, recovery_key=recovery, user_name="dsl",
                    new_passphrase="a new passphrase for the fuzz", clock=clock,
                    taxonomy=TAXONOMY, kdf=FAST_KDF,
                ).lock()
            else:
                session.unlock(
                    folder, user_name="dsl", clock=clock, taxonomy=TAXONOMY,
                    passphrase=DSL_PASS if action == "right" else "not the passphrase",
                ).lock()
            outcomes.append(f"{action}: opened")
        except PLAIN as exc:
            outcomes.append(f"{action}: {type(exc).__name__}")
    return outcomes


INTS = st.one_of(
    st.sampled_from([-(2**63), -1, 0, 1, 2, 7, 8, 63, 64, 65, 2**31, 2**32 + 1, 2**63, 10**30]),
    st.integers(min_value=0, max_value=4096),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), INTS, st.floats(allow_nan=False), st.text(max_size=40),
    st.binary(max_size=200).map(lambda b: ks._b64(b)),
    st.sampled_from(["", "=", "!!!", "\u00e9", "argon2id", "user", "recovery", "age1"]),
)
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                     st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def mutated_key_file(draw: st.DrawFn, original: dict[str, Any]) -> bytes:
    doc: Any = json.loads(json.dumps(original))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        # walk down to a random container, then change one of its entries
        parent: Any = None
        key: Any = None
        node = doc
        while isinstance(node, dict | list) and node and draw(st.booleans()):
            keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
            parent, key = node, draw(st.sampled_from(keys))
            node = node[key]
        how = draw(st.sampled_from(["replace", "drop", "add", "nest"]))
        if parent is None:
            doc = draw(JSON_VALUES) if how == "replace" else doc
            continue
        if how == "replace":
            parent[key] = draw(JSON_VALUES)
        elif how == "nest":
            parent[key] = [parent[key]]
        elif how == "drop" and isinstance(parent, dict):
            del parent[key]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(JSON_VALUES)
    data = json.dumps(doc).encode("utf-8")
    cut = draw(st.sampled_from(["whole", "whole", "whole", "truncate", "flip"]))
    if cut == "truncate":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    elif cut == "flip" and data:
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    return data


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_mutated_key_file_never_gives_anything_but_a_plain_answer(
    data: st.DataObject, pristine: tuple[Path, bytes, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder, original, recovery = pristine
    work = tmp_path_factory.mktemp("fuzz") / "vault"
    shutil.copytree(folder, work)
    mutated = data.draw(mutated_key_file(json.loads(original)))
    (work / "keyslots.json").write_bytes(mutated)
    attempt_every_unlock(work, recovery)  # raises anything but NotAVault & co.
    shutil.rmtree(work.parent)


def _edited(original: bytes, edit: Any) -> bytes:
    doc = json.loads(original)
    edit(doc)
    return json.dumps(doc).encode("utf-8")


def _user(doc: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in doc["slots"] if s["kind"] == "user")


EDITS = {
    "a number as user name": lambda d: _user(d).update(user_name=42),
    "kdf null": lambda d: _user(d).update(kdf=None),
    "a short salt": lambda d: _user(d).update(salt=ks._b64(b"salt")),
    "a nonce out of range": lambda d: _user(d).update(nonce=ks._b64(b"n" * 200)),
    "format true": lambda d: d.update(format=True),
    "format as text": lambda d: d.update(format="1"),
    "user id as text": lambda d: _user(d).update(user_id="2"),
    "iterations as a float": lambda d: _user(d)["kdf"].update(iterations=1.5),
    "4 GiB of memory": lambda d: _user(d)["kdf"].update(memory_kib=4 * 1024 * 1024),
    "64 passes": lambda d: _user(d)["kdf"].update(iterations=64),
    "a recipient that is not age": lambda d: _user(d).update(recipient="age1nonsense"),
    "slots as an object": lambda d: d.update(slots={"0": d["slots"][0]}),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_each_known_bad_edit_reads_the_key_file_is_damaged(
    edit: Any, pristine: tuple[Path, bytes, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, original, _ = pristine
    work = tmp_path / "vault"
    shutil.copytree(folder, work)
    (work / "keyslots.json").write_bytes(_edited(original, edit))

    def no_derivation(*args: object) -> bytes:
        raise AssertionError("a damaged slot reached Argon2id")

    monkeypatch.setattr(ks, "_kek", no_derivation)  # refused on reading, before any cost
    with pytest.raises(NotAVault, match="The key file is damaged"):
        session.unlock(work, user_name="dsl", passphrase=DSL_PASS, clock=MockClock(),
                       taxonomy=TAXONOMY)


def test_deep_nesting_reads_the_key_file_is_damaged(
    pristine: tuple[Path, bytes, str], tmp_path: Path
) -> None:
    folder, _, _ = pristine
    work = tmp_path / "vault"
    shutil.copytree(folder, work)
    for deep in (b"[" * 100_000, b'{"format": 1, "slots": ' + b"[" * 50_000):
        (work / "keyslots.json").write_bytes(deep)
        with pytest.raises(NotAVault, match="The key file is damaged"):
            session.unlock(work, user_name="dsl", passphrase=DSL_PASS, clock=MockClock(),
                           taxonomy=TAXONOMY)


GIB_KIB = 1024 * 1024


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(memory=st.integers(min_value=0, max_value=2**40),
       iterations=st.integers(min_value=0, max_value=1000),
       lanes=st.integers(min_value=0, max_value=1000))
def test_no_accepted_cost_exceeds_1_gib_or_about_five_seconds(
    memory: int, iterations: int, lanes: int
) -> None:
    """1 GiB of memory and 2 GiB of work (memory x passes): Argon2id took 2.4 s for 1 GiB
    and one pass on the build machine, so the costliest file accepted takes about 5 s."""
    slot = ks.wrap(b"k" * 32, "x", vault_id="v", kind=ks.SLOT_USER, user_id=1,
                   user_name="amy", params=FAST_KDF).to_json()
    slot["kdf"].update(memory_kib=memory, iterations=iterations, lanes=lanes)
    try:
        parsed = ks.KeySlots.from_json({"format": 1, "vault_id": "v", "slots": [slot]})
    except NotAVault:
        return
    kdf = parsed.slots[0].kdf
    assert kdf.memory_kib <= GIB_KIB
    assert kdf.memory_kib * kdf.iterations <= 2 * GIB_KIB
    assert kdf.lanes <= 16


def test_the_bounds_leave_room_to_raise_the_default_cost() -> None:
    for params in (ks.KdfParams(), ks.KdfParams(640 * 1024, 3, 4), ks.KdfParams(GIB_KIB, 2, 8)):
        slot = ks.wrap(b"k" * 32, "x", vault_id="v", kind=ks.SLOT_USER, user_id=1,
                       user_name="amy", params=FAST_KDF).to_json()
        slot["kdf"].update(params.as_dict())
        assert ks.KeySlots.from_json({"format": 1, "vault_id": "v", "slots": [slot]})


def test_a_slot_above_the_bounds_is_never_written() -> None:
    with pytest.raises(ValueError, match="out of bounds"):
        ks.wrap(b"k" * 32, "x", vault_id="v", kind=ks.SLOT_USER, user_id=1, user_name="amy",
                params=ks.KdfParams(2 * GIB_KIB, 1, 4))
