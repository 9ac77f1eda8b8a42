"""Celery tasks: thin wrappers around reports/services.py. A task only names the request; the
database row decides whether there is anything to do, so a lost or repeated message is harmless."""

from celery import shared_task

from . import services


@shared_task
def render_report(report_id: int) -> str:
    return services.run(report_id)


@shared_task
def sweep_reports() -> dict:
    return services.sweep()


@shared_task
def purge_expired_reports() -> int:
    return services.purge_expired()


@shared_task
def generate_monthly_reports() -> list[int]:
    return [report.pk for report in services.schedule_monthly()]
