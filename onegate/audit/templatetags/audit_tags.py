from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def audit_value(value):
    """A recorded value as a reader wants it: a dash for nothing, yes/no for booleans."""
    text = "" if value is None else str(value)
    if text in ("", "None"):
        return "—"
    return {"True": _("yes"), "False": _("no")}.get(text, text)
