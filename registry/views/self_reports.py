"""Self-reports: the public form (no account) and the officer's review, create, link and reject pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from onegate import idempotency, scoping
from onegate.audit import log_view
from onegate.forms import add_service_errors

from .. import self_reports
from ..forms import DisabilityProfileForm, PersonForm
from ..models import DisabilityProfile, SelfReport, SelfReportStatus
from ..selectors import people_visible_to
from ..self_report_forms import FindPersonForm, SelfReportForm, SelfReportRejectForm

THANKS_SESSION_KEY = "self_report_reference"


# --- Public ----------------------------------------------------------------------------------------
def _self_report_rate(group, request):
    return settings.SELF_REPORT_RATE  # read at each request, so an overridden setting applies


@login_not_required
@never_cache
@ratelimit(key="ip", rate=_self_report_rate, method="POST", block=False)
def self_report_form(request):
    """The public report form. Every valid report gets the same answer (a redirect to the thank-you
    page): nothing here looks at the registry, so nothing reveals whether a NIK is registered."""
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "registry/self_report_limited.html", status=429)
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.spend_challenge():
        try:
            report = self_reports.self_report_submit(data=form.report_data(), consent=form.cleaned_data["consent"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[THANKS_SESSION_KEY] = report.reference
            return redirect("selfreport:thanks")
    return render(request, "registry/self_report_form.html", {"form": form})


@login_not_required
@never_cache
def self_report_thanks(request):
    reference = request.session.get(THANKS_SESSION_KEY)
    if not reference:
        return redirect("selfreport:form")
    return render(request, "registry/self_report_thanks.html", {"reference": reference})


# --- Officers ----------------------------------------------------------------------------------------
def _report(request, pk, action=scoping.VIEW) -> SelfReport:
    queryset = SelfReport.objects.select_related("region__parent", "person", "processed_by")
    return scoping.get_scoped_object(request.user, queryset, action, pk=pk)


def _can_act(user, report) -> bool:
    return report.status == SelfReportStatus.NEW and scoping.can(user, SelfReport, scoping.CHANGE)


@login_required
def self_report_review(request, pk):
    report = _report(request, pk)
    log_view(report)
    can_act = _can_act(request.user, report)
    context = {
        "report": report,
        "can_act": can_act,
        "duplicates": self_reports.likely_duplicates(report, request.user) if can_act else [],
        "find_form": FindPersonForm(),
    }
    return render(request, "registry/self_report_review.html", context)


def _not_new(request, report):
    messages.error(request, _("This self-report has already been handled."))
    return redirect(report)


@login_required
def self_report_create_person(request, pk):
    """A new draft person with a disability profile, prefilled from the report; the officer completes it."""
    report = _report(request, pk, scoping.CHANGE)
    if repeat := idempotency.answer_repeat(request):
        return repeat
    if report.status != SelfReportStatus.NEW:
        return _not_new(request, report)
    data = request.POST or None
    person_form = PersonForm(data, prefix="orang", region=report.region, initial=self_reports.person_initial(report))
    profile_form = DisabilityProfileForm(
        data, prefix="disabilitas", initial=self_reports.profile_initial(report), user=request.user
    )
    if request.method == "POST" and person_form.is_valid() and profile_form.is_valid():
        try:
            person = idempotency.create_once(
                request.user,
                idempotency.key_of(request),
                lambda: self_reports.self_report_create_person(
                    report,
                    person_data=person_form.person_data(),
                    profile_data=profile_form.cleaned_data,
                    acting_user=request.user,
                    confirm_nik=person_form.cleaned_data["confirm_nik"],
                ),
                result_url=lambda p: p.get_absolute_url(),
            )
        except idempotency.Repeated as repeated:
            return idempotency.already_saved(request, repeated.submission)
        except ValidationError as exc:
            add_service_errors(person_form, exc)
        else:
            messages.success(request, _("Draft saved from the self-report. Check it and submit it for verification."))
            return redirect(person)
    return render(
        request,
        "registry/self_report_person_form.html",
        {"report": report, "form": person_form, "profile_form": profile_form},
    )


@login_required
@require_POST
def self_report_find_person(request, pk):
    """Link to a registered person found by NIK, among the people the officer may change. Posted,
    so the NIK stays out of addresses and access logs."""
    report = _report(request, pk, scoping.CHANGE)
    form = FindPersonForm(request.POST)
    if form.is_valid():
        person = people_visible_to(request.user, scoping.CHANGE).filter(nik=form.cleaned_data["nik"]).first()
        if person:
            return redirect("registry:self-report-link-person", pk=report.pk, person_pk=person.pk)
        messages.error(request, _("Nobody with this NIK is registered in your area."))
    else:
        messages.error(request, " ".join(form.errors.get("nik", [_("Enter a NIK.")])))
    return redirect(report)


@login_required
def self_report_link_person(request, pk, person_pk):
    """The report is about a registered person: link it and add or update their disability profile."""
    report = _report(request, pk, scoping.CHANGE)
    if repeat := idempotency.answer_repeat(request):
        return repeat
    if report.status != SelfReportStatus.NEW:
        return _not_new(request, report)
    person = scoping.get_scoped_object(request.user, people_visible_to(request.user), scoping.CHANGE, pk=person_pk)
    existing = DisabilityProfile.objects.filter(person=person).first()
    form = DisabilityProfileForm(
        request.POST or None,
        instance=existing,
        initial=self_reports.profile_initial(report, existing),
        person=person,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            idempotency.create_once(
                request.user,
                idempotency.key_of(request),
                lambda: self_reports.self_report_link_person(
                    report,
                    person,
                    profile_data=form.cleaned_data,
                    acting_user=request.user,
                    expected_version=form.expected_version or 0,
                ),
                result_url=lambda profile: person.get_absolute_url(),
            )
        except idempotency.Repeated as repeated:
            return idempotency.already_saved(request, repeated.submission)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Self-report linked and disability profile saved."))
            return redirect(person)
    return render(
        request,
        "registry/self_report_link.html",
        {"report": report, "person": person, "form": form, "existing": existing},
    )


@login_required
def self_report_reject(request, pk):
    report = _report(request, pk, scoping.CHANGE)
    if report.status != SelfReportStatus.NEW:
        return _not_new(request, report)
    form = SelfReportRejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            self_reports.self_report_reject(report, reason=form.reason_text(), acting_user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Self-report rejected."))
            return redirect("registry:verification-queue")
    return render(request, "registry/self_report_reject.html", {"report": report, "form": form})
