"""Vault -> Ofsted inspection pack (DSL only): the pack's four lists for a period on
screen, saved as the PDF or CSV the command line writes (cerecorder-admin report VAULT
ofsted), through the same renderer, marking and audit as the governors' report."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QTabWidget, QWidget

from cerecorder.domain.reports import OfstedPack, Period
from cerecorder.services import report_ofsted
from cerecorder.ui.common import record_table
from cerecorder.ui.models import RowsModel
from cerecorder.ui.report_window import ReportWindow
from cerecorder.ui.widgets import named

NOTE = ("The pack names children: it is for the inspection team and the school's "
        "safeguarding leads. Referrals to the DSL are the concerns staff recorded in the "
        "period, with the DSL's decision and the latest outcome; plans come from each "
        "child's dated statuses. Hover over a cut-off cell for its full text.")


class OfstedWindow(ReportWindow):
    KIND = "ofsted"
    TITLE = "Ofsted inspection pack"
    NOTE = NOTE
    SAVED = ("It names children: keep it to the inspection team and the safeguarding "
             "leads, and delete your copy after the inspection.")

    def build(self, period: Period) -> OfstedPack:
        return report_ofsted.build(self.session, period)

    def describe(self, made: OfstedPack) -> str:  # type: ignore[override]
        return f"{made.period.label}: {made.summary}."

    def _tables(self, made: OfstedPack) -> QWidget:  # type: ignore[override]
        """A tab a list, each a table of its own that scrolls (a year's list runs to
        thousands of rows); a cut-off cell's full text is its tip."""
        yes = {True: "Yes", False: "No"}
        lists: tuple[tuple[str, tuple[str, ...], list[tuple[str, ...]]], ...] = (
            ("Referrals to the DSL",
             ("Concern", "When", "Child", "Categories", "DSL's decision", "To the LA",
              "Outcome"),
             [(f"#{r.concern_id}", r.occurred, r.children, r.categories, r.decision,
               yes[r.to_local_authority], r.outcome) for r in made.referrals]),
            ("Referred to the local authority",
             ("When", "Child", "Referral", "Detail", "Outcome", "Concern"),
             [(r.taken, r.child, r.kind, r.detail, r.outcome,
               "" if r.concern_id is None else f"#{r.concern_id}")
              for r in made.local_authority]),
            ("Children with a plan", ("Child", "Year", "Plan", "From", "To"),
             [(p.child, p.year_group, p.plan, p.started, p.ended) for p in made.plans]),
            ("Children missing education", ("Child", "Year", "Concerns", "Latest"),
             [(m.child, m.year_group, str(m.concerns), m.latest)
              for m in made.missing_education]),
        )
        tabs = QTabWidget()
        named(tabs, "The pack's lists", "Ctrl+Tab moves to the next list")
        self.tables: dict[str, QTableView] = {}  # type: ignore[assignment]
        for title, headings, rows in lists:
            model = TextRowsModel(headings, rows, tabs)
            table = record_table(model, title, f"{len(rows)} rows")
            table.setWordWrap(False)
            metrics, header = table.fontMetrics(), table.horizontalHeader()
            for column, heading in enumerate(headings[:-1]):
                widest = max((metrics.horizontalAdvance(r[column]) for r in rows[:200]),
                             default=0)
                header.resizeSection(column, min(max(widest, metrics.horizontalAdvance(
                    heading) + 16), 22 * metrics.averageCharWidth()) + 12)
            self.tables[title] = table
            tabs.addTab(table, f"{title} ({len(rows)})")
        return tabs


class TextRowsModel(RowsModel):
    """Rows of text under headings, each cell's text also its tip."""

    def __init__(self, headings: tuple[str, ...], rows: list[tuple[str, ...]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.HEADERS = headings
        self.set_rows(rows)

    def cell(self, item: tuple[str, ...], column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return item[column]
        return None
