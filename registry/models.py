"""The beneficiary registry: households (keluarga, KK) and people (NIK) with their disability,
welfare and PPKS profiles. Every record goes draft → submitted → verified/rejected; verified records
are the "one data" that all agencies plan with."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Func, Value
from django.db.models.functions import Collate, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.versioning import VersionedModel

SIXTEEN_DIGITS = RegexValidator(r"^\d{16}$", _("Exactly 16 digits."))


class VerificationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class VerifiedRecord(VersionedModel):
    """Fields every registry record carries for the verification workflow."""

    status = models.CharField(
        _("verification status"), max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.DRAFT
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Household(VerifiedRecord):
    kk_number = models.CharField(
        _("KK number"), max_length=16, null=True, blank=True, unique=True, validators=[SIXTEEN_DIGITS]
    )
    address = models.CharField(_("address"), max_length=300)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan/desa")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    # What __str__ reads: lists naming many households (the audit trail) prefetch it.
    str_prefetch = ("members",)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self):
        head = next((m for m in self.members.all() if m.relationship == Relationship.HEAD), None)
        return household_label(head.full_name if head else None, self.address)

    def get_absolute_url(self):
        return reverse("registry:household-detail", args=[self.pk])


def household_label(head_name: str | None, address: str) -> str:
    """How a household is named (pages, the audit trail): by its head of family, or its address;
    never by its KK number, an identity number that only some roles may read."""
    return head_name or address


class Relationship(models.TextChoices):
    HEAD = "kepala", _("Head of family")
    SPOUSE = "suami_istri", _("Husband/wife")
    CHILD = "anak", _("Child")
    CHILD_IN_LAW = "menantu", _("Son/daughter-in-law")
    GRANDCHILD = "cucu", _("Grandchild")
    PARENT = "orang_tua", _("Parent")
    PARENT_IN_LAW = "mertua", _("Parent-in-law")
    OTHER_RELATIVE = "famili_lain", _("Other relative")
    OTHER = "lainnya", _("Other")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Religion(models.TextChoices):
    ISLAM = "islam", "Islam"
    PROTESTANT = "kristen", _("Protestant")
    CATHOLIC = "katolik", _("Catholic")
    HINDU = "hindu", "Hindu"
    BUDDHIST = "buddha", _("Buddhist")
    CONFUCIAN = "khonghucu", _("Confucian")
    BELIEF = "kepercayaan", _("Indigenous belief")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("Not married")
    MARRIED = "kawin", _("Married")
    DIVORCED = "cerai_hidup", _("Divorced")
    WIDOWED = "cerai_mati", _("Widowed")


class Education(models.TextChoices):
    NONE = "tidak_sekolah", _("No schooling")
    SD = "sd", _("Primary (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma")
    UNIVERSITY = "sarjana", _("University")


class LifeStatus(models.TextChoices):
    ALIVE = "hidup", _("Alive")
    DECEASED = "meninggal", _("Deceased")
    MOVED = "pindah", _("Moved away")


class Person(VerifiedRecord):
    """A registered person. ``region`` is the kelurahan/desa where they live (the household's, or
    their domicile's when different): it decides which officers see them."""

    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True, unique=True, validators=[SIXTEEN_DIGITS])
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    religion = models.CharField(_("religion"), max_length=12, choices=Religion.choices, blank=True)
    marital_status = models.CharField(_("marital status"), max_length=12, choices=MaritalStatus.choices, blank=True)
    education = models.CharField(_("education"), max_length=15, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=150, blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    relationship = models.CharField(
        _("relationship in the family"), max_length=12, choices=Relationship.choices, blank=True
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan/desa")
    )
    domicile_address = models.CharField(
        _("domicile address"),
        max_length=300,
        blank=True,
        help_text=_("Only when the person lives elsewhere than the household address."),
    )
    life_status = models.CharField(
        _("life status"), max_length=10, choices=LifeStatus.choices, default=LifeStatus.ALIVE
    )
    needs_civil_documents = models.BooleanField(
        _("needs civil registration documents"),
        default=False,
        help_text=_("Set for people without a NIK, for a Disdukcapil referral."),
    )
    nik_mismatch_confirmed = models.BooleanField(
        _("NIK disagreement confirmed"),
        default=False,
        help_text=_("The officer checked that the NIK is right although it disagrees."),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Every index costs each import and edit: only those some query reads.
        indexes = [
            models.Index(fields=["birth_date"]),  # the duplicate check and scan: same birth date first
            # The name search (registry.search): the upper-case name in C collation, in order, with what
            # the tiers check; and its words.
            models.Index(
                Collate(Upper("full_name"), "C"),
                "id",
                include=["full_name", "region"],
                condition=models.Q(merged_into__isnull=True),
                name="person_name_key",
            ),
            GinIndex(
                Func(
                    Upper("full_name"),
                    Value("[^[:alpha:]]+"),
                    function="regexp_split_to_array",
                    output_field=ArrayField(models.TextField()),
                ),
                condition=models.Q(merged_into__isnull=True),
                name="person_name_words",
            ),
            # Lists are in name order: the first page of a million people is read from here, not sorted.
            # With the kelurahan, a filtered page's keys are read from the index alone (pagination.two_step).
            models.Index(
                fields=["full_name", "id"],
                include=["region"],
                condition=models.Q(merged_into__isnull=True),
                name="person_by_name_region",
            ),
            models.Index(
                fields=["region", "full_name", "id"],
                condition=models.Q(merged_into__isnull=True),
                name="person_by_region_name",
            ),
            # A kelurahan's verified (or draft...) people: the page and the capped count from the index alone.
            models.Index(
                fields=["region", "status", "full_name", "id"],
                condition=models.Q(merged_into__isnull=True),
                name="person_by_region_status",
            ),
        ]
        constraints = [
            # Without a NIK a person must be flagged for the civil registry.
            models.CheckConstraint(
                condition=models.Q(nik__isnull=False) | models.Q(needs_civil_documents=True),
                name="person_without_nik_flagged",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("registry:person-detail", args=[self.pk])


class DisabilityType(models.TextChoices):
    PHYSICAL = "fisik", _("Physical")
    INTELLECTUAL = "intelektual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    BLIND = "netra", _("Sensory: visual (netra)")
    DEAF = "rungu", _("Sensory: hearing (rungu)")
    SPEECH = "wicara", _("Sensory: speech (wicara)")


class Severity(models.TextChoices):
    MILD = "ringan", _("Mild")
    MODERATE = "sedang", _("Moderate")
    SEVERE = "berat", _("Severe")


class DisabilityCause(models.TextChoices):
    CONGENITAL = "bawaan", _("Congenital")
    ILLNESS = "penyakit", _("Illness")
    ACCIDENT = "kecelakaan", _("Accident")
    DISASTER = "bencana", _("Disaster")
    OTHER = "lainnya", _("Other")


class AssistiveDevice(models.TextChoices):
    WHEELCHAIR = "kursi_roda", _("Wheelchair")
    CRUTCHES = "kruk", _("Crutches")
    HEARING_AID = "alat_bantu_dengar", _("Hearing aid")
    WHITE_CANE = "tongkat_netra", _("White cane")
    PROSTHESIS = "prostesis", _("Prosthetic leg/arm")
    OTHER = "lainnya", _("Other")


class DailyDependence(models.TextChoices):
    INDEPENDENT = "mandiri", _("Independent")
    PARTIAL = "sebagian", _("Needs some help")
    TOTAL = "total", _("Fully dependent")


class Difficulty(models.IntegerChoices):
    """Washington Group scale, as Regsosek 2022 asks it."""

    NONE = 1, _("No difficulty")
    SOME = 2, _("Some difficulty")
    A_LOT = 3, _("A lot of difficulty")
    CANNOT = 4, _("Cannot do at all")


WG_DOMAINS = {
    "wg_seeing": _("Seeing"),
    "wg_hearing": _("Hearing"),
    "wg_walking": _("Walking or climbing stairs"),
    "wg_hands": _("Using hands and fingers"),
    "wg_learning": _("Learning / intellectual"),
    "wg_behaviour": _("Behaviour / emotion"),
    "wg_communicating": _("Understanding, speaking, communicating"),
    "wg_self_care": _("Self-care"),
    "wg_remembering": _("Remembering / concentrating"),
}


def _difficulty(label):
    return models.PositiveSmallIntegerField(label, choices=Difficulty.choices, null=True, blank=True)


class DisabilityProfile(VersionedModel):
    """Disability per UU 8/2016, beside the Washington Group domains that DTSEN uses."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="disability", verbose_name=_("person"))
    types = ArrayField(
        models.CharField(max_length=12, choices=DisabilityType.choices), verbose_name=_("disability types")
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    cause = models.CharField(_("cause"), max_length=12, choices=DisabilityCause.choices, blank=True)
    devices_needed = ArrayField(
        models.CharField(max_length=20, choices=AssistiveDevice.choices),
        default=list,
        blank=True,
        verbose_name=_("assistive devices needed"),
    )
    devices_owned = ArrayField(
        models.CharField(max_length=20, choices=AssistiveDevice.choices),
        default=list,
        blank=True,
        verbose_name=_("assistive devices owned"),
    )
    daily_dependence = models.CharField(
        _("dependence in daily activities"), max_length=10, choices=DailyDependence.choices, blank=True
    )
    caregiver = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cared_for",
        verbose_name=_("caregiver (registered)"),
    )
    caregiver_name = models.CharField(_("caregiver name"), max_length=150, blank=True)
    card_number = models.CharField(_("disability card number"), max_length=40, blank=True)
    wg_seeing = _difficulty(WG_DOMAINS["wg_seeing"])
    wg_hearing = _difficulty(WG_DOMAINS["wg_hearing"])
    wg_walking = _difficulty(WG_DOMAINS["wg_walking"])
    wg_hands = _difficulty(WG_DOMAINS["wg_hands"])
    wg_learning = _difficulty(WG_DOMAINS["wg_learning"])
    wg_behaviour = _difficulty(WG_DOMAINS["wg_behaviour"])
    wg_communicating = _difficulty(WG_DOMAINS["wg_communicating"])
    wg_self_care = _difficulty(WG_DOMAINS["wg_self_care"])
    wg_remembering = _difficulty(WG_DOMAINS["wg_remembering"])

    class Meta:
        verbose_name = _("disability profile")
        verbose_name_plural = _("disability profiles")
        indexes = [GinIndex(fields=["types"], name="disability_types_gin")]

    def __str__(self):
        return f"{self.person}: {', '.join(map(str, self.type_labels))}"

    @property
    def type_labels(self) -> list[str]:
        return [DisabilityType(t).label for t in self.types]

    @property
    def device_needed_labels(self) -> list[str]:
        return [AssistiveDevice(d).label for d in self.devices_needed]

    @property
    def device_owned_labels(self) -> list[str]:
        return [AssistiveDevice(d).label for d in self.devices_owned]

    @property
    def is_multiple(self) -> bool:
        """Two or more types make a multiple (ganda) disability."""
        return len(self.types) >= 2

    @property
    def has_wg_disability(self) -> bool:
        """DTSEN's definition: any domain at 'a lot of difficulty' or worse."""
        return any((getattr(self, f) or 0) >= Difficulty.A_LOT for f in WG_DOMAINS)


class DtksStatus(models.TextChoices):
    REGISTERED = "terdaftar", _("Registered")
    NOT_REGISTERED = "tidak_terdaftar", _("Not registered")
    PROPOSED = "diusulkan", _("Proposed")


class WelfareProfile(VersionedModel):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="welfare", verbose_name=_("person"))
    dtks_status = models.CharField(_("DTKS/DTSEN status"), max_length=16, choices=DtksStatus.choices)
    decile = models.PositiveSmallIntegerField(
        _("welfare decile"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    uninhabitable_house = models.BooleanField(_("uninhabitable house (RTLH)"), default=False)

    class Meta:
        verbose_name = _("welfare profile")
        verbose_name_plural = _("welfare profiles")
        # Lists of people by decile, poorest first (referrals.unserved), read from the index in order;
        # the DTKS status in it too, so that a list for the registered (or not) skips the others
        # without reading their rows.
        indexes = [models.Index(fields=["decile", "person"], name="welfare_decile_person", include=["dtks_status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decile__isnull=True) | models.Q(decile__range=(1, 10)), name="decile_1_to_10"
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.get_dtks_status_display()}"


class Program(models.TextChoices):
    PKH = "pkh", "PKH"
    BPNT = "bpnt", "BPNT/Sembako"
    PBI_JK = "pbi_jk", "PBI-JK"
    BLT_DD = "blt_dd", "BLT-DD"
    ATENSI = "atensi", "ATENSI"
    OTHER = "lainnya", _("Other")


class ProgramReceipt(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="programs", verbose_name=_("person"))
    program = models.CharField(_("program"), max_length=10, choices=Program.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("program received")
        verbose_name_plural = _("programs received")
        constraints = [models.UniqueConstraint(fields=["person", "program", "year"], name="one_program_per_year")]

    def __str__(self):
        return f"{self.get_program_display()} {self.year}"


class PpksCategory(models.Model):
    """The 26 official PPKS categories (Permensos 8/2012): reference data."""

    code = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("PPKS category")
        verbose_name_plural = _("PPKS categories")

    def __str__(self):
        return self.name


class PpksStatus(models.TextChoices):
    ACTIVE = "aktif", _("Active")
    HANDLED = "tertangani", _("Handled")


class PersonPpks(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ppks", verbose_name=_("person"))
    category = models.ForeignKey(PpksCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    identified_on = models.DateField(_("date identified"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=150, blank=True, help_text=_("e.g. outreach, RT/RW report, hospital")
    )
    status = models.CharField(_("status"), max_length=12, choices=PpksStatus.choices, default=PpksStatus.ACTIVE)

    class Meta:
        verbose_name = _("PPKS record")
        verbose_name_plural = _("PPKS records")
        constraints = [models.UniqueConstraint(fields=["person", "category"], name="one_record_per_ppks_category")]

    def __str__(self):
        return f"{self.person}: {self.category}"


# --- Self-reports (public, no account) ---------------------------------------------------------
class ReporterRelation(models.TextChoices):
    SELF = "sendiri", _("Myself")
    FAMILY = "keluarga", _("A family member")
    COMPANION = "pendamping", _("A companion")
    OTHER = "lainnya", _("Someone else")


class SelfReportStatus(models.TextChoices):
    NEW = "baru", _("New")
    PROCESSED = "diproses", _("Processed")
    REJECTED = "ditolak", _("Rejected")


class SelfReport(models.Model):
    """A person with a disability reported online, by themselves or by someone close, without an
    account. It waits for the kelurahan's officer, who checks it and turns it into a registry
    record (a new draft person or a link to a registered one) or rejects it."""

    reference = models.CharField(_("reference code"), max_length=20, unique=True)
    reporter_relation = models.CharField(_("who is reporting"), max_length=10, choices=ReporterRelation.choices)
    reporter_name = models.CharField(_("reporter's name"), max_length=150)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=30)
    reporter_email = models.EmailField(_("reporter's email"), blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[SIXTEEN_DIGITS])  # never looked up publicly
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    address = models.CharField(_("address"), max_length=300)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan/desa")
    )
    types = ArrayField(
        models.CharField(max_length=12, choices=DisabilityType.choices), verbose_name=_("disability types")
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    devices_needed = ArrayField(
        models.CharField(max_length=20, choices=AssistiveDevice.choices),
        default=list,
        blank=True,
        verbose_name=_("assistive devices needed"),
    )
    daily_needs = models.TextField(_("daily needs"), max_length=1000, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(
        _("status"), max_length=10, choices=SelfReportStatus.choices, default=SelfReportStatus.NEW
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="self_reports",
        verbose_name=_("registered person"),
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("processed by"),
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-report")
        verbose_name_plural = _("self-reports")
        indexes = [models.Index(fields=["region", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="diproses") | models.Q(person__isnull=False),
                name="processed_self_report_has_person",
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.full_name}"

    def get_absolute_url(self):
        return reverse("registry:self-report-review", args=[self.pk])

    @property
    def type_labels(self) -> list[str]:
        return [DisabilityType(t).label for t in self.types]

    @property
    def device_labels(self) -> list[str]:
        return [AssistiveDevice(d).label for d in self.devices_needed]


# --- Duplicate review ---------------------------------------------------------------------------
class DuplicatePair(models.Model):
    """Two people who are probably the same, found by registry/merging.py's scan (a precomputed
    list: comparing every pair of names live takes half a minute at a million people). The pair
    is stored canonically, lower pk first."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("other person"))
    similarity = models.FloatField(_("name similarity"))
    same_birth_date = models.BooleanField(_("same date of birth"))
    same_household = models.BooleanField(_("same household"))

    class Meta:
        verbose_name = _("likely duplicate")
        verbose_name_plural = _("likely duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_duplicate_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.person_a_id} ≈ {self.person_b_id}"


class DuplicateDismissal(models.Model):
    """A manager's decision that two likely duplicates are different people: the pair is not
    proposed again. Stored canonically, lower pk first."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("other person"))
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    dismissed_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("not a duplicate")
        verbose_name_plural = _("not duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_dismissal_per_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="dismissal_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.person_a_id} ≠ {self.person_b_id}"


class DuplicateScan(models.Model):
    """Where the last duplicate scan stopped (one row): the next scan looks only at people added
    or changed since then."""

    last_person_id = models.BigIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    full = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("duplicate scan")

    def __str__(self):
        return f"{self.finished_at:%d/%m/%Y %H:%M} ({self.last_person_id})"


class ImportStatus(models.TextChoices):
    PREVIEW = "pratinjau", _("Preview: waiting for confirmation")
    PROCESSING = "diproses", _("Processing")
    DONE = "selesai", _("Imported")
    CANCELLED = "dibatalkan", _("Cancelled")
    FAILED = "gagal", _("Failed")


class ImportBatch(models.Model):
    """One uploaded file of households and people: checked (preview), then confirmed or cancelled.

    The file holds personal data: it lives under PRIVATE_MEDIA_ROOT only until the batch is confirmed,
    cancelled or fails, and ``file_path`` is emptied when it is deleted. ``region`` is the uploader's
    scope at upload time; it places the batch for scoping. Counts are exact; ``errors`` and
    ``warnings`` keep the first rows only (see registry/importing/batches.py)."""

    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PROCESSING)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region scope")
    )
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=4)
    file_path = models.CharField(
        _("stored file"), max_length=255, blank=True, help_text=_("Relative to the private media folder.")
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    invalid_count = models.PositiveIntegerField(_("invalid"), default=0)
    warning_count = models.PositiveIntegerField(_("NIK warnings"), default=0)
    notice_count = models.PositiveIntegerField(_("notices"), default=0)
    conflict_count = models.PositiveIntegerField(_("edited after the preview"), default=0)
    # Problems as [row, column, message, NIK, name]; messages stored untranslated (importing/problems.py).
    errors = models.JSONField(_("invalid rows"), default=list, blank=True)
    warnings = models.JSONField(_("NIK warnings"), default=list, blank=True)
    notices = models.JSONField(_("notices"), default=list, blank=True)
    conflicts = models.JSONField(_("rows edited after the preview"), default=list, blank=True)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    failure = models.JSONField(_("why it failed"), default=list, blank=True)
    nik_warnings_checked = models.BooleanField(_("NIK warnings checked"), default=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        indexes = [models.Index(fields=["region", "created_at"]), models.Index(fields=["status", "created_at"])]

    def __str__(self):
        if not self.created_at:
            return self.original_name
        return f"{self.original_name} ({timezone.localtime(self.created_at):%d/%m/%Y %H:%M})"

    def get_absolute_url(self):
        return reverse("registry:import-detail", args=[self.pk])

    @property
    def failure_text(self) -> str:
        """Why the batch failed, in the reader's language."""
        from .importing.problems import render

        return render(self.failure) if self.failure else ""

    @property
    def is_checking(self) -> bool:
        return self.status == ImportStatus.PROCESSING and self.confirmed_at is None

    @property
    def is_writing(self) -> bool:
        return self.status == ImportStatus.PROCESSING and self.confirmed_at is not None


# --- Consent to share personal data with agencies (UU 27/2022) ----------------------------------
class ConsentDecisionKind(models.TextChoices):
    WITHDRAWN = "dicabut", _("Consent withdrawn")
    GIVEN = "diberikan", _("Consent given again")


class ConsentDecider(models.TextChoices):
    SELF = "diri_sendiri", _("The person themself")
    FAMILY = "keluarga", _("Family member or guardian")
    COMPANION = "pendamping", _("Companion / social worker")


class ConsentDecisionMethod(models.TextChoices):
    WRITTEN = "tertulis", _("In writing (signed or thumb-printed letter)")
    AT_DESK = "lisan_loket", _("Spoken, in person at the desk")
    PHONE = "telepon", _("Spoken, by phone")
    OTHER = "lainnya", _("Other (see the note)")


class ConsentDecision(models.Model):
    """A person's decision about sharing their personal data with the agencies they are referred
    to: consent withdrawn, or given again. The latest decision is in force; while consent is
    withdrawn no referral discloses more than the minimum (see referrals.disclosure)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consent_decisions", verbose_name=_("person")
    )
    kind = models.CharField(_("decision"), max_length=10, choices=ConsentDecisionKind.choices)
    decided_by = models.CharField(_("decided by (name)"), max_length=150)
    decider = models.CharField(_("who decided"), max_length=14, choices=ConsentDecider.choices)
    method = models.CharField(_("how it was expressed"), max_length=12, choices=ConsentDecisionMethod.choices)
    decided_at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True, max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")
        indexes = [models.Index(fields=["person", "decided_at"], name="consent_decision_person")]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()} {self.decided_at:%d/%m/%Y}"

    @property
    def is_withdrawal(self) -> bool:
        return self.kind == ConsentDecisionKind.WITHDRAWN
