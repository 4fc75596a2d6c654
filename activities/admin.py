"""Administration of the six carriers' records.

The portal's own pages are where staff log records; the admin is for the
administrator's corrections, so it shows every field and keeps the history.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from portal.spreadsheets import SAFE_EXPORT_FORMATS

from . import rules
from .models import (
    Activity,
    Attachment,
    Attendance,
    ConstituentContact,
    ConsultationOutcome,
    DutyReport,
    GroupDocument,
    Instruction,
    OpinionAdoption,
    OpinionReport,
    Proposal,
    ProposalHandling,
)
from .resources import ActivityResource
from .uploads import validate_upload


def _names(rows) -> str:
    return "、".join(str(row) for row in rows)


class UploadFormMixin:
    """Check an uploaded file like the portal does, and keep its name and size."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            content_type = validate_upload(upload)
            self.instance.original_name = upload.name[:200]
            if hasattr(self.instance, "size"):
                self.instance.size = upload.size
                self.instance.content_type = content_type  # detected from the content, not the browser's claim
        return upload


class ActivityAdminForm(forms.ModelForm):
    """The admin runs the rules of the activity's groups too (activities.rules);
    its own rules come with the model's clean(). (The admin makes the form's
    model and fields from this class.)"""

    def clean(self) -> dict:
        cleaned = super().clean()
        if "groups" in cleaned:
            rules.show_on(self, rules.activity_groups_errors(list(cleaned["groups"]), cleaned.get("workstation")))
        return cleaned


class OpinionReportAdminForm(forms.ModelForm):
    """The submitters' rule too (activities.rules), as in the portal's form."""

    def clean(self) -> dict:
        cleaned = super().clean()
        rules.show_on(self, rules.submitters_errors(cleaned))
        return cleaned


class ProposalAdminForm(forms.ModelForm):
    """The proposers' rule too (activities.rules), as in the portal's form."""

    def clean(self) -> dict:
        cleaned = super().clean()
        rules.show_on(self, rules.proposers_errors(cleaned))
        return cleaned


class AttachmentForm(UploadFormMixin, forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ("activity", "file")


class GroupDocumentForm(UploadFormMixin, forms.ModelForm):
    class Meta:
        model = GroupDocument
        fields = ("group", "year", "kind", "title", "dated", "file")


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ("member", "status", "absence_reason")
    autocomplete_fields = ("member",)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 0
    fields = ("file", "original_name", "size", "content_type", "uploaded_by", "uploaded_at")
    readonly_fields = ("original_name", "size", "content_type", "uploaded_by", "uploaded_at")


@admin.register(Activity)
class ActivityAdmin(ExportMixin, SimpleHistoryAdmin):
    form = ActivityAdminForm
    resource_classes = [ActivityResource]
    export_formats = SAFE_EXPORT_FORMATS  # formula-safe (portal.spreadsheets)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    list_display = ("date", "title", "kind", "group_names", "format", "status", "is_highlight")
    list_display_links = ("date", "title")
    list_filter = ("kind", "format", "status", "is_highlight", "groups")
    date_hierarchy = "date"
    search_fields = ("title", "location")
    filter_horizontal = ("groups",)
    autocomplete_fields = ("workstation", "created_by")
    readonly_fields = ("created_at", "updated_at")
    inlines = [AttendanceInline, AttachmentInline]

    def get_queryset(self, request) -> QuerySet[Activity]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("sector groups"))
    def group_names(self, activity: Activity) -> str:
        return "、".join(group.short_name for group in activity.groups.all())

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for attachment_form in formset.forms:
            instance = attachment_form.instance
            if isinstance(instance, Attachment) and instance.pk is None and attachment_form.has_changed():
                instance.uploaded_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "member", "status", "absence_reason")
    list_filter = ("status", "absence_reason", "activity__kind")
    list_select_related = ("activity", "member")
    search_fields = ("member__name", "member__member_number", "activity__title")
    autocomplete_fields = ("activity", "member")


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin):
    form = AttachmentForm
    list_display = ("original_name", "activity", "size", "content_type", "uploaded_by", "uploaded_at")
    list_filter = ("content_type",)
    list_select_related = ("activity", "uploaded_by")
    search_fields = ("original_name", "activity__title")
    autocomplete_fields = ("activity",)
    fields = ("activity", "file", "original_name", "size", "content_type", "uploaded_by", "uploaded_at")
    readonly_fields = ("original_name", "size", "content_type", "uploaded_by", "uploaded_at")
    date_hierarchy = "uploaded_at"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class OpinionAdoptionInline(admin.TabularInline):
    model = OpinionAdoption
    extra = 0
    fields = ("level", "adopted_by", "body", "adopted_on")


class ReportInstructionInline(admin.TabularInline):
    model = Instruction
    fk_name = "report"
    extra = 0
    fields = ("level", "leader_title", "dated", "note", "scan", "scan_name")
    readonly_fields = ("scan", "scan_name")


class ProposalInstructionInline(ReportInstructionInline):
    fk_name = "proposal"


class ProposalHandlingInline(admin.TabularInline):
    model = ProposalHandling
    extra = 0
    fields = ("unit", "is_lead", "assigned_on")


@admin.register(OpinionReport)
class OpinionReportAdmin(SimpleHistoryAdmin):
    form = OpinionReportAdminForm
    # The ladder is the record of adoptions; the report's status, date and body are its
    # highest rung, kept by activities.services.outcomes on the portal's pages.
    inlines = [OpinionAdoptionInline, ReportInstructionInline]
    list_display = ("title", "group", "workstation", "submitted_on", "status", "submitter_names")
    list_filter = ("status", "group")
    list_select_related = ("group", "workstation")
    date_hierarchy = "submitted_on"
    search_fields = ("title", "content", "submitters__name")
    autocomplete_fields = ("group", "workstation", "submitters")

    def get_queryset(self, request) -> QuerySet[OpinionReport]:
        return super().get_queryset(request).prefetch_related("submitters")

    @admin.display(description=_("submitters"))
    def submitter_names(self, report: OpinionReport) -> str:
        return _names(report.submitters.all())


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    form = ProposalAdminForm
    list_display = ("number", "title", "group", "submitted_on", "status", "is_key", "is_group_proposal")
    list_display_links = ("number", "title")
    list_filter = ("status", "is_key", "is_group_proposal", "group")
    list_select_related = ("group",)
    date_hierarchy = "submitted_on"
    search_fields = ("number", "title", "proposers__name")
    autocomplete_fields = ("group", "proposers", "first_proposer", "merged_into")
    readonly_fields = ("answer_file", "answer_file_name")
    inlines = [ProposalHandlingInline, ProposalInstructionInline]


@admin.register(ConsultationOutcome)
class ConsultationOutcomeAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "sent_to", "responded_on")
    list_select_related = ("activity",)
    search_fields = ("suggestion", "sent_to", "response", "activity__title")
    autocomplete_fields = ("activity",)


@admin.register(Instruction)
class InstructionAdmin(SimpleHistoryAdmin):
    list_display = ("dated", "level", "leader_title", "report", "proposal")
    list_filter = ("level",)
    list_select_related = ("report", "proposal")
    date_hierarchy = "dated"
    search_fields = ("leader_title", "note", "report__title", "proposal__title")
    autocomplete_fields = ("report", "proposal")
    readonly_fields = ("scan", "scan_name")


@admin.register(ConstituentContact)
class ConstituentContactAdmin(SimpleHistoryAdmin):
    list_display = ("contacted_on", "member", "constituent", "group", "way")
    list_filter = ("way", "group")
    list_select_related = ("member", "constituent", "group")
    date_hierarchy = "contacted_on"
    search_fields = ("member__name", "constituent__name", "note")
    autocomplete_fields = ("group", "member", "constituent")


@admin.register(DutyReport)
class DutyReportAdmin(SimpleHistoryAdmin):
    list_display = ("reported_on", "member", "group", "title", "meeting")
    list_filter = ("group",)
    list_select_related = ("member", "group", "meeting")
    date_hierarchy = "reported_on"
    search_fields = ("title", "member__name", "member__member_number")
    autocomplete_fields = ("group", "member", "meeting")


@admin.register(GroupDocument)
class GroupDocumentAdmin(SimpleHistoryAdmin):
    form = GroupDocumentForm
    list_display = ("group", "year", "kind", "title", "dated", "original_name")
    list_filter = ("year", "kind", "group")
    list_select_related = ("group",)
    search_fields = ("title", "group__name", "group__short_name")
    autocomplete_fields = ("group",)
    readonly_fields = ("original_name", "uploaded_by")

    def save_model(self, request, obj, form, change):
        if "file" in form.changed_data:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
