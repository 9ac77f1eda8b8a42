import datetime

import factory
from factory.django import DjangoModelFactory

from referrals.models import RequiredDocument, Service, ServiceSchedule
from tests.factories import AgencyFactory


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Layanan {n}")
    category = "kesehatan"
    description = "Layanan uji."
    eligibility = "Warga miskin."
    application_process = "Datang ke kantor."
    area_id = "35.76"
    sla_working_days = 5


def service_with_details(
    agency, name="Pendaftaran PBI-JK", documents=("KTP", "Kartu Keluarga (KK)"), **kwargs
) -> Service:
    """A service with its documents and office hours (Monday–Thursday, Friday)."""
    service = ServiceFactory(agency=agency, name=name, **kwargs)
    for n, document in enumerate(documents):
        RequiredDocument.objects.create(service=service, document=document, order=n)
    ServiceSchedule.objects.create(
        service=service, first_day=0, last_day=3, opens_at=datetime.time(7, 30), closes_at=datetime.time(16)
    )
    ServiceSchedule.objects.create(
        service=service, first_day=4, last_day=4, opens_at=datetime.time(7, 30), closes_at=datetime.time(11)
    )
    return service
