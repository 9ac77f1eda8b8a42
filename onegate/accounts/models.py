"""Users, their role and their scope (a region and, for agency officers, an agency)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from onegate.regions.models import VILLAGE_LEVELS, RegionLevel


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Dinsos manager")
    FRONT_DESK = "front_desk", _("Front-desk staff")
    KELURAHAN = "kelurahan", _("Kelurahan officer")
    AGENCY = "agency", _("Agency officer")


class OneGateUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A portal user. ``region`` bounds the people they see (empty: the whole installation, for
    administrators); ``agency`` bounds the referrals an agency officer sees."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A kelurahan/desa, a kecamatan or the whole regency/city."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = OneGateUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(
                condition=~models.Q(role="agency") | models.Q(agency__isnull=False), name="agency_officer_has_agency"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["admin", "agency"]) | models.Q(region__isnull=False),
                name="staff_has_region_scope",
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == Role.AGENCY and not self.agency_id:
            raise ValidationError({"agency": _("An agency officer must belong to an agency.")})
        if self.role not in (Role.ADMIN, Role.AGENCY) and not self.region_id:
            raise ValidationError({"region": _("This role needs a region scope.")})
        if self.role == Role.KELURAHAN and self.region_id and self.region.level not in VILLAGE_LEVELS:
            raise ValidationError({"region": _("A kelurahan officer's scope must be one kelurahan or desa.")})
        if self.region_id and self.region.level == RegionLevel.PROVINSI and self.role != Role.ADMIN:
            raise ValidationError({"region": _("Scope can be at most a regency or city.")})

    @property
    def scope_label(self) -> str:
        if self.role == Role.AGENCY and self.agency_id:
            return str(self.agency)
        return self.region.name if self.region_id else str(_("All regions"))


class DeniedAccess(models.Model):
    """A request refused by the access rules (403, or 404 for an object outside the user's scope)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("username"), max_length=150, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("denied access")
        verbose_name_plural = _("denied accesses")

    def __str__(self):
        return f"{self.status} {self.username or '-'} {self.method} {self.path}"
