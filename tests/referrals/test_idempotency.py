"""A referral form sent twice drafts one referral (issue 16, double submit)."""

from django.urls import reverse

from referrals.models import Referral
from tests.idempotency import assert_sent_to_first_result, post_twice
from tests.referrals.test_views import form_post


def test_a_referral_sent_twice_makes_one_draft(users, client_for, directory, wates_person):
    url = reverse("referrals:create") + f"?orang={wates_person.pk}"
    first, again = post_twice(client_for(users["kel.wates"]), url, form_post(directory["ktp"]))
    referral = Referral.objects.get()
    assert_sent_to_first_result(first, again, referral.get_absolute_url())
