from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onegate.resources import ReferenceImportExport
from onegate.versioning import VersionedForm

from . import services
from .models import Contact, ReferralSettings, RequiredDocument, Service, ServiceCriteria, ServiceSchedule
from .resources import ServiceResource


class ServiceAdminForm(VersionedForm, forms.ModelForm):
    """A service changed by someone else since the page was opened is not overwritten: the form
    comes back with what was typed, the newer version and what changed."""

    class Meta:
        model = Service
        fields = [
            "agency", "name", "category", "description", "eligibility", "application_process", "area", "area_note",
            "fees", "phone", "email", "url", "status", "sla_working_days",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        stored = Service.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if self.instance.pk and stored != self.expected_version:
            conflict = self.catch_up(self.instance, self.expected_version)
            changes = "; ".join(
                f"{change.actor}, {date_format(localtime(change.at), 'SHORT_DATETIME_FORMAT')}: "
                + ", ".join(f"{f.label} {f.old} → {f.new}" for f in change.fields)
                for change in conflict.changes
            )
            raise ValidationError(
                _("Someone else saved this record after you opened it. Your changes were not saved.")
                + (f" {changes}" if changes else ""),
                code="conflict",
            )
        return data


def _ticks(model_field):
    """A list field (any of) as tick boxes, so an administrator never types a code."""
    return forms.TypedMultipleChoiceField(
        label=capfirst(model_field.verbose_name),
        choices=model_field.base_field.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class NikRequirementSelect(forms.NullBooleanSelect):
    """No requirement, must have a NIK, must have none: "unknown" would read as a missing value."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("unknown", gettext_lazy("No requirement")),
            ("true", gettext_lazy("Must have a NIK")),
            ("false", gettext_lazy("Must have no NIK")),
        ]


class ServiceCriteriaForm(forms.ModelForm):
    dtks_statuses = _ticks(ServiceCriteria._meta.get_field("dtks_statuses"))
    disability_types = _ticks(ServiceCriteria._meta.get_field("disability_types"))
    need_domains = _ticks(ServiceCriteria._meta.get_field("need_domains"))

    class Meta:
        model = ServiceCriteria
        fields = [
            "min_age", "max_age", "sex", "area", "dtks_statuses", "max_decile", "disability_required",
            "disability_types", "min_severity", "device_needed", "ppks_categories", "need_domains", "has_nik",
            "not_receiving_program",
        ]  # fmt: skip
        widgets = {"ppks_categories": forms.CheckboxSelectMultiple, "has_nik": NikRequirementSelect}

    def clean(self):
        data = super().clean()
        min_age, max_age = data.get("min_age"), data.get("max_age")
        if min_age is not None and max_age is not None and min_age > max_age:
            self.add_error("max_age", _("The maximum age cannot be below the minimum age."))
        return data


class ServiceCriteriaInline(admin.StackedInline):
    """The service's machine-readable eligibility (referrals/eligibility.py); empty: anyone."""

    model = ServiceCriteria
    form = ServiceCriteriaForm
    autocomplete_fields = ("area",)
    can_delete = True
    extra = 1
    max_num = 1


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 1


class ScheduleInline(admin.TabularInline):
    model = ServiceSchedule
    extra = 1


class ServiceContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "title", "department", "email", "phone")
    extra = 0


@admin.register(Service)
class ServiceAdmin(ReferenceImportExport, admin.ModelAdmin):
    """Agencies' services for the directory (and the SLA of referrals to them)."""

    resource_classes = [ServiceResource]
    list_display = ("name", "agency", "category", "status", "sla_working_days")
    list_filter = ("category", "status", "agency__kind", "agency")
    search_fields = ("name", "description", "agency__name")
    autocomplete_fields = ("agency", "area")
    inlines = [ServiceCriteriaInline, RequiredDocumentInline, ScheduleInline, ServiceContactInline]
    form = ServiceAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The form's hidden version is shown with the fields, but is not the model's (not editable).
        fields = kwargs.get("fields", ())  # None when the admin asks the form which fields it has
        if fields is not None:
            fields = fields or flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [f for f in fields if f != "version"]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        services.service_save(obj, expected_version=form.expected_version if change else None)

    def save_formset(self, request, form, formset, change):
        # A service's contacts belong to the service's agency too.
        for instance in formset.save(commit=False):
            if isinstance(instance, Contact):
                instance.agency = form.instance.agency
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """Named contacts of an agency, or of one of its services."""

    list_display = ("name", "title", "agency", "service", "phone", "email")
    list_filter = ("agency",)
    search_fields = ("name", "title", "agency__name")
    autocomplete_fields = ("agency", "service")


@admin.register(ReferralSettings)
class ReferralSettingsAdmin(admin.ModelAdmin):
    """The office's referral settings: one row, changed here without code (its first value comes
    from the migration)."""

    list_display = ("__str__", "decision_required", "updated_at")
    fields = ("decision_required",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ReferralSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
