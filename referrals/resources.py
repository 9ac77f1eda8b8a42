import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.widgets import ForeignKeyWidget

from onegate import versioning
from onegate.agencies.models import Agency
from onegate.resources import LIST_SEPARATOR, ReferenceResource, split_list

from .models import ICAL_DAYS, RequiredDocument, Service, ServiceSchedule

# One run of opening hours: "MO-TH 07:30-16:00", "FR 07:30-11:00", "SA 08:00-12:00 (by appointment)".
HOURS = re.compile(
    r"^(?P<first>[A-Z]{2})(?:-(?P<last>[A-Z]{2}))? (?P<opens>\d{1,2}:\d{2})-(?P<closes>\d{1,2}:\d{2})(?: \((?P<note>.*)\))?$"
)


def hours_text(schedule: ServiceSchedule) -> str:
    days = ICAL_DAYS[schedule.first_day]
    if schedule.last_day != schedule.first_day:
        days += "-" + ICAL_DAYS[schedule.last_day]
    text = f"{days} {schedule.opens_at:%H:%M}-{schedule.closes_at:%H:%M}"
    return f"{text} ({schedule.note})" if schedule.note else text


def parse_hours(cell) -> list[ServiceSchedule]:
    """The cell's runs of opening hours as unsaved schedules; ValueError names the first bad one."""
    schedules = []
    for part in split_list(cell):
        match = HOURS.match(part)
        days = match and [ICAL_DAYS.index(d) if d in ICAL_DAYS else None for d in match.group("first", "last")]
        if not match or days[0] is None or (match["last"] and days[1] is None):
            raise ValueError(_("“%(part)s” is not like “MO-TH 07:30-16:00”.") % {"part": part})
        opens, closes = (datetime.time.fromisoformat(match[t].zfill(5)) for t in ("opens", "closes"))
        last = days[0] if days[1] is None else days[1]
        if last < days[0] or closes <= opens:
            raise ValueError(_("“%(part)s”: the days or the hours are in the wrong order.") % {"part": part})
        schedules.append(
            ServiceSchedule(
                first_day=days[0], last_day=last, opens_at=opens, closes_at=closes, note=match["note"] or ""
            )
        )
    return schedules


class ServiceResource(ReferenceResource):
    """The service directory: a service by its agency's code and its name, with its required
    documents ("KTP; KK; SKTM", in order) and opening hours ("MO-TH 07:30-16:00; FR 07:30-11:00",
    iCalendar day codes as in the HSDS export) in one cell each. Importing a row replaces the
    service's documents and hours with the cell's."""

    agency = Field(attribute="agency", column_name="agency", widget=ForeignKeyWidget(Agency, field="code"))
    documents = Field(column_name="documents")
    opening_hours = Field(column_name="opening_hours")

    class Meta(ReferenceResource.Meta):
        model = Service
        fields = (
            "agency",
            "name",
            "category",
            "description",
            "eligibility",
            "application_process",
            "area",
            "area_note",
            "fees",
            "phone",
            "email",
            "url",
            "status",
            "sla_working_days",
            "documents",
            "opening_hours",
        )
        import_id_fields = ("agency", "name")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("agency").prefetch_related("required_documents", "schedules")

    def dehydrate_documents(self, service: Service) -> str:
        return LIST_SEPARATOR.join(d.document for d in service.required_documents.all())

    def dehydrate_opening_hours(self, service: Service) -> str:
        return LIST_SEPARATOR.join(hours_text(s) for s in service.schedules.all())

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance._imported_hours = parse_hours(row.get("opening_hours"))
        except ValueError as exc:
            errors["opening_hours"] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        versioning.save(instance)  # an update takes the service's next version, as an edit does

    def after_save_instance(self, instance, row, **kwargs):
        instance.required_documents.all().delete()
        RequiredDocument.objects.bulk_create(
            RequiredDocument(service=instance, document=document, order=n)
            for n, document in enumerate(dict.fromkeys(split_list(row.get("documents"))))
        )
        instance.schedules.all().delete()
        for schedule in instance._imported_hours:
            schedule.service = instance
        ServiceSchedule.objects.bulk_create(instance._imported_hours)
