"""The macOS machine policy: the configuration profile (packaging/macos/cerecorder.mobileconfig)
as macOS writes its payload to /Library/Managed Preferences/uk.org.cerecorder.plist, here
into the test's own folder (conftest's managed_preferences)."""

from __future__ import annotations

import plistlib
import sys
from pathlib import Path
from typing import Any

import pytest

from cerecorder import app, macpolicy, policy
from cerecorder.policy import Policy

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "packaging" / "macos" / "cerecorder.mobileconfig"


def payload() -> dict[str, Any]:
    """The profile's payload for the app's managed preferences domain."""
    profile = plistlib.loads(PROFILE.read_bytes())
    assert profile["PayloadType"] == "Configuration"
    assert profile["PayloadScope"] == "System"  # the machine, not one user
    (found,) = [p for p in profile["PayloadContent"] if p["PayloadType"] == macpolicy.DOMAIN]
    return dict(found)


def managed(folder: Path, keys: dict[str, Any]) -> Path:
    """What macOS writes when MDM installs a profile with these keys."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{macpolicy.DOMAIN}.plist"
    path.write_bytes(plistlib.dumps(keys))
    return path


@pytest.fixture
def on_a_mac(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")


def test_the_profile_sets_every_key_and_is_read_as_the_machine_policy(
        managed_preferences: Path, on_a_mac: None) -> None:
    keys = {k: v for k, v in payload().items() if not k.startswith("Payload")}
    assert set(keys) == set(policy.KEYS)
    spec = (ROOT / "packaging" / "cerecorder.spec").read_text(encoding="utf-8")
    assert f'bundle_identifier="{macpolicy.DOMAIN}"' in spec  # the app's own domain
    managed(managed_preferences, payload())  # macOS may keep the Payload keys beside them
    reading = macpolicy.machine_reading()
    assert reading is not None
    assert reading.problems == ()
    assert reading.source == str(managed_preferences / "uk.org.cerecorder.plist")
    assert reading.policy.idle_lock_minutes == 5
    assert reading.policy.school_name == "Riverside Academy"
    assert reading.policy.offer_demo is False
    assert reading.policy.retention_years == 25


def test_it_wins_whole_over_the_policy_file(managed_preferences: Path, on_a_mac: None,
                                            machine_config: list[Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    machine_config[0].mkdir(parents=True)
    file = machine_config[0] / "policy.toml"
    file.write_text("idle_lock_minutes = 2\nschool_name = 'Hillside'\n", encoding="utf-8")
    assert app.read_policy().policy == Policy(idle_lock_minutes=2, school_name="Hillside")
    plist = managed(managed_preferences, {"idle_lock_minutes": 9})
    reading = app.read_policy()
    assert reading.policy == Policy(idle_lock_minutes=9)
    assert reading.ignored == (f"{file} (the machine policy {plist} comes first)",)
    assert app.check_policy() == 0
    out = capsys.readouterr().out
    assert f"Policy: the configuration profile, {plist} (the machine policy, from MDM" in out
    assert "Lock after: 9 minutes" in out


def test_wrong_values_are_named_and_their_defaults_apply(managed_preferences: Path,
                                                         on_a_mac: None) -> None:
    managed(managed_preferences, {"idle_lock_minutes": "five", "offer_demo": 1,
                                  "school_nmae": "Riverside", "school_name": "Hillside"})
    reading = macpolicy.machine_reading()
    assert reading is not None
    assert reading.policy.school_name == "Hillside"
    assert reading.policy.idle_lock_minutes == Policy().idle_lock_minutes
    problems = "\n".join(reading.problems)
    assert "idle_lock_minutes:" in problems and "offer_demo:" in problems
    assert "school_nmae: unknown key, ignored; did you mean school_name?" in problems


def test_an_unreadable_or_empty_profile(managed_preferences: Path, on_a_mac: None) -> None:
    assert macpolicy.machine_reading() is None  # no profile: the file's policy applies
    plist = managed(managed_preferences, {"PayloadUUID": "X"})
    assert macpolicy.machine_reading() is None  # nothing set
    plist.write_bytes(b"<?xml version='1.0'?><plist><dict><key>a")
    broken = macpolicy.machine_reading()
    assert broken is not None and broken.policy == Policy()
    assert broken.problems[0].startswith("the managed preferences could not be read (")
    assert broken.problems[0].endswith("); every key uses its default")
    plist.write_bytes(plistlib.dumps(["not", "a", "dictionary"]))
    listed = macpolicy.machine_reading()
    assert listed is not None and "not a dictionary" in listed.problems[0]


def test_off_macos_no_profile_is_read(managed_preferences: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    managed(managed_preferences, {"idle_lock_minutes": 9})
    monkeypatch.setattr(sys, "platform", "linux")
    assert macpolicy.machine_reading() is None
