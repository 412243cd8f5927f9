"""Vault -> Ofsted inspection pack (DSL only): the pack's four lists for a period on
screen, saved as the PDF or CSV the command line writes (cerecorder-admin report VAULT
ofsted), through the same renderer, marking and audit as the governors' report."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cerecorder.domain.reports import OfstedPack, Period
from cerecorder.services import report_ofsted
from cerecorder.ui.report_window import ReportWindow, figures_table

NOTE = ("The pack names children: it is for the inspection team and the school's "
        "safeguarding leads. Referrals to the DSL are the concerns staff recorded in the "
        "period, with the DSL's decision and the latest outcome; plans come from each "
        "child's dated statuses. Hover over a cut-off line for its full text.")


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
        page = QWidget()
        layout = QVBoxLayout(page)
        yes = {True: "Yes", False: "No"}
        lists = (
            ("Referrals to the DSL",
             ("Concern", "When", "Child", "Categories", "DSL's decision", "To the LA",
              "Outcome"),
             [[f"#{r.concern_id}", r.occurred, r.children, r.categories, r.decision,
               yes[r.to_local_authority], r.outcome] for r in made.referrals], 6),
            ("Referred to the local authority",
             ("When", "Child", "Referral", "Detail", "Outcome"),
             [[r.taken, r.child, r.kind, r.detail, r.outcome]
              for r in made.local_authority], 4),
            ("Children with a plan", ("Child", "Year", "Plan", "From", "To"),
             [[p.child, p.year_group, p.plan, p.started, p.ended] for p in made.plans], 0),
            ("Children missing education", ("Child", "Year", "Concerns", "Latest"),
             [[m.child, m.year_group, str(m.concerns), m.latest]
              for m in made.missing_education], 0),
        )
        self.tables = {}
        for title, headings, rows, stretch in lists:
            heading = QLabel(f"{title} ({len(rows)})")
            heading.setObjectName("pageTitle")
            layout.addWidget(heading)
            if not rows:
                layout.addWidget(QLabel("None in the period."))
                continue
            table = figures_table(title, headings, rows, stretch=stretch, numbers=False)
            self.tables[title] = table
            layout.addWidget(table, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addStretch()
        return page
