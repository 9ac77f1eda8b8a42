import datetime

import pytest
from django.utils import timezone

from referrals import services as referral_services
from tests.complaints.factories import make_complaint
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.referrals.factories import service_with_details


@pytest.fixture
def directory(users, dinkes, disdukcapil):
    return {
        "pbi": service_with_details(
            dinkes, "Pendaftaran PBI-JK", documents=("KTP", "Kartu Keluarga (KK)", "SKTM"), sla_working_days=5
        ),
        "ktp": service_with_details(
            disdukcapil, "Perekaman KTP-el", documents=("Kartu Keluarga (KK)",), sla_working_days=3
        ),
    }


@pytest.fixture
def wates_person(users):
    household = HouseholdFactory(address="Jl. Empunala No. 7", rt="003", rw="005", region_id=WATES)
    return PersonFactory(
        full_name="Sumarni Wates",
        region_id=WATES,
        household=household,
        phone="081233344455",
        sex="P",
        birth_date=datetime.date(1960, 5, 17),
    )


@pytest.fixture
def complaint(users, wates_person):
    return make_complaint(users["loket"], subject=wates_person)


def consent(**overrides):
    return {
        "consent_given": True,
        "consent_by": "Sumarni",
        "consent_giver": "diri_sendiri",
        "consent_method": "tertulis",
        "consent_at": timezone.now() - datetime.timedelta(minutes=10),
        **overrides,
    }


def draft(user, service, *, complaint=None, person=None, with_consent=False, **data):
    values = {
        "service": service,
        "reason": "Kartu PBI tidak aktif.",
        "request": "Mohon pengaktifan PBI-JK.",
        "consent_given": False,
    }
    if with_consent:
        values.update(consent())
    values.update(data)
    return referral_services.referral_create(data=values, acting_user=user, complaint=complaint, person=person)


def sent(user, service, **kwargs):
    return referral_services.referral_send(draft(user, service, **kwargs), acting_user=user)
