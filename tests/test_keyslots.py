from __future__ import annotations

import dataclasses
import re

import pytest

from cerecorder.crypto import keyslots as ks
from cerecorder.crypto.recovery import new_recovery_key, normalise_recovery_key
from cerecorder.domain.errors import NotAVault, WrongPassphrase

from helpers import FAST_KDF


def _slot(secret: str = "a long passphrase", user_id: int | None = 7) -> ks.KeySlot:
    return ks.wrap(b"k" * 32, secret, vault_id="v1", kind=ks.SLOT_USER, user_id=user_id,
                   user_name="amy", params=FAST_KDF)


def test_default_kdf_is_the_design_one() -> None:
    assert ks.KdfParams() == ks.KdfParams(memory_kib=65536, iterations=3, lanes=4)


def test_right_secret_unwraps_the_key_and_wrong_one_is_told_plainly() -> None:
    slot = _slot()
    assert ks.unwrap(slot, "a long passphrase", "v1").candidate_keys == (b"k" * 32,)
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        ks.unwrap(slot, "a long passphrasE", "v1")


def test_passphrases_are_compared_after_unicode_normalisation() -> None:
    slot = _slot("caf\u00e9 au lait ok")  # é precomposed
    assert ks.unwrap(slot, "cafe\u0301 au lait ok", "v1")  # e + combining acute


@pytest.mark.parametrize("change", [{"user_id": 8}, {"kind": ks.SLOT_RECOVERY}])
def test_a_slot_relabelled_for_another_user_does_not_open(change: dict[str, object]) -> None:
    moved = dataclasses.replace(_slot(), **change)  # type: ignore[arg-type]
    with pytest.raises(WrongPassphrase):
        ks.unwrap(moved, "a long passphrase", "v1")


def test_a_slot_from_another_vault_does_not_open() -> None:
    with pytest.raises(WrongPassphrase):
        ks.unwrap(_slot(), "a long passphrase", "v2")


def test_pending_key_is_offered_first_and_only_to_slot_holders() -> None:
    slots = ks.KeySlots("v1", (_slot(),)).with_pending_key(b"n" * 32, b"k" * 32)
    opened = ks.unwrap(slots.slots[0], "a long passphrase", "v1")
    assert opened.candidate_keys == (b"n" * 32, b"k" * 32, b"k" * 32)


def test_json_round_trip_and_damage() -> None:
    slots = ks.KeySlots("v1", (_slot(),))
    again = ks.KeySlots.from_json(slots.to_json())
    assert again == slots
    assert again.user_slot("AMY") == slots.slots[0]  # names match case-insensitively
    huge = slots.to_json()
    huge["slots"][0]["kdf"]["memory_kib"] = 2**40  # would exhaust memory at unlock
    for broken in ({}, [], {"format": 1}, {"format": 99, "vault_id": "v", "slots": []},
                   {**slots.to_json(), "slots": [{"kind": "user"}]}, huge):
        with pytest.raises(NotAVault):
            ks.KeySlots.from_json(broken)


def test_recovery_key_format_and_forgiving_entry() -> None:
    key = new_recovery_key()
    assert re.fullmatch(r"([0-9A-Z]{4}-){8}[0-9A-Z]{4}", key)
    assert new_recovery_key() != key
    typed = key.lower().replace("-", " ")
    assert normalise_recovery_key(typed) == key
    assert normalise_recovery_key(key.replace("0", "O").replace("1", "I")) == key


def test_a_mistyped_recovery_key_is_told_apart_from_a_wrong_one() -> None:
    key = new_recovery_key()
    first = key[0]
    typo = ("A" if first != "A" else "B") + key[1:]
    with pytest.raises(WrongPassphrase, match="typing mistake"):
        normalise_recovery_key(typo)
    with pytest.raises(WrongPassphrase, match=r"9 groups"):
        normalise_recovery_key(key[:-5])
