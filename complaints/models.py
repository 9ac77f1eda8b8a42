"""Complaints brought to the front desk (loket) or online, and what happens to each until it is
closed: status, assignment, SLA due date, a timeline of events, attachments."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.versioning import VersionedModel


class Category(models.Model):
    """A two-level tree managed by administrators; the SLA (working days) is set per category,
    a sub-category without its own SLA uses its parent's."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=150)
    sla_working_days = models.PositiveSmallIntegerField(
        _("SLA (working days)"), null=True, blank=True, help_text=_("Empty: the parent category's SLA.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_name_unique_under_parent", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | models.Q(sla_working_days__isnull=False),
                name="top_category_has_sla",
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    @property
    def sla_days(self) -> int:
        return self.sla_working_days if self.sla_working_days is not None else self.parent.sla_working_days


class Channel(models.TextChoices):
    WALK_IN = "datang", _("Walk-in")
    PHONE = "telepon", _("Phone")
    MESSAGE = "pesan", _("WhatsApp / message")
    ONLINE = "online", _("Online")
    OUTREACH = "jemput_bola", _("Outreach (jemput bola)")
    RT_RW = "rt_rw", _("RT/RW report")


class Urgency(models.TextChoices):
    NORMAL = "biasa", _("Normal")
    URGENT = "mendesak", _("Urgent")
    EMERGENCY = "darurat", _("Emergency")


class Status(models.TextChoices):
    NEW = "baru", _("New")
    ASSESSMENT = "asesmen", _("Assessment")
    REFERRED = "dirujuk", _("Referred")
    RESOLVED = "selesai", _("Resolved")
    CLOSED = "ditutup", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.ASSESSMENT, Status.REFERRED)
FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED)


class SlaState(models.TextChoices):
    ON_TIME = "tepat_waktu", _("On time")
    AT_RISK = "berisiko", _("At risk")
    LATE = "terlambat", _("Late")


class Relation(models.TextChoices):
    SELF = "diri_sendiri", _("The person themself")
    FAMILY = "keluarga", _("Family member")
    NEIGHBOUR = "tetangga", _("Neighbour")
    RT_RW = "rt_rw", _("RT/RW head")
    COMPANION = "pendamping", _("Companion / social worker")
    OTHER = "lainnya", _("Other")


class TicketCounter(models.Model):
    """The last ticket number given out in a year. Taken with a row lock in the transaction that
    saves the complaint, so numbers never collide and a rolled-back save leaves no gap."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class QueueCounter(models.Model):
    """The last walk-in queue number given out on a day at the desk."""

    day = models.DateField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day:%d/%m/%Y}: {self.last_number}"


class Complaint(VersionedModel):
    ticket_number = models.CharField(_("ticket number"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WALK_IN)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # Complainant: may differ from the subject, may stay anonymous.
    is_anonymous = models.BooleanField(_("anonymous complainant"), default=False)
    complainant_name = models.CharField(_("complainant name"), max_length=150, blank=True)
    complainant_phone = models.CharField(_("complainant phone"), max_length=30, blank=True)
    complainant_relation = models.CharField(
        _("relation to the person"), max_length=14, choices=Relation.choices, blank=True
    )
    # Subject: a registry person when known; the region places the complaint for scoping.
    subject = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    subject_name = models.CharField(_("name of the person concerned"), max_length=150, blank=True)
    # The back office's needs assessment of the subject's household, linked while in assessment.
    assessment = models.ForeignKey(
        "assessments.Assessment",
        verbose_name=_("needs assessment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="complaints"
    )
    description = models.TextField(_("description"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    closing_reason = models.TextField(_("outcome / closing reason"), blank=True)
    due_date = models.DateField(_("due date"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The desk queue: walk-ins get a number for the day and are served in turn.
    queue_number = models.PositiveIntegerField(_("queue number"), null=True, blank=True)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "due_date"], name="complaint_status_due"),
            models.Index(fields=["region", "status"], name="complaint_region_status"),
            models.Index(fields=["received_at"], name="complaint_received"),
            # The list by channel (newest first) and its count, without reading the table.
            models.Index(fields=["channel", "received_at"], include=["region"], name="complaint_channel_received"),
            # Finished late (SlaClock.q): with complaint_status_due, the late ones without working out
            # every finished complaint's local finishing date.
            models.Index(
                fields=["received_at"],
                include=["region"],
                name="complaint_finished_late",
                condition=models.Q(status__in=["selesai", "ditutup"], finished_at__date__gt=models.F("due_date")),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ditutup") | ~models.Q(closing_reason=""), name="closed_complaint_has_reason"
            ),
        ]

    def __str__(self):
        return self.ticket_number

    def get_absolute_url(self):
        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def subject_display(self) -> str:
        return self.subject.full_name if self.subject_id else self.subject_name


class EventKind(models.TextChoices):
    CREATED = "dibuat", _("Recorded")
    STATUS = "status", _("Status changed")
    NOTE = "catatan", _("Note")
    ASSIGNED = "penugasan", _("Assigned")
    ATTACHMENT = "lampiran", _("Attachment added")
    SERVED = "dilayani", _("Served at the desk")
    REFERRAL = "rujukan", _("Referral")


class ComplaintEvent(models.Model):
    """One line of a complaint's timeline. Public events (and public notes) are what the resident
    sees on the status page; everything else stays inside the office."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("visible to the resident"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.complaint_id})"


def _attachment_path(instance, filename):
    # A random name: the original name is kept in the database only.
    import uuid

    return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
