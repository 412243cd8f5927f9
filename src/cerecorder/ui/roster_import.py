"""Import pupil roll: a wizard over services.roster_import. Choose the MIS export, check
what each column holds, see every new, updated, unchanged, conflicting and problem row and
every leaver, then import all of it at once or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from cerecorder.domain.errors import CERecorderError, EnvironmentProblem, InvalidInput
from cerecorder.domain.roster import RosterField, check_mapping, counted
from cerecorder.domain.roster_match import Outcome
from cerecorder.domain.rules import EARLIEST
from cerecorder.domain.timefmt import uk_date
from cerecorder.services import roster_import
from cerecorder.services.roster_import import ImportResult, RosterPreview, RosterSource
from cerecorder.services.session import Session
from cerecorder.ui.common import date_edit, fit_to_screen, from_qdate, record_table, to_qdate
from cerecorder.ui.context import AppContext
from cerecorder.ui.models import RowsModel
from cerecorder.ui.widgets import message_label, named, show_problem

PROBLEM, LEAVER = "Problem", "Leaver"
#: the filter choices on the preview page: label, and the outcome column text to match
SHOW = (("Everything", ""), ("New", Outcome.NEW.label), ("Updated", Outcome.UPDATED.label),
        ("Unchanged", Outcome.UNCHANGED.label), ("Conflicts", Outcome.CONFLICT.label),
        ("Problem rows", PROBLEM), ("Leavers", LEAVER))


class PreviewModel(RowsModel):
    """One row per line of the file (and per leaver): what the import would do."""

    HEADERS = ("Line", "Outcome", "Pupil", "Identifiers", "What happens")

    def cell(self, item: tuple[str, ...], column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return item[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and item[1] in (
                Outcome.CONFLICT.label, PROBLEM):
            return QColor("#b00020")
        return None

    def describe(self, row: int) -> str:
        line, outcome, name, ids, action = self._rows[row]
        return (f"Line {line}: " if line else "") + f"{outcome}. {name}" + (
            f" ({ids})" if ids else "") + f": {action}"


def preview_rows(preview: RosterPreview) -> list[tuple[str, str, str, str, str]]:
    plan = preview.plan
    rows: list[tuple[int, tuple[str, str, str, str, str]]] = [
        (p.row.line, (str(p.row.line), p.outcome.label, roster_import.row_name(p),
                      roster_import.row_identifiers(p), roster_import.row_action(p)))
        for p in plan.rows]
    rows += [(problem.line, (str(problem.line), PROBLEM, problem.name, "", problem.message))
             for problem in plan.problems]
    rows.sort(key=lambda pair: pair[0])
    on = uk_date(plan.left_on) if plan.left_on else ""
    left = [("", LEAVER, c.legal_name, f"#{c.id}" + (f", UPN {c.details.upn}"
                                                     if c.details.upn else ""),
             f"not in the file: marked as left on {on}; every record kept")
            for c in plan.leavers]
    return [r for _, r in rows] + left


class ChooseFilePage(QWizardPage):
    def __init__(self, wizard: RosterImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Choose the roll exported from your MIS")
        self.setSubTitle("A CSV export from SIMS, Arbor, Bromcom, iSAMS or similar: one row "
                         "per pupil with a header row. Nothing is changed until the last step.")
        self.path = QLineEdit()
        self.path.setPlaceholderText("Path of the CSV file")
        named(self.path, "CSV file")
        self.path.textChanged.connect(lambda _: self.completeChanged.emit())
        browse = QPushButton("&Choose…")
        named(browse, "Choose the CSV file")
        browse.clicked.connect(self.choose)
        self.full_roll = QCheckBox("This file is the &whole roll: pupils not in it have left")
        named(self.full_roll, "The file is the whole roll",
              "Pupils missing from the file are marked as left on the date below. Their "
              "records are kept.")
        self.left_on = date_edit("Date they left")
        today = roster_import.today(wizard.session)
        self.left_on.setDateRange(to_qdate(EARLIEST), to_qdate(today))  # as domain.rules
        self.left_on.setDate(to_qdate(today))
        self.left_on.setEnabled(False)
        self.full_roll.toggled.connect(self.left_on.setEnabled)
        left_caption = QLabel("&Left on:")
        left_caption.setBuddy(self.left_on)
        self.message = message_label()

        row = QHBoxLayout()
        caption = QLabel("&File:")
        caption.setBuddy(self.path)
        row.addWidget(caption)
        row.addWidget(self.path, stretch=1)
        row.addWidget(browse)
        left_row = QHBoxLayout()
        left_row.addSpacing(24)
        left_row.addWidget(left_caption)
        left_row.addWidget(self.left_on)
        left_row.addStretch()
        hint = QLabel("Export only current pupils for a whole-roll import. A pupil who is "
                      "marked as left keeps every record and can return to the roll.")
        hint.setObjectName("hintMessage")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addSpacing(12)
        layout.addWidget(self.full_roll)
        layout.addLayout(left_row)
        layout.addWidget(hint)
        layout.addStretch()
        layout.addWidget(self.message)

    def choose(self) -> None:
        start = Path(self.path.text()).parent if self.path.text() else Path.home()
        chosen = self.owner.ctx.file_dialogs.open_path(
            self, "Choose the roll exported from your MIS", start,
            "CSV files (*.csv *.txt);;All files (*)")
        if chosen is not None:
            self.path.setText(str(chosen))

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        self.message.clear()
        path = Path(self.path.text().strip())
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.message.setText(f"Cannot read {path.name}: {exc.strerror or exc}.")
            return False
        try:
            self.owner.source = roster_import.open_roster(self.owner.session, data)
        except EnvironmentProblem as exc:
            self.message.setText(str(exc))
            return False
        except CERecorderError as exc:
            show_problem(self, exc)
            return False
        return True


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: RosterImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("What each column holds")
        self.combos: list[QComboBox] = []
        self.header_key = ""  # of the file the combos were made for
        self.found = QLabel()
        self.found.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        scroll = QScrollArea()
        named(scroll, "Columns of the file")  # it takes the focus to scroll a long list
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_host)
        self.message = message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.found)
        layout.addWidget(scroll, stretch=1)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        source = self.owner.source
        assert source is not None  # the first page read it
        # back on the first page (to tick the whole roll, say) and on again: the same
        # file keeps the columns as the user set them
        mapping = (self.mapping() if self.combos and self.header_key == source.header_key
                   else source.mapping)
        self.header_key = source.header_key
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos = []
        f = source.file
        self.setSubTitle(f"Read as {f.encoding}, {f.delimiter_name}-separated, "
                         f"{len(f.rows)} rows after the headings on line {f.header_line}.")
        self.found.setText(
            "These columns are mapped as the last import of a file with the same headings "
            "was." if source.mapping_from == "remembered" else
            "Columns with the usual MIS headings are mapped already. Say what any other "
            "column holds, or leave it as not imported. Your choice is remembered for files "
            "with the same headings.")
        sample = f.rows[0][1] if f.rows else ()
        for index, heading in enumerate(f.header):
            combo = QComboBox()
            combo.addItem("Not imported", None)
            for target in RosterField:
                combo.addItem(target.label, target.value)
            chosen = mapping.get(index)
            combo.setCurrentIndex(combo.findData(chosen.value) if chosen else 0)
            example = sample[index] if index < len(sample) else ""
            caption_text = heading or f"(column {index + 1}, no heading)"
            named(combo, f"Column {caption_text}",
                  f"First row: {example}" if example else "Empty in the first row")
            caption = QLabel(caption_text + (f"  (e.g. {example[:30]})" if example else ""))
            caption.setBuddy(combo)
            self.form.addRow(caption, combo)
            self.combos.append(combo)

    def mapping(self) -> dict[int, RosterField]:
        chosen: dict[int, RosterField] = {}
        for index, combo in enumerate(self.combos):
            data = combo.currentData()  # a StrEnum comes back from Qt as a plain str
            if data is not None:
                chosen[index] = RosterField(data)
        return chosen

    def validatePage(self) -> bool:
        source = self.owner.source
        assert source is not None
        mapping = self.mapping()
        try:
            check_mapping(source.file.header, mapping)
            self.owner.make_preview(mapping)
        except InvalidInput as exc:
            self.message.setText(str(exc))
            return False
        except CERecorderError as exc:
            show_problem(self, exc)
            return False
        self.message.clear()
        return True


class PreviewPage(QWizardPage):
    def __init__(self, wizard: RosterImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Preview: nothing has been changed yet")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        named(self.summary, "Summary")
        self.warning = message_label()
        self.model = PreviewModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(1)
        self.table = record_table(self.proxy, "Preview",
                                  "One row per line of the file, and one per leaver.")
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(self._show_row)
        self.row_text = QLabel()
        self.row_text.setWordWrap(True)
        self.row_text.setTextFormat(Qt.TextFormat.PlainText)
        self.row_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.row_text, "The selected row in full")
        self.show_only = QComboBox()
        for label, _ in SHOW:
            self.show_only.addItem(label)
        named(self.show_only, "Show")
        self.show_only.currentIndexChanged.connect(self._filter)
        show_caption = QLabel("&Show:")
        show_caption.setBuddy(self.show_only)
        self.import_rest = QCheckBox()
        named(self.import_rest, "Import the rest")
        self.import_rest.toggled.connect(lambda _: self.completeChanged.emit())
        self.message = message_label()

        top = QHBoxLayout()
        top.addWidget(self.summary, stretch=1)
        top.addWidget(show_caption)
        top.addWidget(self.show_only)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.warning)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.row_text)
        layout.addWidget(self.import_rest)
        layout.addWidget(self.message)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")

    def initializePage(self) -> None:
        preview = self.owner.preview
        assert preview is not None  # made when the columns page was accepted
        self.model.set_rows(preview_rows(preview))
        self.summary.setText(roster_import.summary_line(preview.plan))
        self.warning.setText(roster_import.leaver_warning(preview, self.owner.on_roll))
        self.warning.setVisible(bool(self.warning.text()))
        skipped = preview.plan.skipped
        self.import_rest.setChecked(False)
        self.import_rest.setVisible(bool(skipped))
        self.import_rest.setText(
            f"Import the &rest, leaving out {counted(skipped)} with problems or conflicts "
            "(fix them in the MIS and import again later)")
        self.show_only.setCurrentIndex(
            next((i for i, (_, key) in enumerate(SHOW) if key in (Outcome.CONFLICT.label,
                                                                 PROBLEM)
                  and self._count(key)), 0))
        self._filter()
        self.message.clear()

    def _count(self, key: str) -> int:
        return sum(1 for r in range(self.model.rowCount())
                   if self.model.index(r, 1).data() == key)

    def _filter(self) -> None:
        self.proxy.setFilterFixedString(SHOW[self.show_only.currentIndex()][1])
        for column in range(PreviewModel.HEADERS.index("What happens")):
            self.table.resizeColumnToContents(column)
        self.table.selectRow(0)

    def _show_row(self) -> None:
        index = self.table.currentIndex()
        self.row_text.setText(self.model.describe(self.proxy.mapToSource(index).row())
                              if index.isValid() else "")

    def isComplete(self) -> bool:
        preview = self.owner.preview
        return preview is not None and (not preview.plan.skipped or self.import_rest.isChecked())

    def validatePage(self) -> bool:
        preview = self.owner.preview
        assert preview is not None
        try:
            self.owner.outcome = roster_import.commit_import(
                self.owner.session, preview, import_rest=self.import_rest.isChecked(),
                holidays=self.owner.ctx.bank_holidays)
        except EnvironmentProblem as exc:
            self.message.setText(str(exc) + " Nothing was imported.")
            return False
        except CERecorderError as exc:
            show_problem(self, exc)
            return False
        return True


class DonePage(QWizardPage):
    def __init__(self, wizard: RosterImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Pupil roll imported")
        self.text = QLabel()
        self.text.setWordWrap(True)
        named(self.text, "Result")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch()

    def initializePage(self) -> None:
        r = self.owner.outcome
        assert r is not None
        self.text.setText(
            f"{counted(r.added, 'pupil')} added, {r.updated} updated, {r.left} marked as left"
            + (f"; {counted(r.skipped)} left out" if r.skipped else "") + ". "
            + roster_import.transfers_text(r)
            + "The import is recorded in the audit trail.")


class RosterImportWizard(QWizard):
    def __init__(self, ctx: AppContext, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # the roll leaves memory too
        self.ctx, self.session = ctx, session
        self.source: RosterSource | None = None
        self.preview: RosterPreview | None = None
        self.outcome: ImportResult | None = None
        self.on_roll = 0
        self.setWindowTitle("Import pupil roll")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.file_page = ChooseFilePage(self)
        self.columns_page = ColumnsPage(self)
        self.preview_page = PreviewPage(self)
        self.done_page = DonePage(self)
        for page in (self.file_page, self.columns_page, self.preview_page, self.done_page):
            self.addPage(page)
        for which, name in ((QWizard.WizardButton.NextButton, "Next"),
                            (QWizard.WizardButton.BackButton, "Back"),
                            (QWizard.WizardButton.CancelButton, "Cancel"),
                            (QWizard.WizardButton.FinishButton, "Finish"),
                            (QWizard.WizardButton.CommitButton, "Import")):
            named(self.button(which), name)
        fit_to_screen(self, 980, 640)

    def make_preview(self, mapping: dict[int, RosterField]) -> None:
        assert self.source is not None
        page = self.file_page
        full = page.full_roll.isChecked()
        self.preview = roster_import.preview_import(
            self.session, self.source, mapping, full_roll=full,
            left_on=from_qdate(page.left_on.date()) if full else None)
        self.on_roll = roster_import.on_roll_count(self.session)
