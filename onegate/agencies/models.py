"""Agencies that work in the portal: Dinsos itself and the offices, hospitals, boards and NGOs it
refers people to. Agency officers belong to one; the referral directory adds their services."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    SOCIAL_OFFICE = "dinsos", _("Social office (Dinsos/Puskesos)")
    GOVERNMENT = "government", _("Government office")
    HEALTH = "health", _("Health facility (puskesmas/hospital)")
    ZAKAT = "zakat", _("Zakat board")
    CSR = "csr", _("CSR company or forum")
    NGO = "ngo", _("NGO / community organisation")


class Agency(models.Model):
    code = models.SlugField(_("short code"), max_length=40, unique=True, help_text=_("e.g. dinkes, disdukcapil"))
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region served"), on_delete=models.PROTECT, related_name="agencies"
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the agency does, for the service directory.")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name
