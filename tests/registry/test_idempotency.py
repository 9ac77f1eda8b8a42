"""Registry create forms sent twice make one record (issue 16, double submit): household entry,
import upload, and a self-report turned into a person."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import Household, ImportBatch, Person
from tests.idempotency import assert_sent_to_first_result, post_twice
from tests.registry.test_import import private_media  # noqa: F401 (fixture)
from tests.registry.test_self_report import person_post, reports  # noqa: F401 (fixture)
from tests.registry.test_views import household_post


def test_a_household_entry_sent_twice_makes_one_household(users, client_for):
    first, again = post_twice(client_for(users["kel.wates"]), reverse("registry:household-create"), household_post())
    household = Household.objects.get()
    assert_sent_to_first_result(first, again, household.get_absolute_url())
    assert Person.objects.count() == len(household.members.all())


def test_an_import_upload_sent_twice_makes_one_batch(users, client_for, private_media):  # noqa: F811
    csv = SimpleUploadedFile("data.csv", b"NIK,Nama,Jenis Kelamin\n3576020101900001,Warga Satu,L\n")
    first, again = post_twice(client_for(users["kel.wates"]), reverse("registry:import-start"), {"file": csv})
    batch = ImportBatch.objects.get()
    assert_sent_to_first_result(first, again, batch.get_absolute_url())


def test_a_self_report_turned_into_a_person_twice_makes_one_person(users, client_for, reports):  # noqa: F811
    url = reverse("registry:self-report-create-person", args=[reports["wates"].pk])
    first, again = post_twice(client_for(users["kel.wates"]), url, person_post())
    person = Person.objects.get()
    assert_sent_to_first_result(first, again, person.get_absolute_url())
