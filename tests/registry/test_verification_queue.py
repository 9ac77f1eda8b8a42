"""The verification queue: every record waiting is reachable (pages, not a slice of 200), the records
awaiting the viewer's decision come first, filters by kelurahan and kind, counts per tab; and the
bulk decisions (an officer submits, a manager verifies or rejects with one reason) on households
with their members, each record audited, all or nothing, within the user's scope."""

from django.urls import reverse

from onegate.audit.models import LogEntry
from registry.models import Household, Person, Relationship, VerificationStatus
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory

QUEUE = reverse("registry:verification-queue")
BULK = reverse("registry:verification-bulk")
DRAFT, SUBMITTED, REJECTED, VERIFIED = (
    VerificationStatus.DRAFT,
    VerificationStatus.SUBMITTED,
    VerificationStatus.REJECTED,
    VerificationStatus.VERIFIED,
)


def households(n, status, region=WATES, start=0):
    """``n`` households with their head, as an import leaves them (in bulk)."""
    made = Household.objects.bulk_create(
        Household(kk_number=f"{region.replace('.', '')[:6]}{int(status == SUBMITTED)}{start + i:09d}", address=f"Jl. Impor {i}",
                  region_id=region, status=status)
        for i in range(n)
    )  # fmt: skip
    Person.objects.bulk_create(
        Person(full_name=f"Kepala {start + i}", sex="L", region_id=region, household=h, status=status,
               relationship=Relationship.HEAD, needs_civil_documents=True)
        for i, h in enumerate(made)
    )  # fmt: skip
    return made


def family(status, region=WATES, members=2):
    household = HouseholdFactory(region_id=region, status=status)
    PersonFactory(household=household, region_id=region, relationship=Relationship.HEAD, status=status)
    for _ in range(members - 1):
        PersonFactory(household=household, region_id=region, relationship=Relationship.CHILD, status=status)
    return household


def every_page(client, section="households", **params):
    """The records of a section, walking its pages to the end."""
    found, page = [], 1
    while True:
        response = client.get(QUEUE, {**params, f"page_{section}": page})
        shown = response.context[section]
        found += list(shown)
        if not shown.has_next():
            return found, response
        page += 1


def test_after_an_import_every_household_awaiting_the_manager_is_in_the_queue(users, client_for):
    """230 submitted and 250 draft households: the old queue sorted the drafts first and cut at 200."""
    submitted = households(230, SUBMITTED)
    households(250, DRAFT, start=1000)
    found, response = every_page(client_for(users["manajer"]))
    assert {h.pk for h in found} == {h.pk for h in submitted}
    assert [t["count"] for t in response.context["tabs"] if t["key"] == "mine"] == [230]
    assert {t["key"]: t["count"] for t in response.context["tabs"]}["others"] == 250


def test_the_officers_queue_shows_their_work_first_rejected_then_drafts_and_the_rest_in_a_tab(users, client_for):
    draft, rejected, submitted = family(DRAFT), family(REJECTED), family(SUBMITTED)
    family(DRAFT, region=KRANGGAN)
    client = client_for(users["kel.wates"])
    mine = client.get(QUEUE)
    assert list(mine.context["households"]) == [rejected, draft]
    assert list(client.get(QUEUE, {"tab": "others"}).context["households"]) == [submitted]
    assert {t["key"]: t["count"] for t in mine.context["tabs"]} == {"mine": 2, "others": 1}


def test_the_queue_filters_by_kelurahan_and_kind(users, client_for):
    wates, kranggan = family(SUBMITTED), family(SUBMITTED, region=KRANGGAN)
    loner = PersonFactory(region_id=KRANGGAN, status=SUBMITTED)
    client = client_for(users["manajer"])
    assert list(client.get(QUEUE).context["households"]) == [wates, kranggan]
    by_region = client.get(QUEUE, {"region": KRANGGAN})
    assert list(by_region.context["households"]) == [kranggan] and list(by_region.context["people"]) == [loner]
    people_only = client.get(QUEUE, {"kind": "orang"})
    assert people_only.context["households"] is None and list(people_only.context["people"]) == [loner]
    assert client.get(QUEUE, {"region": "35.99.99.9999"}).status_code == 200  # not offered: ignored


def test_an_officer_submits_the_chosen_households_with_their_members_each_audited(users, client_for):
    first, second, left = family(DRAFT), family(REJECTED), family(DRAFT)
    response = client_for(users["kel.wates"]).post(
        BULK, {"action": "submit", "kind": "keluarga", "ids": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    for household in (first, second):
        household.refresh_from_db()
        assert household.status == SUBMITTED
        assert {m.status for m in household.members.all()} == {SUBMITTED}
        changed = [household, *household.members.all()]
        for record in changed:
            assert LogEntry.objects.filter(
                object_pk=str(record.pk), actor=users["kel.wates"], action=LogEntry.Action.UPDATE,
                content_type__model=type(record).__name__.lower(),
            ).exists(), record  # fmt: skip
    left.refresh_from_db()
    assert left.status == DRAFT


def test_a_manager_verifies_the_chosen_households_with_their_members(users, client_for):
    chosen = [family(SUBMITTED), family(SUBMITTED, region=KRANGGAN)]
    client_for(users["manajer"]).post(BULK, {"action": "verify", "kind": "keluarga", "ids": [h.pk for h in chosen]})
    for household in chosen:
        household.refresh_from_db()
        assert household.status == VERIFIED and household.verified_by == users["manajer"]
        assert {m.status for m in household.members.all()} == {VERIFIED}
        assert LogEntry.objects.filter(object_pk=str(household.pk), actor=users["manajer"]).exists()


def test_a_manager_rejects_the_chosen_records_with_one_reason(users, client_for):
    chosen = [family(SUBMITTED), family(SUBMITTED)]
    loner = PersonFactory(region_id=WATES, status=SUBMITTED)
    client = client_for(users["manajer"])
    ids = [h.pk for h in chosen]
    client.post(BULK, {"action": "reject", "kind": "keluarga", "ids": ids, "reason": "KK tidak terbaca"})
    assert set(Household.objects.filter(pk__in=ids).values_list("status", "rejection_reason")) == {
        (REJECTED, "KK tidak terbaca")
    }
    client.post(BULK, {"action": "reject", "kind": "orang", "ids": [loner.pk], "reason": "Foto KTP buram"})
    loner.refresh_from_db()
    assert (loner.status, loner.rejection_reason) == (REJECTED, "Foto KTP buram")


def test_a_rejection_without_reason_or_with_a_record_not_awaiting_changes_nothing(users, client_for):
    waiting, draft = family(SUBMITTED), family(DRAFT)
    client = client_for(users["manajer"])
    no_reason = client.post(
        BULK, {"action": "reject", "kind": "keluarga", "ids": [waiting.pk], "reason": " "}, follow=True
    )
    assert "alasan" in no_reason.content.decode().lower()
    client.post(BULK, {"action": "verify", "kind": "keluarga", "ids": [waiting.pk, draft.pk]})
    waiting.refresh_from_db()
    draft.refresh_from_db()
    assert (waiting.status, draft.status) == (SUBMITTED, DRAFT)  # one transaction: all or nothing


def test_bulk_decisions_stay_within_the_users_scope_and_role(users, client_for):
    wates, kranggan = family(DRAFT), family(DRAFT, region=KRANGGAN)
    officer = client_for(users["kel.wates"])
    response = officer.post(BULK, {"action": "submit", "kind": "keluarga", "ids": [wates.pk, kranggan.pk]})
    assert response.status_code == 404
    wates.refresh_from_db()
    assert wates.status == DRAFT  # nothing done when one record is out of scope
    assert officer.post(BULK, {"action": "verify", "kind": "keluarga", "ids": [wates.pk]}).status_code == 403
    desk = client_for(users["loket"])
    assert desk.post(BULK, {"action": "submit", "kind": "keluarga", "ids": [wates.pk]}).status_code == 403
    assert client_for(users["loket"]).get(QUEUE).status_code == 403
