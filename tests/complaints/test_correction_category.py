"""The data correction category (UU 27/2022: a resident asks to correct their personal data): it
comes with the migrations, as in production, and a request logged in it is due in 3 working days."""

import datetime

from django.utils import timezone

from complaints.models import Category
from complaints.reference import CORRECTION_CATEGORY
from onegate.workdays.models import Holiday
from tests.complaints.factories import category, make_complaint


def test_a_correction_request_logged_at_the_desk_is_due_three_working_days_later(users):
    correction = category(CORRECTION_CATEGORY)
    assert correction.sla_days == 3 and correction.is_active
    Holiday.objects.create(date=datetime.date(2026, 12, 8), name="Libur")
    friday_morning = timezone.make_aware(datetime.datetime(2026, 12, 4, 9, 0))
    complaint = make_complaint(users["loket"], category=correction, received_at=friday_morning)
    # Mon 7, (Tue 8 a holiday), Wed 9, Thu 10.
    assert complaint.due_date == datetime.date(2026, 12, 10)


def test_the_migration_adds_it_to_an_existing_database(db):
    assert Category.objects.filter(parent=None, name=CORRECTION_CATEGORY, sla_working_days=3).exists()
