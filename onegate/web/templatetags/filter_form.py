"""``{{ field|filter_field }}``: a list filter's field as crispy-forms renders it, without its templates
(onegate.filter_form)."""

from django import template

from onegate.filter_form import render_field

register = template.Library()


@register.filter
def filter_field(bound_field):
    return render_field(bound_field)
