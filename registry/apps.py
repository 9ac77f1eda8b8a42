from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Beneficiary registry: households, people and their disability, welfare and PPKS profiles."""

    name = "registry"
    verbose_name = _("Beneficiary registry")

    def ready(self):
        from onegate import navigation, reference_cache, scoping
        from onegate.accounts.models import Role
        from onegate.audit import audited
        from onegate.audit.display import reveal_identifiers
        from onegate.audit.placement import SELF

        from . import models as m
        from .importing import (
            batches,
            tasks,  # noqa: F401  (registers the import Celery tasks)
        )
        from .nik import mask_nik
        from .privacy import FULL_NIK_ROLES, can_see_full_nik

        # Administrators configure the portal; they do not browse personal data.
        readers = {Role.MANAGER, Role.FRONT_DESK, Role.KELURAHAN}
        writers = {Role.MANAGER, Role.KELURAHAN}
        # Exports carry whole NIKs: only the roles that see them (registry.privacy) may export.
        roles = {
            "view": readers,
            "add": writers,
            "change": writers,
            "verify": {Role.MANAGER},
            "export": readers & FULL_NIK_ROLES,
        }
        # The front desk may record a minimal person for a complaint; the kelurahan completes it.
        roles["quick_add"] = readers
        roles["merge"] = {Role.MANAGER}  # duplicate review: see likely duplicates, merge or dismiss them
        # A resident withdraws (or gives again) consent to share their data where they are: at the
        # desk, with their kelurahan's officer, or with the office.
        roles["consent"] = readers
        # Households and people are placed by their kelurahan; profiles follow their person.
        scoping.register(m.Household, scoping.ScopeRule(region_field="region", roles=roles))
        scoping.register(m.Person, scoping.ScopeRule(region_field="region", roles=roles))
        for profile in (m.DisabilityProfile, m.WelfareProfile, m.ProgramReceipt, m.PersonPpks):
            scoping.register(profile, scoping.ScopeRule(region_field="person__region", roles=roles))
        # A person's history (their page) reads their own entries and those of their profiles,
        # PPKS records, programme receipts and consent decisions; NIK and KK numbers in the trail
        # follow registry.privacy.
        audited(m.Household, exclude_fields=["updated_at", "version"], identifiers=["kk_number"])
        audited(m.Person, exclude_fields=["updated_at", "version"], about=SELF, identifiers=["nik"])
        for profile in (m.DisabilityProfile, m.WelfareProfile, m.ProgramReceipt, m.PersonPpks):
            audited(profile, exclude_fields=["updated_at", "version"], about="person")
        reveal_identifiers(to=can_see_full_nik, mask=mask_nik)
        scoping.register(m.ConsentDecision, scoping.ScopeRule(region_field="person__region", roles=roles))
        audited(m.ConsentDecision, about="person")
        # Self-reports wait in their kelurahan's queue; the public form creates them without a user.
        scoping.register(m.SelfReport, scoping.ScopeRule(region_field="region", roles=roles))
        audited(m.SelfReport, identifiers=["nik"])
        reference_cache.register(m.PpksCategory)  # the person list's PPKS choices
        audited(m.DuplicateDismissal, region="person_a__region")
        # Import batches: the uploader and the managers above them; officers see only their own.
        import_roles = {"view": writers, "add": writers, "change": writers}
        scoping.register(
            m.ImportBatch,
            scoping.ScopeRule(
                region_field="region", roles=import_roles, role_filters={Role.KELURAHAN: batches.own_batches}
            ),
        )
        audited(m.ImportBatch, include_fields=["status"])
        record_processing(m)

        staff = frozenset(readers)
        navigation.register_group("registry", _("Registry"))
        navigation.register(
            navigation.NavItem("people", _("People"), "registry:person-list", staff, order=10, group="registry")
        )
        navigation.register(
            navigation.NavItem(
                "households", _("Households"), "registry:household-list", staff, order=11, group="registry"
            )
        )
        navigation.register(
            navigation.NavItem(
                "household-new",
                _("New household"),
                "registry:household-create",
                frozenset(writers),
                order=12,
                group="registry",
            )
        )
        navigation.register(
            navigation.NavItem(
                "verification",
                _("Verification"),
                "registry:verification-queue",
                frozenset(writers),
                order=13,
                group="registry",
            )
        )
        navigation.register(
            navigation.NavItem(
                "duplicates",
                _("Duplicates"),
                "registry:duplicate-list",
                frozenset(roles["merge"]),
                order=14,
                group="registry",
            )
        )
        navigation.register(
            navigation.NavItem(
                "import", _("Import"), "registry:import-start", frozenset(writers), order=15, group="registry"
            )
        )


KEPT = "as long as the person is registered (no automatic deletion: a death, a move or a merge is recorded, not erased)"
SERVICE = "social welfare services: finding who needs help, verifying eligibility, referring and following up"


def record_processing(m):
    """The registry's entries in the record of processing (UU 27/2022 Pasal 31: onegate.processing)."""
    from onegate.processing import record

    record(
        m.Household,
        categories=["KK number", "address down to RT/RW", "location (latitude/longitude)"],
        purpose=SERVICE,
        retention=KEPT,
    )
    record(
        m.Person,
        categories=[
            "NIK",
            "name",
            "sex",
            "place and date of birth",
            "religion",
            "marital status",
            "education",
            "occupation",
            "phone",
            "mother's name",
            "family relationship",
            "domicile address",
            "life status",
        ],
        specific=["religion (sensitive under the civil registry's rules)", "children's data (members under 18)"],
        purpose=SERVICE + "; one database shared by the city's agencies (Satu Data)",
        retention=KEPT,
        recipients="agencies receive name, sex, age and kelurahan in a referral, more only with consent",
    )
    record(
        m.DisabilityProfile,
        categories=["disability types and severity", "Washington Group answers", "assistive devices", "caregiver"],
        specific=["health data (disability)"],
        purpose="disability services and statistics comparable with DTSEN (UU 8/2016)",
        retention=KEPT,
        recipients="agencies see the disability types in a referral only with consent",
    )
    record(
        m.WelfareProfile,
        categories=["DTKS/DTSEN status", "welfare decile", "housing condition"],
        specific=["financial data (welfare)"],
        purpose="social assistance eligibility",
        retention=KEPT,
    )
    record(
        m.ProgramReceipt,
        categories=["social assistance programmes received"],
        specific=["financial data (welfare)"],
        purpose="social assistance follow-up and statistics",
        retention=KEPT,
    )
    record(
        m.PersonPpks,
        categories=["PPKS category (e.g. neglect, violence, psychosocial disability)", "source of the report"],
        specific=["health data", "data on children and victims"],
        purpose="handling people in need of social welfare services (PPKS)",
        retention=KEPT,
    )
    record(
        m.ConsentDecision,
        categories=["consent withdrawn or given again: by whom, how, when, note"],
        purpose="honouring the withdrawal of consent to share data with agencies (UU 27/2022 Pasal 9, 40)",
        retention=KEPT,
    )
    record(
        m.SelfReport,
        categories=["reporter's name, phone and email", "the reported person's identity, address and disability"],
        specific=["health data (disability)"],
        purpose="residents reporting a person with a disability online, checked by the kelurahan",
        retention="kept with the person it was linked to; a rejected report is kept with its reason",
    )
    record(
        m.ImportBatch,
        categories=["uploaded file of households and people", "the first invalid rows with their values"],
        purpose="bulk registration from the lists the office receives",
        retention="the file is deleted once the batch is confirmed, cancelled or fails (stale previews after 24 h)",
    )
