"""Pieces the registry's views share."""

from onegate import scoping

from ..models import Person


def scoped_people(user, action=scoping.VIEW):
    """People the user may see (or act on), merged-away records left out."""
    return scoping.restrict(Person.objects.filter(merged_into__isnull=True), user, action)
