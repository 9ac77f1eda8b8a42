from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from onegate import idempotency, scoping
from onegate.forms import add_service_errors
from onegate.versioning import EditConflict
from registry.models import Household, Person

from . import services
from .forms import AssessmentForm, NeedsForm
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


@login_required
def assessment_detail(request, pk):
    """One assessment as recorded: the visit and every need found, for the household and its members."""
    assessment = scoping.get_scoped_object(
        request.user, Assessment.objects.select_related("household__region", "assessor"), pk=pk
    )
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
        },
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
