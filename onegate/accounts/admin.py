from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from onegate.resources import ReferenceImportExport

from .models import DeniedAccess, User
from .resources import UserResource


@admin.register(User)
class UserAdmin(ReferenceImportExport, DjangoUserAdmin):
    resource_classes = [UserResource]
    list_display = ("username", "first_name", "last_name", "role", "region", "agency", "is_active")
    list_filter = ("role", "is_active", "agency")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("region", "agency")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Role and scope"), {"fields": ("role", "region", "agency")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role and scope"), {"fields": ("first_name", "last_name", "email", "role", "region", "agency")}),
    )


@admin.register(DeniedAccess)
class DeniedAccessAdmin(admin.ModelAdmin):
    list_display = ("at", "status", "username", "method", "path", "reason", "ip_address")
    list_filter = ("status",)
    search_fields = ("username", "path", "request_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
