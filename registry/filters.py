import django_filters
from django import forms
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from onegate import reference_cache
from onegate.filters import MODEL_CHOICE_ERRORS, VillageFilterMixin

from .models import (
    DisabilityType,
    Household,
    Person,
    PpksCategory,
    Program,
    ProgramReceipt,
    Relationship,
    Sex,
    VerificationStatus,
)
from .search import people_named
from .selectors import people_visible_to


def ppks_options() -> list[tuple[int, str]]:
    return reference_cache.cached(
        "ppks categories", lambda: [(c.pk, str(c)) for c in PpksCategory.objects.order_by("code")]
    )


class PersonFilter(VillageFilterMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("NIK, KK or name"), method="search")
    region = django_filters.ChoiceFilter(label=_("Kelurahan/desa"), choices=(), error_messages=MODEL_CHOICE_ERRORS)
    status = django_filters.ChoiceFilter(label=_("Verification"), choices=VerificationStatus.choices)
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    disability = django_filters.ChoiceFilter(
        label=_("Disability type"), choices=DisabilityType.choices, method="by_disability"
    )
    ppks = django_filters.ChoiceFilter(
        label=_("PPKS category"), choices=ppks_options, field_name="ppks__category", error_messages=MODEL_CHOICE_ERRORS
    )
    decile = django_filters.NumberFilter(
        label=_("Decile up to"),
        field_name="welfare__decile",
        lookup_expr="lte",
        widget=forms.NumberInput(attrs={"min": 1, "max": 10}),
    )
    program = django_filters.ChoiceFilter(label=_("Program"), choices=Program.choices, method="by_program")
    without_nik = django_filters.BooleanFilter(label=_("Without NIK"), field_name="nik", lookup_expr="isnull")

    class Meta:
        model = Person
        fields = ["q", "region", "status", "sex", "disability", "ppks", "decile", "program", "without_nik"]

    def filter_queryset(self, queryset):
        # The name search last: it reads its pages from the list as every other filter left it.
        data = self.form.cleaned_data
        for name in sorted(data, key=lambda name: name == "q"):
            queryset = self.filters[name].filter(queryset, data[name])
        return queryset

    def search(self, queryset, name, value):
        value = value.strip()
        digits = value.replace(" ", "")
        if digits.isdigit() and len(digits) == 16:
            return queryset.filter(nik=digits) | queryset.filter(household__kk_number=digits)
        if len(value) < 3:
            return queryset.filter(full_name__istartswith=value)
        # The start of the name, whole words, or a letter off (Muhamad/Muhammad, Rizki/Rizky): registry.search.
        return people_named(queryset, value)

    def by_disability(self, queryset, name, value):
        return queryset.filter(disability__types__contains=[value])

    def by_program(self, queryset, name, value):
        # EXISTS, not a join + DISTINCT over every column (half a second at a million people).
        return queryset.filter(Exists(ProgramReceipt.objects.filter(person=OuterRef("pk"), program=value)))


class HouseholdFilter(VillageFilterMixin, django_filters.FilterSet):
    """Households by KK number (exactly 16 digits) or the head of family's name (fuzzy, as for people)."""

    q = django_filters.CharFilter(label=_("KK number or head of family's name"), method="search")
    region = django_filters.ChoiceFilter(label=_("Kelurahan/desa"), choices=(), error_messages=MODEL_CHOICE_ERRORS)
    status = django_filters.ChoiceFilter(label=_("Verification"), choices=VerificationStatus.choices)

    class Meta:
        model = Household
        fields = ["q", "region", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        digits = value.replace(" ", "")
        if digits.isdigit() and len(digits) == 16:
            return queryset.filter(kk_number=digits)
        # Heads of family the user may see (a head living elsewhere is not searched by name).
        people = people_visible_to(self.request.user)
        heads = people.filter(relationship=Relationship.HEAD, household__isnull=False)
        if len(value) < 3:
            return queryset.filter(pk__in=heads.filter(full_name__istartswith=value).values("household_id"))
        # Fuzzy, as for people (registry.search.people_named): other spellings of the head's name still
        # find the family; the best match first.
        similarity = TrigramWordSimilarity(value.upper(), Upper("full_name"))
        best = heads.filter(household=OuterRef("pk")).annotate(name_match=similarity).order_by("-name_match")
        return (
            queryset.filter(pk__in=people_named(heads, value, widen=True).values("household_id"))
            .annotate(name_match=Subquery(best.values("name_match")[:1]))
            .order_by("-name_match", "-pk")
        )
