"""The member's file as a PDF (reportlab), in the built-in Chinese CID font
STSong-Light: no font file to ship, every PDF reader has it."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles():
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _table(rows: list[list[str]], styles, widths=None) -> Table:
    cells = [[_p(str(value), styles["body"]) for value in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _attendance_label(row) -> str:
    if row.status == "present":
        return _("Present")
    if row.status == "absent":
        return f"{_('On leave')}（{row.absence_reason_label}）" if row.absence_reason else _("Absent")
    return _("Not recorded")


def member_file_pdf(context: dict) -> bytes:
    """The file of `context` (members.views.file._file_context) as PDF bytes."""
    styles = _styles()
    record, member, year = context["record"], context["member"], context["year"]
    story = [
        _p(_("Duty record of %(name)s, %(year)s") % {"name": member.name, "year": year}, styles["title"]),
        _p("　".join(f"{m.group.name}·{m.get_role_display()}" for m in record.memberships) or "—", styles["body"]),
        Spacer(1, 4 * mm),
    ]
    rate = "—" if record.attendance_rate is None else f"{record.attendance_rate}%"
    story.append(
        _table(
            [
                [
                    _("Attendance rate"),
                    _("Public-opinion reports"),
                    _("Proposals"),
                    _("Constituent contacts"),
                    _("Duty reports"),
                ],
                [
                    rate,
                    str(len(record.opinion_reports)),
                    str(len(record.proposals)),
                    str(len(record.contacts)),
                    str(len(record.duty_reports)),
                ],
            ],
            styles,
        )
    )
    if context["duties"]:
        story.append(_p(_("What this year's rules ask of you"), styles["h2"]))
        for duty in context["duties"]:
            story.append(_p("• " + duty.text, styles["body"]))
    sections = [
        (
            _("Attendance"),
            [_("Date"), _("Activity"), _("Attendance")],
            [[r.activity.date.isoformat(), r.activity.title, _attendance_label(r)] for r in record.attendance],
        ),
        (
            _("Public-opinion reports"),
            [_("Submitted on"), _("Title"), _("Outcome")],
            [[r.submitted_on.isoformat(), r.title, r.get_status_display()] for r in record.opinion_reports],
        ),
        (
            _("Proposals"),
            [_("Submitted on"), _("Title"), _("Status")],
            [[p.submitted_on.isoformat(), p.title, p.get_status_display()] for p in record.proposals],
        ),
        (
            _("Constituent contacts"),
            [_("Date"), _("Constituent"), _("How")],
            [[c.contacted_on.isoformat(), str(c.constituent), c.get_way_display()] for c in record.contacts],
        ),
        (
            _("Duty reports"),
            [_("Date"), _("Title"), _("Meeting")],
            [[d.reported_on.isoformat(), d.title, d.meeting.title if d.meeting else ""] for d in record.duty_reports],
        ),
    ]
    widths = [28 * mm, 110 * mm, 36 * mm]
    for heading, header, rows in sections:
        story.append(_p(heading, styles["h2"]))
        story.append(_table([header, *rows], styles, widths) if rows else _p(_("None in this year."), styles["body"]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Duty record of %(name)s, %(year)s") % {"name": member.name, "year": year},
        author=member.committee.name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    document.build(story)
    return buffer.getvalue()
