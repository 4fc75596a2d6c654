"""Administration of the duty points: a year's rules, caps and grade bands, a
preset applied to chosen years, and the appeals (read-only; staff resolve them
in the portal, where the resolution is audited)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import GradeBand, PointAppeal, PointCap, PointRule, PointYear
from .presets import preset_choices
from .services import preset_apply


class PointRuleInline(admin.TabularInline):
    model = PointRule
    extra = 0


class PointCapInline(admin.TabularInline):
    model = PointCap
    extra = 0


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0


class PresetForm(forms.Form):
    preset = forms.ChoiceField(label=_("Preset"), choices=preset_choices)


@admin.register(PointYear)
class PointYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "committee", "preset", "collective_max_members", "co_share", "ladder_highest_only")
    list_filter = ("committee", "preset")
    list_select_related = ("committee",)
    inlines = [PointRuleInline, PointCapInline, GradeBandInline]
    actions = ["apply_preset"]

    @admin.action(description=_("Replace the rules with a preset"), permissions=["change"])
    def apply_preset(self, request, queryset: QuerySet[PointYear]):
        if "preset" not in request.POST:
            return render(
                request,
                "admin/reports/points/apply_preset.html",
                {
                    **self.admin_site.each_context(request),
                    "years": queryset,
                    "form": PresetForm(),
                    "action": "apply_preset",
                    "opts": self.model._meta,
                },
            )
        form = PresetForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose a preset."), messages.ERROR)
            return None
        for point_year in queryset:
            try:
                preset_apply(
                    committee=point_year.committee,
                    year=point_year.year,
                    preset=form.cleaned_data["preset"],
                    replace=True,
                )
            except ValidationError as refused:
                self.message_user(request, " ".join(refused.messages), messages.ERROR)
            else:
                self.message_user(request, _("%(year)s: rules replaced.") % {"year": point_year.year}, messages.SUCCESS)
        return None


@admin.register(PointAppeal)
class PointAppealAdmin(SimpleHistoryAdmin):
    list_display = ("member", "year", "item_label", "points", "status", "adjustment", "resolved_by")
    list_filter = ("year", "status")
    list_select_related = ("member", "resolved_by")
    search_fields = ("member__name", "item_label")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
