"""Widgets of the portal's list filters.

Django renders every <option> of a <select> through a template of its own: a
filter bar of five selects (29 groups, ten years, the kinds…) costs a third of
a list page's time. `QuickSelect` writes the same markup with format_html, and
`quick_selects(form)` puts it on every plain single-choice select of a form.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A <select> with Django's markup (id, name, attributes, optgroups, selected), without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in context["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"] if o["value"] is not None else "", flatatt(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                rendered = format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
            groups.append(rendered)
        return format_html(
            '<select name="{}"{}>{}</select>',
            context["name"],
            flatatt(context["attrs"]),
            format_html_join("", "{}", ((g,) for g in groups)),
        )


def quick_selects(form: forms.BaseForm) -> None:
    """Render the form's plain selects with QuickSelect (same markup, a fraction of the time)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = QuickSelect
