"""The filter forms above the big lists, rendered in Python with crispy-forms' Bootstrap 5 markup.

``{{ field|as_crispy_field }}`` renders each field through a dozen nested templates, and Django
renders a select's every option through a template of its own: the filter form of the person list
(a kelurahan select of 400+ options) cost about as much as its table. :func:`render_field` writes
the same markup (tests/core/test_fast_lists.py renders both ways and compares) for the widgets the
filter forms use: text, number and date inputs, selects and checkboxes, without errors. Anything
else (a field with errors, another widget, a form with a crispy helper) goes to crispy-forms itself.
"""

from django import forms
from django.conf import settings
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

_INPUTS = (
    forms.TextInput,
    forms.NumberInput,
    forms.DateInput,
    forms.EmailInput,
    forms.SearchInput,
    forms.TelInput,
    forms.URLInput,
)
_SELECTS = (forms.Select, forms.NullBooleanSelect)


def _crispy(bound_field) -> SafeString:
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    return as_crispy_field(bound_field)


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"')
    return "".join(parts)


def _css_class(widget, framework_class: str) -> str:
    """The class crispy-forms' {% crispy_field %} gives the widget (it also stores it on the widget)."""
    class_name = type(widget).__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css = widget.attrs.get("class", "")
    css = (css if css.find(class_name) != -1 else f"{css} {class_name}") if css else class_name
    for c in framework_class.split():
        if c not in css.split():
            css += " " + c
    return css


def _widget_attrs(bound_field, widget, css: str) -> dict:
    """The attributes BoundField.as_widget() hands the widget, with crispy's class."""
    extra = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        extra.setdefault("id", bound_field.auto_id)
    return {**widget.attrs, "class": css, **extra}


def _select_html(bound_field, widget, attrs: dict) -> str:
    """django/forms/widgets/select.html with Select.optgroups()'s choice of the selected option."""
    value = widget.format_value(bound_field.value())
    multiple = widget.allow_multiple_selected
    if multiple:
        attrs = {**attrs, "multiple": True}
    parts = [f'<select name="{escape(bound_field.html_name)}"{_attrs_html(attrs)}>']
    has_selected = False
    for option_value, option_label in widget.choices:
        if option_value is None:
            option_value = ""
        grouped = isinstance(option_label, (list, tuple))
        if grouped:
            parts.append(f'<optgroup label="{conditional_escape(option_value)}">')
        for subvalue, sublabel in option_label if grouped else ((option_value, option_label),):
            selected = (not has_selected or multiple) and str(subvalue) in value
            has_selected |= selected
            parts.append(
                f'<option value="{escape(str(subvalue))}"{" selected" if selected else ""}>{conditional_escape(sublabel)}</option>'
            )
        if grouped:
            parts.append("</optgroup>")
    parts.append("</select>")
    return "".join(parts)


def _input_html(bound_field, widget, attrs: dict) -> str:
    """django/forms/widgets/input.html"""
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    value = "" if context["value"] is None else f' value="{escape(str(context["value"]))}"'
    return f'<input type="{escape(context["type"])}" name="{escape(context["name"])}"{value}{_attrs_html(context["attrs"])}>'


def _help_text(bound_field) -> str:
    """bootstrap5/layout/help_text.html"""
    help_text = bound_field.help_text
    if not help_text:
        return ""
    id_attr = f'id="{escape(bound_field.auto_id)}_helptext" ' if bound_field.auto_id else ""
    return f'<div {id_attr}class="form-text">{help_text}</div>'


def _label_text(bound_field) -> tuple[str, str]:
    """The label's content and its extra class."""
    if bound_field.field.required:
        return f'{conditional_escape(bound_field.label)}<span class="asteriskField">*</span>', " requiredField"
    return str(conditional_escape(bound_field.label)), ""


def render_field(bound_field) -> SafeString:
    """``{{ bound_field|as_crispy_field }}``, for a filter form's field."""
    field, widget = bound_field.field, bound_field.field.widget
    kind = type(widget)
    simple = kind in _INPUTS or kind in _SELECTS or kind is forms.CheckboxInput
    if (
        not simple
        or bound_field.errors
        or bound_field.is_hidden
        or bound_field.use_fieldset
        or field.localize
        or field.show_hidden_initial
        or getattr(bound_field.form, "helper", None) is not None
    ):
        return _crispy(bound_field)
    css_classes = bound_field.css_classes()
    wrapper_css = f" {css_classes}" if css_classes else ""
    label, required_css = _label_text(bound_field)
    id_for_label = bound_field.id_for_label
    for_attr = f'for="{escape(id_for_label)}" ' if id_for_label else ""
    if kind is forms.CheckboxInput:
        attrs = _widget_attrs(bound_field, widget, _css_class(widget, "form-check-input"))
        return mark_safe(
            f'<div class="mb-3"><div id="div_{escape(bound_field.auto_id)}" class="form-check{wrapper_css}">'
            f"{_input_html(bound_field, widget, attrs)}"
            f'<label for="{escape(id_for_label)}" class="form-check-label{required_css}">{label}</label>'
            f"{_help_text(bound_field)}</div></div>"
        )
    if kind in _SELECTS:
        control = _select_html(
            bound_field, widget, _widget_attrs(bound_field, widget, _css_class(widget, "form-select"))
        )
    else:
        control = _input_html(
            bound_field, widget, _widget_attrs(bound_field, widget, _css_class(widget, "form-control"))
        )
    label_html = f'<label {for_attr}class="form-label{required_css}">{label}</label>' if bound_field.label else ""
    return mark_safe(
        f'<div id="div_{escape(bound_field.auto_id)}" class="mb-3{wrapper_css}">{label_html}{control}{_help_text(bound_field)}</div>'
    )
