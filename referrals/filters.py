import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.agencies.models import Agency, AgencyKind

from .models import (
    OPEN_STATUSES,
    Decision,
    Referral,
    ReferralStatus,
    Service,
    ServiceCategory,
    ServiceStatus,
)


class ServiceFilter(django_filters.FilterSet):
    """The directory's search: words in the service or agency, category, agency, agency kind."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Service, agency, eligibility or document.")
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=ServiceCategory.choices)
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.filter(is_active=True).order_by("name")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind of agency"), choices=AgencyKind.choices, field_name="agency__kind")
    inactive = django_filters.BooleanFilter(
        label=_("Include services not running now"), method="include_inactive", widget=forms.CheckboxInput
    )

    class Meta:
        model = Service
        fields = ["q", "category", "agency", "kind", "inactive"]

    def search(self, queryset, name, value):
        matches = Q()
        for word in value.split():
            matches &= (
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(eligibility__icontains=word)
                | Q(agency__name__icontains=word)
                | Q(agency__code__iexact=word)
                | Q(required_documents__document__icontains=word)
            )
        return queryset.filter(pk__in=queryset.filter(matches).values("pk"))

    def include_inactive(self, queryset, name, value):
        return queryset  # applied in `qs`, so that an unticked box still hides them

    @property
    def qs(self):
        rows = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("inactive")):
            rows = rows.filter(status=ServiceStatus.ACTIVE)
        return rows


WAITING = "menunggu"


class ReferralFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Letter number or name"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReferralStatus.choices)
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.filter(is_active=True).order_by("name")
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="overdue_only", widget=forms.CheckboxInput)
    # Only when the office asks for the manager's decision (penetapan layanan).
    penetapan = django_filters.ChoiceFilter(
        label=_("Manager's decision"),
        choices=[
            (WAITING, _("Waiting for a decision")),
            (Decision.APPROVED, _("Approved, not sent yet")),
            (Decision.REJECTED, _("Not approved")),
        ],
        method="by_decision",
    )

    class Meta:
        model = Referral
        fields = ["q", "status", "agency", "overdue", "penetapan"]

    def __init__(self, *args, agency_view=False, decision_filter=False, **kwargs):
        super().__init__(*args, **kwargs)
        if agency_view:  # an agency's inbox holds its own referrals only, never drafts
            del self.filters["agency"]
            self.filters["status"].extra["choices"] = [
                c for c in ReferralStatus.choices if c[0] != ReferralStatus.DRAFT
            ]
        if agency_view or not decision_filter:
            del self.filters["penetapan"]

    def by_decision(self, queryset, name, value):
        decision = "" if value == WAITING else value
        return queryset.filter(status=ReferralStatus.DRAFT, decision=decision)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(person_name__icontains=value))

    def overdue_only(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()) if value else queryset
