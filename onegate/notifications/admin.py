from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: for checking who was told what, and whether the email went out."""

    list_display = [
        "created_at",
        "user",
        "kind",
        "level",
        "title",
        "read_at",
        "email_to",
        "emailed_at",
        "email_attempts",
    ]
    list_filter = ["kind", "level"]
    search_fields = ["user__username", "title", "email_to"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
