from django.contrib import admin

from onegate.agencies.admin import AgencyAdmin
from onegate.agencies.models import Agency

from .models import Contact, RequiredDocument, Service, ServiceSchedule


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
class ServiceAdmin(admin.ModelAdmin):
    """Agencies' services for the directory (and the SLA of referrals to them)."""

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


class AgencyContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "title", "department", "email", "phone", "service")
    extra = 0


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ("name", "category", "status", "sla_working_days")
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False  # services are added on their own page, with their documents and hours


admin.site.unregister(Agency)


@admin.register(Agency)
class DirectoryAgencyAdmin(AgencyAdmin):
    """The core's agency admin with the directory's contacts and services."""

    inlines = [AgencyContactInline, ServiceInline]
