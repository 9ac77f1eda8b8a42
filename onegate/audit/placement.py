"""Where an audited object lies, read when its entry is written: its region and agency (the trail's
scope) and the record the entry is about (a person's history gathers their profiles' entries)."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

SELF = "self"


@dataclass(frozen=True)
class Placement:
    """Lookup paths on the audited model: ``region`` ("person__region"), ``agency`` ("agency"),
    ``about`` (SELF, or a foreign key, followed if need be: "person", "assessment__household").
    ``identifiers``: fields holding an identity number
    (NIK, KK), shown whole only to the roles that see them."""

    region: str | None = None
    agency: str | None = None
    about: str | None = None
    identifiers: tuple[str, ...] = ()

    @property
    def personal(self) -> bool:
        """Placed in a region: personal data (administrators see who did what, not the values)."""
        return self.region is not None


_placements: dict[type, Placement] = {}
NOWHERE = Placement()


def register(model, placement_: Placement) -> None:
    _placements[model] = placement_


def for_model(model) -> Placement:
    return _placements.get(model, NOWHERE) if model is not None else NOWHERE


def _follow(instance, path: str):
    """The value at ``path`` ("person__region"): the last step's key (region_id), without loading it."""
    *steps, last = path.split("__")
    obj = instance
    try:
        for step in steps:
            obj = getattr(obj, step)
            if obj is None:
                return None
        return getattr(obj, obj._meta.get_field(last).attname)
    except ObjectDoesNotExist:
        return None


def _about(instance, path: str | None) -> dict:
    from django.contrib.contenttypes.models import ContentType

    if path is None:
        return {}
    if path == SELF:
        return {"about_type": ContentType.objects.get_for_model(type(instance)), "about_id": instance.pk}
    *steps, last = path.split("__")
    model = type(instance)
    for step in steps:  # "assessment__household": the household of the need's assessment
        model = model._meta.get_field(step).related_model
    return {
        "about_type": ContentType.objects.get_for_model(model._meta.get_field(last).related_model),
        "about_id": _follow(instance, path),
    }


def of(instance) -> dict:
    """The entry columns that place ``instance``: region_id, agency_id, about_type, about_id."""
    where = for_model(type(instance))
    columns = {}
    if where.region:
        columns["region_id"] = _follow(instance, where.region)
    if where.agency:
        columns["agency_id"] = _follow(instance, where.agency)
    columns.update(_about(instance, where.about))
    return columns
