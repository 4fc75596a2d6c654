"""Administration of the yearly assessment rules: deadlines, thresholds, weights."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import DEFAULT_REQUIREMENTS, AssessmentYear, Requirement
from .setup import requirement_defaults


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0
    fields = ("have", "carrier", "measure", "threshold", "per_member", "days_open", "weight", "deadline", "is_hard")


@admin.register(AssessmentYear)
class AssessmentYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "committee", "plan_deadline", "summary_deadline", "requirement_count")
    list_filter = ("committee",)
    list_select_related = ("committee",)
    search_fields = ("year", "notes")
    inlines = [RequirementInline]
    actions = ["add_default_requirements"]

    def get_queryset(self, request) -> QuerySet[AssessmentYear]:
        return super().get_queryset(request).annotate(requirement_count=Count("requirements"))

    @admin.display(description=_("requirements"), ordering="requirement_count")
    def requirement_count(self, year: AssessmentYear) -> int:
        return year.requirement_count

    @admin.action(description=_("Add the default requirements that are missing"), permissions=["change"])
    def add_default_requirements(self, request, queryset: QuerySet[AssessmentYear]) -> None:
        added = 0
        with transaction.atomic():
            for year in queryset.prefetch_related("requirements"):
                present = {requirement.measure for requirement in year.requirements.all()}
                for default in DEFAULT_REQUIREMENTS:
                    if default.measure not in present:
                        Requirement.objects.create(
                            assessment_year=year,
                            measure=default.measure,
                            **requirement_defaults(default, year.year),
                        )
                        added += 1
        self.message_user(
            request,
            ngettext("Added %(count)d requirement.", "Added %(count)d requirements.", added) % {"count": added},
            messages.SUCCESS,
        )


@admin.register(Requirement)
class RequirementAdmin(SimpleHistoryAdmin):
    list_display = (
        "assessment_year",
        "have",
        "carrier",
        "measure",
        "threshold",
        "per_member",
        "days_open",
        "weight",
        "deadline",
        "is_hard",
    )
    list_editable = ("threshold", "per_member", "days_open", "weight", "deadline", "is_hard")
    list_filter = ("assessment_year__year", "have", "carrier", "is_hard")
    list_select_related = ("assessment_year", "assessment_year__committee")
    search_fields = ("measure", "have")


# The duty points' administration (reports.points.admin) registers itself on import.
from .points import admin as points_admin  # noqa: E402, F401
