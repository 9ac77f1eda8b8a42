from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Cross-agency referrals and the service directory."""

    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from onegate import navigation, panels, scoping
        from onegate.accounts.models import Role
        from onegate.audit import audited

        from . import models as m
        from .panels import (
            complaint_referrals,
            complaint_suggestions,
            decisions_waiting,
            person_referrals,
            person_suggestions,
        )

        staff = {Role.MANAGER, Role.FRONT_DESK, Role.KELURAHAN}
        # Dinsos staff refer and follow up in their region (the person's kelurahan); the agency
        # works the referrals addressed to it once they are sent, never the drafts. Redirecting
        # is the agency's call, or the manager's.
        roles = {
            "view": staff | {Role.AGENCY},
            "add": staff,
            "change": staff,
            "send": staff,
            "note": staff | {Role.AGENCY},
            "work": {Role.AGENCY},
            "redirect": {Role.AGENCY, Role.MANAGER},
            # The service decision (penetapan layanan) on a recommendation, when the office asks for it.
            "decide": {Role.MANAGER},
        }

        def agency_inbox(queryset, user, prefix=""):
            return queryset.filter(**{f"{prefix}agency_id": user.agency_id}).exclude(
                **{f"{prefix}status": m.ReferralStatus.DRAFT}
            )

        scoping.register(
            m.Referral,
            scoping.ScopeRule(
                region_field="region",
                agency_field="agency",
                roles=roles,
                role_filters={Role.AGENCY: agency_inbox},
            ),
        )
        for model in (m.ReferralEvent, m.ReferralDocument):
            scoping.register(
                model,
                scoping.ScopeRule(
                    region_field="referral__region",
                    agency_field="referral__agency",
                    roles=roles,
                    role_filters={Role.AGENCY: lambda queryset, user: agency_inbox(queryset, user, "referral__")},
                ),
            )
        # Eligible but unserved (referrals.unserved): the back office's lists, for the roles that
        # see whole NIKs and export the registry; a manager may have the counts made again.
        back_office = {Role.MANAGER, Role.KELURAHAN}
        scoping.register(
            m.UnservedCount,
            scoping.ScopeRule(
                region_field="region", roles={"view": back_office, "export": back_office, "refresh": {Role.MANAGER}}
            ),
        )
        scoping.register(
            m.UnservedCandidate,
            scoping.ScopeRule(region_field="region", roles={"view": back_office, "export": back_office}),
        )
        for model in (m.Service, m.RequiredDocument, m.ServiceSchedule, m.Contact, m.Referral, m.ReferralDocument):
            audited(model, exclude_fields=["updated_at", "version"])
        audited(m.ReferralSettings, exclude_fields=["updated_at"])
        record_processing(m)

        panels.register("person", "referrals", panels.Panel(30, "referrals/_person_panel.html", person_referrals))
        # After the needs assessment: the services the person may qualify for, and why.
        panels.register("person", "matching", panels.Panel(8, "referrals/_suggestions_panel.html", person_suggestions))
        panels.register(
            "complaint", "matching", panels.Panel(5, "referrals/_suggestions_panel.html", complaint_suggestions)
        )
        # The suggestions read the directory's services with criteria from process memory.
        from django.db.models.signals import m2m_changed

        from onegate import reference_cache
        from onegate.agencies.models import Agency

        for model in (m.Service, m.ServiceCriteria, m.RequiredDocument, Agency):
            reference_cache.register(model)
        m2m_changed.connect(
            reference_cache.clear,
            sender=m.ServiceCriteria.ppks_categories.through,
            dispatch_uid="reference_cache:referrals.ServiceCriteria.ppks_categories",
        )
        panels.register(
            "complaint", "referrals", panels.Panel(10, "referrals/_complaint_panel.html", complaint_referrals)
        )
        panels.register(
            "home", "referral-decisions", panels.Panel(10, "referrals/_home_decisions.html", decisions_waiting)
        )
        everyone = frozenset(Role.values)
        navigation.register_group("referrals", _("Referrals"))
        navigation.register(
            navigation.NavItem(
                "referrals", _("Referrals"), "referrals:list", frozenset(staff), order=30, group="referrals"
            )
        )
        navigation.register(
            navigation.NavItem(
                "referral-inbox",
                _("Referral inbox"),
                "referrals:list",
                frozenset({Role.AGENCY}),
                order=30,
                group="referrals",
            )
        )
        navigation.register(
            navigation.NavItem(
                "unserved",
                _("Eligible but unserved"),
                "referrals:unserved",
                frozenset(back_office),
                order=35,
                group="referrals",
            )
        )
        navigation.register(
            navigation.NavItem(
                "directory", _("Service directory"), "referrals:directory", everyone, order=40, group="referrals"
            )
        )


def record_processing(m):
    """The referrals' entries in the record of processing (onegate.processing)."""
    from onegate.processing import record

    kept = "kept with the referral (no automatic deletion)"
    record(
        m.Referral,
        categories=["the person referred", "reason and request", "consent record", "documents provided"],
        specific=["may describe health or disability"],
        purpose="referring a person to another agency's service and following it until it is closed",
        retention=kept,
        recipients="the receiving agency: name, sex, age and kelurahan; NIK, birth date, address, phone, disability "
        "and documents only with consent not withdrawn (referrals.disclosure)",
    )
    record(
        m.UnservedCount,
        categories=["counts of people per kelurahan and service (no one is named)"],
        purpose="how many people are eligible for a service and not served, for the back office",
        retention="replaced at each count",
    )
    record(
        m.UnservedCandidate,
        categories=["who is eligible for a service and not served, with their kelurahan, decile and urgency"],
        purpose="the back office's list of candidates for a service, read fast",
        retention="replaced at each count; a person's rows go with their record",
    )
    record(
        m.ReferralEvent,
        categories=["notes of the office and the agency"],
        purpose="the referral's timeline",
        retention=kept,
    )
    record(
        m.ReferralDocument,
        categories=["documents sent with a referral or the agency's results"],
        specific=["may show health letters or identity documents"],
        purpose="what the agency needs to serve the person, and its result",
        retention=kept,
    )
