"""Celery tasks: thin wrappers around notices/services.py. A task only names the message; its row
decides whether there is anything to send, so a lost or repeated Celery message is harmless."""

from celery import shared_task

from . import services


@shared_task
def send_message(message_id: int) -> str:
    return services.send(message_id)


@shared_task
def sweep_messages() -> dict:
    return services.sweep()
