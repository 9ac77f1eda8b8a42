from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Complaint desk (loket): intake, tickets and receipts, the day's queue, follow-up with SLA,
    and the public status check."""

    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from onegate import navigation, reference_cache, scoping
        from onegate.accounts.models import Role
        from onegate.audit import audited

        from . import models as m

        staff = {Role.MANAGER, Role.FRONT_DESK, Role.KELURAHAN}
        desk = {Role.MANAGER, Role.FRONT_DESK}
        # A complaint is placed in the kelurahan of the person concerned: the front desk and the
        # manager see their whole city, a kelurahan officer their own kelurahan. Agencies see
        # complaints only through the referrals addressed to them (Referral issue).
        roles = {"view": staff, "add": desk, "change": staff, "assign": {Role.MANAGER}}
        scoping.register(m.Complaint, scoping.ScopeRule(region_field="region", roles=roles))
        for model in (m.ComplaintEvent, m.Attachment):
            scoping.register(model, scoping.ScopeRule(region_field="complaint__region", roles=roles))
        for model in (m.Complaint, m.Attachment, m.Category):
            audited(model, exclude_fields=["updated_at", "version"])
        record_processing(m)
        reference_cache.register(m.Category)  # the complaint list's category choices

        from onegate import panels

        panels.register("person", "complaints", panels.Panel(20, "complaints/_person_panel.html", person_complaints))
        navigation.register_group("complaints", _("Complaints"))
        navigation.register(
            navigation.NavItem(
                "complaints", _("Complaints"), "complaints:list", frozenset(staff), order=20, group="complaints"
            )
        )
        navigation.register(
            navigation.NavItem(
                "complaint-new",
                _("New complaint"),
                "complaints:create",
                frozenset({Role.FRONT_DESK}),
                order=21,
                group="complaints",
            )
        )
        navigation.register(
            navigation.NavItem(
                "desk-queue",
                _("Today's queue"),
                "complaints:queue",
                frozenset({Role.FRONT_DESK}),
                order=22,
                group="complaints",
            )
        )


def person_complaints(user, person):
    """The person's complaints the user may see, for the person's page."""
    from onegate import scoping

    from .models import Complaint
    from .sla import SlaClock

    if not scoping.can(user, Complaint):
        return None
    complaints = (
        scoping.restrict(Complaint.objects.filter(subject=person), user)
        .select_related("category__parent")
        .order_by("-received_at")[:20]
    )
    clock = SlaClock.now()
    return {"rows": [(c, clock.state(c)) for c in complaints]}


def record_processing(m):
    """The complaint desk's entries in the record of processing (onegate.processing)."""
    from onegate.processing import record

    kept = "kept with the complaint (no automatic deletion)"
    record(
        m.Complaint,
        categories=["complainant's name and phone", "the person concerned", "description of the problem"],
        specific=["may describe health, violence against women and children, or a child's situation"],
        purpose="handling residents' complaints and correction requests within their SLA",
        retention=kept,
        recipients="the resident with the ticket number and phone sees the status and public notes",
    )
    record(
        m.ComplaintEvent,
        categories=["officers' notes on the follow-up"],
        purpose="following up a complaint (who did what, when)",
        retention=kept,
    )
    record(
        m.Attachment,
        categories=["photos and PDFs brought with a complaint (identity cards, letters)"],
        specific=["may show health letters or identity documents"],
        purpose="evidence for handling the complaint",
        retention=kept,
        recipients="an agency receives a file sent with a referral only with the person's consent",
    )
