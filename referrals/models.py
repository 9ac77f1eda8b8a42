"""Cross-agency referral: the directory of agencies' services (modelled so that it exports to Open
Referral HSDS 3) and the referrals sent to them."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _

from assessments.models import NeedDomain
from onegate.versioning import VersionedModel
from registry.models import DisabilityType, DtksStatus, Program, Severity, Sex


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


class Service(VersionedModel):
    """A service an agency offers, as the directory shows it and referrals target it. The fields
    follow HSDS 3's service (eligibility_description, application_process…); the SLA gives a
    referral's due date."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=15, choices=ServiceCategory.choices)
    description = models.TextField(_("description"))
    eligibility = models.TextField(_("who is eligible"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    area = models.ForeignKey(
        "regions.Region",
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The region whose residents the service is for."),
    )
    area_note = models.CharField(
        _("service area note"), max_length=300, blank=True, help_text=_("e.g. residents with a Kota Mojokerto KTP.")
    )
    fees = models.CharField(_("fees"), max_length=300, blank=True, help_text=_("Empty: free of charge."))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    sla_working_days = models.PositiveSmallIntegerField(
        _("SLA (working days)"), default=10, help_text=_("A referral is due this many working days after it is sent.")
    )
    program = models.CharField(
        _("programme delivered"),
        max_length=10,
        choices=Program.choices,
        blank=True,
        help_text=_(
            "Optional: a person recorded as receiving this programme this year counts as receiving the service."
        ),
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
            models.CheckConstraint(
                condition=models.Q(first_day__lte=models.F("last_day")), name="schedule_days_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="schedule_opens_before_closing"
            ),
        ]

    def __str__(self):
        days = (
            Weekday(self.first_day).label
            if self.first_day == self.last_day
            else f"{Weekday(self.first_day).label}–{Weekday(self.last_day).label}"
        )
        return f"{days} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def byday(self) -> str:
        """The days as iCalendar BYDAY codes (MO,TU,WE…), as HSDS schedules write them."""
        return ",".join(ICAL_DAYS[self.first_day : self.last_day + 1])


class Contact(models.Model):
    """A named person to contact at an agency, or for one of its services."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
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


class ServiceCriteria(models.Model):
    """Who a service is for, in fields a machine can check (referrals/eligibility.py reads them, for
    lists in SQL and for one person in Python). Every field is optional: empty criteria mean
    "anyone". The service's free-text ``eligibility`` stays for people to read."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("service")
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age (years)"), null=True, blank=True, validators=[MaxValueValidator(150)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age (years)"), null=True, blank=True, validators=[MaxValueValidator(150)]
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    area = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lives in"),
        help_text=_("A kecamatan or kelurahan: the person's kelurahan must lie inside it."),
    )
    dtks_statuses = ArrayField(
        models.CharField(max_length=16, choices=DtksStatus.choices),
        default=list,
        blank=True,
        verbose_name=_("DTKS/DTSEN status (any of)"),
    )
    max_decile = models.PositiveSmallIntegerField(
        _("highest welfare decile"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    disability_required = models.BooleanField(_("has a disability"), default=False)
    disability_types = ArrayField(
        models.CharField(max_length=12, choices=DisabilityType.choices),
        default=list,
        blank=True,
        verbose_name=_("disability types (any of)"),
    )
    min_severity = models.CharField(_("lowest disability severity"), max_length=8, choices=Severity.choices, blank=True)
    device_needed = models.BooleanField(
        _("needs an assistive device"),
        default=False,
        help_text=_("The disability profile records a device needed that the person does not own yet."),
    )
    ppks_categories = models.ManyToManyField(
        "registry.PpksCategory",
        blank=True,
        related_name="+",
        verbose_name=_("PPKS categories (any of, active)"),
    )
    need_domains = ArrayField(
        models.CharField(max_length=12, choices=NeedDomain.choices),
        default=list,
        blank=True,
        verbose_name=_("assessed needs (any of, needed or urgent)"),
    )
    has_nik = models.BooleanField(
        _("NIK"),
        null=True,
        blank=True,
        help_text=_("Yes: only people with a NIK; No: only people without one (the civil registry's service)."),
    )
    not_receiving_program = models.CharField(
        _("not already receiving (this year)"), max_length=10, choices=Program.choices, blank=True
    )

    class Meta:
        verbose_name = _("eligibility criteria")
        verbose_name_plural = _("eligibility criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="criteria_ages_in_order",
            ),
        ]

    def __str__(self):
        return self.service.name


# --- Referrals ---------------------------------------------------------------------------------
class ReferralStatus(models.TextChoices):
    DRAFT = "draf", _("Draft")
    SENT = "dikirim", _("Sent")
    ACCEPTED = "diterima", _("Accepted")
    IN_PROGRESS = "diproses", _("In progress")
    COMPLETED = "selesai", _("Completed")
    REJECTED = "ditolak", _("Rejected")
    REDIRECTED = "dialihkan", _("Redirected")


OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)
FINISHED_STATUSES = (ReferralStatus.COMPLETED, ReferralStatus.REJECTED, ReferralStatus.REDIRECTED)


class Decision(models.TextChoices):
    """The manager's decision on a recommendation (*penetapan layanan*), when the office asks for it
    (:class:`ReferralSettings`)."""

    APPROVED = "ditetapkan", _("Approved")
    REJECTED = "tidak_ditetapkan", _("Not approved")


# A draft still pending: not closed by a decision not to approve it (Referral.is_closed_recommendation).
PENDING_DRAFT = models.Q(status=ReferralStatus.DRAFT) & ~models.Q(decision=Decision.REJECTED)


class ReferralSettings(models.Model):
    """The office's referral settings, one row, edited by administrators in the admin. Read through
    :meth:`current` (no row yet: the defaults)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    decision_required = models.BooleanField(
        _("the manager decides before a referral is sent"),
        default=False,
        help_text=_(
            "On: a drafted referral is a recommendation (rekomendasi layanan) that a manager approves or rejects "
            "(penetapan layanan) before it can be sent to the agency. Off: the officer sends the draft."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("referral settings")
        verbose_name_plural = _("referral settings")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="referral_settings_single_row")]

    def __str__(self):
        return str(_("Referral settings"))

    @classmethod
    def current(cls) -> "ReferralSettings":
        return cls.objects.filter(pk=1).first() or cls()


class ConsentGiver(models.TextChoices):
    SELF = "diri_sendiri", _("The person themself")
    FAMILY = "keluarga", _("Family member or guardian")
    COMPANION = "pendamping", _("Companion / social worker")


class ConsentMethod(models.TextChoices):
    WRITTEN = "tertulis", _("Signed or thumb-printed consent form")
    IN_PERSON = "lisan", _("Spoken, in person")
    PHONE = "telepon", _("Spoken, by phone")


class LetterCounter(models.Model):
    """The last referral letter number given out in a year. Taken with a row lock in the
    transaction that sends the referral, so two officers never get the same number and a
    rolled-back send leaves no gap."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Referral(VersionedModel):
    """A person referred to an agency's service, from a complaint or from the registry. The
    agency sees it from the moment it is sent; how much of the person it sees depends on consent
    (see :mod:`referrals.disclosure`)."""

    number = models.CharField(_("letter number"), max_length=60, unique=True, null=True, blank=True, editable=False)
    # In the letter's QR code: opens the public page that confirms the letter is genuine. Random,
    # so that nobody can walk the sequential letter numbers.
    verification_token = models.CharField(
        _("verification token"), max_length=40, unique=True, null=True, blank=True, editable=False
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    person_name = models.CharField(_("name of the person"), max_length=150)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("kelurahan/desa"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="referrals")
    reason = models.TextField(_("reason for the referral"))
    request = models.TextField(_("what is asked of the agency"))
    documents_provided = ArrayField(
        models.CharField(max_length=200), verbose_name=_("documents provided"), default=list, blank=True
    )
    complaint_attachments = models.ManyToManyField(
        "complaints.Attachment", verbose_name=_("complaint attachments sent"), blank=True, related_name="referrals"
    )
    consent_given = models.BooleanField(_("consent to share personal data"), default=False)
    consent_by = models.CharField(_("consent given by"), max_length=150, blank=True)
    consent_giver = models.CharField(_("who gave consent"), max_length=14, choices=ConsentGiver.choices, blank=True)
    consent_method = models.CharField(
        _("how consent was given"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Where the referral stands in an inbox: open ones first (by due date, so overdue ones lead),
    # then drafts, then finished ones. Stored by PostgreSQL, so that an index gives the inbox's
    # first page without sorting all of an agency's referrals.
    inbox_rank = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=OPEN_STATUSES, then=models.Value(0)),
            models.When(status=ReferralStatus.DRAFT, then=models.Value(1)),
            default=models.Value(2),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
        verbose_name=_("inbox rank"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.TextField(_("outcome or reason"), blank=True)
    # The manager's decision on the draft (penetapan layanan), when the office asks for one.
    decision = models.CharField(_("manager's decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Set by the daily overdue job (referrals.followup): 1 when the agency and the managers were
    # told it is overdue, 2 when it was escalated to the managers.
    escalation_level = models.PositiveSmallIntegerField(_("overdue notices"), default=0, editable=False)
    redirected_from = models.ForeignKey(
        "self",
        verbose_name=_("redirected from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redirects",
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # An agency's referrals of one status (the inbox's status filter and its counts).
            models.Index(fields=["agency", "status", "due_date"], include=["created_at"], name="referral_agency_inbox"),
            # An agency's inbox in its order (open ones first, by due date) from the index alone.
            models.Index(fields=["agency", "inbox_rank", "due_date", "-created_at"], name="referral_inbox_order"),
            # Dinsos staff see their region's referrals in the same order; most rows of the city qualify.
            models.Index(fields=["inbox_rank", "due_date", "-created_at"], name="referral_staff_order"),
            models.Index(fields=["region", "status"], name="referral_region_status"),
            models.Index(fields=["status", "due_date"], name="referral_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draf")
                | (models.Q(number__isnull=False) & models.Q(due_date__isnull=False) & models.Q(sent_at__isnull=False)),
                name="sent_referral_has_number_and_due_date",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draf") | models.Q(verification_token__isnull=False),
                name="sent_referral_has_verification_token",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["selesai", "ditolak", "dialihkan"]) | ~models.Q(outcome=""),
                name="finished_referral_has_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="", decided_by__isnull=True, decided_at__isnull=True)
                | (~models.Q(decision="") & models.Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="decision_has_maker_and_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="tidak_ditetapkan")
                | (models.Q(status="draf") & ~models.Q(decision_note="")),
                name="rejected_recommendation_has_reason_and_is_not_sent",
            ),
            models.CheckConstraint(
                condition=models.Q(consent_given=False)
                | (~models.Q(consent_by="") & ~models.Q(consent_method="") & models.Q(consent_at__isnull=False)),
                name="consent_is_recorded",
            ),
        ]

    def __str__(self):
        return self.number or _("Draft referral #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("referrals:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed_recommendation(self) -> bool:
        """A recommendation the manager did not approve: closed, never sent."""
        return self.decision == Decision.REJECTED

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        return self.is_open and self.due_date < (today or timezone.localdate())


class ReferralEventKind(models.TextChoices):
    CREATED = "dibuat", _("Drafted")
    STATUS = "status", _("Status changed")
    NOTE = "catatan", _("Note")
    DOCUMENT = "dokumen", _("Document added")
    APPROVED = "ditetapkan", _("Service decision: approved")
    REJECTED = "tdk_ditetapkan", _("Service decision: not approved")
    DECISION_RESET = "tetap_ulang", _("Changed after the decision: waits for a new decision")
    OVERDUE = "terlambat", _("Overdue: agency and managers notified")
    ESCALATED = "eskalasi", _("Escalated to the managers")


class ReferralEvent(models.Model):
    """One line of a referral's timeline: who did what, when, with a note."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=ReferralEventKind.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ReferralStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone_now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.referral_id})"


class DocumentKind(models.TextChoices):
    SUPPORTING = "pendukung", _("Supporting document")
    RESULT = "hasil", _("Result from the agency")


def _document_path(instance, filename):
    # A random name: the original name is kept in the database only.
    import uuid

    return f"referrals/{timezone_now():%Y/%m}/{uuid.uuid4().hex}"


class ReferralDocument(models.Model):
    """A file sent with the referral (supporting) or returned by the agency (result)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=_document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone_now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("referral document")
        verbose_name_plural = _("referral documents")

    def __str__(self):
        return self.original_name


# --- Eligible but unserved -----------------------------------------------------------------------
class UnservedCount(models.Model):
    """How many people of one kelurahan are eligible for a service (its criteria), and of them how
    many receive it, have an open referral to it, and neither (unserved): the index of
    /rujukan/kelayakan/ adds up the rows in the user's region. Counting them live over a province's
    registry takes seconds per service, so they are refreshed by celery beat, after a referral to
    the service is sent or finished, and on a manager's request (referrals.unserved.refresh_counts);
    the list of one service's unserved people is always read live."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="unserved_counts")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    eligible = models.PositiveIntegerField(_("eligible"))
    receiving = models.PositiveIntegerField(_("receiving"))
    referred = models.PositiveIntegerField(_("with an open referral"))
    unserved = models.PositiveIntegerField(_("unserved"))
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("unserved count")
        verbose_name_plural = _("unserved counts")
        constraints = [models.UniqueConstraint(fields=["service", "region"], name="unserved_count_per_kelurahan")]

    def __str__(self):
        return f"{self.service_id} · {self.region_id}: {self.unserved}/{self.eligible}"


class UnservedCandidate(models.Model):
    """One person on a service's unserved list (eligible, neither receiving nor referred), with what
    the list sorts by: a page is a read of one index instead of checking a province's people.

    Made whole per service with the counts (referrals.unserved.rebuild) and kept current on every
    read from the audit trail: the people whose records, households, assessments or referrals
    changed since are checked again (referrals.unserved.catch_up); a page's rows are checked again
    as they are shown."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    decile = models.PositiveSmallIntegerField(null=True)
    urgency = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("unserved candidate")
        verbose_name_plural = _("unserved candidates")
        constraints = [models.UniqueConstraint(fields=["service", "person"], name="unserved_candidate_once")]
        # The two orders (decile: poorest first, people without one last as PostgreSQL sorts NULL
        # by default; urgency first), for the whole area and for one kelurahan.
        indexes = [
            models.Index(fields=["service", "decile", "person"], name="unserved_by_decile"),
            models.Index(fields=["service", "-urgency", "decile", "person"], name="unserved_by_urgency"),
            models.Index(fields=["service", "region", "decile", "person"], name="unserved_region_by_decile"),
            models.Index(fields=["service", "region", "-urgency", "decile", "person"], name="unserved_region_urgency"),
        ]

    def __str__(self):
        return f"{self.service_id} · {self.person_id}"


class UnservedListState(models.Model):
    """When a service's candidates were made whole, and up to when the trail's changes were read."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, primary_key=True, related_name="+")
    built_at = models.DateTimeField()
    built_on = models.DateField()  # the day its ages and "this year" were reckoned on
    caught_up_at = models.DateTimeField()
    seen_entries = ArrayField(models.BigIntegerField(), default=list)  # read, of the last minutes
    criteria_key = models.CharField(max_length=64)  # referrals.unserved.criteria_key

    def __str__(self):
        return f"{self.service_id}: {self.built_at:%Y-%m-%d %H:%M}"
