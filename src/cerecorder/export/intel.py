"""The intelligence report as a PDF: the marking, document id and page furniture every
handover document has (export.layout), the purpose, then each picked concern and register
entry as who, what, where and when, with the source as a role."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.intel import TITLE, IntelDocument, IntelItem
from cerecorder.domain.timefmt import uk_datetime
from cerecorder.export.layout import (
    MARGIN,
    Styles,
    build,
    details_table,
    end_matter,
    register_fonts,
)

_ABOUT = ("This report holds only the entries and concerns the Designated Safeguarding Lead "
          "picked for it. Whoever reported each is named by role only. It is shared for the "
          "purpose above; do not pass it on for another without asking the school.")


def _rows(item: IntelItem) -> list[tuple[str, str]]:
    rows = [("Reference", item.reference), ("When", item.when), ("Where", item.where),
            ("Who", item.who), ("What", item.what)]
    # an entry's own fields, their labels without the form's hints
    rows += [(label.split(" (")[0], value) for label, value in item.details]
    for label, values in (("Vehicles", item.vehicles), ("Phones", item.phones),
                          ("Accounts", item.accounts), ("People", item.people),
                          ("Places", item.places)):
        if values and not item.details:
            rows.append((label, "\n".join(values)))
    rows.append(("Source", item.source))
    # an entry has no date or place of its own unless a picked concern gives one
    return [(label, value) for label, value in rows
            if value or (item.kind == "Concern"
                         and label in ("When", "Where", "Who", "What", "Source"))]


def render_intel(doc: IntelDocument, fonts: Path) -> bytes:
    if not doc.header.school.strip():
        raise InvalidInput("The school's name is not set, and every exported page carries "
                           "it: a DSL sets it in Settings, IT in the policy file "
                           "(school_name), or give --school on the command line. Nothing "
                           "was exported.")
    register_fonts(fonts)
    s = Styles(10)
    width = A4[0] - 2 * MARGIN
    h = doc.header
    story: list[Flowable] = [
        Paragraph(TITLE, s.title),
        Paragraph(escape(f"{h.school} · for the police or a partnership"), s.subtitle),
        details_table([
            ("Marking", h.marking), ("Document", h.document_id),
            ("Made by", f"{h.generated_by} ({h.generated_role})"),
            ("Made on", uk_datetime(h.generated_at, h.generated_tz)),
            ("Purpose of disclosure", doc.purpose), ("Holds", doc.summary),
        ], s, width),
        Paragraph(escape(_ABOUT), s.note),
    ]
    concerns = [i for i in doc.items if i.kind == "Concern"]
    entries = [i for i in doc.items if i.kind != "Concern"]
    for heading, items in (("Concerns", concerns),
                           ("People, vehicles, places, phones and accounts", entries)):
        if not items:
            continue
        story.append(Paragraph(escape(heading), s.heading))
        for item in items:
            story.append(KeepTogether([
                Paragraph(escape(f"Item {item.number}: {item.kind}"), s.label),
                details_table(_rows(item), s, width, label_share=0.2)]))
    story += end_matter(h, s, width, end_line=f"End of intelligence report {h.document_id}",
                        what=f"the intelligence report ({doc.summary})",
                        return_to=", ".join(x for x in (h.generated_by, h.generated_role,
                                                        h.school) if x))
    return build(h, story, A4, TITLE)
