"""Import and export of reference data in the Django admin (django-import-export): agencies, the
service directory, complaint categories, holidays and users. Each app declares its resources on
:class:`ReferenceResource` in its ``resources.py`` and offers them in its admin.

Exported cells are neutralised as onegate/exports.py does it (a cell a spreadsheet would run as a
formula gets an apostrophe in front); importing such a file takes the apostrophe off again, so an
export imported back changes nothing. Rows are checked like the admin's own forms (the model's
full_clean) and saved one by one, so the audit trail records each change. The people import is not
here: it is OneGate's own (registry/importing, docs/import.md).
"""

from django.db.models import CharField, TextField
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import CacheStorage

from onegate.exports import is_formula_like

LIST_SEPARATOR = "; "


def neutralised(value):
    return "'" + value if is_formula_like(value) else value


def restored(value):
    """The cell as typed before :func:`neutralised`."""
    if isinstance(value, str) and value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def split_list(cell) -> list[str]:
    """A one-cell list ("KTP; KK; SKTM") as its parts."""
    return [part.strip() for part in str(cell or "").split(LIST_SEPARATOR.strip()) if part.strip()]


class DayMonthYearWidget(widgets.DateWidget):
    """Dates as the portal writes them (dd/mm/yyyy), read back in the same way (or ISO): the
    library's default follows settings.DATE_INPUT_FORMATS, which reads 01/05/2031 as 5 January."""

    def __init__(self, coerce_to_string=True):
        super().__init__(format="%d/%m/%Y", coerce_to_string=coerce_to_string)
        self.formats = ("%d/%m/%Y", "%Y-%m-%d")


class ReferenceResource(resources.ModelResource):
    """A model resource whose export no spreadsheet can run, checked like the admin's own forms."""

    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "DateField": DayMonthYearWidget}

    class Meta:
        clean_model_instances = True

    def export_field(self, field, instance, **kwargs):
        return neutralised(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            row[key] = restored(value)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # An empty XLSX cell reads as None: an empty text, as the admin's form would save it.
        for field in instance._meta.concrete_fields:
            if isinstance(field, CharField | TextField) and not field.null and getattr(instance, field.attname) is None:
                setattr(instance, field.attname, "")


class ExpiringCacheStorage(CacheStorage):
    """An uploaded import file kept in the cache for an hour, for its confirmation step."""

    CACHE_LIFETIME = 3600


class ReferenceImportExport(ImportExportMixin):
    """Import and export buttons on an admin page, in the formats people open: CSV and XLSX."""

    formats = [CSV, XLSX]
