"""The complaint SLA: a complaint is due a number of working days after it was received (its
category's SLA), at risk when due within COMPLAINT_AT_RISK_WORKING_DAYS, late once past its due date.
A pure rule: lists, the desk, the reports and the dashboard read it; nothing here writes."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from onegate.workdays.services import add_working_days

from .models import FINISHED_STATUSES, OPEN_STATUSES, Complaint, SlaState


def at_risk_days() -> int:
    return settings.COMPLAINT_AT_RISK_WORKING_DAYS


@dataclass(frozen=True)
class SlaClock:
    """Today and the last due date that counts as "at risk" (within ``at_risk_days`` working days),
    worked out once so that a list of complaints costs no query per row."""

    today: datetime.date
    risk_until: datetime.date

    @classmethod
    def now(cls, today: datetime.date | None = None) -> "SlaClock":
        today = today or timezone.localdate()
        return cls(today, add_working_days(today, at_risk_days()))

    def state(self, complaint: Complaint) -> str:
        """Late once past the due date, at risk when due soon; a finished complaint keeps the state
        it finished in."""
        if complaint.status in FINISHED_STATUSES and complaint.finished_at:
            finished = timezone.localdate(complaint.finished_at)
            return SlaState.LATE if finished > complaint.due_date else SlaState.ON_TIME
        if complaint.due_date < self.today:
            return SlaState.LATE
        return SlaState.AT_RISK if complaint.due_date <= self.risk_until else SlaState.ON_TIME

    def q(self, state: str) -> Q:
        """The same states as :meth:`state`, as a filter the database can use."""
        open_ = Q(status__in=OPEN_STATUSES)
        finished_late = Q(status__in=FINISHED_STATUSES, finished_at__date__gt=F("due_date"))
        if state == SlaState.LATE:
            return (open_ & Q(due_date__lt=self.today)) | finished_late
        if state == SlaState.AT_RISK:
            return open_ & Q(due_date__gte=self.today, due_date__lte=self.risk_until)
        return (open_ & Q(due_date__gt=self.risk_until)) | (Q(status__in=FINISHED_STATUSES) & ~finished_late)


def due_date_for(category, received: datetime.date) -> datetime.date:
    return add_working_days(received, category.sla_days)
