"""Forms for self-reports: the public form (with its anti-spam checks) and the officer's forms."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from onegate.web.antispam import AntiSpamFormMixin

from . import self_reports
from .forms import DATE_INPUT, NikField
from .models import (
    AssistiveDevice,
    DisabilityType,
    ReporterRelation,
    SelfReport,
    Severity,
    Sex,
)

PHONE = RegexValidator(r"^\+?[0-9][0-9 \-]{6,25}$", _("Enter a phone number, e.g. 0812 3456 7890."))

# The fields a report stores; the others are consent and anti-spam.
REPORT_FIELDS = [
    "reporter_relation",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "full_name",
    "nik",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "rt",
    "rw",
    "region",
    "types",
    "severity",
    "devices_needed",
    "daily_needs",
]


class VillageChoiceField(forms.ModelChoiceField):
    """Residents know their kelurahan's name, not its code: name and kecamatan."""

    def label_from_instance(self, obj):
        return f"{obj.name} (Kec. {obj.parent.name})" if obj.parent_id else obj.name


class SelfReportForm(AntiSpamFormMixin, forms.ModelForm):
    reporter_relation = forms.ChoiceField(
        label=_("Who is filling in this form?"), choices=ReporterRelation.choices, widget=forms.RadioSelect
    )
    reporter_name = forms.CharField(
        label=_("Your name"), max_length=150, required=False, help_text=_("Not needed when you report about yourself.")
    )
    reporter_phone = forms.CharField(
        label=_("Your phone or WhatsApp number"),
        max_length=30,
        validators=[PHONE],
        help_text=_("The officer calls this number to check the report."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(
        label=_("Your email (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    full_name = forms.CharField(label=_("Full name of the person with a disability"), max_length=150)
    nik = NikField(
        label=_("NIK (optional)"), help_text=_("The 16 digits on the KTP or KK. Leave empty if you do not know it.")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    region = VillageChoiceField(
        label=_("Kelurahan/desa"), queryset=self_reports.office_villages().none(), empty_label=_("Choose…")
    )
    types = forms.MultipleChoiceField(
        label=_("Type of disability"),
        choices=DisabilityType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick all that apply."),
    )
    severity = forms.ChoiceField(label=_("How severe is it?"), choices=Severity.choices, widget=forms.RadioSelect)
    devices_needed = forms.MultipleChoiceField(
        label=_("Assistive devices needed"),
        choices=AssistiveDevice.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    daily_needs = forms.CharField(
        label=_("What help is needed in daily life? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the Social Office processes these data."),
        help_text=_(
            "The data are used only to check this report and to plan services for the person, and are protected under "
            "Law 27/2022 on personal data protection."
        ),
        error_messages={"required": _("The report can only be processed with your consent.")},
    )

    class Meta:
        model = SelfReport
        fields = REPORT_FIELDS
        widgets = {"birth_date": DATE_INPUT}
        labels = {
            "birth_place": _("Place of birth"),
            "birth_date": _("Date of birth"),
            "address": _("Address (street, number, hamlet)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self_reports.office_villages().select_related("parent").order_by("name")
        for f in ("rt", "rw"):
            self.fields[f].widget.attrs.update({"inputmode": "numeric", "size": 3})
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born and born > datetime.date.today():
            raise ValidationError(_("The date of birth is in the future."))
        return born

    def clean(self):
        data = super().clean()
        relation = data.get("reporter_relation")
        if relation and relation != ReporterRelation.SELF and not data.get("reporter_name"):
            self.add_error("reporter_name", _("Give your name, so the officer knows who reported."))
        return data

    def report_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in REPORT_FIELDS}


class FindPersonForm(forms.Form):
    nik = NikField(label=_("NIK of a registered person"), required=True)


REJECT_REASONS = [
    ("spam", _("Spam or a test")),
    ("not_found", _("The person was not found at the address")),
    ("no_disability", _("The person has no disability")),
    ("duplicate", _("Already reported or registered")),
    ("outside", _("Not in this kelurahan")),
    ("other", _("Other")),
]


class SelfReportRejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=REJECT_REASONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Details"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not data.get("note", "").strip():
            self.add_error("note", _("Describe the reason."))
        return data

    def reason_text(self) -> str:
        label = str(dict(REJECT_REASONS)[self.cleaned_data["reason"]])
        note = self.cleaned_data["note"].strip()
        return f"{label}: {note}" if note else label
