from django import template
from django.utils.html import format_html

from .. import KEY_FIELD, key_of, new_key

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_key(context):
    """The create form's one-time key as a hidden field: the posted one when the form is shown
    again after an error (the same submission), a new one otherwise."""
    request = context["request"]
    key = key_of(request) or new_key()
    return format_html('<input type="hidden" name="{}" value="{}">', KEY_FIELD, key)
