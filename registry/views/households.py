from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from onegate import idempotency, panels, scoping
from onegate.audit import log_view, records_about_q
from onegate.audit.display import readable
from onegate.audit.models import LogEntry
from onegate.forms import add_service_errors
from onegate.pagination import table_pagination
from onegate.versioning import EditConflict

from .. import services
from ..filters import HouseholdFilter
from ..forms import CurrentMemberForm, HouseholdForm, MemberFormSet, NewMemberFormSet
from ..models import Household, Person, Relationship
from ..selectors import people_visible_to
from ..tables import HouseholdTable

PAGE_SIZE = 25


@login_required
def household_list(request):
    """Households within the user's scope: search by KK (exact) or the head's name (fuzzy),
    filters, a sortable table and pages, refreshed in place by htmx."""
    scoping.ensure_can(request.user, Household, scoping.VIEW)
    heads = (
        people_visible_to(request.user).filter(household=OuterRef("pk"), relationship=Relationship.HEAD).order_by("pk")
    )
    households = (
        scoping.restrict(Household.objects.select_related("region"), request.user)
        .annotate(head_name=Subquery(heads.values("full_name")[:1]))
        .order_by("-pk")  # newest first: cheap at any size; the table sorts by its columns
    )
    filterset = HouseholdFilter(request.GET or None, queryset=households, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else households
    table = HouseholdTable(rows, user=request.user)
    RequestConfig(request, paginate=table_pagination(PAGE_SIZE)).configure(table)
    template = "registry/_household_table.html" if request.htmx else "registry/household_list.html"
    return render(
        request,
        template,
        {"filter": filterset, "table": table, "can_add": scoping.can(request.user, Household, scoping.ADD)},
    )


@login_required
def household_detail(request, pk):
    household = scoping.get_scoped_object(
        request.user,
        # Members prefetched once: the view log's label (its head) and the history read them.
        scoping.restrict(
            Household.objects.select_related("region", "created_by", "verified_by").prefetch_related("members"),
            request.user,
        ),
        pk=pk,
    )
    members = people_visible_to(request.user).filter(household=household).order_by("birth_date")
    log_view(household)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "history": readable(household_history(household, request.user), request.user),
            "history_type": ContentType.objects.get_for_model(Household).pk,
            "can_edit": scoping.can(request.user, Household, scoping.CHANGE),
            "can_verify": scoping.can(request.user, Household, "verify"),
            "panels": panels.panels_for("household", request.user, household),
        },
    )


def household_history(household, user, limit=30):
    """The household's audit trail: changes to the household itself, people joining or leaving it
    (their ``household`` changed to or from this one), its members' relationship changes, and the
    records about it (needs assessments) the user's role reads; only people the user may see are
    named."""
    members = [m.pk for m in household.members.all()]
    # Visibility per entry by the integer object_id (EXISTS on the person's key): an IN over the
    # text of every visible person's key made PostgreSQL compare each entry with a million people.
    visible = people_visible_to(user).filter(pk=OuterRef("object_id"))
    people = (
        LogEntry.objects.get_for_model(Person)
        .filter(
            Q(changes__household__contains=[household.pk])
            | Q(changes__household__contains=[str(household.pk)])
            | Q(object_id__in=members, changes__has_key="relationship")
        )
        .filter(Exists(visible))
    )
    own = LogEntry.objects.get_for_object(household)
    # The records about the household (its needs assessments and their needs), as the user may read them.
    records = LogEntry.objects.filter(records_about_q(household, user))
    return (
        (own | people | records)
        .exclude(action=LogEntry.Action.ACCESS)  # changes, not openings
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )


@login_required
def household_edit(request, pk):
    """Change a household on one page: its KK, address and place, its present members' relationships
    (or take them out of it), and new members. A verified household goes back for verification."""
    household = scoping.get_scoped_object(
        request.user, Household.objects.select_related("region"), scoping.CHANGE, pk=pk
    )
    # The form edits its own copy: the service compares the new values with the saved ones.
    form = HouseholdForm(request.POST or None, instance=Household.objects.get(pk=household.pk), user=request.user)
    current = [
        CurrentMemberForm(request.POST or None, person=p)
        for p in people_visible_to(request.user, scoping.CHANGE)
        .filter(household=household)
        .order_by("birth_date", "pk")
    ]
    region = form.cleaned_data["region"] if request.method == "POST" and form.is_valid() else household.region
    members = NewMemberFormSet(request.POST or None, prefix="baru", form_kwargs={"region": region})
    duplicates, conflict = [], None
    if request.method == "POST" and form.is_valid() and members.is_valid() and all(f.is_valid() for f in current):
        new_members = _member_data(members)
        duplicates = [] if request.POST.get("bukan_duplikat") else _duplicates_of(new_members, region)
        if not duplicates:
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            try:
                services.household_update(
                    household,  # untouched: the form changed its own copy
                    data=data,
                    acting_user=request.user,
                    relationships={
                        f.person.pk: f.cleaned_data["relationship"] for f in current if not f.cleaned_data["remove"]
                    },
                    remove=[f.person.pk for f in current if f.cleaned_data["remove"]],
                    new_members=new_members,
                    expected_version=form.expected_version,
                    member_versions={f.person.pk: f.expected_version for f in current},
                )
            except EditConflict:
                conflict = _catch_up(form, current)
                household.refresh_from_db()
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(household)
    return render(
        request,
        "registry/household_edit.html",
        {
            "household": household,
            "form": form,
            "current": current,
            "members": members,
            "duplicates": duplicates,
            "conflict": conflict,
        },
    )


def _catch_up(form, current):
    """After a conflict: every form of the page at its record's stored version, and what changed."""
    conflict = form.catch_up(form.instance, form.expected_version)
    for member in current:
        conflict += member.catch_up(member.person, member.expected_version, subject=member.person.full_name)
    return conflict


@login_required
def household_create(request):
    """One page for a family: the household and all its members, saved together as a draft."""
    scoping.ensure_can(request.user, Household, scoping.ADD)
    if repeat := idempotency.answer_repeat(request):
        return repeat
    form = HouseholdForm(request.POST or None, user=request.user)
    region = form.cleaned_data["region"] if request.method == "POST" and form.is_valid() else None
    members = MemberFormSet(request.POST or None, prefix="anggota", form_kwargs={"region": region})
    duplicates = []
    if request.method == "POST" and form.is_valid() and members.is_valid():
        member_data = _member_data(members)
        duplicates = [] if request.POST.get("bukan_duplikat") else _duplicates_of(member_data, region)
        if not duplicates:
            try:
                household = idempotency.create_once(
                    request.user,
                    idempotency.key_of(request),
                    lambda: services.household_create(
                        data=form.cleaned_data, members=member_data, acting_user=request.user
                    ),
                    result_url=lambda h: h.get_absolute_url(),
                )
            except idempotency.Repeated as repeated:
                return idempotency.already_saved(request, repeated.submission)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Household saved as a draft. Submit it for verification when it is complete.")
                )
                return redirect(household)
    return render(request, "registry/household_form.html", {"form": form, "members": members, "duplicates": duplicates})


def _member_data(formset) -> list[dict]:
    """The members a member formset holds, less the ones ticked for removal."""
    return [f.member_data() for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def _duplicates_of(member_data, region):
    found = []
    for m in member_data:
        for candidate in services.find_likely_duplicates(
            full_name=m["full_name"], birth_date=m.get("birth_date"), region=region, nik=m.get("nik")
        ):
            found.append((m["full_name"], candidate))
    return found
