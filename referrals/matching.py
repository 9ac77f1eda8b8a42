"""Where a person stands with a service, in SQL filters on registry.Person shared by the person
page's suggestions and the eligible-but-unserved lists:

- **receiving**: a completed referral to the service in the last ``RECEIVING_DAYS`` days, or, when
  the service delivers a programme (``Service.program``), a receipt of it this year;
- **referred**: a referral to the service that is sent, accepted or in progress (an open one);
- **unserved**: eligible (``referrals.eligibility``) and neither receiving nor referred.
"""

import datetime

from django.db.models import Exists, OuterRef, Q

from registry.models import ProgramReceipt

from .eligibility import eligible_q
from .models import OPEN_STATUSES, Referral, ReferralStatus

# A completed referral counts as receiving the service for a year.
RECEIVING_DAYS = 365


def receiving_q(service, today: datetime.date) -> Q:
    since = today - datetime.timedelta(days=RECEIVING_DAYS)
    completed = Referral.objects.filter(
        person=OuterRef("pk"), service=service, status=ReferralStatus.COMPLETED, finished_at__date__gte=since
    )
    q = Q(Exists(completed))
    if service.program:
        q |= Q(Exists(ProgramReceipt.objects.filter(person=OuterRef("pk"), program=service.program, year=today.year)))
    return q


def referred_q(service) -> Q:
    return Q(Exists(Referral.objects.filter(person=OuterRef("pk"), service=service, status__in=OPEN_STATUSES)))


def eligible_for_q(service, today: datetime.date) -> Q:
    return eligible_q(getattr(service, "criteria", None), today)


def unserved_q(service, today: datetime.date) -> Q:
    return eligible_for_q(service, today) & ~receiving_q(service, today) & ~referred_q(service)
