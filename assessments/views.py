from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onegate import idempotency, scoping
from onegate.forms import add_service_errors
from onegate.versioning import EditConflict
from registry.models import Household, Person, VerificationStatus

from . import services
from .forms import AssessmentForm, DecisionForm, NeedsForm
from .models import Assessment

SUBMIT = "ajukan"


@login_required
def assessment_create(request, household_pk):
    """Record a visit to a household on one page: saved as a draft, or submitted at once."""
    household = scoping.get_scoped_object(request.user, Household.objects.select_related("region"), pk=household_pk)
    scoping.ensure_can(request.user, Assessment, scoping.ADD)
    if repeat := idempotency.answer_repeat(request):
        return repeat
    form = AssessmentForm(request.POST or None)
    needs = NeedsForm(request.POST or None, members=_members(request.user, household))
    if request.method == "POST" and form.is_valid() and needs.is_valid():
        try:
            assessment = idempotency.create_once(
                request.user,
                idempotency.key_of(request),
                lambda: _create(request, household, form, needs),
                result_url=lambda a: a.household.get_absolute_url(),
            )
        except idempotency.Repeated as repeated:
            return idempotency.already_saved(request, repeated.submission)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, assessment)
    return _render(request, household, form, needs, None, None)


@transaction.atomic
def _create(request, household, form, needs):
    assessment = services.assessment_create(
        household, data=form.cleaned_data, needs=needs.needs(), acting_user=request.user
    )
    if SUBMIT in request.POST:
        services.assessment_submit(assessment, acting_user=request.user)
    return assessment


DETAIL_RELATED = ("household__region", "assessor", "verified_by")


@login_required
def assessment_detail(request, pk):
    """One assessment as recorded: the visit and every need found, for the household and its
    members; for a manager other than the assessor, the verdict on a submitted one."""
    assessment = scoping.get_scoped_object(request.user, Assessment.objects.select_related(*DETAIL_RELATED), pk=pk)
    return _detail(request, assessment, DecisionForm(initial={"version": assessment.version}))


@login_required
@require_POST
def assessment_decide(request, pk):
    """Verify a submitted assessment, or reject it with the reason (a manager in scope who did not
    make it: outside the scope 404, another role or the assessor 403)."""
    assessment = scoping.get_scoped_object(
        request.user, Assessment.objects.select_related(*DETAIL_RELATED), services.VERIFY, pk=pk
    )
    if not services.can_decide(request.user, assessment):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, assessment, form, status=400)
    if form.expected_version != assessment.version or assessment.status != VerificationStatus.SUBMITTED:
        messages.warning(
            request,
            _("This assessment changed after you opened it (now: %(status)s); nothing was changed.")
            % {"status": assessment.get_status_display().lower()},
        )
        return redirect("assessments:assessment-detail", assessment.pk)
    try:
        if form.cleaned_data["decision"] == DecisionForm.VERIFY:
            services.assessment_verify(assessment, acting_user=request.user, expected_version=form.expected_version)
            messages.success(request, _("Assessment verified."))
        else:
            services.assessment_reject(
                assessment,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
            )
            messages.success(request, _("Assessment rejected; the officer sees the reason."))
    except EditConflict:
        messages.warning(request, _("Someone else decided on this assessment meanwhile; nothing was changed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessments:assessment-detail", assessment.pk)


def _detail(request, assessment, decision_form, status=200):
    needs = scoping.restrict(assessment.needs.select_related("person"), request.user).order_by("domain", "person_id")
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "household": assessment.household,
            "needs": [n for n in needs if n.person_id is None or n.person.household_id == assessment.household_id],
            "can_edit": assessment.status in services.EDITABLE
            and scoping.can(request.user, Assessment, scoping.CHANGE),
            "can_decide": assessment.status == VerificationStatus.SUBMITTED
            and services.can_decide(request.user, assessment),
            "decision_form": decision_form,
        },
        status=status,
    )


@login_required
def assessment_edit(request, pk):
    """Change a draft (or rejected) assessment; an edit from an older version shows what changed."""
    assessment = scoping.get_scoped_object(
        request.user, Assessment.objects.select_related("household__region"), scoping.CHANGE, pk=pk
    )
    if assessment.status not in services.EDITABLE:
        messages.info(request, _("This assessment was submitted: record a new one for a new visit."))
        return redirect(assessment.household)
    household = assessment.household
    form = AssessmentForm(request.POST or None, instance=Assessment.objects.get(pk=assessment.pk))
    needs = NeedsForm(request.POST or None, members=_members(request.user, household), assessment=assessment)
    conflict = None
    if request.method == "POST" and form.is_valid() and needs.is_valid():
        try:
            with transaction.atomic():
                services.assessment_update(
                    assessment,
                    data=form.cleaned_data,
                    needs=needs.needs(),
                    acting_user=request.user,
                    expected_version=form.expected_version,
                )
                if SUBMIT in request.POST:
                    services.assessment_submit(assessment, acting_user=request.user)
        except EditConflict as exc:
            conflict = form.show_conflict(exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, assessment)
    return _render(request, household, form, needs, assessment, conflict)


def _members(user, household):
    return scoping.restrict(Person.objects.filter(household=household), user).order_by("birth_date", "pk")


def _saved(request, assessment):
    if assessment.status == "draft":
        messages.success(request, _("Assessment saved as a draft. Submit it when it is complete."))
    else:
        messages.success(request, _("Assessment submitted."))
    back = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect(assessment.household)


def _render(request, household, form, needs, assessment, conflict):
    status = 200 if request.method == "GET" else (409 if conflict else 400)
    return render(
        request,
        "assessments/form.html",
        {
            "household": household,
            "assessment": assessment,
            "form": form,
            "needs": needs,
            "conflict": conflict,
            "dtks_in_registry": assessment.get_dtks_in_registry_display()
            if assessment
            else dict(Assessment._meta.get_field("dtks_in_registry").choices).get(
                services.registered_dtks_status(household), ""
            ),
        },
        status=status,
    )
