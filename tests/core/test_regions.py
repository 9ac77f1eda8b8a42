from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from onegate.regions.models import Region, code_within, within_q
from onegate.regions.services import RegionFileError, load_demo_regions, load_regions

NATIONAL_FILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "wilayah-kemendagri-2025.csv"
HEADER = "code,name,level,parent_code\n"


@pytest.mark.django_db
def test_it_loads_the_demo_regions_with_their_hierarchy():
    report = load_demo_regions()
    assert len(report.created) == 461
    wates = Region.objects.get(code="35.76.02.1010")
    assert wates.name == "Wates" and wates.level == "kelurahan"
    assert [r.code for r in wates.ancestors()] == ["35", "35.76", "35.76.02"]
    assert Region.objects.filter(parent_id="35.76").count() == 3
    assert Region.objects.filter(code__startswith="35.76.", level="kelurahan").count() == 18
    assert wates.nik_prefix == "3576021010"


@pytest.mark.django_db
def test_it_is_idempotent_and_reports_changes():
    load_demo_regions()
    again = load_demo_regions()
    assert again.created == [] and again.updated == [] and again.unchanged == 461

    renamed = HEADER + "35.76.02.1010,Wates Baru,kelurahan,35.76.02\n35.76.02.1099,Kelurahan Uji,kelurahan,35.76.02\n"
    report = load_regions(renamed)
    assert report.updated == ["35.76.02.1010"]
    assert report.created == ["35.76.02.1099"]
    assert report.not_in_file == 460
    assert Region.objects.get(code="35.76.02.1010").name == "Wates Baru"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "line, message",
    [
        ("35.76.02.1010,Wates,kota,35.76.02", "does not fit level kota"),
        ("35.76.02.1010,Wates,dusun,35.76.02", "unknown level"),
        ("35.76.02.1010,,kelurahan,35.76.02", "empty name"),
        ("35.76.02.1010,Wates,kelurahan,35.76.03", "is not the code's parent"),
        ("35.76.09.1010,Entah,kelurahan,35.76.09", "neither in the file nor loaded"),
    ],
)
def test_it_rejects_a_bad_file_whole_and_names_the_line(line, message):
    good = "35,Jawa Timur,provinsi,\n35.76,Kota Mojokerto,kota,35\n35.76.02,Magersari,kecamatan,35.76\n"
    with pytest.raises(RegionFileError) as excinfo:
        load_regions(HEADER + good + line + "\n")
    assert message in str(excinfo.value)
    assert "line 5" in str(excinfo.value) or "35.76.09.1010" in str(excinfo.value)
    assert Region.objects.count() == 0  # nothing of the file was written


@pytest.mark.django_db
def test_it_rejects_missing_columns():
    with pytest.raises(RegionFileError, match="missing column"):
        load_regions("kode,nama\n35,Jawa Timur\n")


@pytest.mark.django_db
def test_the_command_reports_and_fails_clearly(tmp_path, capsys):
    call_command("load_regions")
    assert "461 created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "35,Jawa Timur,negara,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing loaded.*line 2: unknown level"):
        call_command("load_regions", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_regions", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
@pytest.mark.skipif(not NATIONAL_FILE.exists(), reason="the national file is in ../shared (CI and developers)")
def test_it_loads_the_national_file(capsys):
    call_command("load_regions", str(NATIONAL_FILE))
    assert "91599 created" in capsys.readouterr().out
    assert Region.objects.filter(level__in=["kelurahan", "desa"]).count() == 83762
    call_command("load_regions", str(NATIONAL_FILE))
    assert "0 created, 0 updated, 91599 unchanged" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_new_kelurahan_falls_inside_its_city_scope():
    from tests.factories import RegionFactory

    load_demo_regions()
    new = RegionFactory()
    city = Region.objects.get(code="35.76")
    assert city.contains(new) and not Region.objects.get(code="33.16").contains(new)


@pytest.mark.django_db
def test_within_means_the_region_itself_or_under_it():
    load_demo_regions()
    kecamatan = Region.objects.get(code="35.76.02")
    under = set(Region.objects.within("35.76.02").values_list("code", flat=True))
    assert under == {"35.76.02", *kecamatan.children.values_list("code", flat=True)} and len(under) > 1
    assert code_within("35.76.02.1010", "35.76") and code_within("35.76", "35.76")
    assert not code_within("35.761", "35.76") and not code_within("35.76", "35.76.02")
    people_q = within_q("region", "35.76.02")
    assert people_q == Q(region__code="35.76.02") | Q(region__code__startswith="35.76.02.")
