"""Administrators edit the message templates; they read the outbox, the consents and the opt-outs
with the phone numbers masked (they read who did what, never personal values)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onegate.phones import mask_phone

from . import templating
from .models import Consent, Message, MessageTemplate, OptOut


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("event", "body", "updated_at")
    fields = ("event", "body", "preview")
    readonly_fields = ("event", "preview")

    @admin.display(description=_("Preview with sample values"))
    def preview(self, obj):
        if not obj or not obj.pk:
            return "—"
        try:
            templating.check_template(obj.body)
        except Exception:
            return "—"
        text = templating.render(obj.body, templating.SAMPLE)
        return format_html("{}<br><small>{} / {}</small>", text, len(text), templating.MAX_LENGTH)

    def has_add_permission(self, request):
        return False  # one per event, seeded by a migration

    def has_delete_permission(self, request, obj=None):
        return False


class MaskedPhone:
    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(MaskedPhone, ReadOnly, admin.ModelAdmin):
    list_display = ("reference", "event", "masked_phone", "channel", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "event", "channel")
    search_fields = ("=reference", "=key")
    fields = ("key", "reference", "event", "masked_phone", "channel", "body", "status", "reason", "attempts",
              "created_at", "due_at", "claimed_at", "sent_at", "delivered_at", "provider_id", "error")  # fmt: skip
    readonly_fields = fields


@admin.register(Consent)
class ConsentAdmin(MaskedPhone, ReadOnly, admin.ModelAdmin):
    list_display = ("reference", "masked_phone", "channel", "source", "given_at", "given_by")
    search_fields = ("=reference",)
    fields = ("reference", "masked_phone", "channel", "source", "given_at", "given_by")
    readonly_fields = fields


@admin.register(OptOut)
class OptOutAdmin(MaskedPhone, admin.ModelAdmin):
    """Opt-outs are recorded from the resident's reply or the status page; deleting one lets messages
    go to the phone again (a new consent at intake does that too)."""

    list_display = ("masked_phone", "at", "source")
    fields = ("masked_phone", "at", "source")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
