import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from onegate.tables import FastTable, badge, pk_url

from .models import Household, Person
from .privacy import nik_for


class PersonTable(FastTable):
    nik = tables.Column(verbose_name=_("NIK"), orderable=False, empty_values=())
    full_name = tables.Column(verbose_name=_("Name"), linkify=pk_url("registry:person-detail"))
    birth_date = tables.DateColumn(verbose_name=_("Date of birth"), format="d/m/Y")
    region = tables.Column(verbose_name=_("Kelurahan/desa"), accessor="region__name", order_by=("region__name",))
    status = tables.Column(verbose_name=_("Verification"))

    class Meta:
        model = Person
        fields = ["nik", "full_name", "sex", "birth_date", "region", "status"]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No person matches.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # whole or masked NIKs: registry.privacy decides

    def render_nik(self, value, record):
        return nik_for(self.user, value) if value else badge("text-bg-warning", _("no NIK"))

    def render_status(self, value, record):
        return badge(f"og-status-{record.status}", value)  # value: get_status_display()


class HouseholdTable(FastTable):
    """Needs ``head_name`` annotated (the household list does it)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # whole or masked KK numbers: registry.privacy decides

    kk_number = tables.Column(verbose_name=_("KK number"), empty_values=(), linkify=pk_url("registry:household-detail"))
    head_name = tables.Column(verbose_name=_("Head of family"), empty_values=(), order_by=("head_name", "pk"))
    address = tables.Column(verbose_name=_("Address"))
    region = tables.Column(verbose_name=_("Kelurahan/desa"), accessor="region__name", order_by=("region__name", "pk"))
    status = tables.Column(verbose_name=_("Verification"))

    class Meta:
        model = Household
        fields = ["kk_number", "head_name", "address", "region", "status"]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No household matches.")

    def render_kk_number(self, value, record):
        return nik_for(self.user, value) if value else _("without KK")

    def render_head_name(self, value, record):
        return value or "—"

    def render_address(self, value, record):
        return f"{value} RT {record.rt or '—'}/RW {record.rw or '—'}"

    def render_status(self, value, record):
        return badge(f"og-status-{record.status}", value)  # value: get_status_display()
