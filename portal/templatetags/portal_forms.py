"""Template filters of the portal's forms; they know no domain model."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from portal.widgets import widget_name

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


# --- a form's field with crispy-bootstrap5's markup, written in Python -----------------------

_CRISPY_OWN = (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.FileInput, forms.MultiWidget)


def _crispy_classes(widget: forms.Widget, added: str) -> None:
    """What crispy's `{% crispy_field field 'class' added %}` does to the widget's classes:
    its own class name in lower case (a quick widget's: the Django widget's), then each of
    `added`'s not there yet."""
    own = widget_name(widget).lower()
    classes = widget.attrs.get("class", "")
    classes = (f"{classes} {own}" if own not in classes else classes) if classes else own
    for name in added.split():
        if name not in classes.split():
            classes += f" {name}"
    widget.attrs["class"] = classes


def _label_text(field: BoundField) -> SafeString:
    asterisk = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""  # noqa: S308
    return format_html("{}{}", field.label, asterisk)


def _help_and_errors(field: BoundField) -> SafeString:
    """bootstrap5/layout/help_text_and_errors.html as as_crispy_field renders it: the errors
    as a block, then the help text."""
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            getattr(field.errors, "field_id", None),
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, error) for n, error in enumerate(field.errors, 1)),
            ),
        )
    helptext = ""
    if field.help_text:
        attribute = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
        helptext = format_html('<div {}class="form-text">{}</div>', attribute, mark_safe(field.help_text))  # noqa: S308
    return format_html("{}{}", errors, helptext)


def _checkbox(field: BoundField, css: str) -> SafeString:
    _crispy_classes(field.field.widget, "form-check-input is-invalid" if field.errors else "form-check-input")
    required = " requiredField" if field.field.required else ""
    return format_html(
        '<div class="mb-3"><div id="div_{}" class="form-check{}">{}'
        '<label for="{}" class="form-check-label{}">{}</label>{}</div></div>',
        field.auto_id,
        css,
        str(field),
        field.id_for_label,
        required,
        _label_text(field),
        _help_and_errors(field),
    )


def _control(field: BoundField, css: str) -> SafeString:
    widget = field.field.widget
    added = "form-select" if isinstance(widget, forms.Select) else "form-control"
    _crispy_classes(widget, f"{added} is-invalid" if field.errors else added)
    label = ""
    if field.label:
        target = format_html(' for="{}"', field.id_for_label) if field.id_for_label else ""
        required = " requiredField" if field.field.required else ""
        label = format_html('<label{} class="form-label{}">{}</label>', target, required, _label_text(field))
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}</div>',
        field.auto_id,
        css,
        label,
        str(field),
        _help_and_errors(field),
    )


@register.filter
def form_field(field: BoundField) -> SafeString:
    """`field|as_crispy_field` (crispy-bootstrap5's field.html, no helper) written in Python
    for the plain controls, the same markup but for white space: crispy's templates were
    two thirds of the activity form's time. Checkbox lists, radios, files and compound
    widgets, and a form with a helper, still go through crispy."""
    widget = field.field.widget
    if field.is_hidden:
        return str(field)
    if (
        isinstance(widget, _CRISPY_OWN)
        or widget.use_fieldset
        or hasattr(widget, "widget")
        or hasattr(field.form, "helper")
    ):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    css = f" {classes}" if (classes := field.css_classes()) else ""
    if isinstance(widget, forms.CheckboxInput):
        return _checkbox(field, css)
    return _control(field, css)
