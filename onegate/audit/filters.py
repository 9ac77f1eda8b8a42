import django_filters
from auditlog.registry import auditlog
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from .models import LogEntry


def audited_content_types(request=None):
    models = auditlog.get_models()
    ids = [ct.pk for ct in ContentType.objects.get_for_models(*models).values()] if models else []
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


class LogEntryFilter(django_filters.FilterSet):
    content_type = django_filters.ModelChoiceFilter(label=_("Object type"), queryset=audited_content_types)
    object_pk = django_filters.CharFilter(label=_("Object id"))
    actor = django_filters.ModelChoiceFilter(
        label=_("Done by"), queryset=lambda request: get_user_model().objects.order_by("username")
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=LogEntry.Action.choices)
    date_from = django_filters.DateFilter(
        label=_("From (dd/mm/yyyy)"), field_name="timestamp", lookup_expr="date__gte", widget=forms.DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("To (dd/mm/yyyy)"), field_name="timestamp", lookup_expr="date__lte", widget=forms.DateInput()
    )

    class Meta:
        model = LogEntry
        fields = ["content_type", "object_pk", "actor", "action", "date_from", "date_to"]
