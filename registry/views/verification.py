from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from onegate import scoping
from onegate.filters import village_options
from onegate.pagination import COUNT_CAP, CappedCountPaginator

from .. import selectors, services
from ..forms import RejectForm
from ..models import Household, Person
from ..selectors import HOUSEHOLDS, MINE, PEOPLE, SELF_REPORTS

PAGE_SIZE = 25
KINDS = [
    ("", gettext_lazy("Everything")),
    (HOUSEHOLDS, gettext_lazy("Households")),
    (PEOPLE, gettext_lazy("People without a household")),
    (SELF_REPORTS, gettext_lazy("Self-reports")),
]


class QueueFilterForm(forms.Form):
    region = forms.ChoiceField(
        label=gettext_lazy("Kelurahan/desa"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=KINDS, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All in my area")), *village_options(user)]

    def value(self, name) -> str:
        """The field's value when valid; an unknown kelurahan or kind is ignored, not an error."""
        return self.cleaned_data.get(name, "") if self.is_bound and name not in self.errors else ""


@login_required
def verification_queue(request):
    """Records waiting in the verification workflow, in pages: the viewer's own work in the first tab
    (a manager's decisions, an officer's drafts and rejected records), filtered by kelurahan and kind."""
    user = request.user
    scoping.ensure_can(user, Household, scoping.CHANGE)
    tabs = selectors.queue_tabs(user)
    tab = next((t for t in tabs if t.key == request.GET.get("tab")), tabs[0])
    filters = QueueFilterForm(request.GET, user=user)
    filters.is_valid()
    region, kind = filters.value("region") or None, filters.value("kind")

    def wanted(section):
        return not kind or kind == section

    def page(rows: QuerySet, section: str):
        paginator = CappedCountPaginator(rows, PAGE_SIZE)
        return paginator.get_page(request.GET.get(f"page_{section}"))

    def tab_count(t) -> int:
        sections = [
            wanted(HOUSEHOLDS) and selectors.queue_households(user, t, region),
            wanted(PEOPLE) and selectors.queue_people(user, t, region),
            t.key == MINE and wanted(SELF_REPORTS) and selectors.queue_self_reports(user, region),
        ]
        return sum(_capped_count(rows) for rows in sections if rows is not False)

    query = {"kind": kind, "region": region or ""}
    context = {
        "tab": tab,
        "tabs": [
            {"key": t.key, "label": t.label, "count": tab_count(t), "query": _query(tab=t.key, **query)} for t in tabs
        ],
        "filters": filters,
        "query": _query(tab=tab.key, **query),
        "households": page(selectors.queue_households(user, tab, region), "households") if wanted(HOUSEHOLDS) else None,
        "people": page(selectors.queue_people(user, tab, region), "people") if wanted(PEOPLE) else None,
        "self_reports": page(selectors.queue_self_reports(user, region), "self_reports")
        if tab.key == MINE and wanted(SELF_REPORTS)
        else None,
        "can_verify": scoping.can(user, Household, "verify"),
        "count_cap": COUNT_CAP,
        "kind_filter": kind,
    }
    context["decides"] = "verify" if context["can_verify"] else "submit"
    context["bulk"] = tab.key == MINE
    return render(request, "registry/verification_queue.html", context)


def _capped_count(rows: QuerySet) -> int:
    return QuerySet.__getitem__(rows.order_by().values("pk"), slice(None, COUNT_CAP + 1)).count()


def _query(**params) -> str:
    query = QueryDict(mutable=True)
    query.update({k: v for k, v in params.items() if v})
    return query.urlencode()


BULK_ACTIONS = {
    "submit": (scoping.CHANGE, services.records_submit),
    "verify": ("verify", services.records_verify),
    "reject": ("verify", services.records_reject),
}


@login_required
@require_POST
def verification_bulk(request):
    """One decision on the households or people chosen in the queue: an officer submits them, a
    manager verifies them or rejects them with one reason. All or nothing; each record is audited."""
    action, kind = request.POST.get("action"), request.POST.get("kind")
    back = reverse("registry:verification-queue") + "?" + request.POST.get("query", "")
    if action not in BULK_ACTIONS or kind not in (HOUSEHOLDS, PEOPLE):
        messages.error(request, _("Choose what to do with the records."))
        return redirect(back)
    permission, decide = BULK_ACTIONS[action]
    try:
        pks = sorted({int(pk) for pk in request.POST.getlist("ids")})
    except ValueError:
        pks = []
    records = selectors.records_for_decision(request.user, kind, pks, permission)
    if not records:
        messages.error(request, _("Choose at least one record."))
        return redirect(back)
    extra = {"reason": request.POST.get("reason", "")} if action == "reject" else {}
    try:
        done = decide(records, acting_user=request.user, **extra)
    except ValidationError as exc:
        messages.error(request, _("Nothing was changed.") + " " + " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _bulk_message(action, done))
    return redirect(back)


def _bulk_message(action: str, n: int) -> str:
    if action == "submit":
        return ngettext("%(n)s record submitted for verification.", "%(n)s records submitted for verification.", n) % {
            "n": n
        }
    if action == "verify":
        return ngettext("%(n)s record verified.", "%(n)s records verified.", n) % {"n": n}
    return ngettext(
        "%(n)s record rejected; the officer sees the reason.", "%(n)s records rejected; the officer sees the reason.", n
    ) % {"n": n}


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
        if _run(
            request,
            services.record_reject,
            record,
            _("Rejected; the officer sees the reason."),
            reason=form.cleaned_data["reason"],
        ):
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
