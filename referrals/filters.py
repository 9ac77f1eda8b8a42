import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.agencies.models import Agency, AgencyKind

from .models import Service, ServiceCategory, ServiceStatus


class ServiceFilter(django_filters.FilterSet):
    """The directory's search: words in the service or agency, category, agency, agency kind."""

    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Service, agency, eligibility or document."))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=ServiceCategory.choices)
    agency = django_filters.ModelChoiceFilter(label=_("Agency"), queryset=Agency.objects.filter(is_active=True).order_by("name"))
    kind = django_filters.ChoiceFilter(label=_("Kind of agency"), choices=AgencyKind.choices, field_name="agency__kind")
    inactive = django_filters.BooleanFilter(label=_("Include services not running now"), method="include_inactive", widget=forms.CheckboxInput)

    class Meta:
        model = Service
        fields = ["q", "category", "agency", "kind", "inactive"]

    def search(self, queryset, name, value):
        matches = Q()
        for word in value.split():
            matches &= (
                Q(name__icontains=word) | Q(description__icontains=word) | Q(eligibility__icontains=word)
                | Q(agency__name__icontains=word) | Q(agency__code__iexact=word) | Q(required_documents__document__icontains=word)
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
