from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Use the template's columns; CSV may be separated by commas or semicolons, UTF-8."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class ImportConfirmForm(forms.Form):
    nik_checked = forms.BooleanField(
        label=_("I checked the NIK of every row with a warning: save them as they are"), required=False
    )
