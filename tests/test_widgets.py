"""The quick widgets write the markup Django's widgets write, without a template per option or input."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from portal.widgets import QuickSelect, QuickSelectMultiple, quick_widgets


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & <乙>"), ("b", "丙")], required=False)
    grouped = forms.ChoiceField(choices=[("第一组", [("1", "一"), ("2", "二")]), ("3", "三")])
    many = forms.MultipleChoiceField(choices=[("x", "X")])
    typed = forms.TypedChoiceField(choices=[("", "所有年份"), (2025, "2025")], coerce=int, required=False)


@pytest.mark.parametrize(
    ("name", "value"), [("plain", "a"), ("plain", ""), ("plain", None), ("grouped", "2"), ("typed", 2025)]
)
def test_it_writes_the_same_markup_as_djangos_select(name, value):
    field = _Form().fields[name]
    attrs = {"id": f"id_{name}", "class": "form-select", "aria-label": "筛选"}
    django_html = forms.Select(choices=field.choices).render(name, value, attrs)
    quick_html = QuickSelect(choices=field.choices).render(name, value, attrs)
    assert parse_html(quick_html) == parse_html(django_html)


def test_it_escapes_labels():
    assert "甲 &amp; &lt;乙&gt;" in QuickSelect(choices=_Form().fields["plain"].choices).render("plain", "")


@pytest.mark.parametrize("value", [["x"], [], ["x", "y"], None])
def test_the_multiple_choice_writes_the_same_markup_as_djangos(value):
    choices = [("x", "X 甲"), ("y", "Y & 乙"), ("z", "Z")]
    attrs = {"id": "id_many", "class": "form-select", "data-searchable": "", "required": True}
    django_html = forms.SelectMultiple(choices=choices).render("many", value, attrs)
    quick_html = QuickSelectMultiple(choices=choices).render("many", value, attrs)
    assert parse_html(quick_html) == parse_html(django_html)
    assert (" multiple" in quick_html) and quick_html.count(" selected") == len(value or [])


class _Checkboxes(forms.Form):
    ticks = forms.MultipleChoiceField(choices=[("x", "X")], widget=forms.CheckboxSelectMultiple)
    own = forms.ChoiceField(choices=[("x", "X")], widget=type("OwnSelect", (forms.Select,), {}))


def test_quick_widgets_changes_only_plain_selects():
    form = _Form()
    quick_widgets(form)
    assert type(form.fields["plain"].widget) is QuickSelect
    assert type(form.fields["typed"].widget) is QuickSelect
    assert type(form.fields["many"].widget) is QuickSelectMultiple
    others = _Checkboxes()
    quick_widgets(others)  # checkboxes and a select of its own (its own options) stay as they are
    assert type(others.fields["ticks"].widget) is forms.CheckboxSelectMultiple
    assert type(others.fields["own"].widget).__name__ == "OwnSelect"


def test_the_activity_filter_keeps_the_chosen_values(staff_client, group_a):
    page = staff_client.get(f"/activities/?group={group_a.pk}&kind=study&year=2025").content.decode()
    assert f'<option value="{group_a.pk}" selected>' in page
    assert '<option value="study" selected>' in page
    assert '<option value="2025" selected>' in page


def test_the_activity_filter_shows_a_bad_month_with_its_message(staff_client, group_a):
    page = staff_client.get("/activities/?month=2025-13&q=学习").content.decode()
    assert 'name="month" value="2025-13"' in page and "is-invalid" in page
    assert '<div id="id_month_error" class="invalid-feedback">' in page and "请按 YYYY-MM 格式输入月份" in page
    assert '<label for="id_q" class="form-label">标题包含</label>' in page and 'value="学习"' in page


_INPUTS = [
    (forms.TextInput, '甲 & <乙> "引号"'),
    (forms.TextInput, None),
    (forms.TextInput, mark_safe("<b>已转义</b>")),
    (forms.NumberInput, 12),
    (forms.NumberInput, 0),
    (forms.EmailInput, "a@b.cn"),
    (forms.DateInput, datetime.date(2025, 3, 1)),
    (forms.DateInput, "2025-13-40"),
    (forms.HiddenInput, "[1, 2]"),
    (forms.CheckboxInput, True),
    (forms.CheckboxInput, False),
    (forms.CheckboxInput, None),
    (forms.Textarea, "第一行\n<第二行> & 'x'"),
    (forms.Textarea, ""),
    (forms.Textarea, None),
]


@pytest.mark.parametrize(("widget_class", "value"), _INPUTS)
def test_the_quick_inputs_write_djangos_markup_byte_for_byte(widget_class, value):
    attrs = {"id": "id_x", "class": "form-control", "required": True, "maxlength": "40", "disabled": False}
    django_html = widget_class(attrs={"data-k": "v & w"}).render("x", value, attrs)
    form = forms.Form()
    form.fields["x"] = forms.Field(widget=widget_class(attrs={"data-k": "v & w"}))
    quick_widgets(form)
    quick = form.fields["x"].widget
    assert type(quick) is not widget_class and isinstance(quick, widget_class)
    assert quick.render("x", value, attrs) == django_html


def test_a_widget_with_a_template_of_its_own_keeps_djangos():
    form = forms.Form()
    own = forms.TextInput()
    own.template_name = "django/forms/widgets/textarea.html"
    form.fields["x"] = forms.CharField(widget=own)
    quick_widgets(form)
    assert type(form.fields["x"].widget) is forms.TextInput
