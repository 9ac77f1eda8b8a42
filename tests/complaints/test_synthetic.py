"""The synthetic complaint generator (complaints/devdata/synthetic.py)."""

import datetime
import re
from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from django.db.models import F
from django.utils import timezone

from complaints.devdata.synthetic import SPAN_DAYS, generate
from complaints.models import Complaint, ComplaintEvent, QueueCounter, SlaState, Status, TicketCounter
from complaints.sla import SlaClock
from onegate import scoping
from onegate.workdays.models import Holiday
from onegate.workdays.services import add_working_days
from registry.devdata import synthetic as registry_synthetic
from tests.complaints.factories import make_complaint
from tests.conftest import KRANGGAN, WATES

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(users):
    """About 2,000 generated people in Kota Mojokerto, and a holiday inside the generated period."""
    Holiday.objects.create(date=timezone.localdate() - datetime.timedelta(days=40), name="Libur uji")
    return registry_synthetic.generate(households=556, seed=3)["people"]


def test_complaints_in_every_status_and_sla_state_with_their_timeline(people):
    counts, referred = generate(per_thousand=500, seed=1)
    complaints = list(Complaint.objects.select_related("category__parent", "subject"))
    assert counts["complaints"] == len(complaints) == round(people * 0.5)
    assert counts["events"] == ComplaintEvent.objects.count()
    clock = SlaClock.now()
    states = Counter((c.status in ("selesai", "ditutup"), clock.state(c)) for c in complaints)
    assert set(Counter(c.status for c in complaints)) == set(Status.values)
    assert {state for (finished, state) in states if not finished} == set(SlaState.values)
    assert {state for (finished, state) in states if finished} == {SlaState.ON_TIME, SlaState.LATE}
    with_subject = [c for c in complaints if c.subject_id]
    assert 0.75 < len(with_subject) / len(complaints) < 0.95
    assert all(c.region_id == c.subject.region_id and c.subject_name == c.subject.full_name for c in with_subject)
    assert all(c.subject_name and c.region_id.startswith("35.76.") for c in complaints)
    assert len({c.channel for c in complaints}) == 6 and len({c.urgency for c in complaints}) == 3
    assert len({c.category.parent_id or c.category_id for c in complaints}) >= 10
    now = timezone.now()
    holidays = set(Holiday.objects.values_list("date", flat=True))
    for c in complaints:
        assert now - datetime.timedelta(days=SPAN_DAYS + 1) < c.received_at <= now
        assert c.due_date == add_working_days(timezone.localdate(c.received_at), c.category.sla_days, holidays)
        assert (c.finished_at is not None) == (c.status in ("selesai", "ditutup"))
        assert c.finished_at is None or c.received_at < c.finished_at <= now
        assert bool(c.closing_reason) == (c.finished_at is not None)
        assert (c.queue_number is not None) == (c.channel == "datang")
    timelines = defaultdict(list)
    for event in ComplaintEvent.objects.order_by("at", "pk"):
        timelines[event.complaint_id].append(event)
    for c in complaints:
        events = timelines[c.pk]
        assert (events[0].kind, events[0].to_status, events[0].at) == ("dibuat", "baru", c.received_at)
        moves = [e for e in events if e.kind == "status"]
        assert all(a.to_status == b.from_status for a, b in pairwise(moves))
        assert (moves[-1].to_status if moves else "baru") == c.status
        assert all(e.at <= now for e in events)
    # The referred ones went through "dirujuk", about a third of those that reached it or finished.
    reached = [c for c in complaints if c.status in ("dirujuk", "selesai", "ditutup")]
    assert 0.25 < len(referred) / len(reached) < 0.45
    assert {c.pk for c in complaints if c.status == "dirujuk"} <= {r["complaint_id"] for r in referred}
    dirujuk_at = {e.complaint_id: e.at for e in ComplaintEvent.objects.filter(to_status="dirujuk")}
    assert all(dirujuk_at[r["complaint_id"]] == r["sent_at"] for r in referred)
    for record in Complaint.objects.order_by("?")[:50]:
        record.full_clean()


def test_tickets_continue_the_counter_and_a_real_intake_gets_the_next_number(people, users):
    first = make_complaint(users["loket"])  # a real intake before: ADU-<year>-000001
    generate(per_thousand=100, seed=1)
    generate(per_thousand=100, seed=1)  # the same complaints again, under new numbers
    tickets = list(Complaint.objects.values_list("ticket_number", flat=True))
    assert len(tickets) == len(set(tickets)) == 1 + 2 * round(people * 0.1)
    numbers = defaultdict(list)
    for ticket in tickets:
        year, number = re.fullmatch(r"ADU-(\d{4})-(\d{6})", ticket).groups()
        numbers[int(year)].append(int(number))
    assert len(numbers) >= 2  # 18 months: this year and last
    for year, used in numbers.items():
        assert sorted(used) == list(range(1, len(used) + 1))  # gapless
        assert TicketCounter.objects.get(year=year).last_number == len(used)
    this_year = timezone.localdate().year
    assert first.ticket_number == f"ADU-{this_year}-000001"
    after = make_complaint(users["loket"])
    assert after.ticket_number == f"ADU-{this_year}-{len(numbers[this_year]) + 1:06d}"
    # In the order received, within a run.
    run = Complaint.objects.filter(pk__gt=first.pk).order_by("pk")[: round(people * 0.1)]
    ordered = [
        c.ticket_number
        for c in sorted(run, key=lambda c: c.received_at)
        if c.ticket_number.startswith(f"ADU-{this_year}")
    ]
    assert ordered == sorted(ordered)


def test_walk_ins_are_numbered_through_the_queue_counter(people):
    generate(per_thousand=300, seed=2)
    by_day = defaultdict(list)
    for received, number in Complaint.objects.filter(channel="datang").values_list("received_at", "queue_number"):
        by_day[timezone.localdate(received)].append(number)
    assert by_day
    for day, numbers in by_day.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert QueueCounter.objects.get(day=day).last_number == len(numbers)
    assert not Complaint.objects.filter(served_at__isnull=False, served_at__lt=F("received_at")).exists()


def test_the_same_seed_gives_the_same_complaints(people):
    now = timezone.now()

    def story():
        return list(
            Complaint.objects.order_by("received_at", "pk").values_list(
                "received_at",
                "subject_id",
                "subject_name",
                "category_id",
                "channel",
                "status",
                "due_date",
                "finished_at",
                "created_by_id",
            )
        )

    generate(per_thousand=100, seed=5, now=now)
    first = story()
    ComplaintEvent.objects.all().delete()
    Complaint.objects.all().delete()
    generate(per_thousand=100, seed=5, now=now)
    assert story() == first
    ComplaintEvent.objects.all().delete()
    Complaint.objects.all().delete()
    generate(per_thousand=100, seed=6, now=now)
    assert story() != first


def test_staff_are_the_demo_accounts_and_scoping_still_holds(people, users):
    generate(per_thousand=300, seed=1)
    assert set(Complaint.objects.exclude(created_by=None).values_list("created_by__username", flat=True)) == {"loket"}
    assert not Complaint.objects.filter(channel="online").exclude(created_by=None).exists()
    officers = dict(
        Complaint.objects.exclude(assigned_to=None).values_list("region_id", "assigned_to__username").distinct()
    )
    assert officers.get(WATES) == "kel.wates" and officers.get(KRANGGAN) == "kel.kranggan"
    assert set(officers.values()) <= {"kel.wates", "kel.kranggan", "manajer"}
    for username, region in (("kel.wates", WATES), ("kel.kranggan", KRANGGAN)):
        visible = scoping.restrict(Complaint.objects.all(), users[username])
        assert visible.exists()
        assert set(visible.values_list("region_id", flat=True)) == {region}
        assert visible.count() == Complaint.objects.filter(region_id=region).count()
        events = scoping.restrict(ComplaintEvent.objects.all(), users[username])
        assert set(events.values_list("complaint__region_id", flat=True)) == {region}
    assert scoping.restrict(Complaint.objects.all(), users["manajer"]).count() == Complaint.objects.count()
    assert not scoping.restrict(Complaint.objects.all(), users["dinkes"]).exists()


def test_without_people_nothing_is_generated(users):
    assert generate(per_thousand=30) == ({"complaints": 0, "events": 0}, [])
