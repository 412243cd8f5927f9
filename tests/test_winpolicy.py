"""The Windows machine policy in the registry (HKLM\\Software\\Policies\\CE Recorder), fed
from a fake registry (conftest's `registry` replaces winpolicy.read_values, the one place
that calls winreg), and the Group Policy templates that write it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cerecorder import app, policy, winpolicy
from cerecorder.domain.transfers import AfterTransfer
from cerecorder.policy import Policy
from cerecorder.winpolicy import REG_DWORD, REG_EXPAND_SZ, REG_SZ

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = ROOT / "packaging" / "windows"
ADMX = "{http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions}"
Registry = dict[str, tuple[object, int]]


def machine_file(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "policy.toml").write_text(text, encoding="utf-8")
    return folder / "policy.toml"


def test_the_registry_is_the_machine_policy(registry: Registry) -> None:
    registry.update({
        "idle_lock_minutes": (7, REG_DWORD),
        "school_name": ("Riverside Academy", REG_SZ),
        "vault_location": ("/srv/ce/vault", REG_EXPAND_SZ),
        "offer_demo": (0, REG_DWORD),
    })
    reading = app.read_policy()
    assert reading.source == winpolicy.SOURCE == r"HKLM\Software\Policies\CE Recorder"
    assert reading.problems == ()
    assert reading.policy == Policy(idle_lock_minutes=7, school_name="Riverside Academy",
                                    vault_location=Path("/srv/ce/vault"), offer_demo=False)
    assert app.build_context(reading.policy).settings.idle_lock_minutes == 7


def test_the_msi_writes_numbers_as_text(registry: Registry) -> None:
    """msiexec ... IDLE_LOCK_MINUTES=5 writes the REG_SZ "5" (cerecorder.wxs)."""
    registry["idle_lock_minutes"] = ("5", REG_SZ)
    assert app.read_policy().policy == Policy(idle_lock_minutes=5)


def test_the_registry_beats_every_policy_file(
        registry: Registry, machine_config: list[Path], home: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    file = machine_file(machine_config[0], "idle_lock_minutes = 2\nschool_name = 'Hillside'\n")
    assert app.read_policy().policy == Policy(idle_lock_minutes=2, school_name="Hillside")
    registry["idle_lock_minutes"] = (9, REG_DWORD)
    reading = app.read_policy()
    assert reading.policy == Policy(idle_lock_minutes=9)  # whole: nothing from the file
    assert reading.ignored == (f"{file} (the machine policy {winpolicy.SOURCE} comes "
                               "first)",)
    assert app.check_policy() == 0
    out = capsys.readouterr().out
    assert f"Policy: the registry, {winpolicy.SOURCE} (the machine policy" in out
    assert "Lock after: 9 minutes" in out
    assert f"also found, ignored: {file} (the machine policy" in out


def test_an_empty_key_leaves_the_file_in_force(
        registry: Registry, machine_config: list[Path]) -> None:
    """Group Policy set to "not configured" everywhere leaves the key, empty."""
    machine_file(machine_config[0], "idle_lock_minutes = 2\n")
    assert winpolicy.reading({}) is None
    assert app.read_policy().policy == Policy(idle_lock_minutes=2)


def test_values_of_the_wrong_type_are_named_and_the_rest_applies(registry: Registry) -> None:
    registry.update({
        "idle_lock_minutes": ("five", REG_SZ),
        "offer_demo": (2, REG_DWORD),
        "school_name": (12, REG_DWORD),
        "protective_marking": (["OFFICIAL"], 7),
        "outbox_folder": ("/srv/ce/outbox", REG_SZ),
        "idle_lock": (5, REG_DWORD),
        "inbox_folder": ("relative/inbox", REG_SZ),
    })
    reading = app.read_policy()
    assert reading.policy == Policy(outbox_folder=Path("/srv/ce/outbox"))
    assert set(reading.problems) == {
        "idle_lock_minutes: must be a number (REG_DWORD), not text (REG_SZ); the default "
        "applies",
        "offer_demo: must be the number 1 (yes) or 0 (no) as a REG_DWORD, not 2 as a number "
        "(REG_DWORD); the default applies",
        "school_name: must be text (REG_SZ), not a number (REG_DWORD); the default applies",
        "protective_marking: must be text (REG_SZ), not REG_MULTI_SZ; the default applies",
        "idle_lock: unknown key, ignored; did you mean idle_lock_minutes?",
        "inbox_folder: must be an absolute path (after expanding ~ and environment variables "
        "it is 'relative/inbox'); the default applies",
    }
    assert policy.problems_text(reading).startswith(
        f"The school's policy ({winpolicy.SOURCE}) has problems.")


def test_a_key_that_cannot_be_read_is_a_problem(monkeypatch: pytest.MonkeyPatch,
                                                machine_config: list[Path]) -> None:
    """As for a file: no file takes its place, and IT is told."""
    def denied() -> None:
        raise winpolicy.Unreadable("Access is denied")

    machine_file(machine_config[0], "idle_lock_minutes = 2\n")
    monkeypatch.setattr(winpolicy, "read_values", denied)
    reading = app.read_policy()
    assert reading.policy == Policy()
    assert reading.problems == ("the registry key could not be read (Access is denied); every "
                                "key uses its default",)


#: text keys with a fixed set of values: a drop-down list in Group Policy, REG_SZ written
CHOICES = frozenset({"after_transfer"})


def test_a_choice_offers_exactly_the_values_the_policy_reads() -> None:
    definitions, _ = admx()
    values = {item.get("valueName"): {v.text for v in item.iter(f"{ADMX}string")}
              for item in definitions.iter(f"{ADMX}enum")}
    assert values == {"after_transfer": {c.value for c in AfterTransfer}}
    for value in values["after_transfer"]:
        read = winpolicy.reading({"after_transfer": (value, REG_SZ)})
        assert read is not None and read.problems == ()
        assert read.policy.after_transfer is AfterTransfer(value)


def admx() -> tuple[ET.Element, ET.Element]:
    return (ET.parse(WINDOWS / "policy" / "cerecorder.admx").getroot(),
            ET.parse(WINDOWS / "policy" / "en-US" / "cerecorder.adml").getroot())


def test_the_group_policy_template_covers_every_key() -> None:
    """Each policy.toml key is one machine policy writing the value of the same name, of
    the registry type winpolicy reads for it."""
    definitions, _ = admx()
    written: dict[str, str] = {}
    for item in definitions.iter(f"{ADMX}policy"):
        assert item.get("class") == "Machine"
        assert item.get("key") == winpolicy.KEY
        elements = item.find(f"{ADMX}elements")
        if elements is None:  # an on/off policy: its own valueName, DWORD 1 or 0
            assert item.find(f"{ADMX}enabledValue/{ADMX}decimal").get("value") == "1"
            assert item.find(f"{ADMX}disabledValue/{ADMX}decimal").get("value") == "0"
            written[item.get("valueName") or ""] = "flag"
            continue
        for element in elements:
            written[element.get("valueName") or ""] = element.tag.removeprefix(ADMX)
    assert set(written) == set(policy.KEYS)
    for key, kind in written.items():
        expected = ("decimal" if key in winpolicy.NUMBERS
                    else "flag" if key in winpolicy.FLAGS
                    else "enum" if key in CHOICES else "text")
        assert kind == expected, key


def test_every_text_and_box_the_template_names_is_in_the_language_file() -> None:
    definitions, resources = admx()
    strings = {s.get("id") for s in resources.iter(f"{ADMX}string")}
    boxes = {p.get("id"): {child.get("refId") for child in p}
             for p in resources.iter(f"{ADMX}presentation")}
    named: set[str] = set()
    for node in definitions.iter():
        for attribute in ("displayName", "explainText"):
            value = node.get(attribute)
            if value:
                named.add(value.removeprefix("$(string.").removesuffix(")"))
        shown = node.get("presentation")
        if shown:
            box = shown.removeprefix("$(presentation.").removesuffix(")")
            elements = node.find(f"{ADMX}elements")
            ids = {e.get("id") for e in (elements if elements is not None else ())}
            assert boxes.get(box) == ids, box
    assert named - strings == set()
    assert all(s.text and s.text.strip() for s in resources.iter(f"{ADMX}string"))
