"""Forms of the duty points: an appeal, a resolution, and the what-if values."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .engine import RuleSet
from .items import Category, Item


class AppealForm(forms.Form):
    item_key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why should this item be reviewed?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the item should be reviewed.")},
    )


class ResolveForm(forms.Form):
    appeal = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept with an adjustment")), ("reject", _("Reject"))],
        error_messages={"required": _("Choose accept or reject.")},
    )
    adjustment = forms.DecimalField(
        label=_("Points to add (negative: to take away)"),
        required=False,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("-100"),
        max_value=Decimal("100"),
    )
    comment = forms.CharField(
        label=_("Comment for the member"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write a comment for the member.")},
    )


def _points_field(label, initial, low: int = -100, high: int = 100) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        initial=initial,
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(low),
        max_value=Decimal(high),
        widget=forms.NumberInput(attrs={"step": "0.5", "class": "form-control form-control-sm"}),
    )


class WhatIfForm(forms.Form):
    """Every rule value of the year, prefilled; the chairman changes some and sees the result. Nothing is saved."""

    collective_max = forms.IntegerField(
        label=_("Collective proposal: members counted"),
        min_value=0,
        max_value=50,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    co_share = forms.DecimalField(
        label=_("Co-proposers' share of bonuses (%)"),
        min_value=0,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, rules: RuleSet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.fields["collective_max"].initial = rules.collective_max
        self.fields["co_share"].initial = rules.co_share
        for item in Item:
            if item == Item.ADJUSTMENT:
                continue
            self.fields[f"item_{item.value}"] = _points_field(item.label, rules.points.get(item.value, 0))
        for category in Category:
            if category == Category.ADJUSTMENTS:
                continue
            label = _("Cap: %(category)s") % {"category": category.label}
            self.fields[f"cap_{category.value}"] = _points_field(label, rules.caps.get(category.value), 0, 1000)
        for position, grade in enumerate(sorted(rules.grades, key=lambda g: -g.min_points)):
            self.fields[f"grade_{position}"] = _points_field(
                _("From (points): %(grade)s") % {"grade": grade.label}, grade.min_points
            )

    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("item_")]

    def cap_fields(self):
        return [self[name] for name in self.fields if name.startswith("cap_")]

    def grade_fields(self):
        return [self[name] for name in self.fields if name.startswith("grade_")]

    def changed_rules(self) -> RuleSet:
        """The year's rules with the values typed in (empty: the year's own)."""
        data = self.cleaned_data
        points = dict(self.rules.points)
        for item in Item:
            value = data.get(f"item_{item.value}")
            if value is not None:
                points[item.value] = float(value)
        caps = dict(self.rules.caps)
        for category in Category:
            if f"cap_{category.value}" in data:
                value = data[f"cap_{category.value}"]
                if value is None:
                    caps.pop(category.value, None)
                else:
                    caps[category.value] = float(value)
        grades = []
        for position, grade in enumerate(sorted(self.rules.grades, key=lambda g: -g.min_points)):
            value = data.get(f"grade_{position}")
            grades.append(grade._replace(min_points=float(value)) if value is not None else grade)
        changes = {"points": points, "caps": caps, "grades": tuple(grades)}
        if data.get("collective_max") is not None:
            changes["collective_max"] = data["collective_max"]
        if data.get("co_share") is not None:
            changes["co_share"] = float(data["co_share"])
        return self.rules.with_changes(**changes)
