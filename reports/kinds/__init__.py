"""The kinds of report. Each module describes one: who may ask for it, its parameters as the PDF
lists them, how its figures are gathered (always through onegate.scoping, with the requester's
scope) and which template prints them. services.py runs them; they know nothing of Celery.
base.py holds what they share and the register that importing them fills."""

from . import access, beneficiaries, disability, person, ppks, service_recap, unserved  # noqa: F401  (each registers its kind)
from .base import ReportKind, get, requestable_by

__all__ = ["ReportKind", "get", "requestable_by"]
