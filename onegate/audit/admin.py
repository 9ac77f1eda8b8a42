"""The trail in Django's admin: who did what to which object, when and from where; never the
values or the object's name (administrators do not read personal data; managers read the trail,
scoped, on its own pages)."""

from django.contrib import admin

from .models import LogEntry

if admin.site.is_registered(LogEntry):  # django-auditlog's admin shows every value
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    date_hierarchy = "timestamp"
    list_display = ["timestamp", "actor", "action", "content_type", "object_pk", "region", "cid", "remote_addr"]
    list_select_related = ["actor", "content_type", "region"]
    list_filter = ["action", "content_type"]
    search_fields = ["=object_pk", "=cid", "actor__username"]
    fields = ["timestamp", "actor", "action", "content_type", "object_pk", "region", "agency", "cid", "remote_addr"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
