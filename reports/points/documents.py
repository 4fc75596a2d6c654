"""The annual report written for each member (年度履职报告) as .docx (python-docx,
editable by staff) and PDF (reportlab, its built-in CID font STSong-Light: no
font file), a batch of them as a zip (streamed), the letter to each member's
employer (反馈工作单位, .docx) and a group's duty-report summary (界别述职, .docx).

The points, grade and category totals are the ones of the member's points page
(the same MemberPoints); the record lists are the member's records of the year.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from activities.carriers import ActivityKind
from activities.models import (
    Activity,
    Attendance,
    ConstituentContact,
    DutyReport,
    OpinionAdoption,
    OpinionReport,
    Proposal,
)
from activities.selectors.duty import duty_reports_given
from portal import clock
from sectors.models import Member, SectorGroup

from .engine import MemberPoints, category_label
from .items import Category

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Dossier:
    """One member's year, as the report tells it."""

    member: Member
    committee_name: str
    group_name: str
    year: int
    points: MemberPoints | None
    attended: Counter  # activity kind → times present
    leave: int
    absent: int
    proposals: list[Proposal]
    reports: list[OpinionReport]
    adoptions: list[OpinionAdoption]  # of the year, on any of the member's reports
    contacts: int
    constituents: int
    duty_reports: list[DutyReport]

    @property
    def present(self) -> int:
        return sum(self.attended.values())

    @property
    def total(self) -> str:
        return _number(self.points.total) if self.points else "—"

    @property
    def grade(self) -> str:
        return (self.points.grade if self.points else "") or "—"


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def dossier(*, member: Member, points: MemberPoints | None, year: int) -> Dossier:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    marks = Attendance.objects.filter(
        member=member, activity__status=Activity.Status.HELD, activity__date__gte=start, activity__date__lte=end
    ).values_list("status", "absence_reason", "activity__kind")
    attended: Counter = Counter()
    leave = absent = 0
    for status, reason, kind in marks:
        if status == Attendance.Status.PRESENT:
            attended[kind] += 1
        elif reason:
            leave += 1
        else:
            absent += 1
    proposals = list(
        Proposal.objects.filter(proposers=member, submitted_on__range=(start, end)).order_by("submitted_on", "id")
    )
    reports = list(
        OpinionReport.objects.filter(submitters=member, submitted_on__range=(start, end)).order_by("submitted_on", "id")
    )
    adoptions = list(
        OpinionAdoption.objects.filter(report__submitters=member, adopted_on__range=(start, end))
        .select_related("report")
        .order_by("adopted_on", "id")
    )
    contacts = ConstituentContact.objects.filter(member=member, contacted_on__range=(start, end))
    duty = list(duty_reports_given(committee_id=None, start=start, end=end).filter(member=member))
    return Dossier(
        member=member,
        committee_name=member.committee.name,
        group_name=points.group_name if points else "",
        year=year,
        points=points,
        attended=attended,
        leave=leave,
        absent=absent,
        proposals=proposals,
        reports=reports,
        adoptions=adoptions,
        contacts=contacts.count(),
        constituents=contacts.values("constituent_id").distinct().count(),
        duty_reports=duty,
    )


# --- the text, shared by the .docx and the PDF ---------------------------------------------------


def report_title(d: Dossier) -> str:
    return _("Annual duty report of %(name)s, %(year)s") % {"name": d.member.name, "year": d.year}


def report_sections(d: Dossier) -> list[tuple[str, list[str], list[list[str]] | None]]:
    """(heading, paragraphs, table rows or None) of each section, in order."""
    kinds = dict(ActivityKind.choices)
    activity_lines = [
        _("Present at %(present)s activities; absent with leave %(leave)s times, without leave %(absent)s times.")
        % {"present": d.present, "leave": d.leave, "absent": d.absent}
    ] + [f"{kinds.get(kind, kind)}: {count}" for kind, count in sorted(d.attended.items())]
    proposal_rows = [[_("Date"), _("Title"), _("Role"), _("Status"), _("Satisfaction"), _("Implementation")]] + [
        [
            f"{p.submitted_on:%Y-%m-%d}",
            p.title,
            _("first proposer") if p.first_proposer_id == d.member.pk else _("co-proposer"),
            p.get_status_display(),
            p.get_satisfaction_display() or "—",
            p.get_implementation_display() or "—",
        ]
        for p in d.proposals
    ]
    report_rows = [[_("Date"), _("Title"), _("Status")]] + [
        [f"{r.submitted_on:%Y-%m-%d}", r.title, r.get_status_display()] for r in d.reports
    ]
    adoption_lines = [
        f"{a.adopted_on:%Y-%m-%d} {a.report.title}: {a.get_level_display()} {a.body}".strip() for a in d.adoptions
    ]
    duty_lines = [f"{r.reported_on:%Y-%m-%d} {r.title}" for r in d.duty_reports] or [
        _("No duty report given at a December duty-report meeting.")
    ]
    sections = [
        (_("1. Activities"), activity_lines, None),
        (
            _("2. Proposals and their outcomes"),
            [_("%(n)s proposals submitted.") % {"n": len(d.proposals)}],
            proposal_rows if d.proposals else None,
        ),
        (
            _("3. Public-opinion reports and adoptions"),
            [_("%(n)s reports submitted; %(a)s adoptions in the year.") % {"n": len(d.reports), "a": len(d.adoptions)}]
            + adoption_lines,
            report_rows if d.reports else None,
        ),
        (
            _("4. Contacts with constituents"),
            [_("%(c)s contacts with %(p)s constituents.") % {"c": d.contacts, "p": d.constituents}],
            None,
        ),
        (_("5. Duty report"), duty_lines, None),
        (
            _("6. Duty points and grade"),
            [_("Points: %(total)s; grade: %(grade)s.") % {"total": d.total, "grade": d.grade}],
            points_rows(d.points),
        ),
    ]
    return sections


def points_rows(points: MemberPoints | None) -> list[list[str]] | None:
    if points is None:
        return None
    rows = [[_("Category"), _("Earned"), _("Cap"), _("Counted")]]
    for key in Category.values:
        total = points.categories.get(key)
        if total is None:
            continue
        cap = _number(total.cap) if total.cap is not None else "—"
        rows.append([category_label(key), _number(total.earned), cap, _number(total.counted)])
    rows.append([_("Total"), "", "", _number(points.total)])
    return rows


def member_intro(d: Dossier) -> str:
    m = d.member
    return _("Member %(name)s (number %(number)s), %(group)s; %(employer)s %(job)s.") % {
        "name": m.name,
        "number": m.member_number,
        "group": d.group_name or "—",
        "employer": m.employer or "",
        "job": m.job_title or "",
    }


# --- .docx ----------------------------------------------------------------------------------------


def _docx_document(committee_name: str, title: str):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    heading = document.add_paragraph(committee_name)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.runs[0].bold = True
    document.add_heading(title, level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def _docx_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = str(value)


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def member_report_docx(d: Dossier) -> bytes:
    document = _docx_document(d.committee_name, report_title(d))
    document.add_paragraph(member_intro(d))
    for heading, paragraphs, table in report_sections(d):
        document.add_heading(heading, level=2)
        for text in paragraphs:
            document.add_paragraph(text)
        if table:
            _docx_table(document, table)
    document.add_paragraph(_("Drafted by the portal on %(day)s; staff may edit it.") % {"day": clock.today()})
    return _docx_bytes(document)


# --- PDF ------------------------------------------------------------------------------------------

PDF_FONT = "STSong-Light"


def _pdf_styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": body,
        "committee": ParagraphStyle("committee", parent=body, fontSize=12, alignment=1),
        "title": ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1, spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=body, fontSize=12.5, leading=20, spaceBefore=8),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
    }


def member_report_pdf(d: Dossier) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = _pdf_styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title=report_title(d))
    story = [
        Paragraph(escape(d.committee_name), styles["committee"]),
        Paragraph(escape(report_title(d)), styles["title"]),
        Paragraph(escape(member_intro(d)), styles["body"]),
    ]
    for heading, paragraphs, table in report_sections(d):
        story.append(Paragraph(escape(heading), styles["heading"]))
        story += [Paragraph(escape(text), styles["body"]) for text in paragraphs]
        if table:
            cells = [[Paragraph(escape(str(v)), styles["cell"]) for v in row] for row in table]
            grid = Table(cells, repeatRows=1)
            grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
            story += [Spacer(1, 4), grid]
    doc.build(story)
    return buffer.getvalue()


# --- the employer's letter and the group's summary -------------------------------------------------


def employer_letter_docx(d: Dossier) -> bytes:
    m = d.member
    document = _docx_document(
        d.committee_name, _("On the duty record of %(name)s in %(year)s") % {"name": m.name, "year": d.year}
    )
    document.add_paragraph(_("To: %(employer)s") % {"employer": m.employer or "—"})
    document.add_paragraph(
        _(
            "%(name)s, of your organisation, is a member of %(committee)s. In %(year)s %(name)s took part in "
            "%(present)s activities, submitted %(proposals)s proposals and %(reports)s public-opinion reports "
            "(%(adopted)s adoptions), and kept in touch with %(people)s constituents. The year's duty points are "
            "%(total)s, grade %(grade)s."
        )
        % {
            "name": m.name,
            "committee": d.committee_name,
            "year": d.year,
            "present": d.present,
            "proposals": len(d.proposals),
            "reports": len(d.reports),
            "adopted": len(d.adoptions),
            "people": d.constituents,
            "total": d.total,
            "grade": d.grade,
        }
    )
    document.add_paragraph(_("We thank your organisation for supporting the member's duties."))
    document.add_paragraph(_("Members' affairs committee, %(committee)s") % {"committee": d.committee_name})
    document.add_paragraph(f"{clock.today():%Y-%m-%d}")
    return _docx_bytes(document)


def group_summary_docx(*, group: SectorGroup, rows: list[MemberPoints], year_points, year: int) -> bytes:
    document = _docx_document(
        group.committee.name,
        _("%(group)s: duty-report meeting %(year)s, the members' year") % {"group": group.short_name, "year": year},
    )
    counts = Counter(p.grade for p in rows if p.grade)
    grades = "; ".join(f"{label} {counts.get(label, 0)}" for label in year_points.grade_counts) or "—"
    document.add_paragraph(_("%(n)s members; grades: %(grades)s.") % {"n": len(rows), "grades": grades})
    table = [[_("Member number"), _("Name"), _("Points"), _("Grade")] + [category_label(c) for c in Category.values]]
    for p in rows:
        table.append(
            [p.number, p.name, _number(p.total), p.grade or "—"] + [_number(p.category(c)) for c in Category.values]
        )
    _docx_table(document, table)
    return _docx_bytes(document)


# --- responses ------------------------------------------------------------------------------------


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def member_report_response(*, member: Member, points, year_points, year: int, kind: str) -> HttpResponse:
    d = dossier(member=member, points=points, year=year)
    name = _("Annual duty report %(year)s %(name)s") % {"year": year, "name": member.name}
    if kind == "pdf":
        return _download(member_report_pdf(d), f"{name}.pdf", "application/pdf")
    return _download(member_report_docx(d), f"{name}.docx", DOCX_TYPE)


def employer_letter_response(*, member: Member, points, year: int) -> HttpResponse:
    d = dossier(member=member, points=points, year=year)
    name = _("Letter to the employer %(year)s %(name)s") % {"year": year, "name": member.name}
    return _download(employer_letter_docx(d), f"{name}.docx", DOCX_TYPE)


def group_summary_response(*, group: SectorGroup, rows, year_points, year: int) -> HttpResponse:
    content = group_summary_docx(group=group, rows=rows, year_points=year_points, year=year)
    name = _("Duty-report summary %(year)s %(group)s") % {"year": year, "group": group.short_name}
    return _download(content, f"{name}.docx", DOCX_TYPE)


class _Sink:
    """A write-only stream for zipfile whose bytes are handed on as they come."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def batch_chunks(rows: Iterable[MemberPoints], year: int) -> Iterator[bytes]:
    """A zip of every member's report (.docx) and employer letter, made one member at a time."""
    sink = _Sink()
    members = {m.pk: m for m in Member.objects.filter(pk__in=[p.member_id for p in rows]).select_related("committee")}
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for p in rows:
            member = members.get(p.member_id)
            if member is None:  # deleted since the points were read: no report to write
                continue
            d = dossier(member=member, points=p, year=year)
            stem = f"{p.group_name or '-'}/{member.member_number}-{member.name}"
            archive.writestr(f"{stem}-{_('annual report')}.docx", member_report_docx(d))
            archive.writestr(f"{stem}-{_('letter to the employer')}.docx", employer_letter_docx(d))
            yield sink.drain()
    yield sink.drain()


def batch_response(*, rows: list[MemberPoints], year_points, year: int, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(batch_chunks(list(rows), year), content_type="application/zip")
    filename = _("Annual duty reports %(year)s %(name)s") % {"year": year, "name": name}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.zip"
    response["Cache-Control"] = "no-store"
    return response
