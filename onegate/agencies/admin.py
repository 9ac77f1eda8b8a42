from django.contrib import admin

from onegate.resources import ReferenceImportExport

from .models import Agency
from .resources import AgencyResource


@admin.register(Agency)
class AgencyAdmin(ReferenceImportExport, admin.ModelAdmin):
    resource_classes = [AgencyResource]
    list_display = ("name", "code", "kind", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("region",)
