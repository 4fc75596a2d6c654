"""Spreadsheet export of activities, for the committee's own year-end tables."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from import_export import fields, resources

from sectors.roster.resources import DateWidget, LabelChoiceWidget

from .carriers import ActivityKind
from .models import Activity, Attendance

_NO_ERROR = ""  # export only: the label widgets never clean a value here


class ActivityResource(resources.ModelResource):
    """One row per activity: date, title, type, groups and participants."""

    date = fields.Field("date", "日期", DateWidget())
    title = fields.Field("title", "标题", readonly=True)
    kind = fields.Field("kind", "类型", LabelChoiceWidget(dict(ActivityKind.choices), _NO_ERROR), readonly=True)
    groups = fields.Field(column_name="界别", readonly=True)
    status = fields.Field("status", "状态", LabelChoiceWidget(dict(Activity.Status.choices), _NO_ERROR), readonly=True)
    format = fields.Field("format", "形式", LabelChoiceWidget(dict(Activity.Format.choices), _NO_ERROR), readonly=True)
    location = fields.Field("location", "地点", readonly=True)
    partners = fields.Field("partners", "合作单位", readonly=True)
    present = fields.Field("present_count", "出席委员", readonly=True)
    other_participants = fields.Field("other_participants", "其他参加人数", readonly=True)
    is_highlight = fields.Field("is_highlight", "亮点", readonly=True)
    highlight_note = fields.Field("highlight_note", "亮点说明", readonly=True)

    class Meta:
        model = Activity
        fields = (
            "date",
            "title",
            "kind",
            "groups",
            "status",
            "format",
            "location",
            "partners",
            "present",
            "other_participants",
            "is_highlight",
            "highlight_note",
        )
        export_order = fields

    def filter_export(self, queryset: QuerySet[Activity], **kwargs) -> QuerySet[Activity]:
        present = Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT), distinct=True)
        return queryset.prefetch_related("groups").annotate(present_count=present)

    def dehydrate_groups(self, activity: Activity) -> str:
        return "、".join(group.short_name for group in activity.groups.all())

    def dehydrate_is_highlight(self, activity: Activity) -> str:
        return _("Yes") if activity.is_highlight else ""
