from django.contrib import admin

from onegate.resources import ReferenceImportExport

from .models import Holiday
from .resources import HolidayResource


@admin.register(Holiday)
class HolidayAdmin(ReferenceImportExport, admin.ModelAdmin):
    resource_classes = [HolidayResource]
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
