from onegate.resources import ReferenceResource

from .models import Agency


class AgencyResource(ReferenceResource):
    """Agencies by their short code; the region served by its Kemendagri code."""

    class Meta(ReferenceResource.Meta):
        model = Agency
        fields = (
            "code",
            "name",
            "kind",
            "region",
            "description",
            "address",
            "postal_code",
            "phone",
            "email",
            "website",
            "is_active",
        )
        import_id_fields = ("code",)
