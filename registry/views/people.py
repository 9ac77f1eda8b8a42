from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from onegate import audit, panels, scoping
from onegate.audit import log_export, log_view
from onegate.audit.display import readable
from onegate.audit.models import LogEntry
from onegate.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from onegate.forms import add_service_errors
from onegate.pagination import table_pagination, two_step
from onegate.versioning import EditConflict

from .. import consent, exports, services
from ..filters import PersonFilter
from ..forms import (
    DisabilityProfileForm,
    PersonForm,
    WelfareProfileForm,
)
from ..models import (
    DisabilityProfile,
    Household,
    Person,
    PersonPpks,
    ProgramReceipt,
    WelfareProfile,
)
from ..selectors import people_visible_to
from ..tables import PersonTable
from .duplicates import merged_records

PAGE_SIZE = 25


@login_required
def person_list(request):
    scoping.ensure_can(request.user, Person, scoping.VIEW)
    # The columns the table shows, not the 27 of every row (less to compile, send and build).
    shown = ("nik", "full_name", "sex", "birth_date", "region__name", "status")
    people = people_visible_to(request.user).select_related("region").only(*shown).order_by("full_name", "pk")
    filterset = PersonFilter(request.GET or None, queryset=people, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else people
    table = PersonTable(two_step(rows), user=request.user)
    RequestConfig(request, paginate=table_pagination(PAGE_SIZE)).configure(table)
    template = "registry/_person_table.html" if request.htmx else "registry/person_list.html"
    can_export = scoping.can(request.user, Person, "export")
    return render(request, template, {"filter": filterset, "table": table, "can_export": can_export})


@login_required
def person_export(request, file_format):
    """The current filtered list, within the user's scope, as CSV or XLSX; every export is audited."""
    scoping.ensure_can(request.user, Person, "export")
    people = people_visible_to(request.user, "export")
    filterset = PersonFilter(request.GET or None, queryset=people, request=request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("registry:person-list")
    rows = filterset.qs if filterset.is_bound else people
    filters = {k: v for k, v in request.GET.items() if v and k != "page"}
    log_export(Person, count=rows.count(), file_format=file_format, filters=filters, region_id=request.user.region_id)
    if file_format == "csv":
        response = StreamingHttpResponse(exports.as_csv_lines(rows, request.user), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(exports.as_xlsx(rows, request.user), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="penduduk.{file_format}"'
    return response


@login_required
def person_detail(request, pk):
    # Merged-away records are fetched too (same scope), to send the user on to the survivor.
    person = scoping.get_scoped_object(
        request.user,
        Person.objects.select_related("region", "household", "disability__caregiver", "welfare")
        .annotate(has_merged_records=Exists(Person.objects.filter(merged_into=OuterRef("pk"))))
        .prefetch_related(
            Prefetch("ppks", queryset=PersonPpks.objects.select_related("category").order_by("category__code")),
            Prefetch("programs", queryset=ProgramReceipt.objects.order_by("-year")),
        ),
        pk=pk,
    )
    if person.merged_into_id:  # the record was merged: its person lives on in the survivor
        messages.info(request, _("Record #%(pk)s was merged into this one.") % {"pk": person.pk})
        return redirect("registry:person-detail", person.merged_into_id)
    log_view(person)
    consent_decisions = consent.decisions(person)
    caregiver = getattr(getattr(person, "disability", None), "caregiver", None)
    caregiver_visible = caregiver is not None and people_visible_to(request.user).filter(pk=caregiver.pk).exists()
    return render(request, "registry/person_detail.html", {
        "person": person, "caregiver_visible": caregiver_visible,
        "history": person_history(person, request.user),
        "history_type": ContentType.objects.get_for_model(Person).pk,
        "can_edit": scoping.can(request.user, Person, scoping.CHANGE), "can_verify": scoping.can(request.user, Person, "verify"),
        "panels": panels.panels_for("person", request.user, person),
        "consent_decisions": consent_decisions[:5],
        "consent_withdrawn": bool(consent_decisions) and consent_decisions[0].is_withdrawal,
        "can_record_consent": scoping.can(request.user, Person, consent.RECORD),
        **(merged_records(request.user, person) if person.has_merged_records else {}),
    })  # fmt: skip


def person_history(person, user, limit: int = 20) -> list:
    """The changes about the person (their record and profiles) and, from the records about their
    household (needs assessments), those about the whole household or about this person."""
    entries = audit.history_entries(person)
    if person.household_id:
        pk = person.pk
        about_them = (
            ~Q(changes__has_key="person") | Q(changes__person__contains=[pk]) | Q(changes__person__contains=[str(pk)])
        )
        household = Household(pk=person.household_id)
        entries = entries | LogEntry.objects.filter(audit.records_about_q(household, user)).filter(about_them)
    entries = entries.exclude(action=LogEntry.Action.ACCESS).select_related("actor", "content_type")
    return readable(entries.order_by("-timestamp", "-pk")[:limit], user)


@login_required
def person_edit(request, pk):
    person = scoping.get_scoped_object(request.user, people_visible_to(request.user), scoping.CHANGE, pk=pk)
    # The form edits its own copy: the service compares the new values with the saved ones.
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk), region=person.region)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person,
                data=form.person_data(),
                acting_user=request.user,
                confirm_nik=form.cleaned_data["confirm_nik"],
                expected_version=form.expected_version,
            )
        except EditConflict as exc:
            conflict = form.show_conflict(exc)
            person.refresh_from_db()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(person)
    return render(request, "registry/person_form.html", {"form": form, "person": person, "conflict": conflict})


PROFILE_FORMS = {
    "disabilitas": (DisabilityProfile, DisabilityProfileForm),
    "kesejahteraan": (WelfareProfile, WelfareProfileForm),
}


@login_required
def person_profile_edit(request, pk, profile):
    if profile not in PROFILE_FORMS:
        raise Http404
    model, form_class = PROFILE_FORMS[profile]
    person = scoping.get_scoped_object(request.user, people_visible_to(request.user), scoping.CHANGE, pk=pk)
    extra = {"person": person, "user": request.user} if model is DisabilityProfile else {}
    form = form_class(request.POST or None, instance=model.objects.filter(person=person).first(), **extra)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.person_profile_save(
                person,
                model,
                data=form.cleaned_data,
                acting_user=request.user,
                expected_version=form.expected_version or 0,
            )
        except EditConflict as exc:
            conflict = form.show_conflict(exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect(person)
    return render(
        request,
        "registry/profile_form.html",
        {"form": form, "person": person, "title": model._meta.verbose_name, "conflict": conflict},
    )
