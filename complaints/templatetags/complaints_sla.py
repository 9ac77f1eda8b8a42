from django import template

from onegate.tables import badge

from ..models import SlaState

register = template.Library()


@register.simple_tag
def sla_badge(state: str) -> str:
    """``{% sla_badge state %}``: a complaint's SLA state (tepat waktu, berisiko, terlambat) as the
    one badge the list, the complaint, the person's page, the queue and the receipt all show."""
    return badge(f"og-sla-{state}", SlaState(state).label)
