"""Template filters of the portal's forms; they know no domain model."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def filter_field(field: BoundField) -> SafeString:
    """One field of a list's filter bar with crispy-bootstrap5's markup (label, control,
    error), written here: crispy's template per field cost a quarter of the activity list."""
    attrs = {"class": "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"}
    errors = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((i, field.auto_id, e) for i, e in enumerate(field.errors, 1)),
    )
    if field.errors:
        attrs |= {
            "class": attrs["class"] + " is-invalid",
            "aria-invalid": "true",
            "aria-describedby": f"{field.auto_id}_error",
        }
        errors = format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id, errors)
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        field.as_widget(attrs=attrs),
        errors,
    )


@register.simple_tag
def filter_control(field: BoundField) -> SafeString:
    """A filter's control alone, its widget's classes marked invalid when the value was refused
    (the record lists' compact bar; the widget, a QuickSelect for choices, writes the options).
    Django adds aria-invalid and aria-describedby="<id>_error" to a refused field's control."""
    if not field.errors:
        return field.as_widget()
    classes = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{classes} is-invalid".strip()})
