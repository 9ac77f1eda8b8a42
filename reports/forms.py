"""The parameters of each kind of report, as the request page asks for them. Areas offered are
those inside the user's own region; the service checks them again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Population, ReportType
from .scope import RequesterScope, area_choices


class RecapForm(forms.Form):
    """Recaps of the registry (disability, PPKS): one area, verified records or all."""

    area = forms.ChoiceField(label=_("Area"), help_text=_("The whole area you work in, a kecamatan or one kelurahan."))
    include_unverified = forms.BooleanField(
        label=_("Also count records not yet verified"), required=False, help_text=_("By default only verified records are counted.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices(RequesterScope.of_user(user))

    def request_arguments(self) -> dict:
        return {"regions": [self.cleaned_data["area"]], "include_unverified": self.cleaned_data["include_unverified"]}


class BeneficiaryListForm(forms.Form):
    """The beneficiary list: one or several kelurahan, who is listed, verified records or all."""

    areas = forms.MultipleChoiceField(
        label=_("Kelurahan/desa"), help_text=_("Each kelurahan starts on a new page. Hold Ctrl (or Cmd) to choose several."),
    )
    population = forms.ChoiceField(label=_("People listed"), choices=Population.choices, initial=Population.ALL)
    include_unverified = forms.BooleanField(
        label=_("Also list records not yet verified"), required=False, help_text=_("By default only verified records are listed.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = area_choices(RequesterScope.of_user(user), villages_only=True)
        self.fields["areas"].choices = choices
        self.fields["areas"].widget.attrs["size"] = min(12, max(3, len(choices)))
        if len(choices) == 1:
            self.fields["areas"].initial = [choices[0][0]]

    def request_arguments(self) -> dict:
        return {
            "regions": self.cleaned_data["areas"], "population": self.cleaned_data["population"],
            "include_unverified": self.cleaned_data["include_unverified"],
        }


FORMS = {
    ReportType.DISABILITY_RECAP: RecapForm,
    ReportType.PPKS_RECAP: RecapForm,
    ReportType.BENEFICIARY_LIST: BeneficiaryListForm,
}
