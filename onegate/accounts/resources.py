from import_export.fields import Field
from import_export.widgets import ForeignKeyWidget

from onegate.agencies.models import Agency
from onegate.resources import ReferenceResource

from .models import User


class UserResource(ReferenceResource):
    """Accounts by username, with role, region scope and agency: never a password (nor its hash),
    and no staff or superuser flags. A new account gets no usable password: the administrator sets
    one (or the person resets it) before its first login."""

    agency = Field(attribute="agency", column_name="agency", widget=ForeignKeyWidget(Agency, field="code"))

    class Meta(ReferenceResource.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "phone", "role", "region", "agency", "is_active")
        import_id_fields = ("username",)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.pk is None:  # before the model's checks, which want a password
            instance.set_unusable_password()
