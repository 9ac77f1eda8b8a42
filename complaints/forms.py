from django import forms
from django.utils.translation import gettext_lazy as _

from notices.models import Channel as MessageChannel
from onegate.filters import village_choices
from onegate.phones import is_mobile
from onegate.uploads import AttachmentsField
from onegate.versioning import VersionedForm
from onegate.web.antispam import AntiSpamFormMixin
from registry.forms import DATE_INPUT, NikField
from registry.models import Person, Sex
from registry.selectors import people_visible_to

from .models import Category, Channel, Complaint, Relation, Status, Urgency
from .phones import phone_digits
from .services import TRANSITIONS


def category_choices():
    """Top categories with their sub-categories under them, for a grouped select."""
    categories = list(Category.objects.filter(is_active=True).select_related("parent"))
    children = {}
    for c in categories:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    choices, general = [("", "---------")], _("general")
    for top in (c for c in categories if not c.parent_id):
        subs = children.get(top.pk, [])
        if subs:
            choices.append((top.name, [(top.pk, f"{top.name} ({general})")] + [(s.pk, s.name) for s in subs]))
        else:
            choices.append((top.pk, top.name))
    return choices


class CategoryField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.filter(is_active=True), label=_("Category"), **kwargs)
        self.choices = category_choices


class ComplaintContentForm(forms.Form):
    """What every complaint has, whoever records it (the desk or the public form)."""

    category = CategoryField()
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    attachments = AttachmentsField(
        label=_("Attachments"), help_text=_("Photos (JPEG, PNG, WebP) or PDF, up to 5 files.")
    )


class UpdatesConsentMixin:
    """The complainant's agreement to hear how the complaint goes, by SMS or WhatsApp, on the phone
    number they gave (recorded by complaints.services.complaint_create through notices)."""

    updates_label = _("The complainant agrees to receive updates on this number")

    def add_updates_fields(self):
        self.fields["updates"] = forms.BooleanField(
            label=self.updates_label,
            required=False,
            help_text=_("Only the ticket number and the status are sent; reply STOP to end them."),
        )
        self.fields["updates_channel"] = forms.ChoiceField(
            label=_("Send updates by"),
            choices=MessageChannel.choices,
            initial=MessageChannel.WHATSAPP,
            widget=forms.RadioSelect,
            required=False,
        )

    def clean_updates_consent(self, data):
        if not data.get("updates"):
            return
        if data.get("is_anonymous"):
            self.add_error("updates", _("An anonymous complainant cannot receive updates."))
        elif "complainant_phone" not in self._errors and not is_mobile(data.get("complainant_phone", "")):
            self.add_error("complainant_phone", _("Updates go only to a mobile number (08…, 10 to 13 digits)."))
        if not data.get("updates_channel"):
            self.add_error("updates_channel", _("Choose SMS or WhatsApp."))

    def updates_channel(self) -> str:
        """The channel the complainant agreed to, or "" without their agreement."""
        return self.cleaned_data.get("updates_channel", "") if self.cleaned_data.get("updates") else ""


class IntakeForm(UpdatesConsentMixin, ComplaintContentForm):
    """The desk's intake form: channel, complainant, the person concerned, then the content."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE], initial=Channel.WALK_IN
    )
    is_anonymous = forms.BooleanField(label=_("The complainant stays anonymous"), required=False)
    complainant_name = forms.CharField(label=_("Complainant name"), max_length=150, required=False)
    complainant_phone = forms.CharField(
        label=_("Complainant phone"),
        max_length=30,
        required=False,
        help_text=_("Needed to check the status online."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    complainant_relation = forms.ChoiceField(
        label=_("Relation to the person"), choices=[("", "---------"), *Relation.choices], required=False
    )
    subject = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.RadioSelect, label=_("Person in the registry")
    )
    subject_name = forms.CharField(label=_("Name of the person concerned"), max_length=150, required=False)
    subject_region = forms.ModelChoiceField(queryset=None, required=False, label=_("Kelurahan/desa of the person"))
    register_subject = forms.BooleanField(
        label=_("Register this person in the registry (the kelurahan verifies and completes the record)"),
        required=False,
        initial=True,
    )
    subject_sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Sex.choices], required=False)
    subject_nik = NikField()
    subject_birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    subject_confirm_nik = forms.BooleanField(
        label=_("I checked: the NIK is right although it disagrees with the data"), required=False
    )

    field_order = [
        "channel",
        "is_anonymous",
        "complainant_name",
        "complainant_phone",
        "updates",
        "updates_channel",
        "complainant_relation",
        "subject",
        "subject_name",
        "subject_region",
        "register_subject",
        "subject_sex",
        "subject_nik",
        "subject_birth_date",
        "subject_confirm_nik",
        "category",
        "urgency",
        "description",
        "attachments",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_updates_fields()
        self.order_fields(self.field_order)
        self.user = user
        self.fields["subject"].queryset = people_visible_to(user)
        self.fields["subject_region"].queryset = village_choices(user)

    # What the desk types for a person not in the registry (hidden once a registry person is picked).
    NEW_PERSON_FIELDS = (
        "subject_name",
        "subject_region",
        "register_subject",
        "subject_sex",
        "subject_nik",
        "subject_birth_date",
        "subject_confirm_nik",
    )

    def clean(self):
        data = super().clean()
        if not data.get("is_anonymous") and not data.get("complainant_name"):
            self.add_error("complainant_name", _("Give the complainant's name, or tick anonymous."))
        self.clean_updates_consent(data)
        if data.get("subject"):
            # A registry person was picked: what was typed for a new person is neither checked nor kept.
            for name in self.NEW_PERSON_FIELDS:
                self._errors.pop(name, None)
                data.pop(name, None)
        else:
            if not data.get("subject_name"):
                self.add_error("subject_name", _("Choose the person from the registry, or write their name."))
            if not data.get("subject_region"):
                self.add_error("subject_region", _("Choose the kelurahan/desa where the person lives."))
            if data.get("register_subject") and not data.get("subject_sex"):
                self.add_error("subject_sex", _("Needed to register the person."))
        return data

    def complaint_data(self) -> dict:
        d = self.cleaned_data
        data = {
            k: d[k]
            for k in (
                "channel",
                "is_anonymous",
                "complainant_name",
                "complainant_phone",
                "complainant_relation",
                "category",
                "urgency",
                "description",
            )
        }
        if d.get("subject"):
            data["subject"] = d["subject"]
        else:
            data.update(subject_name=d["subject_name"], region=d["subject_region"])
        return data

    def quick_person_data(self) -> dict | None:
        d = self.cleaned_data
        if d.get("subject") or not d.get("register_subject"):
            return None
        return {
            "full_name": d["subject_name"],
            "sex": d["subject_sex"],
            "nik": d.get("subject_nik") or None,
            "birth_date": d.get("subject_birth_date"),
            "region": d["subject_region"],
            "phone": d.get("complainant_phone", "") if d.get("complainant_relation") == Relation.SELF else "",
        }


class StatusForm(VersionedForm):
    fields_for_model_fields = {"status": "to_status", "closing_reason": "note"}
    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Required to finish, close or reopen: the outcome or the reason."),
    )
    is_public = forms.BooleanField(
        label=_("Show this note to the resident on the status page"), required=False, initial=True
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(complaint.status, set())
        self.fields["to_status"].choices = [(v, label) for v, label in Status.choices if v in allowed]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    is_public = forms.BooleanField(label=_("Show this note to the resident on the status page"), required=False)


class AssignForm(VersionedForm):
    fields_for_model_fields = {"assigned_to": "officer"}
    officer = forms.ModelChoiceField(queryset=None, label=_("Officer"), required=False, empty_label=_("nobody"))

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.get_role_display()})"
        )


class AssessmentLinkForm(VersionedForm):
    assessment = forms.ModelChoiceField(queryset=None, label=_("Needs assessment of the household"), empty_label=None)

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments
        self.fields["assessment"].label_from_instance = lambda a: (
            f"{a.visited_on:%d/%m/%Y} · {a.assessor.get_full_name() or a.assessor.username} · {a.get_status_display()}"
        )


class AttachmentForm(forms.Form):
    attachments = AttachmentsField(
        label=_("Add attachments"), required=True, help_text=_("Photos (JPEG, PNG, WebP) or PDF, up to 5 files.")
    )


class OnlineComplaintForm(UpdatesConsentMixin, AntiSpamFormMixin, ComplaintContentForm):
    """The public form: a resident reports without an account. It never looks anything up in the
    registry, so it reveals nothing about who is registered."""

    complainant_name = forms.CharField(label=_("Your name"), max_length=150)
    complainant_phone = forms.CharField(
        label=_("Your phone or WhatsApp number"),
        max_length=30,
        help_text=_("With the ticket number, it lets you check the status."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    complainant_relation = forms.ChoiceField(label=_("Who is the complaint about?"), choices=Relation.choices)
    subject_name = forms.CharField(label=_("Name of the person concerned"), max_length=150)
    region = forms.ModelChoiceField(
        queryset=None, label=_("Kelurahan/desa where the person lives"), empty_label=_("Choose…")
    )
    consent = forms.BooleanField(
        label=_("I agree that the Social Office processes these data to handle the complaint."),
        error_messages={"required": _("The complaint can only be processed with your consent.")},
    )

    def __init__(self, *args, **kwargs):
        from registry.self_reports import office_villages

        super().__init__(*args, **kwargs)
        self.add_updates_fields()
        self.fields["region"].queryset = office_villages().order_by("name")
        self.fields["urgency"].label = _("How urgent is it?")

    updates_label = _("Send me updates on this number")

    def clean_complainant_phone(self):
        phone = self.cleaned_data["complainant_phone"]
        if len(phone_digits(phone)) < 8:
            raise forms.ValidationError(_("Enter a phone number, e.g. 0812 3456 7890."))
        return phone

    def clean(self):
        data = super().clean()
        self.clean_updates_consent(data)
        return data

    def complaint_data(self) -> dict:
        fields = (
            "complainant_name",
            "complainant_phone",
            "complainant_relation",
            "subject_name",
            "region",
            "category",
            "urgency",
            "description",
        )
        return {f: self.cleaned_data[f] for f in fields} | {"channel": Channel.ONLINE}


class StatusCheckForm(forms.Form):
    ticket = forms.CharField(
        label=_("Ticket number"), max_length=20, help_text=_("As on your receipt, e.g. ADU-2026-000123.")
    )
    phone = forms.CharField(
        label=_("Phone number given when reporting"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_ticket(self):
        return self.cleaned_data["ticket"].strip().upper()
