import django_filters
from django import forms
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from .forms import village_choices
from .search import people_named
from .models import DisabilityType, Person, PpksCategory, Program, Sex, VerificationStatus


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("NIK, KK or name"), method="search")
    region = django_filters.ModelChoiceFilter(label=_("Kelurahan/desa"), queryset=lambda request: village_choices(request.user))
    status = django_filters.ChoiceFilter(label=_("Verification"), choices=VerificationStatus.choices)
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    disability = django_filters.ChoiceFilter(label=_("Disability type"), choices=DisabilityType.choices, method="by_disability")
    ppks = django_filters.ModelChoiceFilter(label=_("PPKS category"), queryset=PpksCategory.objects.all(), field_name="ppks__category")
    decile = django_filters.NumberFilter(label=_("Decile up to"), field_name="welfare__decile", lookup_expr="lte", widget=forms.NumberInput(attrs={"min": 1, "max": 10}))
    program = django_filters.ChoiceFilter(label=_("Program"), choices=Program.choices, field_name="programs__program", distinct=True)
    without_nik = django_filters.BooleanFilter(label=_("Without NIK"), field_name="nik", lookup_expr="isnull")

    class Meta:
        model = Person
        fields = ["q", "region", "status", "sex", "disability", "ppks", "decile", "program", "without_nik"]

    def search(self, queryset, name, value):
        value = value.strip()
        digits = value.replace(" ", "")
        if digits.isdigit() and len(digits) == 16:
            return queryset.filter(nik=digits) | queryset.filter(household__kk_number=digits)
        if len(value) < 3:
            return queryset.filter(full_name__istartswith=value)
        # Fuzzy: names typed with other spellings (Muhamad/Muhammad, Rizki/Rizky) still match.
        return people_named(queryset, value)

    def by_disability(self, queryset, name, value):
        return queryset.filter(disability__types__contains=[value])
