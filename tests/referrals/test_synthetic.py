"""The synthetic referral generator (referrals/devdata/synthetic.py) and the generate_casework command."""

import datetime
import io
import re
from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from complaints.devdata import synthetic as complaints_synthetic
from complaints.models import Complaint, ComplaintEvent, TicketCounter
from onegate import scoping
from onegate.workdays.services import add_working_days
from referrals import services as referral_services
from referrals.devdata import synthetic
from referrals.devdata.directory import load_directory
from referrals.models import LetterCounter, Referral, ReferralEvent, ReferralStatus, ServiceStatus
from registry.devdata import synthetic as registry_synthetic
from registry.models import Person
from tests.conftest import CITY, WATES

pytestmark = pytest.mark.django_db
LETTER = re.compile(r"460/(\d{4,})/417\.302/([IVX]+)/(\d{4})")


@pytest.fixture
def casework(users):
    """About 2,000 people, the demo directory, and about one complaint per person with its referrals."""
    load_directory(CITY)
    registry_synthetic.generate(households=556, seed=3)
    counts, referred = complaints_synthetic.generate(per_thousand=1000, seed=1)
    return {**counts, **synthetic.generate(referred, seed=1), "referred": referred}


def test_referrals_in_every_status_in_the_complaint_or_person_region(casework):
    referrals = list(Referral.objects.select_related("complaint", "person", "service"))
    assert casework["referrals"] == len(referrals)
    assert set(Counter(r.status for r in referrals)) == set(ReferralStatus.values)
    from_complaints = [r for r in referrals if r.complaint_id]
    assert {r.complaint_id for r in from_complaints} == {r["complaint_id"] for r in casework["referred"]}
    reached = Complaint.objects.filter(status__in=["dirujuk", "selesai", "ditutup"]).count()
    assert 0.25 < len({r.complaint_id for r in from_complaints}) / reached < 0.45
    direct = [r for r in referrals if not r.complaint_id]
    assert 0.15 < len(direct) / len(from_complaints) < 0.45
    for r in from_complaints:
        assert (r.region_id, r.person_id, r.person_name) == (
            r.complaint.region_id,
            r.complaint.subject_id,
            r.complaint.subject_name,
        )
        assert r.status != "draf" and r.complaint.received_at < r.sent_at
        if r.complaint.finished_at:
            assert r.finished_at is not None and r.finished_at < r.complaint.finished_at
    for r in direct:
        assert (r.region_id, r.person_name) == (r.person.region_id, r.person.full_name)
    assert len({r.agency_id for r in referrals}) >= 8
    assert all(r.service.status == ServiceStatus.ACTIVE and r.agency_id == r.service.agency_id for r in referrals)
    assert 0.75 < sum(r.consent_given for r in referrals) / len(referrals) < 0.95
    now = timezone.now()
    for r in referrals:
        times = [t for t in (r.created_at, r.sent_at, r.accepted_at, r.finished_at) if t]
        assert times == sorted(times) and times[-1] <= now
        assert (r.sent_at is None) == (r.status == "draf")
        if r.sent_at:
            assert r.due_date == add_working_days(timezone.localdate(r.sent_at), r.service.sla_working_days)
        assert (r.finished_at is not None) == (r.status in ("selesai", "ditolak", "dialihkan"))
    for r in Referral.objects.filter(status="dialihkan"):
        linked = r.redirects.get()
        assert linked.agency_id != r.agency_id and linked.sent_at == r.finished_at
        assert (linked.complaint_id, linked.region_id, linked.consent_given) == (
            r.complaint_id,
            r.region_id,
            r.consent_given,
        )
    for record in Referral.objects.order_by("?")[:50]:
        record.full_clean()


def test_each_referral_has_its_timeline_also_on_the_complaint(casework):
    events = defaultdict(list)
    for event in ReferralEvent.objects.order_by("at", "pk"):
        events[event.referral_id].append(event)
    assert casework["referral_events"] == sum(map(len, events.values()))
    for r in Referral.objects.all():
        story = events[r.pk]
        moves = [e for e in story if e.kind == "status"]
        assert (moves[-1].to_status if moves else "draf") == r.status
        assert all(a.to_status == b.from_status for a, b in pairwise(moves))
        if r.sent_at:
            sent = next(e for e in moves if e.to_status == "dikirim")
            assert sent.at == r.sent_at and sent.from_status == "draf"
        if r.redirected_from_id is None:
            assert story[0].kind == "dibuat"
    copies = ComplaintEvent.objects.filter(kind="rujukan")
    assert casework["complaint_events"] == copies.count()
    for r in Referral.objects.exclude(complaint=None).order_by("?")[:40]:
        notes = list(copies.filter(complaint_id=r.complaint_id).values_list("note", flat=True))
        assert any(note.startswith(f"{r.number} · ") for note in notes)
    for r in Referral.objects.filter(status="dialihkan", complaint__isnull=False)[:5]:
        linked = r.redirects.get()
        assert copies.filter(complaint_id=r.complaint_id, note__contains=f"→ {linked.number}").exists()


def test_letter_numbers_continue_the_counter_and_a_real_send_gets_the_next(casework, users):
    numbers = defaultdict(list)
    sent = Referral.objects.exclude(status="draf")
    for number, sent_at in sent.values_list("number", "sent_at"):
        n, month, year = LETTER.fullmatch(number).groups()
        local = timezone.localdate(sent_at)
        assert (int(year), month) == (
            local.year,
            ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"][local.month - 1],
        )
        numbers[int(year)].append(int(n))
    for year, used in numbers.items():
        assert sorted(used) == list(range(1, len(used) + 1))
        assert LetterCounter.objects.get(year=year).last_number == len(used)
    tokens = list(sent.values_list("verification_token", flat=True))
    assert len(tokens) == len(set(tokens)) and all(len(t) == 32 for t in tokens)
    assert not Referral.objects.filter(status="draf").exclude(number=None).exists()
    # A real referral sent now gets the next number of the year.
    person = Person.objects.filter(region_id=WATES, merged_into=None).first()
    service = Referral.objects.first().service
    draft = referral_services.referral_create(
        data={"service": service, "reason": "Uji.", "request": "Uji.", "consent_given": False},
        acting_user=users["loket"],
        person=person,
    )
    real = referral_services.referral_send(draft, acting_user=users["loket"])
    year = timezone.localdate().year
    assert LETTER.fullmatch(real.number).group(1) == f"{len(numbers[year]) + 1:04d}"


def test_scoping_of_agencies_and_kelurahan_officers_still_holds(casework, users):
    dinkes = scoping.restrict(Referral.objects.all(), users["dinkes"])
    assert dinkes.exists()
    assert set(dinkes.values_list("agency__code", flat=True)) == {"dinkes"}
    assert not dinkes.filter(status="draf").exists()
    assert dinkes.count() == Referral.objects.filter(agency__code="dinkes").exclude(status="draf").count()
    wates = scoping.restrict(Referral.objects.all(), users["kel.wates"])
    assert wates.exists() and set(wates.values_list("region_id", flat=True)) == {WATES}
    assert set(
        scoping.restrict(ReferralEvent.objects.all(), users["kel.wates"]).values_list("referral__region_id", flat=True)
    ) == {WATES}
    worked = ReferralEvent.objects.filter(referral__agency__code="dinkes", to_status__in=["diterima", "selesai"])
    assert set(worked.values_list("actor__username", flat=True)) == {"dinkes"}


def test_the_command_adds_more_each_time_and_reports_its_speed(users):
    load_directory(CITY)
    registry_synthetic.generate(households=300, seed=4)
    out = io.StringIO()
    call_command("generate_casework", per_thousand=200, seed=2, stdout=out)
    first = (Complaint.objects.count(), Referral.objects.count())
    assert first[0] > 150 and first[1] > 20
    assert "rows/s" in out.getvalue() and f"complaints: {first[0]:,}" in out.getvalue()
    call_command("generate_casework", per_thousand=200, seed=2, stdout=io.StringIO())
    assert Complaint.objects.count() == 2 * first[0]
    assert Referral.objects.count() > first[1]
    for field, model in (("ticket_number", Complaint), ("number", Referral), ("verification_token", Referral)):
        values = [v for v in model.objects.values_list(field, flat=True) if v is not None]
        assert len(values) == len(set(values)), field


def test_the_command_needs_the_directory(users):
    registry_synthetic.generate(households=50, seed=4)
    with pytest.raises(CommandError, match="directory"):
        call_command("generate_casework", stdout=io.StringIO())
    assert not Complaint.objects.exists()


def test_the_command_works_on_the_demo_database():
    call_command("seed_demo", stdout=io.StringIO())
    demo = {
        "tickets": dict(TicketCounter.objects.values_list("year", "last_number")),
        "referrals": Referral.objects.count(),
        "letters": dict(LetterCounter.objects.values_list("year", "last_number")),
    }
    call_command("generate_casework", per_thousand=100, seed=1, stdout=io.StringIO())
    year = timezone.localdate().year
    assert TicketCounter.objects.get(year=year).last_number > demo["tickets"][year]
    assert Referral.objects.count() > demo["referrals"]
    tickets = list(Complaint.objects.values_list("ticket_number", flat=True))
    numbers = list(Referral.objects.exclude(number=None).values_list("number", flat=True))
    assert len(tickets) == len(set(tickets)) and len(numbers) == len(set(numbers))
    assert LetterCounter.objects.get(year=year).last_number == sum(1 for n in numbers if n.endswith(f"/{year}"))
    assert Complaint.objects.filter(
        created_by__username="loket", received_at__lt=timezone.now() - datetime.timedelta(days=60)
    ).exists()
