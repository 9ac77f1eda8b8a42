"""Needs assessment (asesmen kebutuhan): what a household and each of its members need, by domain,
as found on a home visit, with whether the household is in DTKS/DTSEN. The household's latest
submitted assessment is what service matching reads (``Assessment.is_latest``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import DtksStatus, VerifiedRecord


class NeedDomain(models.TextChoices):
    HEALTH = "kesehatan", _("Health")
    EDUCATION = "pendidikan", _("Education")
    FOOD = "pangan", _("Food and basic needs")
    HOUSING = "perumahan", _("Housing (RTLH)")
    ECONOMY = "ekonomi", _("Economy and work")
    CIVIL_DOCUMENTS = "dokumen", _("Civil registration documents")
    DISABILITY = "disabilitas", _("Disability and rehabilitation")
    PROTECTION = "perlindungan", _("Protection (children, women, elderly, victims of violence)")
    LEGAL = "hukum", _("Legal aid")
    OTHER = "lainnya", _("Other")


class NeedLevel(models.IntegerChoices):
    """Ordered, so "needed or urgent" is ``level >= NEEDED`` and lists sort by urgency."""

    NONE = 0, _("No need")
    NEEDED = 1, _("Needed")
    URGENT = 2, _("Urgent")


class VisitMethod(models.TextChoices):
    HOME_VISIT = "kunjungan", _("Home visit")
    OFFICE = "kantor", _("At the office")
    PHONE = "telepon", _("By phone")


class Assessment(VerifiedRecord):
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("household")
    )
    # The household's kelurahan when assessed: scopes the assessment like the household itself.
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan/desa")
    )
    visited_on = models.DateField(_("date of the visit"))
    method = models.CharField(
        _("how it was made"), max_length=10, choices=VisitMethod.choices, default=VisitMethod.HOME_VISIT
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )
    companions = models.CharField(_("who else visited"), max_length=200, blank=True)
    # What the registry's welfare profile said when the assessment was made, and what the officer found.
    dtks_in_registry = models.CharField(
        _("DTKS/DTSEN status in the registry"), max_length=16, choices=DtksStatus.choices, blank=True
    )
    dtks_finding = models.CharField(
        _("DTKS/DTSEN status found"),
        max_length=16,
        choices=DtksStatus.choices,
        blank=True,
        help_text=_("Only when it differs from the registry."),
    )
    summary = models.TextField(_("summary of the situation"), blank=True, max_length=4000)
    recommendation = models.TextField(_("recommendation"), blank=True, max_length=4000)
    is_latest = models.BooleanField(_("latest submitted assessment of the household"), default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        indexes = [
            models.Index(fields=["household", "-visited_on"], name="assessment_by_household"),
            models.Index(fields=["region", "status"], name="assessment_by_region_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(is_latest=True), name="one_latest_assessment_per_household"
            )
        ]

    def __str__(self):
        return _("Assessment of %(date)s") % {"date": self.visited_on.strftime("%d/%m/%Y")}


class AssessmentNeed(models.Model):
    """One domain's need: of the whole household (``person`` empty) or of one member."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="needs", verbose_name=_("needs assessment")
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessed_needs",
        verbose_name=_("member"),
    )
    domain = models.CharField(_("domain"), max_length=12, choices=NeedDomain.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=NeedLevel.choices, default=NeedLevel.NONE)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("assessed need")
        verbose_name_plural = _("assessed needs")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "person", "domain"], nulls_distinct=False, name="one_need_per_domain_and_member"
            )
        ]
        indexes = [models.Index(fields=["domain", "level"], name="need_by_domain_level")]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.get_level_display()}"
