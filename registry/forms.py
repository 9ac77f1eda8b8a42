from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.regions.models import VILLAGE_LEVELS, Region

from .models import (
    WG_DOMAINS,
    AssistiveDevice,
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

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"})


def village_choices(user):
    """The kelurahan/desa inside the user's region scope (for entry forms and list filters)."""
    villages = Region.objects.filter(level__in=VILLAGE_LEVELS)
    if user.region_id:
        villages = villages.filter(Q(code=user.region_id) | Q(code__startswith=user.region_id + "."))
    return villages.order_by("name")


class NikField(forms.CharField):
    def __init__(self, *, label=_("NIK"), **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(label=label, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        return clean_number(super().clean(value), label=str(self.label))


class HouseholdForm(forms.ModelForm):
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


class PersonForm(forms.ModelForm):
    nik = NikField(help_text=_("16 digits. Leave empty for people without a NIK: they are flagged for the civil registry."))
    confirm_nik = forms.BooleanField(
        label=_("I checked: the NIK is right although it disagrees with the data above"), required=False
    )

    class Meta:
        model = Person
        fields = [
            "nik", "full_name", "sex", "birth_place", "birth_date", "relationship", "religion", "marital_status",
            "education", "occupation", "phone", "mother_name", "life_status", "domicile_address",
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


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class DisabilityProfileForm(forms.ModelForm):
    types = forms.MultipleChoiceField(
        label=_("Disability types (UU 8/2016)"),
        choices=DisabilityType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two or more make a multiple disability."),
    )
    devices_needed = forms.MultipleChoiceField(
        label=_("Assistive devices needed"), choices=AssistiveDevice.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    devices_owned = forms.MultipleChoiceField(
        label=_("Assistive devices owned"), choices=AssistiveDevice.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = DisabilityProfile
        fields = ["types", "severity", "cause", "devices_needed", "devices_owned", "daily_dependence", "caregiver_name", "card_number", *WG_DOMAINS]


class WelfareProfileForm(forms.ModelForm):
    class Meta:
        model = WelfareProfile
        fields = ["dtks_status", "decile", "uninhabitable_house"]
        widgets = {"decile": forms.NumberInput(attrs={"min": 1, "max": 10})}


class PpksRecordForm(forms.ModelForm):
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
