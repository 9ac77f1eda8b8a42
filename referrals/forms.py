from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.models import Attachment
from onegate.uploads import AttachmentsField
from onegate.versioning import VersionedForm
from registry import consent

from .models import ConsentGiver, ConsentMethod, Decision, Service, ServiceStatus
from .services import AGENCY_TRANSITIONS, DRAFT_FIELDS

DATETIME_INPUT = forms.DateTimeInput(
    format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off"}
)
YES_NO = [
    ("True", _("Yes: the agency also sees the NIK, date of birth, address, phone, disability and the documents")),
    ("False", _("No: the agency sees only the name, sex, age and kelurahan")),
]


def active_services(exclude_agency=None):
    services = Service.objects.filter(status=ServiceStatus.ACTIVE, agency__is_active=True).select_related("agency")
    if exclude_agency is not None:
        services = services.exclude(agency_id=exclude_agency)
    return services.order_by("agency__name", "name")


class ServiceField(forms.ModelChoiceField):
    """Active services, grouped by agency in the select."""

    def __init__(self, *, exclude_agency=None, **kwargs):
        super().__init__(queryset=active_services(exclude_agency), **kwargs)
        self.exclude_agency = exclude_agency
        self.choices = self.grouped_choices

    def grouped_choices(self):
        groups, choices = {}, [("", "---------")]
        for service in active_services(self.exclude_agency):
            groups.setdefault(service.agency.name, []).append((service.pk, service_with_sla(service)))
        return choices + list(groups.items())


def service_with_sla(service) -> str:
    days = service.sla_working_days
    return ngettext("%(service)s (%(days)s working day)", "%(service)s (%(days)s working days)", days) % {
        "service": service.name,
        "days": days,
    }


class ReferralForm(VersionedForm):
    """Drafting a referral: where to, why, what is asked, the documents, and the person's consent."""

    service = ServiceField(
        label=_("Agency and service"), help_text=_("The due date follows the service's SLA in working days.")
    )
    reason = forms.CharField(
        label=_("Why the person is referred"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    request = forms.CharField(
        label=_("What is asked of the agency"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    documents_provided = forms.MultipleChoiceField(
        label=_("Documents the person has provided"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The documents this service asks for."),
    )
    complaint_attachments = forms.ModelMultipleChoiceField(
        label=_("The complaint's files to send along"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = AttachmentsField(
        label=_("Attach documents"), help_text=_("Photos (JPEG, PNG, WebP) or PDF, up to 5 files.")
    )
    consent_given = forms.TypedChoiceField(
        label=_("Did the person (or their family) agree that the agency receives their personal data?"),
        choices=YES_NO,
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
    )
    consent_by = forms.CharField(label=_("Consent given by (name)"), max_length=150, required=False)
    consent_giver = forms.ChoiceField(
        label=_("Who gave consent"), choices=[("", "---------"), *ConsentGiver.choices], required=False
    )
    consent_method = forms.ChoiceField(
        label=_("How consent was given"), choices=[("", "---------"), *ConsentMethod.choices], required=False
    )
    consent_at = forms.DateTimeField(
        label=_("When consent was given"), required=False, widget=DATETIME_INPUT, help_text=_("dd/mm/yyyy hh:mm")
    )

    def __init__(self, *args, complaint=None, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None and (decision := consent.current_decision(person)) and decision.is_withdrawal:
            self._refuse_consent(decision)
        if complaint is not None and complaint.attachments.exists():
            self.fields["complaint_attachments"].queryset = complaint.attachments.all()
        else:
            del self.fields["complaint_attachments"]
        self.fields["documents_provided"].choices = self._document_choices()
        # Choosing a service brings its documents into the form (htmx); without script the
        # documents appear when the form comes back.
        self.fields["service"].widget.attrs.update(
            {"hx-get": reverse("referrals:service-documents"), "hx-target": "#documents-field", "hx-swap": "outerHTML"}
        )
        if not self.is_bound and "consent_at" not in self.initial:
            self.initial["consent_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def _refuse_consent(self, withdrawal):
        """The person withdrew their consent: the referral shares the minimum, nothing to ask."""
        field = self.fields["consent_given"]
        field.choices = [choice for choice in YES_NO if choice[0] == "False"]
        field.help_text = _(
            "The person withdrew their consent to share their data on %(when)s (recorded on their page): "
            "the agency receives only the minimum."
        ) % {"when": timezone.localtime(withdrawal.decided_at).strftime("%d/%m/%Y")}
        self.initial["consent_given"] = "False"
        self.consent_withdrawn = True

    consent_withdrawn = False

    def selected_service(self):
        value = self.data.get("service") if self.is_bound else self.initial.get("service")
        value = getattr(value, "pk", value)
        if value and str(value).isdigit():
            return active_services().filter(pk=value).prefetch_related("required_documents").first()
        return None

    def _document_choices(self):
        service = self.selected_service()
        return [(d.document, d.document) for d in service.required_documents.all()] if service else []

    def clean(self):
        data = super().clean()
        if data.get("consent_given"):
            for field in ("consent_by", "consent_giver", "consent_method", "consent_at"):
                if not data.get(field):
                    self.add_error(field, _("Needed when consent was given."))
        return data

    def referral_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in DRAFT_FIELDS if k in self.cleaned_data}


class SendForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the agency (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class DecisionForm(VersionedForm):
    """The manager's decision on a recommendation (penetapan layanan)."""

    fields_for_model_fields = {"decision_note": "note"}
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.APPROVED, _("Approve: the referral may be sent to the agency")),
            (Decision.REJECTED, _("Do not approve: the recommendation is closed")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note on the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Required when not approving (the reason). Shown on the timeline."),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, initial={"version": referral.version}, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.REJECTED and not (data.get("note") or "").strip():
            self.add_error("note", _("Write why the recommendation is not approved."))
        return data


class StatusForm(VersionedForm):
    fields_for_model_fields = {"status": "to_status", "outcome": "note"}
    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Required to complete (the outcome) or to reject (the reason)."),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, initial={"version": referral.version}, **kwargs)
        from .models import ReferralStatus

        allowed = AGENCY_TRANSITIONS.get(referral.status, set())
        self.fields["to_status"].choices = [(v, label) for v, label in ReferralStatus.choices if v in allowed]


class RedirectForm(VersionedForm):
    fields_for_model_fields = {"outcome": "note"}

    to_service = ServiceField(
        label=_("Redirect to"), help_text=_("A service of another agency; it receives a linked referral at once.")
    )
    note = forms.CharField(
        label=_("Why the person is redirected"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, initial={"version": referral.version}, **kwargs)
        self.fields["to_service"] = ServiceField(
            label=self.fields["to_service"].label,
            help_text=self.fields["to_service"].help_text,
            exclude_agency=referral.agency_id,
        )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DocumentForm(forms.Form):
    attachments = AttachmentsField(
        label=_("Add documents"), required=True, help_text=_("Photos (JPEG, PNG, WebP) or PDF, up to 5 files.")
    )


DATE_INPUT = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
)


class PerformancePeriodForm(forms.Form):
    """The period of the managers' performance table, by the date referrals were sent."""

    sent_from = forms.DateField(label=_("Sent from"), required=False, widget=DATE_INPUT)
    sent_until = forms.DateField(label=_("Sent until"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if data.get("sent_from") and data.get("sent_until") and data["sent_from"] > data["sent_until"]:
            self.add_error("sent_until", _("The end of the period comes before its start."))
        return data

    def filter(self, referrals):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("sent_from"):
            referrals = referrals.filter(sent_at__date__gte=data["sent_from"])
        if data.get("sent_until"):
            referrals = referrals.filter(sent_at__date__lte=data["sent_until"])
        return referrals
