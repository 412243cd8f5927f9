"""School IT's machine-wide policy file: every key, every way it can be wrong, and what the
app does with it (settings fixed and shown as fixed, the demo withdrawn, the vault folder,
the marking and school name on every exported page)."""

from __future__ import annotations

import io
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QGroupBox, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from cerecorder import app, config, paths, policy
from cerecorder.domain.attachments import MEGABYTE, Limits
from cerecorder.domain.handover import DEFAULT_MARKING
from cerecorder.domain.model import EntryType
from cerecorder.domain.transfers import AfterTransfer
from cerecorder.paths import machine_config_dirs as REAL_MACHINE_CONFIG_DIRS
from cerecorder.policy import Policy
from cerecorder.services import concerns, handover
from cerecorder.services.session import Session
from cerecorder.ui.concern_attachments import limits_text
from cerecorder.ui.context import FileDialogs
from cerecorder.ui.controller import AppController
from cerecorder.ui.export_dialog import ExportChronologyDialog
from cerecorder.ui.settings_dialog import SettingsDialog
from cerecorder.ui.settings_model import UiSettings
from cerecorder.ui.setup import StartDialog
from cerecorder.ui.widgets import POLICY_TEXT

from helpers import FAST_KDF, add_child, content

FULL = """\
vault_location = "/srv/ce/vault"
idle_lock_minutes = 10
protective_marking = "OFFICIAL-SENSITIVE PERSONAL"
school_name = "Riverside Academy"
recipient_card = "/srv/ce/dsl-card.json"
outbox_folder = "/srv/ce/outbox"
inbox_folder = "/srv/ce/inbox"
offer_demo = false
anchor_folder = "/mnt/it-anchors"
retention_years = 30
screening_instrument = "/srv/ce/screening.json"
after_transfer = "record"
case_sign_off = true
attachment_file_mb = 20
attachment_concern_mb = 80
"""


def write_policy(home: Path, text: str) -> Path:
    """A policy of the session's own (CERECORDER_HOME), in force while no machine has one."""
    own = paths.own_policy_file()
    assert own is not None
    path = own[0]
    assert path.is_relative_to(home)  # CERECORDER_HOME keeps tests off /etc
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- reading and checking -----------------------------------------------------------------


def test_every_key_is_read() -> None:
    rules, problems = policy.parse(FULL)
    assert problems == ()
    assert rules == Policy(
        vault_location=Path("/srv/ce/vault"), idle_lock_minutes=10,
        protective_marking="OFFICIAL-SENSITIVE PERSONAL", school_name="Riverside Academy",
        recipient_card=Path("/srv/ce/dsl-card.json"), outbox_folder=Path("/srv/ce/outbox"),
        inbox_folder=Path("/srv/ce/inbox"), offer_demo=False,
        anchor_folder=Path("/mnt/it-anchors"), retention_years=30,
        screening_instrument=Path("/srv/ce/screening.json"),
        after_transfer=AfterTransfer.RECORD, case_sign_off=True, attachment_file_mb=20,
        attachment_concern_mb=80)
    assert rules.fixed == set(policy.KEYS)
    assert rules.marking == "OFFICIAL-SENSITIVE PERSONAL"
    assert not rules.demo_offered


def test_an_empty_or_missing_file_fixes_nothing(tmp_path: Path) -> None:
    assert policy.parse("") == (Policy(), ())
    reading = policy.read(tmp_path / "absent.toml")
    assert reading == policy.PolicyReading(Policy())
    rules = reading.policy
    assert rules.fixed == frozenset()
    assert rules.marking == DEFAULT_MARKING == "OFFICIAL-SENSITIVE"
    assert rules.demo_offered
    assert rules.settings_overrides() == {}
    assert rules.summary() == ()


@pytest.mark.parametrize(("line", "key", "says"), [
    ("idle_lock_minutes = 90", "idle_lock_minutes", "from 1 to 60 minutes, not 90"),
    ("retention_years = 3", "retention_years", "from 6 to 100 years, not 3"),
    ('retention_years = "25"', "retention_years", "whole number of years"),
    ("idle_lock_minutes = 0", "idle_lock_minutes", "from 1 to 60 minutes, not 0"),
    ('idle_lock_minutes = "10"', "idle_lock_minutes", "whole number of minutes"),
    ("idle_lock_minutes = 2.5", "idle_lock_minutes", "not a decimal number"),
    ("idle_lock_minutes = true", "idle_lock_minutes", "not true/false"),
    ('offer_demo = "no"', "offer_demo", "must be true or false (no quotes), not text"),
    ("offer_demo = 0", "offer_demo", "must be true or false"),
    ("school_name = 42", "school_name", "must be text in quotes, not a number"),
    ('school_name = "   "', "school_name", "is empty"),
    ('school_name = """Two\nlines"""', "school_name", "single line"),
    (f'school_name = "{"x" * 201}"', "school_name", "the limit is 200"),
    (f'protective_marking = "{"X" * 61}"', "protective_marking", "the limit is 60"),
    ("protective_marking = []", "protective_marking", "not a list"),
    ('vault_location = "relative/vault"', "vault_location", "must be an absolute path"),
    ('inbox_folder = "$CERECORDER_UNSET_VARIABLE/in"', "inbox_folder",
     "the environment variable $CERECORDER_UNSET_VARIABLE, which is not set"),
    ('outbox_folder = "/srv/${CERECORDER_UNSET}/out"', "outbox_folder",
     "the environment variable ${CERECORDER_UNSET}, which is not set"),
    ("recipient_card = '/srv/ce/%CERECORDER_UNSET%/card.txt'", "recipient_card",
     "%CERECORDER_UNSET%, which is not set"),
    ("outbox_folder = 1979-05-27", "outbox_folder", "not a date or time"),
    ("[recipient_card]\npath = '/x'", "recipient_card", "not a table"),
])
def test_a_bad_value_names_its_key_and_keeps_the_default(line: str, key: str,
                                                         says: str) -> None:
    text = line if key == "school_name" else f'school_name = "Riverside Academy"\n{line}\n'
    rules, problems = policy.parse(text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{key}: ")
    assert says in problems[0]
    assert problems[0].endswith("the default applies")
    assert getattr(rules, key) is None
    if key != "school_name":  # the good key beside the bad one still applies
        assert rules.school_name == "Riverside Academy"


def test_an_unknown_key_is_ignored_with_a_suggestion() -> None:
    rules, problems = policy.parse("idle_lock = 10\ncolour = 'blue'\nidle_lock_minutes = 3\n")
    assert problems == (
        "idle_lock: unknown key, ignored; did you mean idle_lock_minutes?",
        "colour: unknown key, ignored; the keys are " + ", ".join(policy.KEYS),
    )
    assert rules == Policy(idle_lock_minutes=3)


def test_a_file_that_is_not_toml_says_where_and_keeps_every_default() -> None:
    rules, problems = policy.parse("idle_lock_minutes = 10\nschool_name Riverside\n")
    assert rules == Policy()
    assert len(problems) == 1
    assert problems[0].startswith("the file is not valid TOML: ")
    assert "line 2" in problems[0]
    assert problems[0].endswith("every key uses its default")


def test_a_windows_path_in_double_quotes_gets_a_hint() -> None:
    rules, problems = policy.parse('vault_location = "C:\\Users\\CE\\vault"\n')
    assert rules == Policy()
    assert "write them in single quotes" in problems[0]
    _, problems = policy.parse("vault_location = 'C:\\CE\\vault'\n")
    assert not any("TOML" in p for p in problems)  # literal strings keep backslashes


def test_home_and_environment_variables_expand(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CE_SHARE", "/mnt/share")
    rules, problems = policy.parse('vault_location = "~/CE/vault"\n'
                                   'outbox_folder = "$CE_SHARE/outbox"\n')
    assert problems == ()
    assert rules.vault_location == tmp_path / "CE" / "vault"
    assert rules.outbox_folder == Path("/mnt/share/outbox")


def test_text_is_trimmed_and_a_notepad_bom_is_accepted() -> None:
    rules, problems = policy.parse('\ufeffschool_name = "  Riverside Academy "\n')
    assert problems == ()
    assert rules.school_name == "Riverside Academy"


def test_unreadable_and_non_utf8_files_say_so(tmp_path: Path) -> None:
    latin = tmp_path / "latin.toml"
    latin.write_bytes('school_name = "Ysgol Gymraeg Aberystwyth \u00e2"\n'.encode("latin-1"))
    reading = policy.read(latin)
    assert reading.policy == Policy()
    assert reading.source == latin
    assert reading.problems == ("the file is not UTF-8 text (save it as UTF-8); every key "
                                "uses its default",)
    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    reading = policy.read(folder)
    assert reading.policy == Policy()
    assert reading.problems[0].startswith("the file could not be read (")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_policy_file_anyone_may_change_is_reported_and_still_applies(
        tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('school_name = "Riverside Academy"\n', encoding="utf-8")
    path.chmod(0o644)
    assert policy.read(path).problems == ()
    path.chmod(0o666)
    reading = policy.read(path)
    assert reading.policy.school_name == "Riverside Academy"
    assert reading.problems == (
        "the file can be changed by every user of this computer (mode 0666); make it "
        "writable by administrators only (0644)",)


def test_a_session_may_name_its_own_policy_file(monkeypatch: pytest.MonkeyPatch,
                                                home: Path, tmp_path: Path) -> None:
    assert paths.own_policy_file() == (home / "site-config" / "policy.toml",
                                       "CERECORDER_HOME")
    monkeypatch.setenv("CERECORDER_POLICY", str(tmp_path / "it.toml"))
    assert paths.own_policy_file() == (tmp_path / "it.toml", "CERECORDER_POLICY")
    monkeypatch.delenv("CERECORDER_POLICY")
    monkeypatch.delenv("CERECORDER_HOME")
    assert paths.own_policy_file() is None


@pytest.mark.parametrize(("value", "folders"), [
    (None, ["/etc/xdg"]),  # an SSH session sets no XDG_CONFIG_DIRS
    ("", ["/etc/xdg"]),
    ("/etc/xdg/xdg-ubuntu:/etc/xdg", ["/etc/xdg/xdg-ubuntu", "/etc/xdg"]),  # Ubuntu desktop
    ("/etc/xdg/xdg-cinnamon", ["/etc/xdg/xdg-cinnamon", "/etc/xdg"]),  # /etc/xdg always
    ("/etc/xdg:/etc/xdg/xdg-mate:/etc/xdg/xdg-mate", ["/etc/xdg/xdg-mate", "/etc/xdg"]),
    ("/usr/share/kubuntu-default-settings/kf5-settings:/etc/xdg/xdg-plasma:/etc/xdg",
     ["/usr/share/kubuntu-default-settings/kf5-settings", "/etc/xdg/xdg-plasma", "/etc/xdg"]),
    # a user may set the variable: a folder they could write is not the machine's
    ("/home/staff/.mine:/tmp/x:relative/xdg:/etc/../home/staff:/etc/xdg",
     ["/etc/xdg"]),
])
def test_every_system_folder_of_xdg_config_dirs_is_searched(value: str | None,
                                                            folders: list[str]) -> None:
    assert paths.xdg_config_dirs(value) == tuple(Path(f) for f in folders)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")
def test_the_machine_folders_on_linux_come_from_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/etc/xdg/xdg-ubuntu:/etc/xdg")
    assert REAL_MACHINE_CONFIG_DIRS() == (Path("/etc/xdg/xdg-ubuntu/CE Recorder"),
                                          Path("/etc/xdg/CE Recorder"))


def machine_policy(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_policy_in_any_machine_folder_is_read(machine_config: list[Path]) -> None:
    """Ubuntu's session lists /etc/xdg/xdg-ubuntu first; IT's file is in /etc/xdg."""
    path = machine_policy(machine_config[1], "idle_lock_minutes = 2\n")
    reading = app.read_policy()
    assert reading.source == path
    assert reading.policy == Policy(idle_lock_minutes=2)
    assert reading.ignored == ()


def test_the_first_machine_folder_wins_and_check_policy_names_the_others(
        machine_config: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    first = machine_policy(machine_config[0], "school_name = 'Riverside Academy'\n")
    second = machine_policy(machine_config[1], "school_name = 'Hillside School'\n")
    assert app.read_policy().policy == Policy(school_name="Riverside Academy")
    assert app.check_policy() == 0  # another file is no problem: IT is told, not warned
    out = capsys.readouterr().out
    assert f"Policy file: {first} (the machine policy" in out
    assert "School name: Riverside Academy" in out
    assert f"also found, ignored: {second} (the policy in {first} comes first)" in out
    assert "Hillside" not in out.replace(str(second), "")


@pytest.mark.parametrize("variable", ["CERECORDER_HOME", "CERECORDER_POLICY"])
def test_no_environment_variable_escapes_a_machine_policy(
        variable: str, home: Path, tmp_path: Path, machine_config: list[Path],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    if variable == "CERECORDER_POLICY":
        monkeypatch.setenv(variable, str(tmp_path / "mine.toml"))
    own = write_policy(home if variable == "CERECORDER_HOME" else tmp_path,
                       "idle_lock_minutes = 60\noffer_demo = true\n")
    assert app.read_policy().policy == Policy(idle_lock_minutes=60, offer_demo=True)
    machine = machine_policy(machine_config[1], "idle_lock_minutes = 5\noffer_demo = false\n")
    reading = app.read_policy()
    assert reading.source == machine
    assert reading.policy == Policy(idle_lock_minutes=5, offer_demo=False)
    assert app.build_context(reading.policy).settings.idle_lock_minutes == 5
    assert app.check_policy() == 0
    assert (f"also found, ignored: {own}, named by {variable} (a machine policy exists, "
            "and wins)") in capsys.readouterr().out


def test_check_policy_checks_a_draft_beside_the_machine_policy(
        tmp_path: Path, machine_config: list[Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    machine_policy(machine_config[1], "school_name = 'Riverside Academy'\n")
    draft = tmp_path / "draft.toml"
    draft.write_text("school_name = 'Hillside School'\nidle = 3\n", encoding="utf-8")
    assert app.check_policy(draft) == 1
    out, err = capsys.readouterr()
    assert f"Policy file: {draft} (a draft, checked only: not in force)" in out
    assert "School name: Hillside School" in out
    assert "problem: idle: unknown key" in err
    assert app.read_policy().policy.school_name == "Riverside Academy"


def test_an_unreadable_machine_policy_still_keeps_the_session_s_own_out(
        home: Path, machine_config: list[Path]) -> None:
    write_policy(home, "idle_lock_minutes = 60\n")
    (machine_config[0] / "policy.toml").mkdir(parents=True)  # there, but not readable
    reading = app.read_policy()
    assert reading.source == machine_config[0] / "policy.toml"
    assert reading.policy == Policy()
    assert reading.problems[0].startswith("the file could not be read (")


def test_the_summary_reads_as_people_write() -> None:
    rules, _ = policy.parse(FULL)
    summary = dict(rules.summary())
    assert summary["Lock after"] == "10 minutes"
    assert summary["Demo vault offered"] == "no"
    assert summary["School name"] == "Riverside Academy"
    assert len(summary) == len(policy.KEYS)


def test_the_problems_text_names_the_file_and_each_problem(tmp_path: Path) -> None:
    reading = policy.PolicyReading(Policy(), ("a: one", "b: two"), tmp_path / "policy.toml")
    text = policy.problems_text(reading)
    assert str(tmp_path / "policy.toml") in text
    assert "\u2022 a: one\n\u2022 b: two" in text


# -- policy over the user's settings ------------------------------------------------------


def test_policy_beats_user_settings_but_never_overwrites_them(home: Path) -> None:
    own = UiSettings(idle_lock_minutes=20, last_vault="/v", outbox_folder="/mine")
    config.save_settings(own)
    write_policy(home, "idle_lock_minutes = 2\noutbox_folder = '/srv/out'\n")
    ctx = app.build_context(app.read_policy().policy)
    assert ctx.settings.idle_lock_minutes == 2
    assert ctx.settings.outbox_folder == "/srv/out"
    assert ctx.settings.last_vault == "/v"
    assert ctx.policy_fixed == {"idle_lock_minutes", "outbox_folder"}

    ctx.settings.last_vault = "/other"  # the user's own setting changes and is saved
    ctx.save_settings(ctx.settings)
    saved = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert saved["last_vault"] == "/other"
    assert saved["idle_lock_minutes"] == 20  # theirs again when the policy is lifted
    assert saved["outbox_folder"] == "/mine"


def test_a_bad_policy_is_logged_by_key_and_the_rest_applies(home: Path) -> None:
    write_policy(home, "idle_lock_minutes = 600\nschool_name = 'Riverside Academy'\n")
    app.configure_logging()
    try:
        reading = app.read_policy()
    finally:
        for handler in list(app.log.handlers):
            handler.close()
            app.log.removeHandler(handler)
    assert reading.policy == Policy(school_name="Riverside Academy")
    logged = (paths.log_dir() / "cerecorder.log").read_text(encoding="utf-8")
    assert "idle_lock_minutes: must be from 1 to 60 minutes, not 600" in logged
    ctx = app.build_context(reading.policy)
    assert ctx.settings.idle_lock_minutes == UiSettings().idle_lock_minutes


def test_a_bad_policy_is_told_in_a_dialog(home: Path, monkeypatch: pytest.MonkeyPatch,
                                         qapp: object) -> None:
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text: told.append((title, text)))
    app.warn_about_policy(policy.PolicyReading(Policy()))
    assert told == []
    path = write_policy(home, "offer_demo = 'yes'\n")
    app.warn_about_policy(policy.read(path))
    assert len(told) == 1
    assert "offer_demo: must be true or false" in told[0][1]
    assert str(path) in told[0][1]


def test_check_policy_prints_what_is_in_force(home: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert app.check_policy() == 0
    assert "not there: every key uses its default" in capsys.readouterr().out
    write_policy(home, "school_name = 'Riverside Academy'\nidle = 3\n")
    assert app.check_policy() == 1
    out, err = capsys.readouterr()
    assert "School name: Riverside Academy" in out
    assert "problem: idle: unknown key" in err


# -- what the windows do with it ----------------------------------------------------------


def test_settings_window_shows_what_policy_fixed(qtbot: QtBot, home: Path,
                                                 dsl: Session) -> None:
    write_policy(home, FULL)
    ctx = app.build_context(app.read_policy().policy)
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    assert dialog.idle.value() == 10
    assert not dialog.idle.isEnabled()
    assert dialog.idle.toolTip() == POLICY_TEXT
    boxes = {b.title(): b for b in dialog.findChildren(QGroupBox)}
    fixed = boxes[POLICY_TEXT]
    shown = {label.accessibleName(): label.text() for label in fixed.findChildren(QLabel)
             if label.accessibleName()}
    assert shown["School name, set by your school's IT policy"] == "Riverside Academy"
    assert shown["Vault folder, set by your school's IT policy"] == str(Path("/srv/ce/vault"))
    assert len(shown) == len(policy.KEYS)
    assert dialog.school is not None and dialog.school.isReadOnly()
    assert dialog.school.toolTip() == POLICY_TEXT
    dialog.save()
    assert ctx.settings.idle_lock_minutes == 10


def test_the_handover_tab_keeps_the_policy_card_and_folders(qtbot: QtBot, home: Path,
                                                           dsl: Session) -> None:
    """A staff laptop's card, outbox and inbox fixed by IT show IT's paths, cannot be
    edited or browsed for, and saving the window keeps the user's own values apart."""
    from helpers import STAFF_PASS, add_staff, switch_to

    add_staff(dsl)
    staff = switch_to(dsl, "teacher", STAFF_PASS)
    config.save_settings(UiSettings(outbox_folder="/home/teacher/my-outbox"))
    write_policy(home, FULL)
    ctx = app.build_context(app.read_policy().policy)
    dialog = SettingsDialog(ctx, staff)
    qtbot.addWidget(dialog)
    section = dialog.handover
    assert section is not None
    assert section.inbox_row is None  # staff send; the DSL receives
    assert section.card_row is not None and section.outbox_row is not None
    rows = {"recipient_card": section.card_row, "outbox_folder": section.outbox_row}
    assert rows["recipient_card"].edit.text() == str(Path("/srv/ce/dsl-card.json"))
    assert rows["outbox_folder"].edit.text() == str(Path("/srv/ce/outbox"))
    for row in rows.values():
        assert row.edit.isReadOnly() and not row.edit.isClearButtonEnabled()
        assert not row.browse.isEnabled()
        assert row.edit.toolTip() == POLICY_TEXT
    dialog.save()
    assert ctx.settings.outbox_folder == str(Path("/srv/ce/outbox"))
    assert config.load_settings().outbox_folder == "/home/teacher/my-outbox"


def test_settings_window_without_policy_is_unchanged(qtbot: QtBot, dsl: Session) -> None:
    ctx = app.build_context()
    dialog = SettingsDialog(ctx, dsl)
    qtbot.addWidget(dialog)
    assert dialog.idle.isEnabled()
    assert POLICY_TEXT not in {b.title() for b in dialog.findChildren(QGroupBox)}


def test_offer_demo_false_withdraws_the_demo(qtbot: QtBot, home: Path) -> None:
    write_policy(home, "offer_demo = false\nvault_location = '/srv/ce/vault'\n")
    ctx = app.build_context(app.read_policy().policy)
    assert ctx.default_vault_dir == Path("/srv/ce/vault")
    dialog = StartDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    visible = {b.accessibleName() for b in dialog.findChildren(QPushButton) if b.isVisible()}
    assert visible == {"Create a school vault", "Open an existing vault"}

    offered = StartDialog(app.build_context())
    qtbot.addWidget(offered)
    offered.show()
    assert "Open the demo vault" in {
        b.accessibleName() for b in offered.findChildren(QPushButton) if b.isVisible()}


def test_the_policy_vault_opens_before_the_last_one(qtbot: QtBot, home: Path,
                                                    tmp_path: Path, dsl: Session) -> None:
    from cerecorder.ui.controller import AppController
    from cerecorder.ui.unlock import UnlockDialog

    school = dsl.vault.files.folder
    dsl.lock()
    write_policy(home, f"vault_location = '{school}'\n")
    config.save_settings(UiSettings(last_vault=str(tmp_path / "demo-elsewhere")))
    (tmp_path / "demo-elsewhere").mkdir()
    ctx = app.build_context(app.read_policy().policy)
    controller = AppController(ctx)
    controller.start()
    assert isinstance(controller.dialog, UnlockDialog)
    qtbot.addWidget(controller.dialog)
    assert controller.folder == school


def test_a_withdrawn_demo_is_not_reopened_as_the_last_vault(qtbot: QtBot,
                                                            home: Path) -> None:
    """A laptop used for training before IT set offer_demo = false must not start in the
    demo vault (its passphrase on screen) because it was the last one opened."""
    from cerecorder.services import demo
    from cerecorder.ui.controller import AppController
    from cerecorder.ui.unlock import UnlockDialog

    ctx = app.build_context()
    demo.create_demo_vault(ctx.demo_vault_dir, passphrase="demo passphrase", seed=1,
                           size="tiny", kdf=FAST_KDF, clock=ctx.clock, taxonomy=ctx.taxonomy)
    config.save_settings(UiSettings(last_vault=str(ctx.demo_vault_dir)))
    reopened = AppController(app.build_context())
    reopened.start()
    assert isinstance(reopened.dialog, UnlockDialog)  # while the demo is offered
    qtbot.addWidget(reopened.dialog)

    write_policy(home, "offer_demo = false\n")
    controller = AppController(app.build_context(app.read_policy().policy))
    controller.start()
    assert isinstance(controller.dialog, StartDialog)
    qtbot.addWidget(controller.dialog)
    visible = {b.accessibleName() for b in controller.dialog.findChildren(QPushButton)
               if b.isVisible()}
    assert visible == {"Create a school vault", "Open an existing vault"}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_exported_pdfs_carry_the_policy_marking_and_school(
        qtbot: QtBot, home: Path, tmp_path: Path, dsl: Session) -> None:
    handover.set_school_name(dsl, "Name In The Vault")
    child = add_child(dsl)
    concerns.record_concern(dsl, content((child,), dsl.clock))  # type: ignore[arg-type]
    write_policy(home, "protective_marking = 'OFFICIAL-SENSITIVE PERSONAL'\n"
                       "school_name = 'Riverside Academy'\n")
    ctx = app.build_context(app.read_policy().policy)
    ctx.kdf = FAST_KDF
    target = tmp_path / "out.pdf"

    class Answer(FileDialogs):
        def save_path(self, *args: object) -> Path | None:
            return target

    ctx.file_dialogs = Answer()
    dialog = ExportChronologyDialog(ctx, dsl, child, "Zoë", date_from=None, date_to=None,
                                    entry_types=EntryType)
    qtbot.addWidget(dialog)
    dialog.purpose.setText("Strategy meeting")
    dialog.save()
    assert dialog.saved == target
    text = pdf_text(target.read_bytes())
    assert text.count("OFFICIAL-SENSITIVE PERSONAL") >= 2  # top and bottom of the page
    assert "Riverside Academy" in text
    assert "Name In The Vault" not in text

    # without a policy the vault's own school name and the default marking are used
    plain = app.build_context()
    doc = handover.chronology_document(dsl, child, purpose="Audit")
    assert plain.documents is not None
    text = pdf_text(plain.documents.chronology(doc))
    assert "Name In The Vault" in text
    assert "OFFICIAL-SENSITIVE PERSONAL" not in text
    assert "OFFICIAL-SENSITIVE" in text


def test_the_documented_example_is_a_valid_policy() -> None:
    example = Path(__file__).resolve().parent.parent / "docs" / "policy.toml.example"
    rules, problems = policy.parse(example.read_text(encoding="utf-8"))
    assert problems == ()
    assert rules.fixed == set(policy.KEYS)


def test_the_admin_command_line_warns_and_marks_its_pdfs_too(
        home: Path, tmp_path: Path, dsl: Session) -> None:
    """cerecorder-admin (its real entry point, in a fresh interpreter) reads the same
    policy: problems are warnings on stderr, and its PDFs carry the policy marking."""
    import subprocess
    import sys

    from helpers import DSL_PASS

    child = add_child(dsl)
    concerns.record_concern(dsl, content((child,), dsl.clock))  # type: ignore[arg-type]
    folder = dsl.vault.files.folder
    dsl.lock()
    write_policy(home, "protective_marking = 'OFFICIAL-SENSITIVE PERSONAL'\n"
                       "school_name = 'Riverside Academy'\nofer_demo = false\n")
    out = tmp_path / "chronology.pdf"
    done = subprocess.run(
        [sys.executable, "-c", "from cerecorder.app import admin_main; admin_main()",
         "export-chronology", str(folder), "--child", str(child), "--out", str(out),
         "--purpose", "Strategy meeting"],
        input=DSL_PASS + "\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "CERECORDER_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    assert (f"warning: policy file {home / 'site-config' / 'policy.toml'}: ofer_demo: "
            "unknown key, ignored; did you mean offer_demo?") in done.stderr
    text = pdf_text(out.read_bytes())
    assert text.count("OFFICIAL-SENSITIVE PERSONAL") >= 2
    assert "Riverside Academy" in text


def test_the_app_gives_each_session_the_policys_attachment_limits(
        qtbot: QtBot, dsl: Session) -> None:
    """The policy's limits reach the session the windows use, and the form says them."""
    ctx = app.build_context(Policy(attachment_file_mb=5, attachment_concern_mb=20))
    assert ctx.attachment_limits == Limits(5 * MEGABYTE, 20 * MEGABYTE)
    controller = AppController(ctx)
    controller.unlocked(dsl)
    try:
        assert dsl.attachment_limits == Limits(5 * MEGABYTE, 20 * MEGABYTE)
        assert "up to 5 MB a file, 20 MB a concern" in limits_text(dsl.attachment_limits)
    finally:
        controller.lock(reopen=False)
