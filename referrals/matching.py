"""Where a person stands with a service, in SQL filters on registry.Person shared by the person
page's suggestions and the eligible-but-unserved lists:

- **receiving**: a completed referral to the service in the last ``RECEIVING_DAYS`` days, or, when
  the service delivers a programme (``Service.program``), a receipt of it this year;
- **referred**: a referral to the service that is sent, accepted or in progress (an open one);
- **unserved**: eligible (``referrals.eligibility``) and neither receiving nor referred.

:func:`suggestions_for` asks the same questions of one person in Python, for the person page and
the complaint page: which services with criteria they meet and why, receiving, referred, and the
documents the file lacks.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.timezone import localdate
from django.utils.translation import gettext

from assessments.selectors import prefetch_needs
from onegate import reference_cache, scoping
from onegate.regions.models import code_within, within_q
from registry.models import MaritalStatus, PersonPpks, ProgramReceipt

from .eligibility import age_on, eligible_q, evaluate, sets_criteria, shown_reasons
from .models import OPEN_STATUSES, Referral, ReferralStatus, Service, ServiceStatus

# A completed referral counts as receiving the service for a year.
RECEIVING_DAYS = 365


def receiving_q(service, today: datetime.date) -> Q:
    since = today - datetime.timedelta(days=RECEIVING_DAYS)
    completed = Referral.objects.filter(
        person=OuterRef("pk"), service=service, status=ReferralStatus.COMPLETED, finished_at__date__gte=since
    )
    q = Q(Exists(completed))
    if service.program:
        q |= Q(Exists(ProgramReceipt.objects.filter(person=OuterRef("pk"), program=service.program, year=today.year)))
    return q


def referred_q(service) -> Q:
    return Q(Exists(Referral.objects.filter(person=OuterRef("pk"), service=service, status__in=OPEN_STATUSES)))


def eligible_for_q(service, today: datetime.date) -> Q:
    """The service's criteria, for the residents of its service area (as the person page's
    suggestions check with ``code_within``)."""
    return within_q("region", service.area_id) & eligible_q(getattr(service, "criteria", None), today)


def eligible_rows(service, person, today: datetime.date) -> list | None:
    """:func:`eligible_for_q` for one person: evaluate's rows when they live in the service's area
    and meet every criterion, else None."""
    if not code_within(person.region_id, service.area_id):
        return None
    rows = evaluate(service.criteria, person, today)
    return rows if all(met for _, met, _ in rows) else None


def unserved_q(service, today: datetime.date) -> Q:
    return eligible_for_q(service, today) & ~receiving_q(service, today) & ~referred_q(service)


# --- One person's suggestions (the person page and the complaint page) ---------------------------
# The directory's active services with machine-readable criteria, kept in process memory like the
# other reference data (referrals/apps.py registers the models whose edits empty the cache).
DIRECTORY_KEY = "matching:services-with-criteria"

# What "the file has" for a required document: a KTP when the person has a NIK and is old enough
# to hold one (17, or married before), a KK when the household has a KK number, and any document
# recorded as provided on one of the person's earlier referrals (same name).
KTP_AGE = 17
KTP = re.compile(r"\bKTP\b|kartu tanda penduduk", re.IGNORECASE)
KK = re.compile(r"\bKK\b|kartu keluarga(?!\s+sejahtera)", re.IGNORECASE)


@dataclass(frozen=True)
class Suggestion:
    """A service the person may qualify for, and why."""

    service: Service
    reasons: list[tuple[str, str]]  # (criterion, the person's value), every criterion met
    receiving: bool
    open_referral: Referral | None  # the newest sent, accepted or in-progress referral to it
    draft: Referral | None  # a draft (or a recommendation awaiting the manager) to it, not sent yet
    missing_documents: list[str]

    @property
    def reason_text(self) -> str:
        return reason_text(self.reasons)


def reason_text(reasons) -> str:
    """The reasons as a referral's first line: "Memenuhi kriteria layanan: Usia minimum: 67 tahun; …"."""
    listed = "; ".join(f"{label}: {value}" for label, value in reasons)
    return gettext("Meets the service's criteria: %(reasons)s") % {"reasons": listed}


def _load_services_with_criteria() -> list[Service]:
    services = (
        Service.objects.filter(status=ServiceStatus.ACTIVE, agency__is_active=True, criteria__isnull=False)
        .select_related("agency", "criteria")
        .prefetch_related("required_documents", "criteria__ppks_categories")
        .order_by("agency__name", "name")
    )
    return [s for s in services if sets_criteria(s.criteria)]


def services_with_criteria() -> list[Service]:
    """Active services whose criteria set something, with their documents (cached)."""
    return reference_cache.cached(DIRECTORY_KEY, _load_services_with_criteria)


def for_matching(people):
    """``people`` with what ``evaluate`` and the suggestions read, so that checking every service
    costs no query per service."""
    return people.select_related("region", "household", "welfare", "disability").prefetch_related(
        Prefetch("ppks", queryset=PersonPpks.objects.select_related("category")), "programs"
    )


def _file_has(person, referrals, today: datetime.date):
    provided = {d.strip().casefold() for r in referrals for d in r.documents_provided}
    adult = person.birth_date is not None and age_on(person.birth_date, today) >= KTP_AGE
    married = bool(person.marital_status) and person.marital_status != MaritalStatus.SINGLE
    has_ktp = bool(person.nik) and (adult or married)
    has_kk = bool(person.household_id and person.household.kk_number)

    def has(document: str) -> bool:
        if document.strip().casefold() in provided:
            return True
        return (has_ktp and KTP.search(document) is not None) or (has_kk and KK.search(document) is not None)

    return has


def person_referrals(person, user=None):
    """The person's referrals, newest first, each marked ``visible`` when ``user`` may open it."""
    referrals = Referral.objects.filter(person=person).only(
        "pk", "number", "service_id", "status", "decision", "finished_at", "documents_provided", "created_at"
    )
    visible = scoping.restrict(Referral.objects.filter(pk=OuterRef("pk")), user) if user else Referral.objects.none()
    return list(referrals.annotate(visible=Exists(visible)).order_by("-created_at", "-pk"))


def suggestions_for(person, today: datetime.date, *, user=None, services=None) -> list[Suggestion]:
    """The active services with criteria that ``person`` meets (referrals.eligibility.evaluate),
    each with the criteria met and the person's values, whether the person already receives it
    (as :func:`receiving_q`), an open referral or a draft to it (only one ``user`` may open), and
    the documents it asks for that the file lacks. Not-yet-served first.

    Pass a person read through :func:`for_matching`; the cost is then the person's referrals (one
    query) and, when a service asks for assessed needs, the person's needs (one query)."""
    services = services_with_criteria() if services is None else services
    if any(s.criteria.need_domains for s in services):
        prefetch_needs(person)
    referrals = person_referrals(person, user)
    since = today - datetime.timedelta(days=RECEIVING_DAYS)
    this_year = {r.program for r in person.programs.all() if r.year == today.year}
    file_has = _file_has(person, referrals, today)
    suggestions = []
    for service in services:
        rows = eligible_rows(service, person, today)
        if rows is None:
            continue
        mine = [r for r in referrals if r.service_id == service.pk]
        receiving = (service.program and service.program in this_year) or any(
            r.status == ReferralStatus.COMPLETED and r.finished_at and localdate(r.finished_at) >= since for r in mine
        )
        suggestions.append(
            Suggestion(
                service=service,
                reasons=shown_reasons(rows),
                receiving=bool(receiving),
                open_referral=next((r for r in mine if r.status in OPEN_STATUSES and r.visible), None),
                draft=next((r for r in mine if _is_pending_draft(r) and r.visible), None),
                missing_documents=[d.document for d in service.required_documents.all() if not file_has(d.document)],
            )
        )
    suggestions.sort(key=lambda s: s.receiving or s.open_referral is not None)
    return suggestions


def _is_pending_draft(referral) -> bool:
    # A recommendation the manager did not approve stays a draft, closed: not pending.
    return referral.status == ReferralStatus.DRAFT and not referral.is_closed_recommendation


def suggestion_for(person, service, today: datetime.date, *, user=None) -> Suggestion | None:
    """The suggestion of one service for ``person`` (None when they do not meet its criteria or it
    sets none): the referral form's prefilled reason."""
    service = next((s for s in services_with_criteria() if s.pk == service.pk), None)
    if service is None:
        return None
    found = suggestions_for(person, today, user=user, services=[service])
    return found[0] if found else None
