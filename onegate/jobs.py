"""Sending a job to the Celery workers without letting a broker outage reach the person who asked.

The truth of every job (a report, an import step) is its row in PostgreSQL, written before the job
is sent; the message only names the row. When Redis cannot take the message, the row stays queued
and the job's sweep sends it again once Redis is back (celery beat runs the sweeps every minute).
Results are not kept: the row says how the job ended, and asking the result store to follow each
message made sending wait on Redis too.
"""

import logging

log = logging.getLogger(__name__)


def send(task, *args, countdown: float | None = None) -> str | None:
    """Send ``task(*args)`` to the workers (``countdown``: not before that many seconds); its task
    id, or None (logged) if the broker refused."""
    try:
        return task.apply_async(args, ignore_result=True, countdown=countdown).id
    except Exception:  # any broker or connection error: the row stays queued, the sweep sends it again
        log.exception("%s%r could not be sent to the workers; its sweep will send it again", task.name, args)
        return None
