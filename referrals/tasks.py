from celery import shared_task

from onegate.notifications.services import send_pending_emails

from . import followup


@shared_task
def check_overdue_referrals() -> dict:
    """Daily (Celery beat): notify and escalate overdue referrals, then send the emails."""
    done = followup.check_overdue_referrals()
    done["emails"] = send_pending_emails()
    return done
