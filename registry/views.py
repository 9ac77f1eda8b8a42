from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from onegate import scoping
from onegate.audit import log_export, log_view

from . import exports, services
from .filters import PersonFilter
from .forms import DisabilityProfileForm, HouseholdForm, MemberFormSet, PersonForm, RejectForm, WelfareProfileForm
from .models import DisabilityProfile, Household, Person, PersonPpks, ProgramReceipt, VerificationStatus, WelfareProfile
from .tables import PersonTable

PAGE_SIZE = 25


def _people(user, action=scoping.VIEW):
    return scoping.restrict(Person.objects.filter(merged_into__isnull=True), user, action)


@login_required
def person_list(request):
    scoping.ensure_can(request.user, Person, scoping.VIEW)
    people = _people(request.user).select_related("region").order_by("full_name", "pk")
    filterset = PersonFilter(request.GET or None, queryset=people, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else people
    table = PersonTable(rows)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    template = "registry/_person_table.html" if request.htmx else "registry/person_list.html"
    can_export = scoping.can(request.user, Person, "export")
    return render(request, template, {"filter": filterset, "table": table, "can_export": can_export})


@login_required
def person_export(request, file_format):
    """The current filtered list, within the user's scope, as CSV or XLSX; every export is audited."""
    scoping.ensure_can(request.user, Person, "export")
    people = _people(request.user, "export")
    filterset = PersonFilter(request.GET or None, queryset=people, request=request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("registry:person-list")
    rows = filterset.qs if filterset.is_bound else people
    filters = {k: v for k, v in request.GET.items() if v and k != "page"}
    log_export(Person, count=rows.count(), file_format=file_format, filters=filters)
    if file_format == "csv":
        response = StreamingHttpResponse(exports.as_csv_lines(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.as_xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="penduduk.{file_format}"'
    return response


@login_required
def person_detail(request, pk):
    person = scoping.get_scoped_object(
        request.user,
        _people(request.user)
        .select_related("region", "household__region", "disability__caregiver", "welfare", "verified_by", "created_by")
        .prefetch_related(
            Prefetch("ppks", queryset=PersonPpks.objects.select_related("category")),
            Prefetch("programs", queryset=ProgramReceipt.objects.order_by("-year")),
        ),
        pk=pk,
    )
    log_view(person)
    from auditlog.models import LogEntry

    history = LogEntry.objects.get_for_object(person).select_related("actor").order_by("-timestamp")[:20]
    return render(request, "registry/person_detail.html", {"person": person, "history": history, "can_edit": scoping.can(request.user, Person, scoping.CHANGE), "can_verify": scoping.can(request.user, Person, "verify")})


@login_required
def person_edit(request, pk):
    person = scoping.get_scoped_object(request.user, _people(request.user), scoping.CHANGE, pk=pk)
    # The form edits its own copy: the service compares the new values with the saved ones.
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk), region=person.region)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person, data=form.person_data(), acting_user=request.user, confirm_nik=form.cleaned_data["confirm_nik"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(person)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


PROFILE_FORMS = {"disabilitas": (DisabilityProfile, DisabilityProfileForm), "kesejahteraan": (WelfareProfile, WelfareProfileForm)}


@login_required
def person_profile_edit(request, pk, profile):
    if profile not in PROFILE_FORMS:
        raise Http404
    model, form_class = PROFILE_FORMS[profile]
    person = scoping.get_scoped_object(request.user, _people(request.user), scoping.CHANGE, pk=pk)
    form = form_class(request.POST or None, instance=model.objects.filter(person=person).first())
    if request.method == "POST" and form.is_valid():
        try:
            services.person_profile_save(person, model, data=form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect(person)
    return render(request, "registry/profile_form.html", {"form": form, "person": person, "title": model._meta.verbose_name})


@login_required
def household_detail(request, pk):
    household = scoping.get_scoped_object(
        request.user,
        scoping.restrict(Household.objects.select_related("region", "created_by", "verified_by"), request.user),
        pk=pk,
    )
    members = _people(request.user).filter(household=household).order_by("birth_date")
    log_view(household)
    return render(request, "registry/household_detail.html", {"household": household, "members": members, "can_edit": scoping.can(request.user, Household, scoping.CHANGE), "can_verify": scoping.can(request.user, Household, "verify")})


@login_required
def household_create(request):
    """One page for a family: the household and all its members, saved together as a draft."""
    scoping.ensure_can(request.user, Household, scoping.ADD)
    form = HouseholdForm(request.POST or None, user=request.user)
    region = form.cleaned_data["region"] if request.method == "POST" and form.is_valid() else None
    members = MemberFormSet(request.POST or None, prefix="anggota", form_kwargs={"region": region})
    duplicates = []
    if request.method == "POST" and form.is_valid() and members.is_valid():
        member_data = [f.member_data() for f in members.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        duplicates = [] if request.POST.get("bukan_duplikat") else _duplicates_of(member_data, region)
        if not duplicates:
            try:
                household = services.household_create(data=form.cleaned_data, members=member_data, acting_user=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Household saved as a draft. Submit it for verification when it is complete."))
                return redirect(household)
    return render(request, "registry/household_form.html", {"form": form, "members": members, "duplicates": duplicates})


def _duplicates_of(member_data, region):
    found = []
    for m in member_data:
        for candidate in services.find_likely_duplicates(full_name=m["full_name"], birth_date=m.get("birth_date"), region=region, nik=m.get("nik")):
            found.append((m["full_name"], candidate))
    return found


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def verification_queue(request):
    scoping.ensure_can(request.user, Household, scoping.VIEW)
    households = (
        scoping.restrict(Household.objects.select_related("region"), request.user)
        .filter(status__in=[VerificationStatus.SUBMITTED, VerificationStatus.DRAFT, VerificationStatus.REJECTED])
        .order_by("status", "-updated_at")
    )
    people = _people(request.user).filter(household__isnull=True, status__in=[VerificationStatus.SUBMITTED, VerificationStatus.DRAFT, VerificationStatus.REJECTED]).select_related("region")
    return render(request, "registry/verification_queue.html", {"households": households[:200], "people": people[:200], "can_verify": scoping.can(request.user, Household, "verify")})


def _workflow_target(request, kind, pk, action):
    model = Household if kind == "keluarga" else Person
    return scoping.get_scoped_object(request.user, model, action, pk=pk)


@login_required
@require_POST
def record_submit(request, kind, pk):
    record = _workflow_target(request, kind, pk, scoping.CHANGE)
    _run(request, services.record_submit, record, _("Submitted for verification."))
    return redirect(record)


@login_required
@require_POST
def record_verify(request, kind, pk):
    record = _workflow_target(request, kind, pk, "verify")
    _run(request, services.record_verify, record, _("Verified."))
    return redirect(record)


@login_required
def record_reject(request, kind, pk):
    record = _workflow_target(request, kind, pk, "verify")
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(request, services.record_reject, record, _("Rejected; the officer sees the reason."), reason=form.cleaned_data["reason"]):
            return redirect(record)
    return render(request, "registry/reject_form.html", {"form": form, "record": record})


def _run(request, action, record, success, **kwargs) -> bool:
    try:
        action(record, acting_user=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True
