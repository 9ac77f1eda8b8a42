"""Reads of the registry: who a user may see."""

from onegate import scoping

from .models import Person


def people_visible_to(user, action: str = scoping.VIEW):
    """People ``user`` may see (or act on), merged-away records left out."""
    return scoping.restrict(Person.objects.filter(merged_into__isnull=True), user, action)
