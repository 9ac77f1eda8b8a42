"""The parameters of each kind of report, as the request page asks for them. Areas offered are
those inside the user's own region; the service checks them again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Population, ReportType
from .scope import RequesterScope, area_choices, villages_by_kecamatan
from .services import previous_month


class RecapForm(forms.Form):
    """Recaps of the registry (disability, PPKS): one area, verified records or all."""

    area = forms.ChoiceField(label=_("Area"), help_text=_("The whole area you work in, a kecamatan or one kelurahan."))
    include_unverified = forms.BooleanField(
        label=_("Also count records not yet verified"),
        required=False,
        help_text=_("By default only verified records are counted."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices(RequesterScope.of_user(user))

    def request_arguments(self) -> dict:
        return {"regions": [self.cleaned_data["area"]], "include_unverified": self.cleaned_data["include_unverified"]}


class BeneficiaryListForm(forms.Form):
    """The beneficiary list: one or several kelurahan, who is listed, verified records or all."""

    areas = forms.MultipleChoiceField(
        label=_("Kelurahan/desa"),
        help_text=_("Tick one or several; each kelurahan starts on a new page."),
        widget=forms.CheckboxSelectMultiple,
    )
    population = forms.ChoiceField(label=_("People listed"), choices=Population.choices, initial=Population.ALL)
    include_unverified = forms.BooleanField(
        label=_("Also list records not yet verified"),
        required=False,
        help_text=_("By default only verified records are listed."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        groups = villages_by_kecamatan(RequesterScope.of_user(user))
        self.fields["areas"].choices = groups
        villages = [code for _kecamatan, choices in groups for code, _name in choices]
        if len(villages) == 1:
            self.fields["areas"].initial = villages

    def request_arguments(self) -> dict:
        return {
            "regions": self.cleaned_data["areas"],
            "population": self.cleaned_data["population"],
            "include_unverified": self.cleaned_data["include_unverified"],
        }


DATE_INPUT = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
)


class ServiceRecapForm(forms.Form):
    """The complaints and referrals recap: a period, and for staff an area."""

    period_start = forms.DateField(label=_("From"), widget=DATE_INPUT, help_text=_("dd/mm/yyyy"))
    period_end = forms.DateField(label=_("Until"), widget=DATE_INPUT, help_text=_("dd/mm/yyyy, included"))
    area = forms.ChoiceField(
        label=_("Area"), required=False, help_text=_("The whole area you work in, a kecamatan or one kelurahan.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        first, last = previous_month(timezone.localdate())
        self.fields["period_start"].initial, self.fields["period_end"].initial = first, last
        choices = area_choices(RequesterScope.of_user(user))
        if choices:
            self.fields["area"].choices = choices
        else:  # an agency officer: the referrals sent to the agency, wherever the person lives
            del self.fields["area"]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period must start before it ends."))
        return data

    def request_arguments(self) -> dict:
        area = self.cleaned_data.get("area")
        return {
            "period_start": self.cleaned_data["period_start"],
            "period_end": self.cleaned_data["period_end"],
            "regions": [area] if area else [],
        }


FORMS = {
    ReportType.DISABILITY_RECAP: RecapForm,
    ReportType.PPKS_RECAP: RecapForm,
    ReportType.BENEFICIARY_LIST: BeneficiaryListForm,
    ReportType.SERVICE_RECAP: ServiceRecapForm,
}
