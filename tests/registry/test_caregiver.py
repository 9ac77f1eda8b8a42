"""A disability profile's caregiver: a registry person (a household member, or found by NIK within
the officer's area) or a typed name; shown on the person's page, linked when the viewer may see them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry import services
from registry.models import DisabilityProfile, Relationship
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def family(users):
    home = HouseholdFactory(region_id=WATES)
    return {
        "mother": PersonFactory(
            full_name="Sumarni Ibu",
            sex="P",
            nik="3576025705600003",
            region_id=WATES,
            household=home,
            relationship=Relationship.HEAD,
        ),
        "child": PersonFactory(
            full_name="Bagus Anak",
            nik="3576021708100004",
            region_id=WATES,
            household=home,
            relationship=Relationship.CHILD,
        ),
        "neighbour": PersonFactory(
            full_name="Warsito Tetangga",
            nik="3576020101700005",
            region_id=WATES,
            household=HouseholdFactory(region_id=WATES),
        ),
        "outsider": PersonFactory(full_name="Darmi Kranggan", sex="P", nik="3576034101700006", region_id=KRANGGAN),
    }


def profile_post(**overrides):
    return {"types": ["intelektual"], "severity": "berat", "caregiver_name": "", "caregiver_nik": "", **overrides}


def url(person):
    return reverse("registry:person-profile-edit", args=[person.pk, "disabilitas"])


def test_the_officer_picks_a_household_member_and_the_page_links_to_them(users, client_for, family):
    client = client_for(users["kel.wates"])
    form = client.get(url(family["child"])).context["form"]
    assert list(form.fields["caregiver"].queryset) == [family["mother"]]  # the household, not the person themself
    assert str(form.fields["caregiver"].label) == "Pendamping dari anggota keluarga"  # Indonesian by default
    response = client.post(
        url(family["child"]), profile_post(caregiver=family["mother"].pk, caregiver_name="nama lama")
    )
    assert response.status_code == 302
    profile = DisabilityProfile.objects.get(person=family["child"])
    assert (profile.caregiver, profile.caregiver_name) == (family["mother"], "")
    page = client.get(family["child"].get_absolute_url()).content.decode()
    assert f'<a href="{family["mother"].get_absolute_url()}">Sumarni Ibu</a>' in page


def test_a_caregiver_outside_the_household_is_found_by_nik_within_the_area(users, client_for, family):
    client = client_for(users["kel.wates"])
    assert client.post(url(family["child"]), profile_post(caregiver_nik="3576 0201 0170 0005")).status_code == 302
    assert DisabilityProfile.objects.get(person=family["child"]).caregiver == family["neighbour"]
    # Someone of another kelurahan answers like nobody at all; the person cannot care for themself.
    for nik in (family["outsider"].nik, "3576020101709999", family["child"].nik):
        response = client.post(url(family["child"]), profile_post(caregiver_nik=nik))
        assert response.status_code == 200 and "caregiver_nik" in response.context["form"].errors, nik
    assert DisabilityProfile.objects.get(person=family["child"]).caregiver == family["neighbour"]
    both = client.post(
        url(family["child"]), profile_post(caregiver=family["mother"].pk, caregiver_nik=family["neighbour"].nik)
    )
    assert "caregiver_nik" in both.context["form"].errors


def test_a_caregiver_not_in_the_registry_is_a_typed_name(users, client_for, family):
    client = client_for(users["kel.wates"])
    assert client.post(url(family["child"]), profile_post(caregiver_name="Mbok Sarti")).status_code == 302
    profile = DisabilityProfile.objects.get(person=family["child"])
    assert (profile.caregiver, profile.caregiver_name) == (None, "Mbok Sarti")
    page = client.get(family["child"].get_absolute_url()).content.decode()
    assert "Mbok Sarti" in page


def test_a_caregiver_the_viewer_may_not_see_is_named_without_a_link(users, client_for, family):
    DisabilityProfile.objects.create(
        person=family["child"], types=["fisik"], severity="berat", caregiver=family["outsider"]
    )
    page = client_for(users["kel.wates"]).get(family["child"].get_absolute_url()).content.decode()
    assert "Darmi Kranggan" in page and family["outsider"].get_absolute_url() not in page
    manager_page = client_for(users["manajer"]).get(family["child"].get_absolute_url()).content.decode()
    assert family["outsider"].get_absolute_url() in manager_page
    # Saving the profile again keeps that caregiver, offered in the list beside the household.
    client = client_for(users["kel.wates"])
    assert family["outsider"] in client.get(url(family["child"])).context["form"].fields["caregiver"].queryset
    saved = profile_post(caregiver=family["outsider"].pk, version=1)
    assert client.post(url(family["child"]), saved).status_code == 302
    assert DisabilityProfile.objects.get(person=family["child"]).caregiver == family["outsider"]


def test_the_service_refuses_a_caregiver_outside_the_officers_area_or_the_person_themself(users, family):
    data = {"types": ["fisik"], "severity": "berat"}
    with pytest.raises(ValidationError) as error:
        services.person_profile_save(
            family["child"],
            DisabilityProfile,
            data={**data, "caregiver": family["outsider"]},
            acting_user=users["kel.wates"],
        )
    assert "caregiver" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.person_profile_save(
            family["child"],
            DisabilityProfile,
            data={**data, "caregiver": family["child"]},
            acting_user=users["manajer"],
        )
    services.person_profile_save(
        family["child"], DisabilityProfile, data={**data, "caregiver": family["outsider"]}, acting_user=users["manajer"]
    )
    assert DisabilityProfile.objects.get(person=family["child"]).caregiver == family["outsider"]


def test_the_self_report_forms_still_work_without_a_household(users, client_for, family):
    from tests.registry.test_self_report import make_report

    report = make_report()
    client = client_for(users["kel.wates"])
    form = client.get(reverse("registry:self-report-create-person", args=[report.pk])).context["profile_form"]
    assert "caregiver" not in form.fields and "caregiver_nik" in form.fields and "caregiver_name" in form.fields
