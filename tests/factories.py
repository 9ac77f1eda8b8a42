import factory
from factory.django import DjangoModelFactory

from onegate.accounts.models import Role, User
from onegate.agencies.models import Agency, AgencyKind


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
