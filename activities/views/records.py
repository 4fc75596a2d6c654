"""List, create, detail, edit and delete pages for the six record types.

One `RecordType` per type says what differs (model, form, service, columns,
filters, URL prefix); one set of function views and generic templates under
templates/activities/records/ serve them all. A type that needs more on a
page names an extra template part and a function giving its context.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import BooleanField, DateField, Model, QuerySet, TextField
from django.db.models.deletion import ProtectedError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from activities.carriers import constituent_target
from activities.closing import closed_year_warning, record_year
from activities.forms import records as forms
from activities.models import Activity, ConstituentContact, DutyReport, GroupDocument, OpinionReport, Proposal
from activities.selectors import outcomes as outcome_selectors
from activities.selectors import records as selectors
from activities.services import records as services
from activities.uploads import served_type
from portal import clock, roles
from portal.access import portal_view
from portal.exports import Column, choice_labels, filter_description, list_export, sees_personal_data, year_period
from portal.paging import paginate_by_keys, url_maker
from sectors.audit import events as audit
from sectors.audit.events import audit_personal_data
from sectors.audit.history import history_rows, viewer_scope
from sectors.models import Constituent, Workstation, committee_for_portal
from sectors.roster.selectors import committee_name
from sectors.scope import get_scoped_or_404
from sectors.submissions import save_once

PAGE_SIZE = 25
TEMPLATES = "activities/records"

# Related rows that have a page of their own get a link on detail pages.
LINKED_MODELS = {Workstation: "workstation_detail", Activity: "activity_detail"}


@dataclass(frozen=True)
class RecordType:
    key: str  # URL names are "<key>_list" etc., the row's URL kwarg "<key>_id"
    model: type[Model]
    form_class: type[forms.RecordForm]
    save: Callable[..., Model]  # the service: save(*, user, form) -> record
    prefix: str  # URL path, e.g. "proposals/"
    list_columns: tuple[str, ...]
    detail_fields: tuple[str, ...]
    search_fields: tuple[str, ...]
    year_lookup: str
    choice_field: str = ""  # a field with choices offered as a list filter
    select_related: tuple[str, ...] = ("group",)
    prefetch_related: tuple[str, ...] = ()
    list_extra_template: str = ""
    list_extra: Callable[[HttpRequest, dict], dict] | None = None
    detail_extra_template: str = ""
    detail_extra: Callable[[Model], dict] | None = None
    multipart: bool = False
    # The export has the detail page's fields, plus these columns (given the user: masking).
    export_extra: Callable[[object], list[Column]] | None = None
    # The people whose full numbers the export may hold (audited as personal data).
    export_people: Callable[[QuerySet], QuerySet] | None = None

    @property
    def kwarg(self) -> str:
        return f"{self.key}_id"

    @property
    def verbose_name(self) -> str:
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self) -> str:
        return self.model._meta.verbose_name_plural

    def url_name(self, action: str) -> str:
        return f"{self.key}_{action}"

    def url_names(self) -> dict[str, str]:
        return {action: self.url_name(action) for action in ("list", "create", "detail", "edit", "delete", "export")}

    def records(self, user):
        return selectors.records_visible(
            user, self.model, select_related=self.select_related, prefetch_related=self.prefetch_related
        )


@dataclass
class Cell:
    label: str
    text: str
    url: str = ""
    long: bool = False


EMPTY = "—"


def text_reader(model_field) -> Callable[[Model], str]:
    """How one field of a record reads as text ("—" when empty), its choice labels and
    yes/no translated once for a whole page or export rather than once a row."""
    name = model_field.name
    if model_field.many_to_many:
        return lambda record: "、".join(str(item) for item in getattr(record, name).all()) or EMPTY
    if model_field.choices:
        labels = choice_labels(model_field)
        return lambda record: _text(labels.get(getattr(record, name), getattr(record, name)))
    if isinstance(model_field, BooleanField):
        yes, no = _("Yes"), _("No")
        return lambda record: yes if getattr(record, name) else no
    return lambda record: _text(getattr(record, name))


def _text(value) -> str:
    if value is None or value == "":
        return EMPTY
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)


def cell(record: Model, name: str) -> Cell:
    """One field of a record as its page shows it, linked to the page of what it names."""
    model_field = record._meta.get_field(name)
    url = ""
    if not (model_field.many_to_many or model_field.choices):
        url_name = LINKED_MODELS.get(type(value := getattr(record, name)))
        url = reverse(url_name, args=[value.pk]) if url_name else ""
    text = text_reader(model_field)(record)
    return Cell(str(model_field.verbose_name), text, url=url, long=isinstance(model_field, TextField))


@dataclass
class ListRow:
    record: Model
    url: str
    title: str
    cells: list[str]


LIST_CHARS = 80  # a list's cell shows this many characters at most


def _shortened(text: str) -> str:
    """truncatechars:80 without the template filter (a tenth of a list page's time)."""
    return text if len(text) <= LIST_CHARS else text[: LIST_CHARS - 1] + "…"


def list_reader(model_field) -> Callable[[Model], str]:
    """`text_reader` for a list's rows: a many-to-many column its loader gave as text
    (selectors.list_loader) is read from there."""
    name = model_field.name
    if selectors.listed_as_text(model_field):
        return lambda record: record.list_texts[name] or EMPTY
    return text_reader(model_field)


def list_rows(records, rt: RecordType) -> list[ListRow]:
    """Records as rows of their list: the first column links to the record's page, the
    others are shortened."""
    first, *rest = (list_reader(rt.model._meta.get_field(name)) for name in rt.list_columns)
    url = url_maker(rt.url_name("detail"))
    return [
        ListRow(record, url(record.pk), first(record), [_shortened(read(record)) for read in rest])
        for record in records
    ]


def export_reader(model_field) -> Callable[[Model], object]:
    """One field of a record as an Excel cell: dates stay dates, the rest reads as on the page."""
    if isinstance(model_field, DateField) and not model_field.choices:
        name = model_field.name
        return lambda record: value if isinstance(value := getattr(record, name), datetime.date) else None
    read = text_reader(model_field)
    return lambda record: "" if (text := read(record)) == EMPTY else text


def _context(rt: RecordType, **extra) -> dict:
    return {"rt": rt, "urls": rt.url_names(), **extra}


# --- the five views, written once --------------------------------------------


def _filtered(request: HttpRequest, rt: RecordType):
    """The list's filter form, its valid filters and the filtered records in the user's scope."""
    choice_field = rt.model._meta.get_field(rt.choice_field) if rt.choice_field else None
    filter_form = forms.RecordFilterForm(request.GET or None, user=request.user, choice_field=choice_field)
    filters = filter_form.values()
    records = selectors.records_filter(
        rt.records(request.user),
        group=filters.get("group"),
        year=filters.get("year"),
        year_lookup=rt.year_lookup,
        choice_field=rt.choice_field,
        choice=filters.get("choice", ""),
        text=filters.get("q", ""),
        search_fields=rt.search_fields,
    )
    return filter_form, filters, records


def record_list(request: HttpRequest, rt: RecordType) -> HttpResponse:
    filter_form, filters, records = _filtered(request, rt)
    page_obj, querystring = paginate_by_keys(
        request, records, PAGE_SIZE, load=selectors.list_loader(records, rt.list_columns)
    )
    context = _context(
        rt,
        filter_form=filter_form,
        page_obj=page_obj,
        querystring_without_page=querystring,
        headers=[str(rt.model._meta.get_field(name).verbose_name) for name in rt.list_columns],
        rows=list_rows(page_obj, rt),
    )
    if rt.list_extra:
        context.update(rt.list_extra(request, filters))
    return render(request, f"{TEMPLATES}/list.html", context)


def _export_column(model_field) -> Column:
    return Column(capfirst(model_field.verbose_name), export_reader(model_field))


def record_export(request: HttpRequest, rt: RecordType) -> HttpResponse:
    """The list as Excel: the same filters and scope, the detail page's fields."""
    filter_form, filters, records = _filtered(request, rt)
    if rt.export_people:
        audit_personal_data(request=request, people=rt.export_people(records))
    columns = [_export_column(rt.model._meta.get_field(name)) for name in rt.detail_fields]
    if rt.export_extra:
        columns += rt.export_extra(request.user)
    return list_export(
        request=request,
        committee=committee_name(),
        title=str(capfirst(rt.verbose_name_plural)),
        filename=str(rt.verbose_name_plural),
        columns=columns,
        rows=records,
        period=year_period(filters.get("year")),
        filters=filter_description(filter_form, skip=("year",)),
    )


def record_detail(request: HttpRequest, rt: RecordType, pk: int) -> HttpResponse:
    record = get_scoped_or_404(request.user, rt.records(request.user), pk=pk)
    context = _context(
        rt,
        record=record,
        cells=[cell(record, name) for name in rt.detail_fields],
        history=history_rows(record, **viewer_scope(request.user)),
    )
    if rt.detail_extra:
        context.update(rt.detail_extra(record))
    shows_mobile = isinstance(record, ConstituentContact) and record.constituent.mobile
    if shows_mobile and request.user.has_perm(roles.PERSONAL_DATA_PERM):  # the full number is on the page
        audit.record_personal_data(request=request, people=[record.constituent])
    return render(request, f"{TEMPLATES}/detail.html", context)


def record_form(request: HttpRequest, rt: RecordType, pk: int | None = None) -> HttpResponse:
    record = get_scoped_or_404(request.user, rt.records(request.user), pk=pk) if pk else None
    if request.method == "POST":
        # The form works on its own copy: the page keeps showing the stored record
        # (its breadcrumb names it) while the typed values are wrong.
        form = rt.form_class(request.POST, request.FILES, instance=copy.copy(record), user=request.user)
        saved = form.is_valid() and save_once(
            request=request, form=form, save=lambda: rt.save(user=request.user, form=form)
        )
        if saved:
            messages.success(request, _("Saved: %(record)s") % {"record": saved})
            committee_id = getattr(saved, "committee_id", None) or getattr(saved.group, "committee_id", None)
            warning = closed_year_warning(committee_id=committee_id, year=record_year(saved, rt.year_lookup))
            if warning:
                messages.warning(request, warning)
            return redirect(rt.url_name("detail"), saved.pk)
    else:
        form = rt.form_class(instance=record, user=request.user)
    return render(request, f"{TEMPLATES}/form.html", _context(rt, form=form, record=record))


def record_delete_page(request: HttpRequest, rt: RecordType, pk: int) -> HttpResponse:
    record = get_scoped_or_404(request.user, rt.records(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.record_delete(user=request.user, record=record)
        except ProtectedError:
            messages.error(request, _("This record is still referred to by other records and cannot be deleted."))
            return redirect(rt.url_name("detail"), pk)
        messages.success(request, _("Deleted: %(record)s") % {"record": record})
        return redirect(rt.url_name("list"))
    return render(request, f"{TEMPLATES}/confirm_delete.html", _context(rt, record=record))


def record_urls(rt: RecordType) -> list[URLPattern]:
    """The five URLs of a record type, each view declaring its roles."""

    @portal_view(roles.ALL_ROLES)
    def list_view(request: HttpRequest) -> HttpResponse:
        return record_list(request, rt)

    @portal_view(roles.ALL_ROLES)
    def export_view(request: HttpRequest) -> HttpResponse:
        return record_export(request, rt)

    @portal_view(roles.EDITORS, write=True)
    def create_view(request: HttpRequest) -> HttpResponse:
        return record_form(request, rt)

    @portal_view(roles.ALL_ROLES)
    def detail_view(request: HttpRequest, **kwargs: int) -> HttpResponse:
        return record_detail(request, rt, kwargs[rt.kwarg])

    @portal_view(roles.EDITORS, write=True)
    def edit_view(request: HttpRequest, **kwargs: int) -> HttpResponse:
        return record_form(request, rt, kwargs[rt.kwarg])

    @portal_view(roles.EDITORS, write=True)
    def delete_view(request: HttpRequest, **kwargs: int) -> HttpResponse:
        return record_delete_page(request, rt, kwargs[rt.kwarg])

    row = f"{rt.prefix}<int:{rt.kwarg}>/"
    return [
        path(rt.prefix, list_view, name=rt.url_name("list")),
        path(f"{rt.prefix}export/", export_view, name=rt.url_name("export")),
        path(f"{rt.prefix}new/", create_view, name=rt.url_name("create")),
        path(row, detail_view, name=rt.url_name("detail")),
        path(f"{row}edit/", edit_view, name=rt.url_name("edit")),
        path(f"{row}delete/", delete_view, name=rt.url_name("delete")),
    ]


# --- what differs per type ----------------------------------------------------


def _contact_summary(request: HttpRequest, filters: dict) -> dict:
    """Each member's distinct constituents in the year, against the year's rule."""
    year = filters.get("year") or selectors.this_year()
    minimum = constituent_target(committee_id=committee_for_portal().pk, year=year)
    groups = selectors.portal_groups(request.user)
    if filters.get("group"):
        groups = groups.filter(pk=filters["group"].pk)
    elif roles.role_of(request.user) != roles.LEADER:
        groups = None  # every group at once would be too long: ask for one
    summary = selectors.contact_summary(groups=groups, year=year, minimum=minimum) if groups is not None else None
    return {"summary_year": year, "summary_minimum": minimum, "summary": summary}


def _contact_export_extra(user) -> list[Column]:
    """The constituent's mobile, masked for users without the personal-data permission."""
    full = sees_personal_data(user)
    return [
        Column(
            _("Constituent's mobile"),
            lambda contact: contact.constituent.mobile if full else contact.constituent.masked_mobile,
        )
    ]


def _workstation_extra(workstation: Workstation) -> dict:
    return {
        "station_reports": selectors.workstation_reports(workstation),
        "station_activities": selectors.workstation_activities(workstation),
    }


# Who takes a proposal through its steps and records adoptions (activities.views.outcomes).
OUTCOME_HANDLERS = [roles.STAFF, roles.ADMIN]
OUTCOME_FEEDBACK = [roles.STAFF, roles.ADMIN, roles.LEADER]


def _proposal_outcome(proposal: Proposal) -> dict:
    return {
        **outcome_selectors.proposal_outcome(proposal),
        "co_proposers": proposal.co_proposers,
        "overdue": proposal.is_overdue(clock.today()),
        "outcome_handlers": OUTCOME_HANDLERS,
        "outcome_feedback": OUTCOME_FEEDBACK,
    }


def _report_outcome(report: OpinionReport) -> dict:
    return {**outcome_selectors.report_outcome(report), "outcome_handlers": OUTCOME_HANDLERS}


def _overdue_answers(request: HttpRequest, filters: dict) -> dict:
    """The proposals whose answer is overdue or due soon, above the list."""
    today = clock.today()
    return {**outcome_selectors.answers_awaited(request.user, today), "today": today}


RECORD_TYPES = [
    RecordType(
        key="opinionreport",
        model=OpinionReport,
        form_class=forms.OpinionReportForm,
        save=services.opinion_report_save,
        prefix="opinion-reports/",
        list_columns=("title", "group", "submitters", "submitted_on", "workstation", "status"),
        detail_fields=(
            "title",
            "group",
            "workstation",
            "submitters",
            "submitted_on",
            "status",
            "adopted_on",
            "adopted_by",
            "content",
            "leader_comment",
        ),
        search_fields=("title", "content"),
        year_lookup="submitted_on__year",
        choice_field="status",
        select_related=("group", "workstation"),
        prefetch_related=("submitters",),
        detail_extra_template=f"{TEMPLATES}/report_outcome.html",
        detail_extra=_report_outcome,
    ),
    RecordType(
        key="proposal",
        model=Proposal,
        form_class=forms.ProposalForm,
        save=services.proposal_save,
        prefix="proposals/",
        list_columns=("number", "title", "group", "proposers", "submitted_on", "status", "is_key", "answer_due"),
        detail_fields=(
            "number",
            "title",
            "group",
            "proposers",
            "is_group_proposal",
            "submitted_on",
            "status",
            "is_key",
            "key_on",
            "key_by",
            "content",
        ),
        search_fields=("title", "number", "content"),
        year_lookup="submitted_on__year",
        choice_field="status",
        select_related=("group", "first_proposer", "merged_into"),
        prefetch_related=("proposers",),
        list_extra_template=f"{TEMPLATES}/proposal_deadlines.html",
        list_extra=_overdue_answers,
        detail_extra_template=f"{TEMPLATES}/proposal_outcome.html",
        detail_extra=_proposal_outcome,
    ),
    RecordType(
        key="contact",
        model=ConstituentContact,
        form_class=forms.ConstituentContactForm,
        save=services.contact_save,
        prefix="contacts/",
        list_columns=("contacted_on", "member", "constituent", "group", "way"),
        detail_fields=("member", "group", "constituent", "way", "contacted_on", "note"),
        search_fields=("member__name", "constituent__name", "note"),
        year_lookup="contacted_on__year",
        choice_field="way",
        select_related=("group", "member", "constituent"),
        list_extra_template=f"{TEMPLATES}/contact_summary.html",
        list_extra=_contact_summary,
        detail_extra_template=f"{TEMPLATES}/contact_constituent.html",
        export_extra=_contact_export_extra,
        export_people=lambda contacts: Constituent.objects.filter(contacts__in=contacts),
    ),
    RecordType(
        key="dutyreport",
        model=DutyReport,
        form_class=forms.DutyReportForm,
        save=services.duty_report_save,
        prefix="duty-reports/",
        list_columns=("reported_on", "member", "title", "group", "meeting"),
        detail_fields=("member", "group", "title", "reported_on", "meeting"),
        search_fields=("title", "member__name"),
        year_lookup="reported_on__year",
        select_related=("group", "member", "meeting"),
    ),
    RecordType(
        key="workstation",
        model=Workstation,
        form_class=forms.WorkstationForm,
        save=services.workstation_save,
        prefix="workstations/",
        list_columns=("name", "group", "host_kind", "host_member", "established_on", "closed_on"),
        detail_fields=(
            "name",
            "group",
            "host_kind",
            "host_member",
            "address",
            "established_on",
            "closed_on",
            "description",
        ),
        search_fields=("name", "address", "description"),
        year_lookup="established_on__year",
        choice_field="host_kind",
        select_related=("group", "host_member"),
        detail_extra_template=f"{TEMPLATES}/workstation_extra.html",
        detail_extra=_workstation_extra,
    ),
    RecordType(
        key="document",
        model=GroupDocument,
        form_class=forms.GroupDocumentForm,
        save=services.document_save,
        prefix="documents/",
        list_columns=("year", "group", "kind", "title", "dated"),
        detail_fields=("group", "year", "kind", "title", "dated", "original_name", "uploaded_by"),
        search_fields=("title", "original_name"),
        year_lookup="year",
        choice_field="kind",
        select_related=("group", "uploaded_by"),
        detail_extra_template=f"{TEMPLATES}/document_file.html",
        multipart=True,
    ),
]

DOCUMENTS = RECORD_TYPES[-1]


@portal_view(roles.ALL_ROLES)
def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    """The uploaded file, to those who may see the document (never a media URL)."""
    document = get_scoped_or_404(request.user, DOCUMENTS.records(request.user), pk=document_id)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = document.original_name or document.file.name
    # Detected from the stored content, never the type the uploading browser claimed.
    content_type = served_type(document.file, name)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


urlpatterns = [
    *(pattern for rt in RECORD_TYPES for pattern in record_urls(rt)),
    path("documents/<int:document_id>/file/", document_file, name="document_file"),
]
