from django import template
from django.utils.html import format_html

from ..models import SlaState

register = template.Library()


@register.simple_tag
def sla_badge(state: str) -> str:
    """``{% sla_badge state %}``: a complaint's SLA state (tepat waktu, berisiko, terlambat) as the
    one badge the list, the complaint, the person's page, the queue and the receipt all show."""
    return format_html('<span class="badge og-sla-{}">{}</span>', state, SlaState(state).label)
