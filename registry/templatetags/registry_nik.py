from django import template

from ..privacy import nik_for as _nik_for

register = template.Library()


@register.filter
def nik_for(nik, user):
    """``{{ person.nik|nik_for:user|default:"—" }}``: the NIK as this user may see it (registry.privacy)."""
    return _nik_for(user, nik)
