from django.contrib import admin

from onegate.resources import ReferenceImportExport

from .models import Category
from .resources import CategoryResource


class SubCategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ("name", "sla_working_days", "order", "is_active")
    extra = 1


@admin.register(Category)
class CategoryAdmin(ReferenceImportExport, admin.ModelAdmin):
    """The two-level category tree and each category's SLA, managed by administrators."""

    resource_classes = [CategoryResource]
    list_display = ("name", "parent", "sla_working_days", "order", "is_active")
    list_filter = ("is_active", ("parent", admin.EmptyFieldListFilter))
    search_fields = ("name",)
    inlines = [SubCategoryInline]

    def get_inlines(self, request, obj):
        # Only top categories have sub-categories: the tree has two levels.
        return self.inlines if obj is None or obj.parent_id is None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
