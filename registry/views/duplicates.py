"""Duplicate review for managers: the list of likely duplicates, a side-by-side comparison where
the manager merges the two records or marks them as different people."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onegate import scoping, versioning
from onegate.audit import log_view
from onegate.forms import add_service_errors

from .. import merging
from ..models import Person, PersonPpks, ProgramReceipt

PAGE_SIZE = 25
A, B = "a", "b"


@login_required
def duplicate_list(request):
    scoping.ensure_can(request.user, Person, merging.MERGE)
    page = Paginator(merging.candidate_pairs(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/duplicate_list.html", {"page": page, "scan": merging.last_scan()})


class MergeForm(forms.Form):
    """Which record stays, and per differing field which record's value it keeps."""

    survivor = forms.ChoiceField(
        label=gettext_lazy("Record that stays"), choices=[(A, "A"), (B, "B")], widget=forms.RadioSelect
    )
    confirm_nik = forms.BooleanField(
        label=gettext_lazy("I checked: the NIK is right although it disagrees with the data kept"), required=False
    )

    # The versions of A and B compared: a merge after either changed is refused.
    version_a = forms.IntegerField(widget=forms.HiddenInput)
    version_b = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        for field in fields:
            self.fields[f"keep_{field}"] = forms.ChoiceField(choices=[(A, "A"), (B, "B")], widget=forms.RadioSelect)

    def merge_arguments(self, people: dict):
        """(survivor, duplicate, field_choices) for merging.merge_people."""
        survivor_key = self.cleaned_data["survivor"]
        survivor, duplicate = people[survivor_key], people[B if survivor_key == A else A]
        choices = {
            name.removeprefix("keep_"): merging.SURVIVOR if value == survivor_key else merging.DUPLICATE
            for name, value in self.cleaned_data.items()
            if name.startswith("keep_")
        }
        return survivor, duplicate, choices

    def expected_versions(self, people: dict) -> dict[int, int]:
        return {people[key].pk: self.cleaned_data[f"version_{key}"] for key in (A, B)}

    def take_versions(self, people: dict) -> None:
        """After a conflict: the choices stay, the versions become the ones now shown."""
        self.data = self.data.copy()
        for key in (A, B):
            self.data[f"version_{key}"] = people[key].version


def _pair(request, a, b):
    """Both people, in scope for merging (404 outside it); None if one was merged meanwhile."""
    if a == b:
        raise Http404
    people = (
        scoping.restrict(Person.objects.all(), request.user, merging.MERGE)
        .select_related(
            "region",
            "household__region",
            "disability__caregiver",
            "welfare",
            "created_by",
            "verified_by",
            "merged_into",
        )
        .prefetch_related(
            Prefetch("ppks", queryset=PersonPpks.objects.select_related("category")),
            Prefetch("programs", queryset=ProgramReceipt.objects.order_by("-year", "program")),
        )
    )
    found = {p.pk: p for p in people.filter(pk__in=[a, b])}
    if len(found) < 2:
        raise scoping.OutOfScope(f"people {a} and {b} are not both in scope")
    pair = {A: found[a], B: found[b]}
    return None if any(p.merged_into_id for p in pair.values()) else pair


@login_required
def duplicate_compare(request, a, b):
    scoping.ensure_can(request.user, Person, merging.MERGE)
    people = _pair(request, a, b)
    if people is None:
        messages.info(request, _("One of these records has already been merged."))
        return redirect("registry:duplicate-list")
    differing = merging.differing_fields(people[A], people[B])
    ask_nik_confirmation = bool(request.POST.get("confirm_nik"))
    form = MergeForm(request.POST or None, fields=differing, initial=_initial(people, differing))
    if request.method == "POST" and form.is_valid():
        survivor, duplicate, choices = form.merge_arguments(people)
        try:
            survivor = merging.merge_people(
                survivor,
                duplicate,
                field_choices=choices,
                acting_user=request.user,
                confirm_nik=form.cleaned_data["confirm_nik"],
                expected_versions=form.expected_versions(people),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            if isinstance(exc, versioning.EditConflict):
                form.take_versions(people)
            ask_nik_confirmation = bool(merging.nik_warnings_after_merge(survivor, duplicate, choices))
        else:
            messages.success(
                request, _("Records merged. The merged record's history stays with it; its links now point here.")
            )
            return redirect(survivor)
    if request.method == "GET":
        for person in people.values():
            log_view(person)
    context = {
        "people": people,
        "form": form,
        "rows": _field_rows(people, form, differing),
        "details": _detail_rows(people),
        "similarity": merging.name_similarity(people[A], people[B]),
        "ask_nik_confirmation": ask_nik_confirmation,
    }
    return render(request, "registry/duplicate_compare.html", context)


@login_required
@require_POST
def duplicate_dismiss(request, a, b):
    scoping.ensure_can(request.user, Person, merging.MERGE)
    people = _pair(request, a, b)
    if people is None:
        messages.info(request, _("One of these records has already been merged."))
    else:
        merging.dismiss_pair(people[A], people[B], acting_user=request.user, note=request.POST.get("note", "")[:300])
        messages.success(request, _("Marked as different people: this pair will not be proposed again."))
    return redirect("registry:duplicate-list")


def _initial(people, differing):
    survivor = merging.suggested_survivor(people[A], people[B])
    survivor_key = A if survivor is people[A] else B
    other_key = B if survivor_key == A else A
    duplicate = people[other_key]
    defaults = merging.default_choices(survivor, duplicate)
    initial = {"survivor": survivor_key, "version_a": people[A].version, "version_b": people[B].version}
    for field in differing:
        initial[f"keep_{field}"] = survivor_key if defaults[field] == merging.SURVIVOR else other_key
    return initial


def _display(person, field):
    value = getattr(person, field)
    if value in (None, ""):
        return "—"
    if field == "birth_date":
        return value.strftime("%d/%m/%Y")
    if field == "region":
        return value.name
    display = getattr(person, f"get_{field}_display", None)
    return display() if display else value


def _field_rows(people, form, differing):
    rows = []
    for field in merging.MERGE_FIELDS:
        row = {
            "name": field,
            "label": Person._meta.get_field(field).verbose_name,
            A: _display(people[A], field),
            B: _display(people[B], field),
            "differs": field in differing,
        }
        if row["differs"]:
            row["field"] = form[f"keep_{field}"]
        rows.append(row)
    return rows


def _membership(person):
    if not person.household_id:
        return "—"
    h = person.household
    kk_number = h.kk_number or _("without KK")
    return f"KK {kk_number} · {person.get_relationship_display() or '—'} · {h.address}, {h.region.name}"


def _disability(person):
    d = getattr(person, "disability", None)
    return f"{', '.join(d.type_labels)} · {d.get_severity_display()}" if d else "—"


def _welfare(person):
    w = getattr(person, "welfare", None)
    if not w:
        return "—"
    decile = _("decile %(decile)s") % {"decile": w.decile} if w.decile else ""
    return w.get_dtks_status_display() + (f" · {decile}" if decile else "")


def _recorded(person, user_field, time_field):
    user, when = getattr(person, user_field), getattr(person, time_field)
    if not when:
        return "—"
    who = user or _("system")
    return f"{date_format(localtime(when), 'SHORT_DATETIME_FORMAT')}, {who}"


def _detail_rows(people):
    """What moves with the merge, and the workflow facts: shown, not chosen."""
    getters = [
        (_("Household and membership"), _membership),
        (_("Verification"), lambda p: p.get_status_display()),
        (_("Needs civil registration documents"), lambda p: _("yes") if p.needs_civil_documents else _("no")),
        (_("Disability"), _disability),
        (_("Welfare"), _welfare),
        (
            _("Programs received"),
            lambda p: ", ".join(f"{r.get_program_display()} {r.year}" for r in p.programs.all()) or "—",
        ),
        (_("PPKS"), lambda p: ", ".join(f"{r.category.name} ({r.get_status_display()})" for r in p.ppks.all()) or "—"),
        (_("Created"), lambda p: _recorded(p, "created_by", "created_at")),
        (_("Verified"), lambda p: _recorded(p, "verified_by", "verified_at")),
    ]
    rows = []
    for label, getter in getters:
        values = {key: getter(person) for key, person in people.items()}
        rows.append({"label": label, A: values[A], B: values[B], "differs": values[A] != values[B]})
    return rows


def merged_records(user, person) -> dict:
    """For a person's page: the records merged into this one, with a link to each one's history
    in the audit trail for those who may read it."""
    from django.contrib.contenttypes.models import ContentType

    from onegate.audit.models import LogEntry

    can_read_trail = scoping.can(user, LogEntry)
    return {
        "merged_records": person.merged_from.order_by("pk"),
        "person_content_type": ContentType.objects.get_for_model(Person).pk if can_read_trail else None,
    }
