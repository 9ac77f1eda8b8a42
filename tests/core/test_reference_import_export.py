"""Reference data in and out of the Django admin (django-import-export, onegate/resources.py): each
resource's export imported back gives the same rows (CSV and XLSX); formula-like cells leave the
portal neutralised and come back as typed; users travel without passwords."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from complaints.models import Category
from complaints.resources import CategoryResource
from onegate.accounts.models import Role, User
from onegate.accounts.resources import UserResource
from onegate.agencies.models import Agency
from onegate.agencies.resources import AgencyResource
from onegate.workdays.models import Holiday
from onegate.workdays.resources import HolidayResource
from referrals.models import Service
from referrals.resources import ServiceResource
from tests.conftest import CITY, WATES
from tests.referrals.factories import service_with_details

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example/","klik")'


def export_file(resource_class, file_format):
    return file_format.export_data(resource_class().export())


def import_file(resource_class, file_format, data):
    """Import like the admin's confirmation step; fails the test on any row error."""
    dataset = file_format.create_dataset(data)
    result = resource_class().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    assert not result.has_validation_errors(), [(r.number, r.error_dict) for r in result.invalid_rows]
    return result


def cells(data, file_format) -> list[list[str]]:
    dataset = file_format.create_dataset(data)
    return [[str(c) for c in dataset.headers], *([str(c) for c in row] for row in dataset)]


@pytest.fixture(params=[CSV, XLSX], ids=["csv", "xlsx"])
def file_format(request):
    return request.param()


def test_agencies_round_trip_and_a_formula_comes_back_as_typed(dinkes, disdukcapil, file_format):
    Agency.objects.filter(pk=dinkes.pk).update(description=FORMULA, phone="0321-123", website="https://dinkes.example")
    snapshot = list(Agency.objects.order_by("code").values())
    data = export_file(AgencyResource, file_format)
    exported = cells(data, file_format)
    assert not any(cell.startswith("=") for row in exported for cell in row)
    assert "'" + FORMULA in exported[[row[0] for row in exported].index("dinkes")]
    Agency.objects.filter(pk=dinkes.pk).update(name="Changed", description="", phone="")
    import_file(AgencyResource, file_format, data)
    assert list(Agency.objects.order_by("code").values()) == snapshot


def test_services_round_trip_with_their_documents_and_opening_hours(dinkes, file_format):
    service = service_with_details(dinkes, documents=("KTP", "KK", "SKTM"), fees=FORMULA)
    service.schedules.filter(first_day=4).update(note="istirahat 11:00")

    def details():
        services = Service.objects.order_by("name").prefetch_related("required_documents", "schedules")
        return [
            (
                {
                    k: v
                    for k, v in s.__dict__.items()
                    if not k.startswith("_") and k not in ("id", "version", "updated_at")
                },
                [d.document for d in s.required_documents.all()],
                [(h.first_day, h.last_day, h.opens_at, h.closes_at, h.note) for h in s.schedules.all()],
            )
            for s in services
        ]

    before = details()
    data = export_file(ServiceResource, file_format)
    row = dict(zip(*cells(data, file_format)[:2], strict=True))
    assert row["documents"] == "KTP; KK; SKTM"
    assert row["opening_hours"] == "MO-TH 07:30-16:00; FR 07:30-11:00 (istirahat 11:00)"
    service.required_documents.all().delete()
    service.schedules.all().delete()
    Service.objects.filter(pk=service.pk).update(description="changed")
    import_file(ServiceResource, file_format, data)
    assert details() == before
    assert Service.objects.get(pk=service.pk).version == service.version + 1  # an edit like the form's

    Service.objects.all().delete()  # and into an empty directory
    import_file(ServiceResource, file_format, data)
    assert details() == before


def test_bad_opening_hours_are_a_row_error_and_nothing_is_saved(dinkes):
    service_with_details(dinkes)
    data = export_file(ServiceResource, CSV()).replace("MO-TH 07:30-16:00", "Senin 07:30")
    dataset = CSV().create_dataset(data)
    result = ServiceResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert result.has_validation_errors()
    assert "opening_hours" in result.invalid_rows[0].error_dict
    assert Service.objects.get().schedules.count() == 2


def test_categories_round_trip_tops_before_their_sub_categories(db, file_format):
    assert Category.objects.filter(parent__isnull=False).exists()

    def tree():
        return sorted(
            Category.objects.values_list("parent__name", "name", "sla_working_days", "order", "is_active"),
            key=lambda row: (row[0] or "", row[1]),
        )

    before = tree()
    data = export_file(CategoryResource, file_format)
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    import_file(CategoryResource, file_format, data)
    assert tree() == before


def test_holidays_round_trip(db, file_format):
    Holiday.objects.create(date=datetime.date(2027, 1, 1), name="Tahun Baru 2027")
    Holiday.objects.create(date=datetime.date(2027, 3, 20), name="Idul Fitri 1448 H")
    before = list(Holiday.objects.values_list("date", "name"))
    data = export_file(HolidayResource, file_format)
    if isinstance(file_format, CSV):
        assert "01/01/2027,Tahun Baru 2027" in data  # dd/mm/yyyy, as the portal writes dates
    Holiday.objects.all().delete()
    import_file(HolidayResource, file_format, data)
    assert list(Holiday.objects.values_list("date", "name")) == before


def test_users_travel_without_passwords_and_arrive_without_a_usable_one(users, file_format):
    loket = users["loket"]
    data = export_file(UserResource, file_format)
    exported = cells(data, file_format)
    assert not {"password", "is_superuser", "is_staff"} & set(exported[0])
    assert not any(
        loket.password in cell or cell.startswith(("md5$", "pbkdf2", "argon2")) for r in exported for cell in r
    )
    before = list(User.objects.order_by("username").values_list("username", "role", "region", "agency__code"))

    User.objects.filter(username="kel.wates").delete()
    User.objects.filter(pk=loket.pk).update(first_name="Changed", region_id=WATES)
    import_file(UserResource, file_format, data)

    assert list(User.objects.order_by("username").values_list("username", "role", "region", "agency__code")) == before
    returned = User.objects.get(username="kel.wates")
    assert not returned.has_usable_password() and returned.region_id == WATES
    assert User.objects.get(pk=loket.pk).password == loket.password  # an existing account keeps its own


def admin_upload(client, model, content: str, name="file.csv"):
    """The admin's import page, file uploaded: its preview (dry run)."""
    opts = model._meta
    upload = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})


def test_an_import_through_the_admin_is_previewed_then_confirmed(users, client_for):
    client = client_for(users["admin"])
    preview = admin_upload(client, Holiday, "date,name\n01/05/2031,Hari Buruh\n")
    assert preview.status_code == 200 and not Holiday.objects.filter(name="Hari Buruh").exists()
    confirm = preview.context["confirm_form"]
    response = client.post(reverse("admin:workdays_holiday_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Holiday.objects.get(name="Hari Buruh").date == datetime.date(2031, 5, 1)


def test_a_file_with_a_bad_row_cannot_be_confirmed_and_saves_nothing(users, client_for):
    client = client_for(users["admin"])
    header = "username,first_name,last_name,email,phone,role,region,agency,is_active\n"
    rows = f"kota,Kota,,,,{Role.MANAGER},{CITY},,1\nbaru,Baru,,,,{Role.MANAGER},,,1\n"
    preview = admin_upload(client, User, header + rows)
    assert preview.status_code == 200 and preview.context.get("confirm_form") is None
    assert "region" in preview.context["result"].invalid_rows[0].error_dict
    assert not User.objects.filter(username__in=["baru", "kota"]).exists()


@pytest.mark.parametrize("model", [Agency, Service, Category, Holiday, User], ids=lambda m: m._meta.label)
def test_the_admin_offers_import_and_export_in_csv_and_xlsx(users, client_for, model):
    client = client_for(users["admin"])
    opts = model._meta
    for action in ("import", "export"):
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}"))
        assert page.status_code == 200
        assert 'value="0"' in page.text and ">csv<" in page.text.lower() and ">xlsx<" in page.text.lower()


def test_an_export_through_the_admin_is_neutralised(users, client_for, dinkes):
    Agency.objects.filter(pk=dinkes.pk).update(description=FORMULA)
    client = client_for(users["admin"])
    url = reverse("admin:agencies_agency_export")
    form = client.get(url).context["form"]
    data = {
        "format": "0",
        "resource": "0",
        **{name: "on" for name in form.fields if name.startswith("agencyresource_")},
    }
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    text = response.content.decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text and ',"=HYPERLINK' not in text
