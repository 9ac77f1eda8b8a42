import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onegate.tables import FastTable, badge, pk_url

from .models import Referral, ReferralStatus


class ReferralTable(FastTable):
    number = tables.Column(verbose_name=_("Letter number"), linkify=pk_url("referrals:detail"), empty_values=())
    sent_at = tables.DateTimeColumn(verbose_name=_("Sent"), format="d/m/Y")
    person_name = tables.Column(verbose_name=_("Person"))
    region = tables.Column(verbose_name=_("Kelurahan/desa"), accessor="region__name", order_by=("region__name",))
    service = tables.Column(
        verbose_name=_("Service"), accessor="service__name", order_by=("agency__name", "service__name")
    )
    status = tables.Column(verbose_name=_("Status"))
    due_date = tables.Column(verbose_name=_("Due"))

    class Meta:
        model = Referral
        fields = ["number", "sent_at", "person_name", "region", "service", "status", "due_date"]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No referral matches.")

    def __init__(self, *args, agency_view=False, decision_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.agency_view = agency_view
        self.decision_required = decision_required

    def render_number(self, value, record):
        if value:
            return value
        if self.decision_required or record.decision:
            return _("Service recommendation #%(pk)s") % {"pk": record.pk}
        return str(record)

    def render_service(self, value, record):
        if self.agency_view:
            return value
        return format_html("{}<br><span class='small'>{}</span>", value, record.agency.name)

    def render_status(self, value, record):
        shown = badge(f"og-referral-{record.status}", value)  # value: get_status_display()
        if record.status != ReferralStatus.DRAFT:
            return shown
        if record.decision:
            return format_html("{} {}", shown, badge(f"og-decision-{record.decision}", record.get_decision_display()))
        if self.decision_required:
            return format_html("{} {}", shown, badge("og-decision-menunggu", _("Waiting for a decision")))
        return shown

    def render_due_date(self, value, record):
        if record.is_overdue(self.today):
            return format_html(
                '{} <span class="small">{}</span>', badge("og-sla-terlambat", _("Overdue")), value.strftime("%d/%m/%Y")
            )
        return value.strftime("%d/%m/%Y")
