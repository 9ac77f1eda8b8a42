"""The official Kemendagri region hierarchy: province → regency/city → kecamatan → kelurahan/desa."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KOTA = "kota", _("City")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA = "desa", _("Village (desa)")


# How many dot-separated parts a code has at each level, e.g. 35.76.02.1010 has four.
LEVEL_DEPTH = {
    RegionLevel.PROVINSI: 1,
    RegionLevel.KABUPATEN: 2,
    RegionLevel.KOTA: 2,
    RegionLevel.KECAMATAN: 3,
    RegionLevel.KELURAHAN: 4,
    RegionLevel.DESA: 4,
}
VILLAGE_LEVELS = (RegionLevel.KELURAHAN, RegionLevel.DESA)


# Codes nest: a region lies under another when its code starts with the other's code and a dot.
def code_within(code: str, area: str) -> bool:
    """Whether region ``code`` is ``area`` or lies under it."""
    return code == area or code.startswith(area + ".")


def within_q(field: str, code: str) -> Q:
    """Rows whose region is ``code`` or lies under it; ``field`` is the path to the Region (empty for
    regions themselves). A prefix match on the code, which the code's pattern index serves."""
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}code": code}) | Q(**{f"{prefix}code__startswith": code + "."})


class RegionQuerySet(models.QuerySet):
    def within(self, code: str) -> "RegionQuerySet":
        """The region ``code`` and every region under it."""
        return self.filter(within_q("", code))


class Region(models.Model):
    """One administrative region, keyed by its dotted Kemendagri code (e.g. ``35.76.02.1010``).

    Because codes nest (a village's code starts with its kecamatan's code and a dot), "inside a
    region" is a prefix match on the code; scoping relies on that instead of walking the tree.
    """

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["code"], name="region_code_prefix", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"),
                name="region_code_format",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_village(self) -> bool:
        return self.level in VILLAGE_LEVELS

    @property
    def nik_prefix(self) -> str:
        """The first digits of a NIK issued here: the code without dots (kecamatan level gives six)."""
        return self.code.replace(".", "")

    def ancestors(self) -> list["Region"]:
        """The regions above this one, from the province down, in one query."""
        parts = self.code.split(".")
        codes = [".".join(parts[:i]) for i in range(1, len(parts))]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def contains(self, other: "Region | str") -> bool:
        return code_within(other if isinstance(other, str) else other.code, self.code)
