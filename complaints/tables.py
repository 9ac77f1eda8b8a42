import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onegate.tables import FastTable, badge, pk_url

from .models import Complaint
from .sla import SlaClock
from .templatetags.complaints_sla import sla_badge

# On a tablet a ticket number (ADU-2026-000123) and an SLA badge with its date stay on one line; the
# kelurahan and officer columns, the least read, are left to wider screens; the table scrolls sideways if need be.
ONE_LINE = {"td": {"class": "text-nowrap"}}
WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}


class ComplaintTable(FastTable):
    ticket_number = tables.Column(verbose_name=_("Ticket"), linkify=pk_url("complaints:detail"), attrs=ONE_LINE)
    received_at = tables.DateTimeColumn(verbose_name=_("Received"), format="d/m/Y H:i")
    subject_name = tables.Column(verbose_name=_("Person concerned"))
    category = tables.Column(verbose_name=_("Category"), accessor="category", order_by=("category__name",))
    region = tables.Column(
        verbose_name=_("Kelurahan/desa"), accessor="region__name", order_by=("region__name",), attrs=WIDE_ONLY
    )
    status = tables.Column(verbose_name=_("Status"))
    due_date = tables.Column(verbose_name=_("SLA"), attrs=ONE_LINE)
    assigned_to = tables.Column(
        verbose_name=_("Officer"), accessor="assigned_to", order_by=("assigned_to__username",), attrs=WIDE_ONLY
    )

    class Meta:
        model = Complaint
        fields = [
            "ticket_number",
            "received_at",
            "subject_name",
            "category",
            "region",
            "status",
            "due_date",
            "assigned_to",
        ]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No complaint matches.")

    def render_status(self, value, record):
        return badge(f"og-complaint-{record.status}", value)  # value: get_status_display()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clock = SlaClock.now()

    def render_due_date(self, value, record):
        state = self.clock.state(record)
        return format_html('{} <span class="small">{}</span>', sla_badge(state), value.strftime("%d/%m/%Y"))

    def render_assigned_to(self, value, record):
        return value.get_full_name() or value.username
