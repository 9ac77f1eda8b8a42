from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Messages to residents by SMS or WhatsApp about their complaint (consent, outbox, receipts,
    opt-outs). Below complaints: the complaint and referral services call it."""

    name = "notices"
    verbose_name = _("Resident messages")

    def ready(self):
        from django.core import checks

        from onegate import panels, scoping
        from onegate.accounts.models import Role
        from onegate.audit import audited

        from . import models as m
        from .checks import portal_address_for_messages

        checks.register(portal_address_for_messages)

        # As the complaints they are about: the desk and the manager their city, a kelurahan officer
        # their kelurahan. Nobody changes them through a page: the services and the workers do.
        staff = {Role.MANAGER, Role.FRONT_DESK, Role.KELURAHAN}
        for model in (m.Consent, m.Message):
            scoping.register(model, scoping.ScopeRule(region_field="region", roles={"view": staff}))
        audited(m.Consent)
        audited(m.OptOut)
        audited(m.MessageTemplate, exclude_fields=["updated_at"])
        # The phone and the words as queued; the status changes are the outbox's own record.
        audited(m.Message, include_fields=["key", "phone", "channel", "body"])
        record_processing(m)
        panels.register("complaint", "messages", panels.Panel(40, "notices/_complaint_panel.html", complaint_messages))


def complaint_messages(user, complaint):
    """The complaint's messages to the complainant (masked phone, status), for the complaint page."""
    from onegate import scoping
    from onegate.phones import mask_phone

    from .models import Consent, Message, OptOut

    if not scoping.can(user, Message):
        return None
    consent = scoping.restrict(Consent.objects.filter(topic="complaint", topic_id=complaint.pk), user).first()
    messages = list(
        scoping.restrict(Message.objects.filter(topic="complaint", topic_id=complaint.pk), user).order_by(
            "created_at", "pk"
        )
    )
    for message in messages:
        message.masked_phone = mask_phone(message.phone)
    # The resident may have stopped the messages since (a STOP reply or the status page's button).
    opt_out = OptOut.objects.filter(phone=consent.phone).first() if consent else None
    return {
        "consent": consent,
        "consent_phone": mask_phone(consent.phone) if consent else "",
        "messages": messages,
        "opt_out": opt_out,
        "opt_out_how": opt_out_how(opt_out.source) if opt_out else "",
    }


def opt_out_how(source: str) -> str:
    """How the resident stopped the messages, as the complaint page says it."""
    from django.utils.translation import gettext

    known = {"halaman status": gettext("on the status page"), "balasan STOP": gettext("by replying STOP")}
    return known.get(source, source)


def record_processing(m):
    from onegate.processing import record

    record(
        m.Consent,
        categories=["the complainant's mobile number", "the channel chosen (SMS or WhatsApp)", "when and where agreed"],
        purpose="telling the complainant how their complaint goes, as they agreed at intake",
        retention="kept with the complaint (no automatic deletion)",
    )
    record(
        m.Message,
        categories=["the complainant's mobile number", "the message: ticket number, status and public note"],
        purpose="sending and proving the messages the complainant agreed to",
        retention="kept with the complaint (no automatic deletion)",
        recipients="the SMS or WhatsApp provider configured (RESIDENT_MESSAGES_URL) receives the number and text",
    )
    record(
        m.OptOut,
        categories=["a mobile number that asked for no more messages"],
        purpose="never messaging a resident who opted out",
        retention="kept while messages are sent; a new consent at intake lifts it",
    )
