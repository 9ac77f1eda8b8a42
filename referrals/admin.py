from django.contrib import admin

from onegate.resources import ReferenceImportExport

from .models import Contact, RequiredDocument, Service, ServiceSchedule
from .resources import ServiceResource


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
    inlines = [RequiredDocumentInline, ScheduleInline, ServiceContactInline]

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
