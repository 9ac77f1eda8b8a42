"""onegate/reference_cache.py: each capability registers its cached reference data in its
AppConfig.ready(); an edit of such a row empties the cache, so the next list shows it."""

import datetime

import pytest

from complaints.models import Category
from onegate import reference_cache
from onegate.regions.models import Region
from onegate.workdays.models import Holiday
from registry.models import PpksCategory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    reference_cache.clear()
    yield
    reference_cache.clear()


@pytest.mark.parametrize("model", [Region, Category, PpksCategory], ids=lambda m: m._meta.label)
def test_saving_registered_reference_data_empties_the_cache(regions, model):
    reference_cache.cached("choices", lambda: "old")
    model.objects.order_by("pk").last().save()
    assert reference_cache.cached("choices", lambda: "new") == "new"


def test_deleting_registered_reference_data_empties_the_cache():
    category = Category.objects.create(name="Kategori uji", sla_working_days=3)
    reference_cache.cached("choices", lambda: "old")
    category.delete()
    assert reference_cache.cached("choices", lambda: "new") == "new"


def test_data_nobody_registered_keeps_the_cache():
    reference_cache.cached("choices", lambda: "old")
    Holiday.objects.create(date=datetime.date(2031, 1, 1), name="Tahun Baru")
    assert reference_cache.cached("choices", lambda: "new") == "old"
