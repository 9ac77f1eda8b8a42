from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onegate import scoping
from onegate.audit import log_view

from .. import services
from ..forms import HouseholdForm, MemberFormSet
from ..models import Household
from .common import add_service_errors, scoped_people


@login_required
def household_detail(request, pk):
    household = scoping.get_scoped_object(
        request.user,
        scoping.restrict(Household.objects.select_related("region", "created_by", "verified_by"), request.user),
        pk=pk,
    )
    members = scoped_people(request.user).filter(household=household).order_by("birth_date")
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
                add_service_errors(form, exc)
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
