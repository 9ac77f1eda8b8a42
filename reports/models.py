"""Report requests: the truth of every PDF report lives here, in PostgreSQL. The Celery message
only says "render request N"; a lost or repeated message changes nothing (see reports/services.py)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReportType(models.TextChoices):
    DISABILITY_RECAP = "rekap_disabilitas", _("Recap of people with disabilities")
    PPKS_RECAP = "rekap_ppks", _("PPKS recap")
    SERVICE_RECAP = "rekap_layanan", _("Complaints and referrals recap")
    BENEFICIARY_LIST = "daftar_penerima", _("Beneficiary list for field verification")
    PERSON_PROFILE = "profil_individu", _("Person profile")
    ACCESS_REPORT = "akses_data", _("Personal data access report")
    UNSERVED_LIST = "calon_penerima", _("List of candidate recipients of a service")


class Population(models.TextChoices):
    """Who a beneficiary list lists."""

    ALL = "semua", _("Everyone registered")
    DISABILITY = "disabilitas", _("People with a disability")
    DTKS = "dtks", _("People registered in DTKS/DTSEN")
    PPKS = "ppks", _("People with an active PPKS record")
    PROGRAM = "program", _("People receiving a program this year")


class ReportStatus(models.TextChoices):
    QUEUED = "antri", _("Queued")
    RUNNING = "diproses", _("Rendering")
    READY = "siap", _("Ready")
    FAILED = "gagal", _("Failed")
    EXPIRED = "kedaluwarsa", _("Expired")


class ReportRequest(models.Model):
    """One requested report: what (type and parameters), for whom (the requester and the scope they
    had when asking, which bounds what the report may hold), and how far it got.

    ``regions`` are the region codes the report covers; empty means the requester's whole scope.
    ``scope_*`` copy the requester's role, region and agency at request time: the worker queries
    through onegate.scoping with them, so a report holds only what its requester could see.
    ``scheduled_for`` marks the monthly reports made by celery beat (the first day of the month
    they cover): one per type and month. ``data`` keeps the figures behind a recap, so that its
    CSV and XLSX show exactly what the PDF shows."""

    report_type = models.CharField(_("report"), max_length=20, choices=ReportType.choices)
    # Parameters.
    regions = ArrayField(models.CharField(max_length=13), verbose_name=_("areas"), default=list, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "referrals.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    include_unverified = models.BooleanField(_("include records not yet verified"), default=False)
    population = models.CharField(_("people listed"), max_length=12, choices=Population.choices, default=Population.ALL)
    # Who asked, and what they could see then.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_role = models.CharField(_("requester's role"), max_length=20)
    scope_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("requester's region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("requester's agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_for = models.DateField(_("monthly report for"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("managers told at"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # Progress.
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("last sent to the workers"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("reason of the failure"), blank=True)
    # Result.
    file_path = models.CharField(
        _("file"), max_length=255, blank=True, help_text=_("Relative to the private media folder.")
    )
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    expires_at = models.DateTimeField(_("file deleted after"), null=True, blank=True)
    data = models.JSONField(_("figures behind the report"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        indexes = [
            models.Index(fields=["status", "queued_at"], name="report_status_queued"),
            models.Index(fields=["requested_by", "created_at"], name="report_requester"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "scheduled_for"],
                condition=models.Q(scheduled_for__isnull=False),
                name="one_monthly_report_per_type",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="gagal") | ~models.Q(error=""), name="failed_report_has_reason"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_progress_percent"),
        ]

    def __str__(self):
        return f"{self.get_report_type_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY and bool(self.file_path)
