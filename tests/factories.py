import datetime

import factory
from factory.django import DjangoModelFactory

from onegate.accounts.models import Role, User
from onegate.agencies.models import Agency, AgencyKind
from onegate.regions.models import Region, RegionLevel


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"instansi-{n}")
    name = factory.Sequence(lambda n: f"Instansi {n}")
    kind = AgencyKind.GOVERNMENT
    region_id = "35.76"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    role = Role.MANAGER
    region_id = "35.76"
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegionFactory(DjangoModelFactory):
    """A kelurahan under Kota Mojokerto's Magersari by default; pass ``code``/``parent`` for others."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"35.76.02.{1900 + n}")
    name = factory.Sequence(lambda n: f"Kelurahan Uji {n}")
    level = RegionLevel.KELURAHAN
    parent_id = factory.LazyAttribute(lambda r: r.code.rsplit(".", 1)[0])


def nik_for(kecamatan: str, born, sex: str, serial: int) -> str:
    """A NIK that agrees with the person: kecamatan digits, birth date (+40 for women), serial."""
    day = born.day + (40 if sex == "P" else 0)
    return f"{kecamatan.replace('.', '')[:6]}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = "registry.Household"

    kk_number = factory.Sequence(lambda n: f"357602{n:010d}")
    address = factory.Sequence(lambda n: f"Jl. Pahlawan No. {n}")
    rt = "002"
    rw = "004"
    region_id = "35.76.02.1010"  # Wates


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = "registry.Person"

    full_name = factory.Faker("name", locale="id_ID")
    sex = "L"
    birth_place = "Mojokerto"
    birth_date = factory.Sequence(lambda n: datetime.date(1970, 1, 1) + datetime.timedelta(days=n * 37))
    region_id = "35.76.02.1010"
    nik = factory.LazyAttributeSequence(lambda p, n: nik_for(p.region_id, p.birth_date, p.sex, n + 1))
