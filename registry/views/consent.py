"""Recording a person's consent decision (withdrawn, given again) from their page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onegate import scoping
from onegate.forms import add_service_errors

from .. import consent
from ..forms import ConsentDecisionForm
from ..models import ConsentDecisionKind
from ..selectors import people_visible_to

KINDS = {"cabut": ConsentDecisionKind.WITHDRAWN, "berikan": ConsentDecisionKind.GIVEN}


@login_required
def consent_decision(request, pk, kind):
    if kind not in KINDS:
        raise Http404("no such consent decision")
    decision_kind = KINDS[kind]
    person = scoping.get_scoped_object(request.user, people_visible_to(request.user), consent.RECORD, pk=pk)
    form = ConsentDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent.record_decision(person, kind=decision_kind, data=form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            done = (
                _("Consent withdrawn: agencies now see only the minimum about this person.")
                if decision_kind == ConsentDecisionKind.WITHDRAWN
                else _("Consent given again: new referrals may share this person's data with their consent.")
            )
            messages.success(request, done)
            return redirect(person)
    context = {"form": form, "person": person, "kind": decision_kind, "current": consent.current_decision(person)}
    return render(request, "registry/consent_form.html", context)
