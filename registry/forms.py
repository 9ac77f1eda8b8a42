from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.filters import village_choices
from onegate.versioning import VersionedForm

from .models import (
    WG_DOMAINS,
    AssistiveDevice,
    ConsentDecision,
    DisabilityProfile,
    DisabilityType,
    Household,
    Person,
    PersonPpks,
    ProgramReceipt,
    Relationship,
    WelfareProfile,
)
from .nik import clean_number
from .selectors import people_visible_to

DATE_INPUT = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
)


class NikField(forms.CharField):
    def __init__(self, *, label=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(label=label or _("NIK"), **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        return clean_number(super().clean(value), label=str(self.label))


class HouseholdForm(VersionedForm, forms.ModelForm):
    kk_number = NikField(label=_("KK number"), help_text=_("16 digits; leave empty if the family has no KK."))

    class Meta:
        model = Household
        fields = ["kk_number", "address", "rt", "rw", "region", "latitude", "longitude"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = village_choices(user)
        if user.region_id and user.region.is_village:
            self.fields["region"].initial = user.region_id  # an officer's own kelurahan
        for f in ("rt", "rw"):
            self.fields[f].widget.attrs.update({"inputmode": "numeric", "size": 3})


class PersonForm(VersionedForm, forms.ModelForm):
    nik = NikField(
        help_text=_("16 digits. Leave empty for people without a NIK: they are flagged for the civil registry.")
    )
    confirm_nik = forms.BooleanField(
        label=_("I checked: the NIK is right although it disagrees with the data above"), required=False
    )

    class Meta:
        model = Person
        fields = [
            "nik",
            "full_name",
            "sex",
            "birth_place",
            "birth_date",
            "relationship",
            "religion",
            "marital_status",
            "education",
            "occupation",
            "phone",
            "mother_name",
            "life_status",
            "domicile_address",
        ]
        widgets = {"birth_date": DATE_INPUT}

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        if "phone" in self.fields:
            self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean(self):
        from .services import person_nik_warnings

        data = super().clean()
        region = self.region or getattr(self.instance, "region", None)
        warnings = person_nik_warnings({**data, "region": region}) if data.get("nik") else {}
        if warnings and not data.get("confirm_nik"):
            for field, message in warnings.items():
                self.add_error(field if field in self.fields else "nik", message)
            self.add_error("confirm_nik", _("The NIK disagrees with the data: correct it, or confirm it was checked."))
        return data

    def person_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("confirm_nik", "DELETE")}


class MemberForm(PersonForm):
    class Meta(PersonForm.Meta):
        fields = ["nik", "full_name", "sex", "birth_place", "birth_date", "relationship"]
        widgets = PersonForm.Meta.widgets

    def member_data(self) -> dict:
        """What household_create takes for one member, with this member's own NIK confirmation."""
        return {**self.person_data(), "confirm_nik": self.cleaned_data.get("confirm_nik", False)}


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        members = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not members:
            raise ValidationError(_("Add at least one member."))
        heads = sum(1 for m in members if m.get("relationship") == Relationship.HEAD)
        if heads != 1:
            raise ValidationError(_("A household has exactly one head of family."))
        niks = [m["nik"] for m in members if m.get("nik")]
        if len(niks) != len(set(niks)):
            raise ValidationError(_("The same NIK is entered twice."))


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=0, min_num=1, can_delete=True)


class BaseNewMemberFormSet(forms.BaseFormSet):
    """Members added to an existing household: none is fine; the service checks the head of family
    against the whole household."""

    def clean(self):
        if any(self.errors):
            return
        niks = [
            f.cleaned_data["nik"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("nik")
        ]
        if len(niks) != len(set(niks)):
            raise ValidationError(_("The same NIK is entered twice."))


NewMemberFormSet = forms.formset_factory(MemberForm, formset=BaseNewMemberFormSet, extra=0, can_delete=True)


class CurrentMemberForm(VersionedForm):
    """One present member on the household edit page: their place in the family, or out of it."""

    relationship = forms.ChoiceField(
        label=_("Relationship in the family"), choices=[("", "---------"), *Relationship.choices], required=False
    )
    remove = forms.BooleanField(
        label=_("Take out of this household"),
        required=False,
        help_text=_("The person stays in the registry, without a household."),
    )

    def __init__(self, *args, person, **kwargs):
        initial = {"relationship": person.relationship, "version": person.version}
        super().__init__(*args, prefix=f"anggota-{person.pk}", initial=initial, **kwargs)
        self.person = person


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class DisabilityProfileForm(VersionedForm, forms.ModelForm):
    types = forms.MultipleChoiceField(
        label=_("Disability types (UU 8/2016)"),
        choices=DisabilityType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two or more make a multiple disability."),
    )
    devices_needed = forms.MultipleChoiceField(
        label=_("Assistive devices needed"),
        choices=AssistiveDevice.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    devices_owned = forms.MultipleChoiceField(
        label=_("Assistive devices owned"),
        choices=AssistiveDevice.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    caregiver_nik = NikField(
        label=_("or the caregiver's NIK"),
        help_text=_("A registered person in your area, when the caregiver is not in the household."),
    )

    class Meta:
        model = DisabilityProfile
        fields = [
            "types",
            "severity",
            "cause",
            "devices_needed",
            "devices_owned",
            "daily_dependence",
            "caregiver",
            "caregiver_name",
            "card_number",
            *WG_DOMAINS,
        ]
        labels = {"caregiver": _("Caregiver from the household"), "caregiver_name": _("or the caregiver's name")}
        help_texts = {"caregiver_name": _("When the caregiver is not in the registry.")}

    def __init__(self, *args, person=None, user=None, **kwargs):
        """``user``: whose registry the caregiver is looked up in (the NIK field); ``person``: whose
        household members are offered. Without them only a caregiver's name can be typed."""
        super().__init__(*args, **kwargs)
        self.person, self.user = person, user
        if user is None:
            del self.fields["caregiver"], self.fields["caregiver_nik"]
            return
        self.order_fields([*self.Meta.fields[: self.Meta.fields.index("caregiver") + 1], "caregiver_nik"])
        choices = self._household_choices()
        if choices.exists():
            self.fields["caregiver"].queryset = choices
            self.fields["caregiver"].label_from_instance = lambda p: (
                f"{p.full_name} ({p.get_relationship_display() or '—'})"
            )
        else:  # nobody to pick: no household (yet) or a household of one
            del self.fields["caregiver"]

    def profile_fields(self) -> list:
        """The profile's own fields, shown before the Washington Group questions."""
        return [f for f in self.visible_fields() if f.name not in WG_DOMAINS]

    def wg_fields(self) -> list:
        """The nine Washington Group questions, shown together under their own heading."""
        return [f for f in self.visible_fields() if f.name in WG_DOMAINS]

    def _household_choices(self):
        from onegate import scoping

        members = Person.objects.none()
        if self.person is not None and self.person.household_id:
            members = scoping.restrict(
                Person.objects.filter(household_id=self.person.household_id, merged_into__isnull=True).exclude(
                    pk=self.person.pk
                ),
                self.user,
            )
        current = self.instance.caregiver_id if self.instance.pk else None  # kept on offer even outside the household
        return Person.objects.filter(Q(pk__in=members.values("pk")) | Q(pk=current)).order_by("birth_date", "pk")

    def clean(self):

        data = super().clean()
        nik = data.pop("caregiver_nik", None)
        chosen = data.get("caregiver")
        if nik:
            found = people_visible_to(self.user).filter(nik=nik).first()
            if found is None:
                self.add_error("caregiver_nik", _("Nobody with this NIK is registered in your area."))
            elif chosen and chosen != found:
                self.add_error("caregiver_nik", _("Choose the caregiver from the household or by NIK, not both."))
            else:
                data["caregiver"] = chosen = found
        if chosen is not None and self.person is not None and chosen.pk == self.person.pk:
            self.add_error("caregiver_nik" if nik else "caregiver", _("A person cannot be their own caregiver."))
        if chosen is not None:
            data["caregiver_name"] = ""  # a registered caregiver: their name comes from the registry
        return data


class WelfareProfileForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = WelfareProfile
        fields = ["dtks_status", "decile", "uninhabitable_house"]
        widgets = {"decile": forms.NumberInput(attrs={"min": 1, "max": 10})}


class PpksRecordForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = PersonPpks
        fields = ["category", "identified_on", "source", "status"]
        widgets = {"identified_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: f"{c.code}. {c.name}"
        if self.instance.pk:
            self.fields["category"].disabled = True  # another category is another record


class ProgramReceiptForm(forms.ModelForm):
    class Meta:
        model = ProgramReceipt
        fields = ["program", "year", "note"]
        widgets = {"year": forms.NumberInput(attrs={"min": 2000, "max": 2100, "inputmode": "numeric"})}


class ConsentDecisionForm(forms.ModelForm):
    """A person's decision about sharing their data: who expressed it, how, when, and a note."""

    decided_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off"}
        ),
        help_text=_("dd/mm/yyyy hh:mm"),
    )

    class Meta:
        model = ConsentDecision
        fields = ["decided_by", "decider", "method", "decided_at", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("decided_at", timezone.localtime().replace(second=0, microsecond=0))
