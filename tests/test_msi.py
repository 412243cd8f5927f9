"""The Windows installer, checked where no Windows machine is at hand: build-msi.sh builds
the MSI from a stub bundle with msitools (wixl), and its tables are read back with
msiinfo. The Windows workflow runs the same script on the real bundle."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cerecorder import __version__, policy

ROOT = Path(__file__).resolve().parent.parent
UPGRADE_CODE = "{6C0B3F5E-2D7A-4E8B-9F61-3A54C2D1E7B9}"  # never changes: see building.md
POLICY_KEY = r"Software\Policies\CE Recorder"
#: The MSI's public properties for a silent install, and the policy key each one sets.
PROPERTIES = {
    "VAULT_LOCATION": "vault_location", "IDLE_LOCK_MINUTES": "idle_lock_minutes",
    "SCHOOL_NAME": "school_name", "PROTECTIVE_MARKING": "protective_marking",
    "RECIPIENT_CARD": "recipient_card", "OUTBOX_FOLDER": "outbox_folder",
}
HKLM = "2"  # the Registry table's Root for HKEY_LOCAL_MACHINE


def table(msi: Path, name: str) -> list[dict[str, str]]:
    """One table as rows of column -> value (msiinfo export: names, types, key, rows)."""
    lines = subprocess.run(["msiinfo", "export", str(msi), name], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:]]


@pytest.fixture(scope="module")
def msi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("msi")
    bundle = folder / "cerecorder"
    info = bundle / "_internal" / f"cerecorder-{__version__}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.4\nName: cerecorder\nVersion: {__version__}\n", encoding="utf-8")
    (bundle / "cerecorder.exe").write_bytes(b"MZ app")
    (bundle / "cerecorder-admin.exe").write_bytes(b"MZ admin")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"PK")
    (bundle / "_internal" / "resources" / "taxonomy").mkdir(parents=True)
    (bundle / "_internal" / "resources" / "taxonomy" / "taxonomy-1.json").write_text("{}")
    out = folder / "CE-Recorder.msi"
    subprocess.run(["bash", str(ROOT / "packaging" / "windows" / "build-msi.sh"), str(bundle),
                    str(out)], check=True, capture_output=True, timeout=120)
    return out


def properties(msi: Path) -> dict[str, str]:
    return {row["Property"]: row["Value"] for row in table(msi, "Property")}


def test_per_machine_with_a_stable_upgrade_code(msi: Path) -> None:
    found = properties(msi)
    assert found["ALLUSERS"] == "1"
    assert found["UpgradeCode"] == UPGRADE_CODE
    assert found["ProductVersion"] == __version__.split("rc")[0]
    upgrades = table(msi, "Upgrade")
    assert {row["UpgradeCode"] for row in upgrades} == {UPGRADE_CODE}
    actions = {row["Action"] for row in table(msi, "InstallExecuteSequence")}
    assert {"FindRelatedProducts", "RemoveExistingProducts"} <= actions


def test_every_file_of_the_bundle_is_installed(msi: Path) -> None:
    names = sorted(row["FileName"] for row in table(msi, "File"))
    assert names == ["METADATA", "base_library.zip", "cerecorder-admin.exe", "cerecorder.exe",
                     "taxonomy-1.json"]


def test_the_shortcut_is_keyed_by_the_program_not_a_registry_value(msi: Path) -> None:
    """WiX 5 refuses an HKLM registry key path for a shortcut in the per-user Start menu
    folder (ICE38, ICE43); in the programs' component, keyed by cerecorder.exe, there is
    no per-user key to need."""
    (shortcut,) = table(msi, "Shortcut")
    assert shortcut["Directory_"] == "ProgramMenuFolder"
    assert shortcut["Name"] == "CE Recorder"
    components = {row["Component"]: row for row in table(msi, "Component")}
    owner = components[shortcut["Component_"]]
    assert owner["Directory_"] == "INSTALLFOLDER"
    assert owner["KeyPath"] == "cerecorder.exe"
    assert not int(owner["Attributes"]) & 4  # the key path is a file, not a registry value
    assert {row["Root"] for row in table(msi, "Registry")} == {HKLM}  # nothing per user


def test_the_install_folder_is_remembered_across_upgrades(msi: Path) -> None:
    registry = {(row["Key"], row["Name"]): row["Value"] for row in table(msi, "Registry")}
    assert registry[(r"Software\CE Recorder", "InstallFolder")] == "[INSTALLFOLDER]"
    searches = {row["Property"]: row["Signature_"] for row in table(msi, "AppSearch")}
    locators = {row["Signature_"]: row for row in table(msi, "RegLocator")}
    found = locators[searches["INSTALLFOLDER"]]
    assert (found["Root"], found["Key"], found["Name"]) == (HKLM, r"Software\CE Recorder",
                                                            "InstallFolder")
    assert int(found["Type"]) & 16  # the 64-bit registry, where the value is written


def test_msi_properties_write_the_registry_policy(msi: Path) -> None:
    assert set(PROPERTIES.values()) <= set(policy.KEYS)
    components = {row["Component"]: row for row in table(msi, "Component")}
    searches = {row["Property"]: row["Signature_"] for row in table(msi, "AppSearch")}
    locators = {row["Signature_"]: row for row in table(msi, "RegLocator")}
    secure = properties(msi)["SecureCustomProperties"].split(";")
    written = {row["Name"]: row for row in table(msi, "Registry") if row["Key"] == POLICY_KEY}
    assert set(written) == set(PROPERTIES.values())
    for prop, key in PROPERTIES.items():
        row = written[key]
        assert row["Value"] == f"[{prop}]"
        assert components[row["Component_"]]["Condition"] == prop  # only when given
        assert prop in secure  # passed from msiexec's command line to the install
        remembered = locators[searches[prop]]  # found again by the next upgrade
        assert (remembered["Key"], remembered["Name"]) == (POLICY_KEY, key)


def test_the_install_folder_goes_on_the_system_path(msi: Path) -> None:
    (entry,) = table(msi, "Environment")
    assert entry["Name"] == "=-*PATH"  # system-wide, removed again at uninstall
    assert entry["Value"] == "[~];[INSTALLFOLDER]"  # appended, the rest of PATH kept
    actions = {row["Action"] for row in table(msi, "InstallExecuteSequence")}
    assert {"WriteEnvironmentStrings", "RemoveEnvironmentStrings"} <= actions


def test_the_windows_workflow_builds_with_the_same_script() -> None:
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "packaging/windows/build-msi.sh" in workflow
    assert "msiexec.exe -ArgumentList \"/x" in workflow  # and uninstalls what it installed


WER = r"SOFTWARE\Microsoft\Windows\Windows Error Reporting"


def test_windows_error_reporting_keeps_no_dump_and_sends_no_report(msi: Path) -> None:
    """Records and keys are in the app's memory: no local dump, no report."""
    found = {(row["Key"], row["Name"]): row["Value"] for row in table(msi, "Registry")
             if row["Root"] == HKLM and row["Key"].startswith(WER)}
    assert found == {
        (WER + r"\ExcludedApplications", "cerecorder.exe"): "#1",
        (WER + r"\ExcludedApplications", "cerecorder-admin.exe"): "#1",
        (WER + r"\LocalDumps\cerecorder.exe", "DumpCount"): "#0",
        (WER + r"\LocalDumps\cerecorder-admin.exe", "DumpCount"): "#0",
    }
    components = {row["Component_"] for row in table(msi, "Registry")
                  if row["Key"].startswith(WER)}
    assert components == {"NoCrashDumps"}
    assert "NoCrashDumps" in {row["Component_"] for row in table(msi, "FeatureComponents")}


def test_the_policy_folder_is_writable_by_administrators_only(msi: Path) -> None:
    folders = {row["Directory"]: row for row in table(msi, "Directory")}
    assert folders["POLICYFOLDER"]["Directory_Parent"] == "CommonAppDataFolder"
    assert folders["POLICYFOLDER"]["DefaultDir"] == "CE Recorder"  # C:\ProgramData\CE Recorder
    assert {"Directory_": "POLICYFOLDER", "Component_": "PolicyFolder"} in table(
        msi, "CreateFolder")
    (lock,) = table(msi, "MsiLockPermissionsEx")
    assert (lock["LockObject"], lock["Table"]) == ("POLICYFOLDER", "CreateFolder")
    sddl = lock["SDDL"]
    assert sddl.startswith("D:P")  # protected: nothing inherited from ProgramData
    entries = set(sddl[sddl.index("("):].strip("()").split(")("))
    # full access for administrators and SYSTEM only; users read and run (no write bits)
    assert entries == {"A;OICI;FA;;;BA", "A;OICI;FA;;;SY", "A;OICI;0x1200a9;;;BU"}
    assert int("0x1200a9", 16) & 0x2 == 0  # FILE_WRITE_DATA / FILE_ADD_FILE not granted
    actions = {row["Action"] for row in table(msi, "InstallExecuteSequence")}
    assert "CreateFolders" in actions
    # MsiLockPermissionsEx needs Windows Installer 5 (the MSI's summary says so)
    summary = subprocess.run(["msiinfo", "suminfo", str(msi)], capture_output=True, text=True,
                             check=True).stdout
    assert "\nVersion: 500 " in summary
