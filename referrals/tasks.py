from celery import shared_task

from onegate.notifications.services import send_pending_emails

from . import followup, unserved


@shared_task
def check_overdue_referrals() -> dict:
    """Daily (Celery beat): notify and escalate overdue referrals, then send the emails."""
    done = followup.check_overdue_referrals()
    done["emails"] = send_pending_emails()
    return done


@shared_task
def refresh_unserved_counts(service_ids=None) -> int:
    """Count the eligible-but-unserved again (Celery beat: every service; after a referral write:
    its service). A lost message costs nothing: beat counts everything again within the hour."""
    return unserved.refresh_counts(service_ids)


@shared_task
def rebuild_unserved_list(service_id: int) -> None:
    """Make one service's list of candidates whole (after an import, on a new day)."""
    for service in unserved.listed_services():
        if service.pk == service_id:
            unserved.rebuild(service)


def unserved_counts_changed(service_id: int) -> None:
    """After a referral to the service was sent or finished: count it again once committed, in a
    worker (a burst of changes within a minute is counted once)."""
    from django.core.cache import cache
    from django.db import transaction

    from onegate import jobs

    def send():
        if cache.add(f"unserved-refresh:{service_id}", 1, 60):
            jobs.send(refresh_unserved_counts, [service_id])

    transaction.on_commit(send)
