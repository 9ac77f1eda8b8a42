"""Complaint rules: ticket numbers, the SLA over weekends and holidays, the workflow."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent, EventKind, SlaState, Status, TicketCounter
from complaints.sla import SlaClock
from onegate.workdays.models import Holiday
from onegate.workdays.services import add_working_days, working_days_between
from tests.complaints.factories import category, make_complaint

FRIDAY = datetime.date(2026, 11, 20)


def test_working_days_skip_weekends_and_holidays(db):
    assert add_working_days(FRIDAY, 1) == datetime.date(2026, 11, 23)  # Monday
    assert add_working_days(FRIDAY, 0) == FRIDAY
    Holiday.objects.create(date=datetime.date(2026, 11, 23), name="Libur")
    Holiday.objects.create(date=datetime.date(2026, 11, 24), name="Cuti bersama")
    assert add_working_days(FRIDAY, 1) == datetime.date(2026, 11, 25)
    assert add_working_days(FRIDAY, 5) == datetime.date(2026, 12, 1)
    assert working_days_between(FRIDAY, datetime.date(2026, 12, 1)) == 5
    assert working_days_between(datetime.date(2026, 12, 1), FRIDAY) == -5


def test_the_due_date_follows_the_category_sla_in_working_days(users, db):
    Holiday.objects.create(date=datetime.date(2026, 11, 25), name="Hari Guru (contoh)")
    received = timezone.make_aware(datetime.datetime(2026, 11, 20, 15, 0))
    complaint = make_complaint(users["loket"], received_at=received, category=category("Kesehatan/BPJS PBI"))  # 3 days
    assert complaint.due_date == datetime.date(2026, 11, 26)  # Mon 23, Tue 24, (Wed 25 holiday), Thu 26
    sub = category("Kesehatan/BPJS PBI").children.first()
    assert (
        make_complaint(users["loket"], received_at=received, category=sub).due_date == complaint.due_date
    )  # the parent's SLA


def test_sla_states_on_time_at_risk_late_and_finished(users, db):
    complaint = make_complaint(users["loket"])
    complaint.due_date = datetime.date(2026, 11, 26)  # Thursday
    clock = SlaClock.now
    assert clock(datetime.date(2026, 11, 23)).state(complaint) == SlaState.ON_TIME
    assert clock(datetime.date(2026, 11, 25)).state(complaint) == SlaState.AT_RISK
    assert clock(datetime.date(2026, 11, 26)).state(complaint) == SlaState.AT_RISK
    assert clock(datetime.date(2026, 11, 27)).state(complaint) == SlaState.LATE
    complaint.status, complaint.finished_at = Status.RESOLVED, timezone.make_aware(datetime.datetime(2026, 11, 26, 16))
    assert clock(datetime.date(2027, 1, 1)).state(complaint) == SlaState.ON_TIME  # finished in time stays on time
    complaint.save()
    for state in SlaState.values:  # the database filter agrees with the Python rule
        expected = {complaint.pk} if state == SlaState.ON_TIME else set()
        assert (
            set(Complaint.objects.filter(clock(datetime.date(2027, 1, 1)).q(state)).values_list("pk", flat=True))
            == expected
        )


def test_ticket_numbers_count_per_year_and_read_aloud(users, db):
    first = make_complaint(users["loket"], received_at=timezone.make_aware(datetime.datetime(2026, 12, 31, 10)))
    second = make_complaint(users["loket"], received_at=timezone.make_aware(datetime.datetime(2026, 12, 31, 11)))
    new_year = make_complaint(users["loket"], received_at=timezone.make_aware(datetime.datetime(2027, 1, 2, 9)))
    assert (first.ticket_number, second.ticket_number, new_year.ticket_number) == (
        "ADU-2026-000001",
        "ADU-2026-000002",
        "ADU-2027-000001",
    )


def test_a_failed_save_leaves_no_gap_in_the_numbers(users, db):
    make_complaint(users["loket"])
    with pytest.raises(ValidationError):
        make_complaint(users["loket"], description="")  # invalid: rolled back with its number
    assert make_complaint(users["loket"]).ticket_number.endswith("-000002")


@pytest.mark.django_db(transaction=True)
def test_desks_saving_at_the_same_moment_get_distinct_gapless_numbers(users):
    from tests.factories import PersonFactory

    category()  # reference data present before the desks start
    people = [PersonFactory() for _ in range(24)]
    barrier, errors = threading.Barrier(6), []

    def desk(chunk):
        try:
            barrier.wait()
            for person in chunk:
                with transaction.atomic():
                    make_complaint(users["loket"], subject=person)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(people[i::6],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(int(t.rsplit("-", 1)[1]) for t in Complaint.objects.values_list("ticket_number", flat=True))
    assert numbers == list(range(1, 25))
    assert TicketCounter.objects.get(year=year).last_number == 24
    queue = sorted(Complaint.objects.values_list("queue_number", flat=True))
    assert queue == list(range(1, 25))


def test_status_workflow_needs_reasons_and_records_the_timeline(users, db):
    complaint = make_complaint(users["loket"])
    manager = users["manajer"]
    with pytest.raises(ValidationError):
        services.complaint_change_status(complaint, to_status=Status.CLOSED, note=" ", acting_user=manager)
    services.complaint_change_status(complaint, to_status=Status.ASSESSMENT, note="", acting_user=manager)
    complaint = services.complaint_change_status(
        complaint, to_status=Status.RESOLVED, note="Kartu diaktifkan.", acting_user=manager
    )
    assert complaint.finished_at and complaint.closing_reason == "Kartu diaktifkan."
    with pytest.raises(ValidationError):
        services.complaint_change_status(complaint, to_status=Status.NEW, note="x", acting_user=manager)
    with pytest.raises(ValidationError):
        services.complaint_change_status(
            complaint, to_status=Status.ASSESSMENT, note="", acting_user=manager
        )  # reopening
    complaint = services.complaint_change_status(
        complaint, to_status=Status.ASSESSMENT, note="Kartu masih ditolak.", acting_user=manager
    )
    assert complaint.finished_at is None and complaint.closing_reason == ""
    kinds = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", "to_status"))
    assert kinds == [
        (EventKind.CREATED, Status.NEW),
        (EventKind.STATUS, Status.ASSESSMENT),
        (EventKind.STATUS, Status.RESOLVED),
        (EventKind.STATUS, Status.ASSESSMENT),
    ]


def test_assignment_only_to_officers_who_can_see_the_complaint(users, db):
    complaint = make_complaint(users["loket"])  # a Wates person
    services.complaint_assign(complaint, officer=users["kel.wates"], acting_user=users["manajer"])
    assert Complaint.objects.get(pk=complaint.pk).assigned_to == users["kel.wates"]
    with pytest.raises(ValidationError):
        services.complaint_assign(complaint, officer=users["kel.kranggan"], acting_user=users["manajer"])
    with pytest.raises(ValidationError):
        services.complaint_assign(complaint, officer=users["dinkes"], acting_user=users["manajer"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.complaint_assign(complaint, officer=users["kel.wates"], acting_user=users["loket"])


def test_anonymous_complainants_leave_no_name_or_phone(users, db):
    complaint = make_complaint(users["loket"], is_anonymous=True)
    assert (complaint.complainant_name, complaint.complainant_phone) == ("", "")


def test_merging_duplicate_people_moves_their_complaints(users, db):
    from registry import merging
    from tests.factories import PersonFactory

    survivor, duplicate = PersonFactory(full_name="Joko Susilo"), PersonFactory(full_name="Joko Susila")
    complaint = make_complaint(users["loket"], subject=duplicate)
    merging.merge_people(survivor, duplicate, acting_user=users["manajer"])
    complaint.refresh_from_db()
    assert complaint.subject == survivor


def test_intake_registers_the_person_and_the_complaint_together_or_neither(users):
    from onegate.regions.models import Region
    from registry.models import Person
    from tests.complaints.factories import category
    from tests.conftest import WATES

    data = {
        "channel": "datang",
        "complainant_name": "Sri Rahayu",
        "complainant_phone": "081234567890",
        "category": category(),
        "description": "Belum terdaftar bantuan.",
    }
    person = {"full_name": "Sri Rahayu", "sex": "L", "nik": "3576024101900001", "region": Region.objects.get(pk=WATES)}
    with pytest.raises(ValidationError) as refused:  # a woman's NIK for a man, not confirmed
        services.complaint_intake(
            data=data, person_data=person, confirm_nik=False, acting_user=users["loket"], attachments=()
        )
    assert "subject_sex" in refused.value.message_dict  # named as the intake form names the field
    assert not Complaint.objects.exists() and not Person.objects.filter(full_name="Sri Rahayu").exists()
    complaint = services.complaint_intake(
        data=data, person_data=person, confirm_nik=True, acting_user=users["loket"], attachments=()
    )
    assert complaint.subject.full_name == "Sri Rahayu" and complaint.region_id == WATES
