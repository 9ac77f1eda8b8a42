from django import forms
from django.utils.translation import gettext_lazy as _

from onegate.versioning import VersionedForm
from registry.forms import DATE_INPUT

from .models import Assessment, NeedDomain, NeedLevel

HOUSEHOLD = "kk"  # the needs grid's key for the whole household's row


class AssessmentForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["visited_on", "method", "companions", "dtks_finding", "summary", "recommendation"]
        widgets = {
            "visited_on": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].input_formats = ["%d/%m/%Y"]
        self.fields["dtks_finding"].choices = [("", _("Same as the registry"))] + list(
            self.fields["dtks_finding"].choices
        )[1:]


class DecisionForm(VersionedForm):
    """A manager's verdict on a submitted assessment: verified, or rejected with the reason; carries
    the version the page showed, so a second click or another manager's decision changes nothing."""

    VERIFY, REJECT = "verifikasi", "tolak"

    decision = forms.ChoiceField(choices=[(VERIFY, _("Verify")), (REJECT, _("Reject"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text=_("Needed to reject: the officer sees it and fixes the assessment."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason, so the officer knows what to fix."))
        return data


class NeedsForm(forms.Form):
    """The grid of needs: for each domain a level and a note for the whole household and, where
    it differs, for each member. Fields are named ``<domain>-<kk|person pk>-level|note``."""

    def __init__(self, *args, members, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        stored = {(n.person_id, n.domain): n for n in assessment.needs.all()} if assessment else {}
        for domain in NeedDomain:
            for key, person in [(HOUSEHOLD, None), *((m.pk, m) for m in self.members)]:
                need = stored.get((getattr(person, "pk", None), domain.value))
                self.fields[f"{domain.value}-{key}-level"] = forms.TypedChoiceField(
                    label=domain.label,
                    choices=NeedLevel.choices,
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                    initial=need.level if need else NeedLevel.NONE,
                    required=False,
                    empty_value=NeedLevel.NONE,
                )
                self.fields[f"{domain.value}-{key}-note"] = forms.CharField(
                    label=_("Note"),
                    max_length=500,
                    required=False,
                    initial=need.note if need else "",
                    widget=forms.TextInput(
                        attrs={
                            "class": "form-control form-control-sm",
                            "placeholder": _("Note"),
                            "aria-label": "{}: {}, {}".format(
                                _("Note"), domain.label, person.full_name if person else _("household")
                            ),
                        }
                    ),
                )

    def rows(self):
        """For the template: per domain, the household's row and the members' rows, and whether a
        member's row holds anything (its disclosure then starts open)."""
        for domain in NeedDomain:
            members = [
                (m, self[f"{domain.value}-{m.pk}-level"], self[f"{domain.value}-{m.pk}-note"]) for m in self.members
            ]
            yield {
                "domain": domain,
                "level": self[f"{domain.value}-{HOUSEHOLD}-level"],
                "note": self[f"{domain.value}-{HOUSEHOLD}-note"],
                "members": members,
                "open": any(_holds_something(level, note) for _member, level, note in members),
            }

    def needs(self) -> list[dict]:
        persons = {str(m.pk): m for m in self.members}
        return [
            {
                "person": persons.get(key),
                "domain": domain.value,
                "level": self.cleaned_data[f"{domain.value}-{key}-level"],
                "note": self.cleaned_data[f"{domain.value}-{key}-note"],
            }
            for domain in NeedDomain
            for key in [HOUSEHOLD, *persons]
        ]


def _holds_something(level, note) -> bool:
    return str(level.value() or NeedLevel.NONE) != str(NeedLevel.NONE) or bool(note.value()) or bool(level.errors)
