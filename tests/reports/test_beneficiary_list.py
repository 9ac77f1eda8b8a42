"""The beneficiary list: paginated by the report itself (fixed rows per page, each kelurahan on
new pages), rendered in parts and joined, with the right "Page X of Y" on every page."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.kinds import beneficiaries
from reports.models import Population, ReportStatus, ReportType
from tests.conftest import KRANGGAN, WATES
from tests.factories import PersonFactory

from .conftest import PAGE_X_OF_Y, pdf_of, person

pytestmark = pytest.mark.django_db
LIST = ReportType.BENEFICIARY_LIST


def page_texts(report) -> list[str]:
    return [page.extract_text() for page in pdf_of(report).pages]


def assert_numbered(texts):
    for number, text in enumerate(texts, start=1):
        assert PAGE_X_OF_Y.search(text).groups() == (str(number), str(len(texts))), text[-200:]


def test_the_list_has_a_cover_then_each_kelurahan_on_its_own_pages(users, registry_data, render):
    report = render(users["manajer"], LIST, regions=[WATES, KRANGGAN])
    assert report.status == ReportStatus.READY, report.error
    texts = page_texts(report)
    assert len(texts) == report.page_count == 3  # the cover, Wates, Kranggan
    assert_numbered(texts)
    cover, wates, kranggan = texts
    assert re.search(
        r"Wates \(35\.76\.02\.1010\)\s+Magersari\s+2\s+2–2", cover
    )  # Ani and Budi; Citra is a draft, Dedi deceased
    assert re.search(r"Kranggan \(35\.76\.03\.1001\)\s+Kranggan\s+2\s+3–3", cover)
    assert "Ani Wates" in wates and "Budi Wates" in wates and "Citra" not in wates and "Dedi" not in wates
    assert "Eko Kranggan" in kranggan and "Fajar Kranggan" in kranggan and "Wates" not in kranggan.split("\n", 1)[1]
    # NIK are masked; the disability and PPKS notes are there.
    ani = registry_data["ani"]
    assert ani.nik not in wates and f"{ani.nik[:4]}********{ani.nik[-4:]}" in wates
    assert "Fisik (Berat)" in wates and "PPKS: " in wates


def test_the_list_can_hold_only_people_with_a_disability(users, registry_data, render):
    report = render(users["manajer"], LIST, regions=[WATES, KRANGGAN], population=Population.DISABILITY)
    text = "\n".join(page_texts(report))
    assert "Ani Wates" in text and "Eko Kranggan" in text and "Fajar" not in text


def test_who_may_ask_for_a_list(users, registry_data, render):
    with pytest.raises(ValidationError):
        render(users["kel.wates"], LIST, regions=[KRANGGAN])
    with pytest.raises(ValidationError):
        render(users["manajer"], LIST, regions=["35.76.02"])  # a kecamatan: choose its kelurahan
    for username in ("loket", "dinkes"):  # a list of names is an export: not for them
        with pytest.raises(PermissionDenied):
            render(users[username], LIST, regions=[WATES])
    report = render(users["kel.wates"], LIST, regions=[WATES])
    assert "Eko" not in "\n".join(page_texts(report))


def test_a_long_list_is_rendered_in_parts_joined_with_the_right_page_numbers(
    users, registry_data, render, monkeypatch, settings
):
    monkeypatch.setattr(beneficiaries, "PAGES_PER_PART", 1)  # every page its own part
    settings.REPORT_RENDER_PROCESSES = 2
    long_name = "Raden Ajeng " + "Kusumawardhani " * 9  # far longer than a row holds
    zaenal = person("Zaenal Wates", WATES)
    type(zaenal.household).objects.filter(pk=zaenal.household_id).update(address="Jl. " + "Panjang Sekali " * 19)
    PersonFactory.create_batch(35, region_id=WATES, status="verified")
    PersonFactory(full_name=long_name, region_id=WATES, status="verified")
    report = render(users["manajer"], LIST, regions=[WATES])
    texts = page_texts(report)
    # Ani, Budi, Zaenal and 36 more in Wates: 39: 16 + 16 + 7 rows, after the cover.
    assert len(texts) == 4 and report.page_count == 4
    assert_numbered(texts)
    numbers = [int(n) for text in texts[1:] for n in re.findall(r"^(\d+) ", text, re.MULTILINE)]
    assert numbers == list(range(1, 40))
    assert "Raden Ajeng Kusumawardhani" in texts[3] or "Raden Ajeng Kusumawardhani" in texts[1] + texts[2]
    assert long_name.strip() not in "\n".join(texts)  # shortened to fit its row…
    assert "…" in "\n".join(texts)


def test_the_joined_list_is_still_a_tagged_landscape_a4_document(users, registry_data, render, monkeypatch, settings):
    monkeypatch.setattr(beneficiaries, "PAGES_PER_PART", 1)
    report = render(users["manajer"], LIST, regions=[WATES, KRANGGAN])
    reader = pdf_of(report)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == settings.LANGUAGE_CODE and root["/MarkInfo"]["/Marked"]
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    assert reader.metadata.title == str(ReportType.BENEFICIARY_LIST.label)
    document = root["/StructTreeRoot"]["/K"][0].get_object()
    assert [part.get_object()["/S"] for part in document["/K"]] == ["/Part", "/Part", "/Part"]
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(842, 595)}
