"""What the capabilities' lists and entry forms share: the kelurahan/desa of the user's area as
choices, and the filter offering them."""

from django import forms

from onegate import reference_cache
from onegate.regions.models import VILLAGE_LEVELS, Region


def village_choices(user):
    """The kelurahan/desa inside the user's region scope (for entry forms and list filters)."""
    villages = Region.objects.filter(level__in=VILLAGE_LEVELS)
    if user.region_id:
        villages = villages.within(user.region_id)
    return villages.order_by("name")


def village_options(user) -> list[tuple[str, str]]:
    """The choices of ``village_choices(user)`` (code, "name (code)"), kept in process memory: a
    manager's list offers 400+ kelurahan on every page."""
    return reference_cache.cached(
        ("villages", user.region_id), lambda: [(r.code, str(r)) for r in village_choices(user)]
    )


# A choice from a list, worded as ModelChoiceFilter did: "that choice is not one of the available choices".
MODEL_CHOICE_ERRORS = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}


class VillageFilterMixin:
    """A ``region`` filter offering the kelurahan/desa in the user's area (the filter form refuses
    any other)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        # A function, not the list: the form copies its fields (and a list of choices) for each page.
        self.filters["region"].extra["choices"] = lambda: village_options(user)
