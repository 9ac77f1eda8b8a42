"""No N+1 on the referral pages: a few rows or many cost the same queries."""

from django.urls import reverse

from referrals import services
from tests.complaints.test_query_counts import queries_for
from tests.factories import PersonFactory
from tests.referrals.conftest import sent


def test_lists_and_panels_cost_the_same_for_2_or_12_referrals(users, client_for, directory, wates_person):
    manager = client_for(users["manajer"])

    def measure():
        return (
            queries_for(manager, reverse("referrals:list")),
            queries_for(manager, wates_person.get_absolute_url()),
            queries_for(client_for(users["dinkes"]), reverse("referrals:list")),
            queries_for(client_for(users["manajer"]), reverse("referrals:directory")),
        )

    for _ in range(2):
        sent(users["loket"], directory["pbi"], person=wates_person)
    few = measure()
    for _ in range(10):
        services.referral_add_note(
            sent(users["loket"], directory["pbi"], person=wates_person), note="catatan", acting_user=users["dinkes"]
        )
        sent(users["loket"], directory["ktp"], person=PersonFactory())
    assert measure() == few
