"""The concern form's categories (issue 17), offscreen: chosen first, saved with the
draft and kept on submission; CCE or CSE opens the exploitation checklist, which stays
available for any concern."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cerecorder.services import concern_categories, concerns
from cerecorder.services.session import Session
from cerecorder.ui.concern_fields import CODE_ROLE
from cerecorder.ui.concern_form import ConcernDialog
from cerecorder.ui.concern_view import concern_html
from cerecorder.ui.context import AppContext
from test_concern_form import ctx, open_form

from helpers import TAXONOMY, MockClock, add_child, content

__all__ = ["ctx"]  # the fixture, shared with the form's own tests


def _tick(form: object, code: str) -> None:
    part = form.categories  # type: ignore[attr-defined]
    for i in range(part.list.count()):
        if part.list.item(i).data(CODE_ROLE) == code:
            part.list.item(i).setCheckState(Qt.CheckState.Checked)


def test_categories_come_first_and_cce_opens_the_checklist(
        qtbot: QtBot, ctx: AppContext, dsl: Session) -> None:
    child = add_child(dsl)
    form = open_form(qtbot, ctx, dsl, [child])
    part = form.categories
    assert part.list.count() == 19 and part.list.accessibleName().startswith("Categories")
    assert not form.signs.isVisibleTo(form)  # closed until asked for
    _tick(form, "CAT-NEGLECT")
    assert not form.signs.isVisibleTo(form)
    part.checklist.setChecked(True)  # available for any concern
    assert form.signs.isVisibleTo(form)
    part.checklist.setChecked(False)
    _tick(form, "CAT-CCE")
    assert part.checklist.isChecked() and form.signs.isVisibleTo(form)
    assert form.save_draft() and form.draft_id is not None
    assert concern_categories.chosen(dsl, form.draft_id) == ["CAT-CCE", "CAT-NEGLECT"]
    draft = form.draft_id
    form.reject()
    again = ConcernDialog(ctx, dsl, child_ids=[child], draft_id=draft)
    qtbot.addWidget(again)
    assert again.categories.codes() == ["CAT-NEGLECT", "CAT-CCE"]  # the list's order


def test_the_concern_view_shows_the_categories(dsl: Session) -> None:
    clock = MockClock()
    draft = concerns.save_draft(dsl, content((add_child(dsl),), clock))
    concern_categories.choose(dsl, draft, ["CAT-PREVENT"])
    concerns.submit(dsl, draft)
    html = concern_html(dsl, TAXONOMY, concerns.open_concern(dsl, draft), {})
    assert "<b>Categories</b></td><td>Radicalisation (Prevent)</td>" in html
