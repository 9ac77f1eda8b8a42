"""Referral pages: the list (the agency's inbox), drafting from a complaint or a person, the
referral page with its timeline, and the actions on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from complaints.models import OPEN_STATUSES as COMPLAINT_OPEN_STATUSES
from complaints.models import Complaint
from onegate import idempotency, scoping
from onegate.accounts.models import Role
from onegate.audit import log_view
from onegate.forms import add_service_errors, run_action
from onegate.pagination import table_pagination, two_step
from onegate.uploads import stored_file_response
from onegate.versioning import EditConflict
from registry.selectors import people_visible_to

from .. import decisions, services
from ..disclosure import (
    agency_sees_documents,
    consent_in_force,
    shared_person,
    visible_complaint_files,
    visible_documents,
    visible_timeline,
    withdrawal_voiding,
)
from ..filters import ReferralFilter
from ..forms import (
    DecisionForm,
    DocumentForm,
    NoteForm,
    RedirectForm,
    ReferralForm,
    SendForm,
    StatusForm,
    active_services,
)
from ..matching import for_matching, suggestion_for
from ..models import (
    OPEN_STATUSES,
    PENDING_DRAFT,
    DocumentKind,
    Referral,
    ReferralStatus,
)
from ..tables import ReferralTable

PAGE_SIZE = 25
TEMPLATE = "referrals/action_form.html"  # an action form sent back with its errors


def scoped_referrals(user, action=scoping.VIEW):
    return scoping.restrict(Referral.objects.all(), user, action)


def get_referral(request, pk, action=scoping.VIEW):
    referrals = scoped_referrals(request.user).select_related(
        "agency", "service", "region", "complaint", "person__household", "created_by"
    )
    return scoping.get_scoped_object(request.user, referrals, action, pk=pk)


def _is_agency(user) -> bool:
    return user.role == Role.AGENCY


@login_required
def referral_list(request):
    """Dinsos staff: the referrals of their region. An agency: its inbox. Overdue ones first."""
    user = request.user
    scoping.ensure_can(user, Referral, scoping.VIEW)
    # What the inbox shows, not the letters' texts and consent records of every row.
    shown = (
        "number",
        "sent_at",
        "person_name",
        "region__name",
        "service__name",
        "agency__name",
        "status",
        "due_date",
        "created_at",
        "decision",
    )
    agency_view = _is_agency(user)
    required = not agency_view and decisions.decision_required()
    referrals = scoped_referrals(user).select_related("agency", "service", "region").only(*shown)
    filterset = ReferralFilter(
        request.GET or None, queryset=referrals, agency_view=agency_view, decision_filter=required
    )
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else referrals
    table = ReferralTable(
        two_step(rows.order_by("inbox_rank", "due_date", "-created_at")),
        agency_view=agency_view,
        decision_required=required,
        orderable=False,
    )
    RequestConfig(request, paginate=table_pagination(PAGE_SIZE)).configure(table)
    if request.htmx:
        return render(request, "referrals/_table.html", {"table": table})
    context = {
        "filter": filterset,
        "table": table,
        "is_agency": agency_view,
        "waiting_count": decisions.waiting_count(user, required) if required else None,
    }
    return render(request, "referrals/list.html", context)


def _origin(request):
    """The complaint or the person a new referral starts from (?pengaduan=, or ?person= / ?orang=)."""
    user = request.user
    if pk := request.GET.get("pengaduan", ""):
        complaint = scoping.get_scoped_object(
            user, Complaint.objects.select_related("subject", "region"), pk=pk if pk.isdigit() else 0
        )
        return complaint, complaint.subject
    if pk := request.GET.get("person", "") or request.GET.get("orang", ""):
        return None, scoping.get_scoped_object(
            user, people_visible_to(user).select_related("region"), pk=pk if pk.isdigit() else 0
        )
    raise Http404("a referral starts from a complaint or a person")


def _prefill(request, person) -> dict:
    """?service=<pk> (a suggestion's "Refer" button): that service chosen, and the reason filled
    with the criteria the person meets (referrals.matching). Anything else is ignored."""
    pk = request.GET.get("service", "")
    service = active_services().filter(pk=pk).first() if pk.isdigit() else None
    if service is None:
        return {}
    initial = {"service": service.pk}
    person = for_matching(people_visible_to(request.user)).filter(pk=person.pk).first() if person else None
    if person is not None and (found := suggestion_for(person, service, timezone.localdate(), user=request.user)):
        initial["reason"] = found.reason_text
    return initial


@login_required
def referral_create(request):
    scoping.ensure_can(request.user, Referral, scoping.ADD)
    complaint, person = _origin(request)
    if repeat := idempotency.answer_repeat(request):
        return repeat
    initial = _prefill(request, person) if request.method == "GET" else {}
    form = ReferralForm(
        request.POST or None, request.FILES or None, complaint=complaint, person=person, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = idempotency.create_once(
                request.user,
                idempotency.key_of(request),
                lambda: services.referral_create(
                    data=form.referral_data(),
                    acting_user=request.user,
                    complaint=complaint,
                    person=None if complaint else person,
                    uploads=form.cleaned_data["attachments"],
                    complaint_attachments=form.cleaned_data.get("complaint_attachments", []),
                ),
                result_url=lambda r: r.get_absolute_url(),
            )
        except idempotency.Repeated as repeated:
            return idempotency.already_saved(request, repeated.submission)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Referral drafted. Check it, then send it to the agency."))
            return redirect(referral)
    name = complaint.subject_display if complaint else person.full_name
    context = {"form": form, "complaint": complaint, "person": person, "person_name": name}
    context["same_service"] = _unfinished_to_service(request.user, person, initial.get("service"))
    if context["same_service"]:
        context["decision_required"] = decisions.decision_required()  # how their drafts are named
    if complaint is None:
        context["open_complaints"] = _open_complaints_of(request.user, person)
        context["service_pk"] = initial.get("service", "")
    return render(request, "referrals/form.html", context)


def _unfinished_to_service(user, person, service_pk) -> list:
    """The person's referrals to the prefilled service that are not finished: a draft (a
    recommendation waiting for the manager's decision, unless closed by it) or an open one. The
    form says so, so that a second recommendation for the same need is not made unawares."""
    if person is None or not service_pk:
        return []
    rows = Referral.objects.filter(person=person, service_id=service_pk).filter(
        Q(status__in=OPEN_STATUSES) | PENDING_DRAFT
    )
    return list(scoping.restrict(rows, user).order_by("-created_at", "-pk")[:3])


def _open_complaints_of(user, person) -> list:
    """The person's open complaints the user may refer from: a referral made through one is
    followed on it, and the resident who asked for updates hears of it."""
    rows = Complaint.objects.filter(subject=person, status__in=COMPLAINT_OPEN_STATUSES).order_by("-pk")
    return list(scoping.restrict(rows, user, scoping.CHANGE).only("pk", "ticket_number", "status")[:3])


@login_required
def referral_edit(request, pk):
    referral = get_referral(request, pk, scoping.CHANGE)
    if referral.status != ReferralStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(referral)
    if referral.is_closed_recommendation:
        messages.error(request, _("The manager did not approve this recommendation: it is closed."))
        return redirect(referral)
    if referral.decision and request.method == "GET":
        messages.warning(request, _("A manager approved this draft: a change makes it wait for a new decision."))
    initial = {
        "service": referral.service_id,
        "reason": referral.reason,
        "request": referral.request,
        "documents_provided": referral.documents_provided,
        "consent_given": str(referral.consent_given),
        "consent_by": referral.consent_by,
        "consent_giver": referral.consent_giver,
        "consent_method": referral.consent_method,
        "consent_at": timezone.localtime(referral.consent_at) if referral.consent_at else None,
        "complaint_attachments": list(referral.complaint_attachments.all()),
        "version": referral.version,
    }
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        complaint=referral.complaint,
        person=referral.person,
        initial=initial,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update_draft(
                referral,
                data=form.referral_data(),
                acting_user=request.user,
                uploads=form.cleaned_data["attachments"],
                complaint_attachments=form.cleaned_data.get("complaint_attachments"),
                expected_version=form.expected_version,
            )
        except EditConflict as exc:
            conflict = form.show_conflict(exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(referral)
    context = {
        "form": form,
        "referral": referral,
        "complaint": referral.complaint,
        "person": referral.person,
        "person_name": referral.person_name,
        "conflict": conflict,
    }
    return render(request, "referrals/form.html", context)


@login_required
def service_documents(request):
    """The documents field for the chosen service (htmx, on the drafting form)."""
    scoping.ensure_can(request.user, Referral, scoping.ADD)
    form = ReferralForm(initial={"service": request.GET.get("service", "")})
    return render(request, "referrals/_documents_field.html", {"form": form})


@login_required
def referral_detail(request, pk):
    referral = get_referral(request, pk)
    log_view(referral)
    user = request.user
    agency_view = _is_agency(user)
    open_ = referral.status in OPEN_STATUSES
    draft = referral.status == ReferralStatus.DRAFT
    required = draft and not agency_view and decisions.decision_required()
    awaits_decision = decisions.awaits_decision(referral, required)
    may_decide = awaits_decision and decisions.may_decide(user, referral, required)
    context = {
        "referral": referral,
        "agency_view": agency_view,
        "consent_in_force": consent_in_force(referral),
        "consent_withdrawal": withdrawal_voiding(referral),
        "shared_person": shared_person(referral) if agency_view else None,
        "events": visible_timeline(referral, agency_view),
        "documents": visible_documents(referral, agency_view),
        "complaint_files": visible_complaint_files(referral, agency_view),
        "redirects": referral.redirects.select_related("agency"),
        "can_edit": draft and not referral.is_closed_recommendation and scoping.can(user, Referral, scoping.CHANGE),
        "send_form": SendForm() if draft and services.may_send(user, referral, decision_required=required) else None,
        "label": _label(referral, draft and (required or bool(referral.decision))),
        "awaits_decision": awaits_decision,
        "decision_form": DecisionForm(referral=referral) if may_decide else None,
        "decision_refusal": decisions.refusal_to_decide(user, referral, required)
        if awaits_decision and not may_decide and scoping.can(user, Referral, decisions.DECIDE)
        else None,
        "eligibility": _eligibility(referral) if may_decide else None,
        "status_form": StatusForm(referral=referral) if services.may_work(user, referral) else None,
        "redirect_form": RedirectForm(referral=referral) if open_ and scoping.can(user, Referral, "redirect") else None,
        "note_form": NoteForm() if scoping.can(user, Referral, "note") else None,
        "document_form": DocumentForm() if scoping.can(user, Referral, "note") else None,
    }
    return render(request, "referrals/detail.html", context)


def _label(referral, is_recommendation: bool) -> str:
    """A draft is called a recommendation while the office asks for the manager's decision."""
    if referral.number or not is_recommendation:
        return str(referral)
    return _("Service recommendation #%(pk)s") % {"pk": referral.pk}


def _eligibility(referral):
    """For the manager deciding: the service's criteria checked on the person, each with the
    person's value (None: no registry person, or the service has no criteria)."""
    from ..eligibility import evaluate
    from ..models import ServiceCriteria

    if referral.person_id is None:
        return None
    criteria = (
        ServiceCriteria.objects.filter(service_id=referral.service_id).prefetch_related("ppks_categories").first()
    )
    if criteria is None:
        return None
    return evaluate(criteria, referral.person, timezone.localdate())


@login_required
@require_POST
def referral_decide(request, pk):
    """The manager's decision on a recommendation. A second click on the same decision finds it
    recorded (no conflict panel); a recommendation changed since the page was loaded shows what
    changed."""
    referral = get_referral(request, pk, decisions.DECIDE)
    form = DecisionForm(request.POST, referral=referral)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            decisions.referral_decide(
                referral,
                decision=data["decision"],
                note=data["note"],
                acting_user=request.user,
                expected_version=form.expected_version,
            )
        except EditConflict as exc:
            conflict = form.show_conflict(exc)
            referral.refresh_from_db()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(referral)
    if conflict is None:
        messages.error(request, _("Not saved: see the form below."))
    context = {"referral": referral, "form": form, "conflict": conflict, "label": _label(referral, True)}
    return render(request, "referrals/decision_form.html", context, status=409 if conflict else 400)


def _action(request, pk, action, form_class, run, success, form_kwargs=lambda r: {}):
    """Run one action form on a referral; on an error show the form again with the messages."""
    referral = get_referral(request, pk, action)
    kwargs = form_kwargs(referral)
    return run_action(request, referral, form_class, run, success=success, template=TEMPLATE, form_kwargs=kwargs)


@login_required
@require_POST
def referral_send(request, pk):
    return _action(
        request,
        pk,
        "send",
        SendForm,
        lambda r, d, _version: services.referral_send(r, note=d["note"], acting_user=request.user),
        _("Referral sent to the agency."),
    )


@login_required
@require_POST
def referral_status(request, pk):
    return _action(
        request,
        pk,
        "work",
        StatusForm,
        lambda r, d, version: services.referral_change_status(
            r, to_status=d["to_status"], note=d["note"], acting_user=request.user, expected_version=version
        ),
        _("Status changed."),
        form_kwargs=lambda r: {"referral": r},
    )


@login_required
@require_POST
def referral_redirect(request, pk):
    return _action(
        request,
        pk,
        "redirect",
        RedirectForm,
        lambda r, d, version: services.referral_redirect(
            r, to_service=d["to_service"], note=d["note"], acting_user=request.user, expected_version=version
        ),
        _("Redirected: the other agency has received a linked referral."),
        form_kwargs=lambda r: {"referral": r},
    )


@login_required
@require_POST
def referral_note(request, pk):
    return _action(
        request,
        pk,
        "note",
        NoteForm,
        lambda r, d, _version: services.referral_add_note(r, note=d["note"], acting_user=request.user),
        _("Note added."),
    )


@login_required
@require_POST
def referral_documents(request, pk):
    return _action(
        request,
        pk,
        "note",
        DocumentForm,
        lambda r, d, _version: services.referral_add_documents(r, uploads=d["attachments"], acting_user=request.user),
        _("Documents added."),
    )


@login_required
def document_download(request, pk, document_pk):
    """Files are served only to users who may see the referral; an agency gets supporting
    documents only with the person's consent."""
    referral = get_referral(request, pk)
    document = get_object_or_404(referral.documents, pk=document_pk)
    if _is_agency(request.user) and not agency_sees_documents(referral, document.kind):
        raise Http404("no consent to share this document")
    log_view(document)
    return stored_file_response(document.file, document.content_type, document.original_name)


@login_required
def complaint_file_download(request, pk, attachment_pk):
    """A complaint's file sent along with the referral, for whoever may see the referral."""
    referral = get_referral(request, pk)
    attachment = get_object_or_404(referral.complaint_attachments, pk=attachment_pk)
    if _is_agency(request.user) and not agency_sees_documents(referral, DocumentKind.SUPPORTING):
        raise Http404("no consent to share this document")
    log_view(attachment)
    return stored_file_response(attachment.file, attachment.content_type, attachment.original_name)
