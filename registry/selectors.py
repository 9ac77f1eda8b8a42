"""Reads of registry people that other capabilities share: who a user may see, and finding someone
by NIK or name the way the registry's own list does (registry.search)."""

from onegate import scoping

from .models import Person
from .search import people_named

NIK_DIGITS = 16
MIN_NAME_LETTERS = 3


def people_visible_to(user, action: str = scoping.VIEW):
    """People ``user`` may see (or act on), merged-away records left out."""
    return scoping.restrict(Person.objects.filter(merged_into__isnull=True), user, action)


def people_matching(user, text: str, *, limit: int = 10) -> list[Person]:
    """Up to ``limit`` people ``user`` may see whose NIK is ``text`` (16 digits, spaces allowed) or
    whose name matches it as the registry's search does (a letter off, a family name alone), best
    first. Shorter text finds nobody: a desk lookup is typed, not browsed."""
    text = text.strip()
    digits = text.replace(" ", "")
    people = people_visible_to(user).select_related("region")
    if digits.isdigit():
        return list(people.filter(nik=digits)[:limit]) if len(digits) == NIK_DIGITS else []
    if len(text) < MIN_NAME_LETTERS:
        return []
    # Every word some name has, not only the common ones: a rare family name typed a letter off.
    return list(people_named(people, text, widen=True)[:limit])
