"""cerecorder-admin flags and register (issue 14): the DSL's lists for IT's scripts, ids
and normalised keys only; staff are refused."""

from __future__ import annotations

from pathlib import Path

from cerecorder.cli.main import EXIT_DENIED
from cerecorder.domain.model import EntryKind, Mention
from cerecorder.services import concerns, register
from cerecorder.services.session import Session

from helpers import STAFF_PASS, MockClock, add_child, add_staff, admin, content


def test_flags_and_register_list_ids_and_keys_only(dsl: Session, clock: MockClock,
                                                   vault_dir: Path) -> None:
    amy, ben = add_child(dsl, "Amy", "Khan"), add_child(dsl, "Ben", "Osei")
    add_staff(dsl)
    car_line = Mention(EntryKind.VEHICLE, "Silver Astra AB51 ABC, driver called Dee")
    first = concerns.record_concern(dsl, content((amy,), clock, mentions=(car_line,),
                                                 indicator_codes=frozenset({"SHARED-04"})))
    second = concerns.record_concern(dsl, content((ben,), clock, mentions=(car_line,),
                                                  indicator_codes=frozenset({"SHARED-04"})))
    car = register.match_mention(dsl, first, 0, values={"registration": "AB51ABC",
                                                        "colour": "silver"})
    register.match_mention(dsl, second, 0, entry_id=car)
    phone = register.create_entry(dsl, EntryKind.PHONE, {"number": "07700 900123"})
    dsl.lock()

    code, out, err = admin(clock, "register", vault_dir, "--user", "dsl")
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{car}\tvehicle\tAB51ABC\tchildren={amy},{ben}",
                                f"{phone}\tphone\t+447700900123\tchildren=-"]
    code, out, _ = admin(clock, "register", vault_dir, "--user", "dsl", "--kind", "phone")
    assert out.splitlines() == [f"{phone}\tphone\t+447700900123\tchildren=-"]

    code, out, _ = admin(clock, "flags", vault_dir, "--user", "dsl", "--child", ben)
    [line] = out.splitlines()
    fields = line.split("\t")
    assert code == 0
    assert fields[1:4] == [str(ben), "SHARED-ENTRY", "1"]
    assert fields[5:] == [f"entries={car}", f"concerns={first},{second}", "events=-"]
    code, out, _ = admin(clock, "flags", vault_dir, "--user", "dsl")
    assert sorted(line.split("\t")[1] for line in out.splitlines()) == [str(amy), str(ben)]
    assert "Astra" not in out and "Dee" not in out  # ids and keys, never what staff wrote

    for command in ("flags", "register"):
        code, out, err = admin(clock, command, vault_dir, "--user", "teacher",
                              passphrase=STAFF_PASS)
        assert code == EXIT_DENIED and out == "" and "not allowed" in err
