from django.db.models import F
from import_export.fields import Field
from import_export.widgets import ForeignKeyWidget

from onegate.resources import ReferenceResource

from .models import Category


class TopCategoryWidget(ForeignKeyWidget):
    """The parent by its name, among the top categories (a sub-category may share a top's name)."""

    def __init__(self):
        super().__init__(Category, field="name")

    def get_queryset(self, value, row, *args, **kwargs):
        return Category.objects.filter(parent__isnull=True)


class CategoryResource(ReferenceResource):
    """The two-level category tree by names: a row's parent is a top category's name (empty for a
    top category). Top categories come first, so a file imports in one go."""

    parent = Field(attribute="parent", column_name="parent", widget=TopCategoryWidget())

    class Meta(ReferenceResource.Meta):
        model = Category
        fields = ("parent", "name", "sla_working_days", "order", "is_active")
        import_id_fields = ("parent", "name")

    def filter_export(self, queryset, **kwargs):
        return queryset.order_by(F("parent__order").asc(nulls_first=True), "parent__name", "order", "name")
