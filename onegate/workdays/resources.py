from onegate.resources import ReferenceResource

from .models import Holiday


class HolidayResource(ReferenceResource):
    """Public holidays and collective leave days, by date."""

    class Meta(ReferenceResource.Meta):
        model = Holiday
        fields = ("date", "name")
        import_id_fields = ("date",)
