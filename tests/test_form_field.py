"""`form_field` writes crispy-bootstrap5's field markup in Python: the same HTML as
`as_crispy_field` (but for white space) for every plain control, with and without
errors, and crispy's own output for the widgets it does not cover."""

from __future__ import annotations

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from portal.templatetags.portal_forms import form_field


class Sample(forms.Form):
    title = forms.CharField(label="标题", max_length=5)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea, help_text="<b>可</b>不填")
    count = forms.IntegerField(label="人数", min_value=0, help_text="不含委员")
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=[("a", "学习"), ("b", "调研")])
    many = forms.MultipleChoiceField(label="多选", choices=[("a", "甲"), ("b", "乙")], required=False)
    styled = forms.CharField(label="样式", required=False, widget=forms.TextInput(attrs={"class": "mono textinput"}))
    agree = forms.BooleanField(label="我确认 <无误>", required=False)
    must = forms.BooleanField(label="必须勾选")
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    unlabelled = forms.CharField(label="", required=False)
    boxes = forms.MultipleChoiceField(
        label="复选", choices=[("a", "甲")], widget=forms.CheckboxSelectMultiple, required=False
    )
    radio = forms.ChoiceField(label="单选", choices=[("a", "甲")], widget=forms.RadioSelect, required=False)
    upload = forms.FileField(label="附件", required=False)


def _squeezed(html: str) -> str:
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def _both(form: forms.Form, name: str) -> tuple[str, str]:
    # Each renderer gets a form of its own: crispy's tag adds classes to the widget it renders.
    ours = form_field(form[name])
    theirs = as_crispy_field(type(form)(form.data or None)[name] if form.is_bound else type(form)()[name])
    return _squeezed(ours), _squeezed(theirs)


@pytest.mark.parametrize("name", list(Sample.base_fields))
def test_an_empty_form_reads_as_crispy_writes_it(name):
    ours, theirs = _both(Sample(), name)
    assert ours == theirs


@pytest.mark.parametrize("name", list(Sample.base_fields))
def test_a_refused_form_reads_as_crispy_writes_it(name):
    form = Sample({"title": "太长的标题文字", "count": "-1", "day": "2025-13-40", "kind": "z", "many": ["q"]})
    assert not form.is_valid()
    ours, theirs = _both(form, name)
    assert ours == theirs


def test_it_marks_the_refused_control_and_escapes_label_and_error():
    form = Sample({"title": "太长的标题文字", "kind": "z"})
    form.is_valid()
    title, kind, agree = form_field(form["title"]), form_field(form["kind"]), form_field(form["agree"])
    assert 'class="textinput form-control is-invalid"' in title and 'aria-invalid="true"' in title
    assert '<p id="error_1_id_title"><strong>' in title and 'id="id_title_error"' in title
    assert 'class="select form-select is-invalid"' in kind
    assert "我确认 &lt;无误&gt;" in agree and 'class="form-check-input checkboxinput"' not in agree
    assert '<div class="mb-3"><div id="div_id_agree" class="form-check">' in agree
    assert "requiredField" in form_field(form["must"]) and '<span class="asteriskField">*</span>' in title
    assert '<div id="id_note_helptext" class="form-text"><b>可</b>不填</div>' in form_field(form["note"])


def test_the_activity_form_no_longer_goes_through_crispys_field_template(staff_client, group_a):
    from django.template import engines

    loaded = []
    engine = engines["django"].engine
    original = engine.get_template

    def spy(name):
        loaded.append(name)
        return original(name)

    engine.get_template = spy
    try:
        page = staff_client.get("/activities/new/").content.decode()
    finally:
        engine.get_template = original
    assert 'id="div_id_title"' in page and 'class="textinput form-control"' in page
    assert loaded.count("bootstrap5/field.html") <= 2  # the group checkboxes and the files only
