"""The managers' view of referral work: per agency, counts by status with the overdue first, the
median time to completion, and the referrals overdue now."""

from django.shortcuts import render
from django.utils import timezone

from onegate import scoping
from onegate.accounts.models import Role

from ..forms import PerformancePeriodForm
from ..performance import STATUS_COLUMNS, agency_summary, overdue_list
from .referrals import scoped_referrals


@scoping.roles_required(Role.MANAGER)
def performance(request):
    today = timezone.localdate()
    referrals = scoped_referrals(request.user)
    form = PerformancePeriodForm(request.GET or None)
    rows, totals = agency_summary(form.filter(referrals), today)
    context = {
        "form": form,
        "rows": rows,
        "totals": totals,
        "statuses": STATUS_COLUMNS,
        "overdue": overdue_list(referrals, today),
        "today": today,
    }
    return render(request, "referrals/performance.html", context)
