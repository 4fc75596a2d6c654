"""Widgets of the portal's forms and list filters.

Django renders every <option> of a <select> through a template of its own: a
filter bar of five selects (29 groups, ten years, the kinds…) costs a third of
a list page's time. `QuickSelect` writes the same markup in plain Python, and so
do `QuickTextInput` and its kin for <input> and <textarea> (two templates each in
Django); `quick_widgets(form)` puts them on every plain select and input of a form.
"""

from __future__ import annotations

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeData, mark_safe


class QuickSelect(forms.Select):
    """A <select> with Django's markup (id, name, attributes, optgroups, selected), without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_escape(context["name"])}"{flatatt(context["attrs"])}>']
        for group_name, options, _index in context["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{_escape(group_name)}">')
            parts += [_option(o) for o in options]
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value in it is escaped above


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """QuickSelect for several choices (Django adds the `multiple` attribute)."""


_SELECTED = {"selected": True}


def _option(option: dict) -> str:
    """One <option>, as format_html would write it (plain strings: the filter bar's
    hundred options cost a millisecond through format_html)."""
    value = "" if option["value"] is None else option["value"]
    attrs = option["attrs"]
    marks = " selected" if attrs == _SELECTED else "" if not attrs else flatatt(attrs)
    return f'<option value="{_escape(value)}"{marks}>{_escape(option["label"])}</option>'


def _attributes(attrs: dict) -> str:
    """Django's attrs.html in its order: `name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _escape(text) -> str:
    """django.utils.html.conditional_escape without its lazy-string wrapper (a tenth of an option's time)."""
    return str(text) if isinstance(text, SafeData) else html.escape(str(text))


class QuickInput(forms.widgets.Input):
    """An <input> as Django's input.html writes it (type, name, value, attributes), without its two templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{_escape(widget["value"])}"'
        attributes = _attributes(widget["attrs"])
        return mark_safe(  # noqa: S308 - every value in it is escaped
            f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{shown}{attributes}>'
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickNumberInput(QuickInput, forms.NumberInput):
    pass


class QuickEmailInput(QuickInput, forms.EmailInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


class QuickHiddenInput(QuickInput, forms.HiddenInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass


class QuickTextarea(forms.Textarea):
    """A <textarea> as Django's textarea.html writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = _escape(widget["value"]) if widget["value"] else ""
        attributes = _attributes(widget["attrs"])
        return mark_safe(f'<textarea name="{_escape(widget["name"])}"{attributes}>\n{text}</textarea>')  # noqa: S308


_QUICK = {
    forms.Select: QuickSelect,
    forms.SelectMultiple: QuickSelectMultiple,
    forms.TextInput: QuickTextInput,
    forms.NumberInput: QuickNumberInput,
    forms.EmailInput: QuickEmailInput,
    forms.DateInput: QuickDateInput,
    forms.HiddenInput: QuickHiddenInput,
    forms.CheckboxInput: QuickCheckboxInput,
    forms.Textarea: QuickTextarea,
}


def widget_name(widget: forms.Widget) -> str:
    """The widget's class name, a quick widget's being that of the Django widget it stands for
    (crispy names a control's CSS class after it: "textinput", not "quicktextinput")."""
    return next(cls for cls in type(widget).__mro__ if cls.__module__ != __name__).__name__


def quick_widgets(form: forms.BaseForm) -> None:
    """Render the form's plain selects, inputs and text areas with the quick widgets (the same
    markup, a fraction of the time). A widget given a template of its own keeps Django's."""
    for field in form.fields.values():
        widget = field.widget
        quick = _QUICK.get(type(widget))
        if quick and widget.template_name == type(widget).template_name:
            widget.__class__ = quick
