"""Cross-agency referral: the directory of agencies' services (modelled so that it exports to Open
Referral HSDS 3) and the referrals sent to them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


# --- Directory ---------------------------------------------------------------------------------
class ServiceCategory(models.TextChoices):
    HEALTH = "kesehatan", _("Health")
    EDUCATION = "pendidikan", _("Education")
    CIVIL_REGISTRY = "adminduk", _("Civil registration")
    SOCIAL_ASSISTANCE = "bansos", _("Social assistance")
    REHABILITATION = "rehabilitasi", _("Social rehabilitation")
    DISABILITY = "disabilitas", _("Disability support")
    PROTECTION = "perlindungan", _("Protection of women and children")
    LIVELIHOOD = "ekonomi", _("Jobs and livelihood")
    HOUSING = "perumahan", _("Housing")
    OTHER = "lainnya", _("Other")


class ServiceStatus(models.TextChoices):
    """HSDS 3's service status values, stored as HSDS writes them."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Discontinued")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class Service(models.Model):
    """A service an agency offers, as the directory shows it and referrals target it. The fields
    follow HSDS 3's service (eligibility_description, application_process…); the SLA gives a
    referral's due date."""

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=15, choices=ServiceCategory.choices)
    description = models.TextField(_("description"))
    eligibility = models.TextField(_("who is eligible"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    area = models.ForeignKey(
        "regions.Region", verbose_name=_("service area"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The region whose residents the service is for."),
    )
    area_note = models.CharField(_("service area note"), max_length=300, blank=True, help_text=_("e.g. residents with a Kota Mojokerto KTP."))
    fees = models.CharField(_("fees"), max_length=300, blank=True, help_text=_("Empty: free of charge."))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    sla_working_days = models.PositiveSmallIntegerField(
        _("SLA (working days)"), default=10, help_text=_("A referral is due this many working days after it is sent.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["agency__name", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="service_name_unique_in_agency")]

    def __str__(self):
        return f"{self.name} · {self.agency.name}"

    @property
    def is_active(self) -> bool:
        return self.status == ServiceStatus.ACTIVE


class RequiredDocument(models.Model):
    """A document a person brings to use the service (KTP, KK, SKTM…)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="required_documents")
    document = models.CharField(_("document"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [models.UniqueConstraint(fields=["service", "document"], name="required_document_unique")]

    def __str__(self):
        return self.document


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class ServiceSchedule(models.Model):
    """Opening hours on a run of weekdays, e.g. Monday–Thursday 08:00–15:00 (one row each run)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    first_day = models.PositiveSmallIntegerField(_("from"), choices=Weekday.choices)
    last_day = models.PositiveSmallIntegerField(_("until"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["first_day", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=models.Q(first_day__lte=models.F("last_day")), name="schedule_days_in_order"),
            models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")), name="schedule_opens_before_closing"),
        ]

    def __str__(self):
        days = Weekday(self.first_day).label if self.first_day == self.last_day else f"{Weekday(self.first_day).label}–{Weekday(self.last_day).label}"
        return f"{days} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def byday(self) -> str:
        """The days as iCalendar BYDAY codes (MO,TU,WE…), as HSDS schedules write them."""
        return ",".join(ICAL_DAYS[self.first_day : self.last_day + 1])


class Contact(models.Model):
    """A named person to contact at an agency, or for one of its services."""

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="contacts")
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.CASCADE, related_name="contacts",
        help_text=_("Empty: a contact for the whole agency."),
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.title})" if self.title else self.name

