import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onegate import reference_cache
from onegate.filters import MODEL_CHOICE_ERRORS, VillageFilterMixin

from .forms import category_choices
from .models import Channel, Complaint, SlaState, Status
from .sla import SlaClock

DATE = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
)


def category_options():
    """category_choices() (grouped, labels in the current language), kept in process memory."""
    return reference_cache.cached(("complaint categories", get_language()), category_choices)


class ComplaintFilter(VillageFilterMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Ticket or name"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    sla = django_filters.ChoiceFilter(label=_("SLA"), choices=SlaState.choices, method="by_sla")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=category_options, method="by_category")
    region = django_filters.ChoiceFilter(
        label=_("Kelurahan/desa"), choices=(), method="by_region", error_messages=MODEL_CHOICE_ERRORS
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="received_at", lookup_expr="date__gte", widget=DATE
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"), field_name="received_at", lookup_expr="date__lte", widget=DATE
    )
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="assigned_to_me", widget=forms.CheckboxInput)

    class Meta:
        model = Complaint
        fields = ["q", "status", "sla", "category", "region", "channel", "received_from", "received_to", "mine"]

    def search(self, queryset, name, value):
        value = value.strip()
        if value.upper().startswith("ADU-"):
            return queryset.filter(ticket_number=value.upper())
        return queryset.filter(
            Q(subject_name__icontains=value) | Q(complainant_name__icontains=value) | Q(ticket_number__endswith=value)
        )

    def by_sla(self, queryset, name, value):
        return queryset.filter(SlaClock.now().q(value))

    def by_category(self, queryset, name, value):
        # A top category includes its sub-categories.
        return queryset.filter(Q(category_id=value) | Q(category__parent_id=value))

    def by_region(self, queryset, name, value):
        return queryset.filter(region_id=value)

    def assigned_to_me(self, queryset, name, value):
        return queryset.filter(assigned_to=self.request.user) if value else queryset
